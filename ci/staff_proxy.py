#!/usr/bin/env python3
"""A signed-in browser for tools that cannot set cookies.

Listens on 127.0.0.1:LISTEN and forwards every request to the Vitrine server at
127.0.0.1:UPSTREAM, adding `Cookie: vitrine_session=TOKEN`, so the accessibility
audit (Playwright and Lighthouse alike) sees workspace pages as a signed-in
person. The Host header is rewritten to the upstream's, so the server sees the
same origin it would see from a browser; redirects back to it are rewritten to
the proxy. Standard library only; one thread per connection.

    python3 ci/staff_proxy.py TOKEN [--listen 18081] [--upstream 18080]
"""

import argparse
import http.client
import http.server
import socketserver
import sys

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


def make_handler(token, upstream):
    upstream_origin = f"http://127.0.0.1:{upstream}"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def forward(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in HOP_BY_HOP and k.lower() not in ("host", "cookie")
            }
            headers["Host"] = f"127.0.0.1:{upstream}"
            headers["Cookie"] = f"vitrine_session={token}"
            if "Origin" in headers or "origin" in headers:
                headers.pop("origin", None)
                headers["Origin"] = upstream_origin
            conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=120)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except OSError as e:
                self.send_error(502, f"upstream: {e}")
                return
            finally:
                conn.close()
            self.send_response(resp.status, resp.reason)
            for k, v in resp.getheaders():
                lower = k.lower()
                if lower in HOP_BY_HOP or lower in ("content-length", "set-cookie"):
                    continue
                if lower == "location" and v.startswith(upstream_origin):
                    v = v[len(upstream_origin):] or "/"
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_HEAD = forward

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("token", help="the vitrine_session cookie value")
    parser.add_argument("--listen", type=int, default=18081)
    parser.add_argument("--upstream", type=int, default=18080)
    args = parser.parse_args()
    if len(args.token) != 64 or any(c not in "0123456789abcdef" for c in args.token):
        sys.exit("the token must be the 64 hex digits of a vitrine_session cookie")
    server = Server(("127.0.0.1", args.listen), make_handler(args.token, args.upstream))
    print(f"staff proxy on 127.0.0.1:{args.listen} -> 127.0.0.1:{args.upstream}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
