"""Every process sees the same site: gunicorn with 3 workers in production mode, changes made
from other processes (a shell, a management command), and limits counted across workers."""

import http.client
import re
import time
import urllib.parse

import pytest

from tests.test_production_server import (
    free_port,
    gunicorn,
    manage,
    migrated_site,
    production_env,
)

# One pytest-xdist worker runs the production-server modules (--dist loadgroup): it starts each
# module's server once, and two servers never compete for the cores.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("production-server")]

LOADS = 15
SITE = "https://rivista.example"


def get(base: str, path: str) -> tuple[int, dict, str]:
    """A fresh connection per request, so the requests spread over the workers."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, dict(response.getheaders()), body


def post(base: str, path: str, fields: dict, cookie: str) -> int:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request(
        "POST",
        path,
        body=urllib.parse.urlencode(fields),
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": SITE,
            "Referer": SITE + "/",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status


def shell(env, code: str) -> str:
    return manage(env, "shell", "-c", code).strip()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = migrated_site(tmp_path_factory.mktemp("workers"), tmp_path_factory)
    env = production_env(
        tmp_path, free_port(), WEB_CONCURRENCY="3", GUNICORN_THREADS="1", COMMENTS_RATE_LIMIT="5"
    )
    path = shell(
        env,
        "from tests.factories import make_article, make_comment;"
        "a = make_article(title='Tre processi', slug='tre-processi');"
        "make_comment(a, body='Da respingere tra poco.', author_email='r@example.com');"
        "make_comment(a, body='Scritto da chi chiede la cancellazione.',"
        " author_name='Persona Da Cancellare', author_email='cancella@example.com');"
        "print(a.get_absolute_url(), a.pk)",
    )
    url, pk = path.splitlines()[-1].split()  # after whatever the command logged
    with gunicorn(env) as base:
        yield env, base, url, int(pk)


def loads(base: str, url: str) -> list[str]:
    pages = []
    for _ in range(LOADS):
        status, _, body = get(base, url)
        assert status == 200
        pages.append(body)
    return pages


def test_a_comment_rejected_from_another_process_is_gone_on_every_load(site):
    env, base, url, _ = site
    assert all("Da respingere tra poco." in page for page in loads(base, url))  # warm caches

    shell(
        env,
        "from comments.models import Comment; from comments.services import comment_set_status;"
        "comment_set_status(comment=Comment.objects.get(body='Da respingere tra poco.'),"
        " status='rejected')",
    )

    gone = sum("Da respingere tra poco." not in page for page in loads(base, url))
    assert gone == LOADS


def test_an_erase_run_from_the_command_line_shows_on_the_next_load(site):
    env, base, url, _ = site
    assert all("Persona Da Cancellare" in page for page in loads(base, url))

    manage(env, "erase_personal_data", "cancella@example.com", "--yes")

    gone = sum("Persona Da Cancellare" not in page for page in loads(base, url))
    assert gone == LOADS


def test_the_rate_limit_counts_across_workers(site):
    _, base, url, pk = site
    forms = []
    for _ in range(8):
        _, headers, body = get(base, url)
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        timestamp = re.search(r'name="timestamp" value="([^"]+)"', body).group(1)
        forms.append((f"csrftoken={cookie.group(1)}", token, timestamp))
    time.sleep(3.5)  # the form's "too fast" check

    statuses = [
        post(
            base,
            f"/commenti/articolo/{pk}/",
            {
                "csrfmiddlewaretoken": token,
                "timestamp": timestamp,
                "author_name": "Lettrice",
                "author_email": f"lettrice{n}@example.com",
                "body": f"Commento numero {n} da processi diversi.",
                "website_confirm": "",
            },
            cookie,
        )
        for n, (cookie, token, timestamp) in enumerate(forms)
    ]

    assert statuses == [302] * 5 + [429] * 3
