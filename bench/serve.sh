#!/usr/bin/env bash
# Serving latency, Vitrine beside nginx: both serve the demo gallery's pages (nginx the
# static export of the same Release: gallery, about and every entry page), and `vitrine bench serve` sends the same
# open-loop load to each, printing latency percentiles and the p99 ratio (docs/benchmarks.md).
#   usage: bench/serve.sh [--rate 1000] [--seconds 10] [--rounds 3] [--no-pin]
# On a machine with two or more cores both servers run on the first core and the load
# generator on the others (taskset), as issue 15 asks ("the load generator on its own
# core"), so the latency measures the servers, not the generator competing with them;
# --no-pin lets them share. Each round loads nginx, then Vitrine, so both see the same
# noise. Needs nginx on PATH (Debian: apt-get install nginx-light). Ports 18090 and 18091.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=1000 seconds=10 rounds=3 pin=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2;;
    --seconds) seconds=$2; shift 2;;
    --rounds) rounds=$2; shift 2;;
    --no-pin) pin=""; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }
cargo build --release --quiet
BIN=$PWD/target/release/vitrine
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers may run as another user
cleanup() { kill "${VPID:-}" 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
SERVER_CPU=() LOAD_CPU=() where="Tokio on all cores; the load generator shares them"
cores=$(nproc)
if [ -n "$pin" ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_CPU=(taskset -c 0) LOAD_CPU=(taskset -c "1-$((cores - 1))")
  where="both servers on core 0, the load generator on cores 1-$((cores - 1))"
fi

VITRINE_LOG=warn "${SERVER_CPU[@]}" "$BIN" --data "$WORK/data" serve --listen 127.0.0.1:18090 >"$WORK/vitrine.log" 2>&1 &
VPID=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18090/readyz >/dev/null && break; sleep 0.5; done

# The pages: home, gallery, about and every entry page the gallery links to.
paths="/ /link-worker-retention/ /link-worker-retention/about"
paths="$paths $(curl -s http://127.0.0.1:18090/link-worker-retention/ | grep -o 'href="/link-worker-retention/entries/[^"#]*"' | sed 's/href="//;s/"$//' | sort -u | tr '\n' ' ')"

# What nginx serves: `vitrine export site` of the same Release, the static site a team
# would hand to its web team (issue 12), at the export's own file names.
"$BIN" --data "$WORK/data" export site link-worker-retention "$WORK/site" >/dev/null 2>&1
chmod -R a+rX "$WORK/site"
npaths="/index.html /about.html $(cd "$WORK/site" && ls entries/*.html | sed 's|^|/|' | tr '\n' ' ')"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  default_type text/html;
  server {
    listen 127.0.0.1:18091;
    root $WORK/site;
    location / { try_files \$uri =404; }
  }
}
CONF
mkdir -p "$WORK/tmp"
"${SERVER_CPU[@]}" "$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.5

# The home page (a list of studies) has no counterpart in an export.
paths=$(echo $paths | tr ' ' '\n' | grep -v '^/$' | tr '\n' ' ')
count=$(echo $paths | wc -w)
[ "$count" -eq "$(echo $npaths | wc -w)" ] || { echo "the export does not hold the served pages" >&2; exit 1; }
echo "pages: $count; rate: $rate/s for $seconds s each, $rounds rounds; vitrine (1 process) vs nginx (1 worker); $where"
vurls=$(for p in $paths; do printf 'http://127.0.0.1:18090%s ' "$p"; done)
nurls=$(for p in $npaths; do printf 'http://127.0.0.1:18091%s ' "$p"; done)
p99() { echo "$1" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p'; }
for round in $(seq 1 "$rounds"); do
  nline=$("${LOAD_CPU[@]}" "$BIN" bench serve --target nginx --rate "$rate" --seconds "$seconds" $nurls)
  echo "round $round: $nline"
  vline=$("${LOAD_CPU[@]}" "$BIN" bench serve --target vitrine --rate "$rate" --seconds "$seconds" $vurls)
  echo "round $round: $vline"
  awk -v r="$round" -v v="$(p99 "$vline")" -v n="$(p99 "$nline")" 'BEGIN { printf "round %d: p99 vitrine/nginx = %.2f (target <= 1.5; absolute target p99 <= 5 ms)\n", r, v / n }'
done
