#!/usr/bin/env python3
"""Run rocrate-validator (PyPI: roc-validator) with no network access.

Context served: the RO-Crate 1.1 JSON-LD context, version 1.1.0, for
https://w3id.org/ro/crate/1.1/context, read from the copy bundled in the PyPI
package rocrate==0.15.1 (rocrate/data/ro-crate.jsonld). rocrate 0.16+ bundles
the 1.3 context instead, hence the pin in validate_archive.sh.

rocrate-validator fetches remote contexts through requests (its HttpRequester,
which also backs its rdflib JSON-LD document loader) and falls back to urllib.
We answer the context URL inside requests' transport adapter and refuse every
other connection (requests, urllib, raw sockets), so nothing ever leaves the
machine and a check that would need the web fails instead of hanging.

Usage: python rocrate_offline.py ARGS...   (same ARGS as `rocrate-validator`)
"""
import importlib.resources
import json
import socket
import sys

import requests
from requests.adapters import HTTPAdapter

CONTEXT = importlib.resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_bytes()
assert json.loads(CONTEXT)["@id"] == "https://w3id.org/ro/crate/1.1/context", "rocrate must be 0.15.1"
CONTEXT_URLS = {
    "https://w3id.org/ro/crate/1.1/context",
    "http://w3id.org/ro/crate/1.1/context",
    # where w3id redirects to
    "https://www.researchobject.org/ro-crate/specification/1.1/context.jsonld",
    "https://www.researchobject.org/ro-crate/1.1/context.jsonld",
}


def send(self, request, **kwargs):
    """Serve the bundled context; refuse every other HTTP(S) request."""
    if request.method in ("GET", "HEAD") and request.url.rstrip("/") in CONTEXT_URLS:
        resp = requests.Response()
        resp.status_code, resp.url, resp.request, resp.encoding = 200, request.url, request, "utf-8"
        resp.headers["Content-Type"] = "application/ld+json"
        resp._content = CONTEXT if request.method == "GET" else b""
        return resp
    print(f"rocrate_offline: refused {request.method} {request.url}", file=sys.stderr)
    raise requests.ConnectionError(f"offline: refused {request.url}", request=request)


def no_network(*args, **kwargs):
    raise OSError("rocrate_offline: network access is disabled")


HTTPAdapter.send = send  # every requests / requests_cache session ends here
socket.getaddrinfo = socket.create_connection = no_network  # urllib & anything else
socket.socket.connect = socket.socket.connect_ex = no_network

if __name__ == "__main__":
    from rocrate_validator.cli import cli

    sys.argv[0] = "rocrate-validator"
    sys.exit(cli())
