"""The 1,000-comment page over HTTP: bytes and time for gzip, br and no encoding.

    make bench-wire            # SQLite in a temporary file, Django's WSGI server on 127.0.0.1

The page cache is on (a kept page, as anonymous readers get it) and, in a second pass, off (the
page rendered, then compressed by PublicPagesGZipMiddleware). `br` asks for brotli and gzip:
kept pages are served gzipped (core.compression says why not brotli).
"""

import http.client
import random
import statistics
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from bench.comments import build_comments, setup_django

ENCODINGS = (("none", ""), ("gzip", "gzip"), ("br", "br, gzip"))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def fetch(port: int, path: str, accept: str) -> tuple[float, int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    start = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Encoding": accept} if accept else {})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status == 200, response.status
    connection.close()
    return elapsed, len(body), response.getheader("Content-Encoding") or "identity"


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application

    from tests.factories import make_article

    article = make_article(title="Mille commenti", slug="wire-1000")
    build_comments(article, 1_000, random.Random(20261207))
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = article.get_absolute_url()
    print()
    print("1,000-comment page over HTTP (medians of 15, ms; KB as sent)")
    print(f"{'page':>9} {'asked':>6} {'sent':>9} {'KB':>7} {'ms':>7}")
    for kept in (True, False):
        settings.PAGE_CACHE_ENABLED = kept
        cache.clear()
        fetch(port, path, "")  # renders the fragments (and keeps the page)
        for label, accept in ENCODINGS:
            samples = [fetch(port, path, accept) for _ in range(15)]
            ms = statistics.median(s[0] for s in samples)
            size, sent = samples[-1][1], samples[-1][2]
            name = "kept" if kept else "rendered"
            print(f"{name:>9} {label:>6} {sent:>9} {size / 1024:>7.0f} {ms:>7.2f}")
    server.shutdown()


if __name__ == "__main__":
    main()
