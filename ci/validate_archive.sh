#!/usr/bin/env bash
# Validate a `vitrine export archive` output offline: a BagIt 1.0 bag whose
# payload data/ is an RO-Crate 1.1.   Usage: ci/validate_archive.sh BAG_DIR
#
# Offline: ci/rocrate_offline.py serves the RO-Crate 1.1 JSON-LD context,
# version 1.1.0 of https://w3id.org/ro/crate/1.1/context, from the copy bundled
# in PyPI rocrate==0.15.1 (rocrate/data/ro-crate.jsonld; 0.16+ ships 1.3), and
# blocks all other network access. Only the one-off install needs PyPI.
set -euo pipefail
BAG=${1:?usage: $0 BAG_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-validators
# roc-validator is rocrate-validator's PyPI name. Pinned: the wrapper relies on
# how 0.13 fetches contexts, and rocrate 0.15.1 is the last to bundle 1.1.
# cffconvert checks the deposit's CITATION.cff against the CFF 1.2.0 schema.
PKGS="bagit==1.9.0 roc-validator==0.13.0 rocrate==0.15.1 cffconvert==2.0.0"

source "$(dirname "$0")/venv.sh"
cached_venv "$VENV" "$PKGS"

# 2. BagIt: declared version, then manifests/checksums/Payload-Oxum (exits 1 on
# any missing, extra or altered payload file).
grep -qx 'BagIt-Version: 1.0' <(tr -d '\r' <"$BAG/bagit.txt") ||
  { echo "validate_archive: $BAG/bagit.txt does not declare BagIt-Version: 1.0" >&2; exit 1; }
"$VENV/bin/bagit.py" --quiet --validate "$BAG" # --quiet still logs errors
echo "validate_archive: bagit.py: $BAG is a valid bag"

# 3. RO-Crate 1.1, offline. Exit 1 if any REQUIRED check fails (2 on errors);
# -v prints every failed check. --no-cache: no on-disk HTTP cache is needed.
# Run from inside data/: 0.13 misreads a crate whose path holds a space.
(cd "$BAG/data" && "$VENV/bin/python" "$HERE/rocrate_offline.py" -y --disable-color \
  validate -p ro-crate-1.1 -l required --no-paging --no-cache -v .)

# 4. The citation file at the payload's root (Citation File Format 1.2.0).
"$VENV/bin/cffconvert" --validate -i "$BAG/data/CITATION.cff"
echo "validate_archive: $BAG is a valid BagIt 1.0 bag holding a valid RO-Crate 1.1 and CITATION.cff"
