"""The production command for real: gunicorn + whitenoise on a loopback port."""

import contextlib
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.smtp_server import free_port

# One pytest-xdist worker runs the production-server modules (--dist loadgroup): it starts each
# module's server once, and two servers never compete for the cores.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("production-server")]

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def fetch(url: str, **headers):
    # A minute: a gunicorn worker loads the app on its first request, slow on a busy machine.
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **headers})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def production_env(tmp_path, port: int, **extra) -> dict:
    """The environment of the README's production command, on a loopback port.

    Production needs a shared cache (REDIS_URL): tests that start it skip without one. Each
    server gets its own key prefix, so runs sharing a Redis database never see each other, and
    the Redis database of this test process (its own under pytest-xdist, see config/settings.py):
    the cache another worker's tests empty is not this server's.
    """
    from django.conf import settings

    redis_url = settings.REDIS_URL
    if not redis_url:
        pytest.skip("production needs a shared cache: run with REDIS_URL=redis://...")
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "IGNORE_DOTENV": "1",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "test-only-4Jk9#mZ2v!pL7@wR4tY8uI1oP3aS5dF6gHqW3eR5tY7uI9oP",
        "ALLOWED_HOSTS": "127.0.0.1,rivista.example",
        "SITE_URL": "https://rivista.example",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"prodtest-{os.getpid()}-{port}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        **extra,
    }


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
        capture_output=True, timeout=120, text=True,
    )  # fmt: skip
    return result.stdout


@contextlib.contextmanager
def gunicorn(env):
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    port = int(env["PORT"])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + server.stdout.read1().decode())
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


_MADE: dict[str, Path] = {}


def _made_once(tmp_path_factory, what: str) -> Path:
    """A production database just migrated ("migrated") or the collected static files
    ("static"), made once per test process rather than once per module or test: the production
    modules share a pytest-xdist worker, and migrate and collectstatic (which gzips and
    brotli-compresses every file) took 18 to 29 s of a busy machine. Neither depends on a
    module's settings (workers, threads, rate limits)."""
    if what not in _MADE:
        made = tmp_path_factory.mktemp(f"production-{what}")
        env = production_env(made, free_port())
        manage(env, "migrate" if what == "migrated" else "collectstatic", "--noinput")
        _MADE[what] = made
    return _MADE[what]


def migrated_site(tmp_path, tmp_path_factory, *, static: bool = True) -> Path:
    """`tmp_path` made a site's folder: its own copy of the migrated database (its tests write
    to it) and, with `static`, the collected static files (only read) linked."""
    shutil.copy(_made_once(tmp_path_factory, "migrated") / "prod.sqlite3", tmp_path)
    if static:
        collected = _made_once(tmp_path_factory, "static") / "static"
        (tmp_path / "static").symlink_to(collected, target_is_directory=True)
    return tmp_path


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    tmp_path = migrated_site(tmp_path_factory.mktemp("production"), tmp_path_factory)
    env = production_env(tmp_path, free_port())
    manage(
        env,
        "shell",
        "-c",
        "from tests.factories import make_article;"
        "a = make_article(title='Dal server di produzione', slug='produzione');"
        "print(a.get_absolute_url())",
    )
    with gunicorn(env) as base:
        yield base, tmp_path


def test_gunicorn_serves_an_article_page(production):
    base, _ = production
    status, headers, body = fetch(base + "/")
    assert status == 200
    assert "Dal server di produzione" in body.decode()
    article_path = next(
        part.split('"', 1)[0]
        for part in body.decode().split('href="')[1:]
        if part.startswith("/") and "/produzione/" in part.split('"', 1)[0]
    )
    status, headers, body = fetch(base + article_path)
    assert status == 200
    assert "<h1" in body.decode() and "Dal server di produzione" in body.decode()
    assert headers.get("X-Content-Type-Options") == "nosniff"


def test_whitenoise_serves_hashed_compressed_static_files_cached_for_a_year(production):
    base, tmp_path = production
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"

    status, headers, body = fetch(f"{base}/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert b":root" in gzip.decompress(body)
    cache_control = headers.get("Cache-Control", "")
    assert "immutable" in cache_control
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 3600

    _, page_headers, page = fetch(base + "/")
    assert f"/static/{hashed}".encode() in page  # pages link the hashed name
    assert "immutable" not in page_headers.get("Cache-Control", "")


def test_a_reader_is_served_while_slow_requests_hold_threads_of_the_same_worker(production):
    # One worker, so every connection is its; three requests still arriving (a post on a slow
    # line) hold three of its threads. With the two threads gunicorn had, the reader waited
    # for one of them to end; a threaded worker has a thread for the reader.
    _, tmp_path = production
    env = production_env(tmp_path, free_port(), WEB_CONCURRENCY="1")
    with gunicorn(env) as base:
        fetch(base + "/robots.txt")  # the worker has loaded the app
        held = []
        try:
            for _ in range(3):
                connection = socket.create_connection(("127.0.0.1", int(env["PORT"])))
                connection.sendall(
                    b"POST /commenti/articolo/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 10000\r\n\r\nbody="
                )
                held.append(connection)
            time.sleep(1)  # each is in a thread, waiting for the rest of its body
            started = time.monotonic()
            request = urllib.request.Request(base + "/robots.txt", headers={"Host": "127.0.0.1"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            assert time.monotonic() - started < 5
        finally:
            for connection in held:
                connection.close()
