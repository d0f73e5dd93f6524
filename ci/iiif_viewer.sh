#!/usr/bin/env bash
# Open a study's IIIF documents in a real viewer: Mirador (its self-contained UMD
# bundle from npm, no bundler) in Chromium. Exports the study's latest Release with
# --base-url pointing at a throw-away local server, serves the export beside a
# one-page Mirador, and runs ci/iiif_viewer.mjs, which opens every prompt's
# manifest from the collection and checks titles, canvases, images and thumbnails.
# Offline after the first install (the npm tarball is kept in a cache folder).
#
#   ci/iiif_viewer.sh VITRINE_BIN DATA_DIR STUDY [DOCUMENT]
#
# DOCUMENT is a file under the export's iiif/ (default collection.json; a prompt's
# PROMPT.json opens that manifest alone). Needs python3, playwright-core from the
# audit tool's node_modules (AUDIT_DIR) and Debian's Chromium (CHROME_PATH).
set -euo pipefail
VITRINE=${1:?usage: $0 VITRINE_BIN DATA_DIR STUDY [DOCUMENT]}
DATA=${2:?usage: $0 VITRINE_BIN DATA_DIR STUDY [DOCUMENT]}
STUDY=${3:?usage: $0 VITRINE_BIN DATA_DIR STUDY [DOCUMENT]}
DOCUMENT=${4:-collection.json}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-iiif-viewer
# Mirador 4's npm package ships dist/mirador.min.js, a UMD bundle with React, MUI and
# OpenSeadragon inside: the tarball is all it needs (npm install would fetch its
# hundreds of dependencies for nothing). Pinned by version and integrity.
PKG=mirador@4.0.0
INTEGRITY=sha512-uWsE9e2oqSc/lUu+vVwDGhTsycuhGsfZ2KfX6CLfXiT3wgGy6qT9+q5M3V9Zz72hkdIgsJugKesaowmRtYmvrA==
if [ "$(cat "$CACHE/.installed" 2>/dev/null)" != "$PKG $INTEGRITY" ]; then
  rm -rf "$CACHE" && mkdir -p "$CACHE"
  tarball=$(cd "$CACHE" && npm pack "$PKG" --ignore-scripts --silent --pack-destination "$CACHE")
  got=sha512-$(openssl dgst -sha512 -binary "$CACHE/$tarball" | base64 -w0)
  [ "$got" = "$INTEGRITY" ] || { echo "iiif_viewer: $PKG tarball has integrity $got, not $INTEGRITY"; exit 1; }
  tar xzf "$CACHE/$tarball" -C "$CACHE" package/dist/mirador.min.js package/LICENSE package/package.json
  rm "$CACHE/$tarball"
  echo "$PKG $INTEGRITY" >"$CACHE/.installed"
fi

ROOT=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$ROOT"
}
trap cleanup EXIT
# One origin serves /viewer/ (the page and the bundle) and /export/ (the study), so
# the viewer's canvas can be read back; the export itself gets no viewer files.
mkdir -p "$ROOT/www/viewer"
cp "$CACHE/package/dist/mirador.min.js" "$ROOT/www/viewer/"
cat >"$ROOT/www/viewer/index.html" <<'EOF'
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mirador</title>
<link rel="icon" href="data:,">
<style>html, body { margin: 0; height: 100%; } #viewer { position: absolute; inset: 0; }</style>
</head>
<body>
<div id="viewer"></div>
<script src="mirador.min.js"></script>
<script>
  Mirador.viewer({
    id: 'viewer',
    windows: [{
      manifestId: new URLSearchParams(location.search).get('manifest'),
      thumbnailNavigationPosition: 'far-bottom',
    }],
    workspaceControlPanel: { enabled: false },
  });
</script>
</body>
</html>
EOF
# Port 0: the system picks a free port, which the server prints.
: >"$ROOT/server.log"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$ROOT/www" >"$ROOT/server.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 40); do
  PORT=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$ROOT/server.log")
  [ -n "$PORT" ] && break
  sleep 0.25
done
[ -n "$PORT" ] || { cat "$ROOT/server.log"; echo "iiif_viewer: the static server did not start"; exit 1; }
BASE="http://127.0.0.1:$PORT"
if ! "$VITRINE" --data "$DATA" export site "$STUDY" "$ROOT/www/export" --base-url "$BASE/export/" \
    >"$ROOT/export.log" 2>&1; then
  cat "$ROOT/export.log"; echo "iiif_viewer: the export failed"; exit 1
fi
VIEWER="$PKG" node "$HERE/iiif_viewer.mjs" "$BASE/viewer/index.html" "$BASE/export/iiif/$DOCUMENT"
