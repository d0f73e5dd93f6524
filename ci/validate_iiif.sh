#!/usr/bin/env bash
# Validate the IIIF Presentation 3 documents of a static export (DIR/iiif/*.json),
# offline after the first install: @iiif/parser's strict upgrade with warnings as
# errors plus structural checks (ci/validate_iiif.mjs), then iiif-prezi3's models
# (ci/iiif_prezi3_load.py).   Usage: ci/validate_iiif.sh EXPORT_DIR
set -euo pipefail
DIR=${1:?usage: $0 EXPORT_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-iiif-validators
PKGS="@iiif/parser@2.2.10 iiif-prezi3==3.1.1"
if [ "$(cat "$CACHE/.installed" 2>/dev/null)" != "$PKGS" ]; then
  rm -rf "$CACHE" && mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --ignore-scripts --no-audit --no-fund --loglevel=error @iiif/parser@2.2.10 >/dev/null
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check iiif-prezi3==3.1.1
  echo "$PKGS" >"$CACHE/.installed"
fi
node "$HERE/validate_iiif.mjs" "$DIR" "$CACHE/node_modules"
"$CACHE/venv/bin/python" "$HERE/iiif_prezi3_load.py" "$DIR"
echo "validate_iiif: $DIR/iiif validates"
