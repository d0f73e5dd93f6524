#!/usr/bin/env bash
# Validate every *.html page under DIR (e.g. a `vitrine export site` output)
# with the Nu HTML checker (vnu) and html-validate. Prints every error and
# exits non-zero if either checker reports one.   Usage: ci/validate_html.sh DIR
#
# The one-off install needs the npm registry (and Debian's, if java is
# missing); later runs reuse the cache and are offline.
set -euo pipefail
DIR=${1:?usage: $0 DIR}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-html-validators
# Pinned. html-validate 10.17.0 is the last release for Node 20 (11.x needs
# Node >= 22); vnu-jar ships vnu.jar itself inside the npm package.
PKGS="vnu-jar@26.9.27 html-validate@10.17.0"

# 1. npm packages into a cached prefix, unless the stamp says it holds PKGS.
# --ignore-scripts: vnu-jar's postinstall downloads a Java runtime from the
# internet, which we neither need nor can reach; nothing else has scripts.
if [ "$(cat "$CACHE/.installed" 2>/dev/null)" != "$PKGS" ]; then
  rm -rf "$CACHE" && mkdir -p "$CACHE"
  # shellcheck disable=SC2086
  npm install --prefix "$CACHE" --ignore-scripts --no-audit --no-fund --loglevel=error $PKGS >/dev/null
  echo "$PKGS" >"$CACHE/.installed"
fi
# 2. A Java runtime for vnu.jar (Java 11+), from Debian, only if none is there.
if ! command -v java >/dev/null; then
  apt-get -o DPkg::Lock::Timeout=300 -qq update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq install -y \
    --no-install-recommends openjdk-17-jre-headless >/dev/null
fi

mapfile -d '' PAGES < <(find "$DIR" -type f -name '*.html' -print0 | sort -z)
[ ${#PAGES[@]} -gt 0 ] || { echo "validate_html: no *.html under $DIR" >&2; exit 1; }
STATUS=0

# 3. Nu HTML checker: all pages in one JVM; exits 1 on any error. No
# --filterpattern: none of its messages on our pages is a false positive.
echo "validate_html: vnu on ${#PAGES[@]} pages"
java -jar "$CACHE/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --format gnu \
  "${PAGES[@]}" || STATUS=1

# 4. html-validate with the recommended preset (--config is only the base: a
# .htmlvalidate.json beside or above the pages would still be merged in, and
# an export has none). No rule is turned off.
# doctype-style is set to our convention, not disabled: templates/base.html and
# admin/base.html write `<!doctype html>`, which HTML allows in any case; the
# preset only wants one spelling used throughout, and it defaults to uppercase.
CONF="$CACHE/htmlvalidate.json"
cat >"$CONF" <<'JSON'
{
  "extends": ["html-validate:recommended"],
  "rules": { "doctype-style": ["error", { "style": "lowercase" }] }
}
JSON
echo "validate_html: html-validate on ${#PAGES[@]} pages"
"$CACHE/node_modules/.bin/html-validate" --config "$CONF" --formatter codeframe \
  "${PAGES[@]}" || STATUS=1

[ "$STATUS" = 0 ] && echo "validate_html: no errors in ${#PAGES[@]} pages"
exit "$STATUS"
