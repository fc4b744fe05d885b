"""HTML compressed on the wire (core.compression): kept pages gzipped once and served as
stored with each visitor's values spliced in, rendered pages of anonymous readers gzipped, and
nothing personal ever compressed."""

import gzip
import random
import re
import zlib

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import compression
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_spliced_values_make_a_valid_gzip_stream_whatever_they_hold():
    rng = random.Random(7)
    texts = [rng.randbytes(rng.randrange(0, 5000)) * 3 for _ in range(4)]
    values = [rng.randbytes(n) for n in (0, 40, 70_000)]
    pieces = [texts[0], values[0], texts[1], values[1], texts[2], values[2], texts[3]]

    body = compression.gzip_spliced(compression.gzip_segments(texts), pieces)

    assert gzip.decompress(body) == b"".join(pieces)
    # As a browser reads it: one stream, one member.
    assert zlib.decompressobj(wbits=31).decompress(body) == b"".join(pieces)


def test_a_kept_page_is_served_gzipped_as_stored_with_the_visitors_own_token():
    article = make_article(body="<p>" + "Un corpo lungo. " * 200 + "</p>")
    make_comment(article, body="Un commento approvato.")
    url = article.get_absolute_url()
    Client().get(url)  # kept now
    reader = Client()

    with CaptureQueriesContext(connection) as queries:
        response = reader.get(url, **GZIP)
    plain = Client().get(url)

    assert len(queries) == 0
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content)
    assert b"Un commento approvato." in html
    assert len(response.content) < len(html) / 2
    tokens = set(CSRF_FIELD.findall(html))
    assert {_unmask_cipher_token(t.decode()) for t in tokens} == {reader.cookies["csrftoken"].value}
    # One ETag per encoding: the same page gzipped is the weak form of the identity one.
    assert not plain.has_header("Content-Encoding")
    assert response["ETag"].startswith('W/"') and not plain["ETag"].startswith("W/")


def test_a_gzipped_kept_page_is_revalidated_with_a_304():
    url = make_article().get_absolute_url()
    reader = Client()
    reader.get(url, **GZIP)
    first = reader.get(url, **GZIP)

    again = reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)

    assert again.status_code == 304


def test_a_rendered_page_of_an_anonymous_reader_is_gzipped(settings):
    settings.PAGE_CACHE_ENABLED = False
    url = make_article(body="<p>" + "Testo. " * 200 + "</p>").get_absolute_url()

    response = Client().get(url, **GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert b"Testo." in gzip.decompress(response.content)


def test_pages_holding_something_personal_are_never_compressed(client, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    url = make_article(body="<p>" + "Testo. " * 200 + "</p>").get_absolute_url()
    client.force_login(make_user())
    logged_in = client.get(url, **GZIP)
    with_session = Client()
    with_session.cookies["sessionid"] = "qualcosa"

    assert not logged_in.has_header("Content-Encoding")
    assert not with_session.get(url, **GZIP).has_header("Content-Encoding")
    assert not client.get("/admin/", **GZIP).has_header("Content-Encoding")


def test_the_checksum_of_a_page_is_combined_from_its_parts_as_zlib_makes_it():
    rng = random.Random(11)
    for _ in range(200):
        first = rng.randbytes(rng.randrange(0, 3000))
        second = rng.randbytes(rng.choice([0, 1, 7, 65_536, rng.randrange(0, 200_000)]))
        combined = compression.crc32_combine(
            zlib.crc32(first), zlib.crc32(second), compression.crc32_shift(len(second))
        )
        assert combined == zlib.crc32(first + second)
