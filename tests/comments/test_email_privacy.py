"""Invariant 1: an email address typed into the comment form is never published.

Comments are posted through the real form with addresses of many shapes, approved, and then
every public page that shows comments or their authors is searched for any trace of them: raw,
in any letter case, HTML-escaped, entity-encoded, URL-encoded, JSON/JS-escaped, in punycode or
Unicode, and the distinctive local parts alone, in the body and in every header.
"""

import datetime
import hashlib
import html
import json
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escapejs

from comments.models import AVATAR_COLOURS, Comment, avatar_colour_for
from comments.services import comment_set_status
from tests.factories import (
    find_elements,
    make_article,
    make_category,
    make_tag,
    post_form_data,
)

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
LONG_LOCAL = "commentatore.molto.prolisso.con.un.indirizzo.lunghissimo.davvero"
LONG_DOMAIN = ".".join(
    [
        "redazione-".ljust(59, "r"),
        "milano-".ljust(58, "m"),
        "notizie-".ljust(58, "n"),
        "example.com",
    ]
)  # With the 64-character local part: 254 characters, the longest address allowed.

# (address as typed, name shown, local parts distinctive enough to look for on their own)
ADDRESSES = [
    ("anna+blog@example.com", "Anna B.", ["anna+blog"]),
    ("MARIO.ROSSI@EXAMPLE.IT", "Mario R.", ["mario.rossi"]),
    ("utente@esempio.xn--6frz82g", "Chiara T.", []),
    ("pippo@città.it", "Giuseppe V.", []),
    ("giulia.bianchi@xn--citt-6ra.it", "Giulia", ["giulia.bianchi"]),
    ('"nome\\ cognome"@example.com', "N. C.", ['"nome\\ cognome"', "nome\\ cognome"]),
    ('"posta@casa"@example.com', "Luca", ['"posta@casa"', "posta@casa"]),
    ("o'brien.lettore@example.ie", "Sean", ["o'brien.lettore"]),
    ("lettrice.assidua@redazione.milano.example.co.uk", "Paola", ["lettrice.assidua"]),
    (f"{LONG_LOCAL}@{LONG_DOMAIN}", "Prolisso", [LONG_LOCAL]),
]


def other_domain_form(address: str) -> str:
    """The same address with its domain in the other IDNA form (Unicode <-> punycode)."""
    local, _, domain = address.rpartition("@")
    if domain.isascii():
        return f"{local}@{domain.encode('ascii').decode('idna')}"
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def encodings(text: str) -> set[str]:
    """Every way a page, an attribute, a URL or a header could carry `text`."""
    forms = {text, other_domain_form(text) if "@" in text else text}
    found = set()
    for form in forms:
        found |= {
            form,
            html.escape(form),
            html.escape(form, quote=False),
            form.replace("'", "&#39;").replace('"', "&#34;"),
            "".join(f"&#{ord(c)};" for c in form),
            "".join(f"&#x{ord(c):x};" for c in form),
            form.replace("@", "&#64;"),
            form.replace("@", "&#x40;"),
            form.replace("@", "&commat;"),
            quote(form),
            quote(form, safe=""),
            quote_plus(form),
            json.dumps(form)[1:-1],
            json.dumps(form, ensure_ascii=False)[1:-1],
            escapejs(form),
        }
    return {variant.lower() for variant in found}


def leaks(text: str, address: str, local_parts=()) -> set[str]:
    text = text.lower()
    needles = encodings(address).union(*(encodings(part) for part in local_parts))
    return {needle for needle in needles if needle in text}


def everything_sent(response) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return "\n".join([response.content.decode(), headers, response.cookies.output()])


def test_leak_detector_finds_each_encoding_of_each_address():
    """The detector below is what the invariant rests on: it must see every disguise."""
    for address, _name, local_parts in ADDRESSES:
        for variant in encodings(address):
            assert leaks(f"<p title='{variant}'>x</p>", address)
        for part in local_parts:
            assert leaks(f"<b>{html.escape(part)}</b>", address, local_parts)
        assert not leaks("<p>Nessun indirizzo qui.</p>", address, local_parts)


@pytest.fixture
def commented_article(client, settings, django_capture_on_commit_callbacks):
    """An article with an approved comment (and one approved reply) per address shape."""
    settings.COMMENTS_RATE_LIMIT = 1000
    publish_at = timezone.now() - datetime.timedelta(days=2)
    article = make_article(
        title="Un articolo molto commentato",
        category=make_category(),
        tags=[make_tag()],
        publish_at=publish_at,
    )
    url = reverse("comments:post", args=[article.pk])
    first = None
    for number, (address, name, _parts) in enumerate(ADDRESSES):
        data = post_form_data(
            article,
            author_email=address,
            author_name=name,
            body=f"Commento numero {number} di {name}.",
            parent=str(first.pk) if first else "",
        )
        if number % 2:
            data["remember"] = "on"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        comment = Comment.objects.latest("pk")
        with django_capture_on_commit_callbacks(execute=True):
            comment_set_status(comment=comment, status=Comment.Status.APPROVED)
        first = first or comment
    assert Comment.objects.public().count() == len(ADDRESSES)
    return article, first, publish_at


def public_pages(article, first_comment, publish_at) -> dict[str, tuple]:
    local = timezone.localtime(publish_at)
    url = article.get_absolute_url()
    return {
        "article": (url, {}),
        "article-en": (url, ENGLISH),
        "article-replytocom": (f"{url}?replytocom={first_comment.pk}", ENGLISH),
        "home": (reverse("blog:home"), {}),
        "category": (article.category.get_absolute_url(), {}),
        "tag": (article.tags.get().get_absolute_url(), {}),
        "author": (article.author.get_absolute_url(), {}),
        "year": (reverse("blog:archive-year", args=[local.year]), {}),
        "month": (reverse("blog:archive-month", args=[local.year, local.month]), {}),
        "404": ("/questa-pagina-non-esiste/", {}),
    }


def test_no_public_page_reveals_a_commenter_email(commented_article):
    article, first, publish_at = commented_article
    reader = Client()

    for page, (url, headers) in public_pages(article, first, publish_at).items():
        response = reader.get(url, headers=headers)
        assert response.status_code == (404 if page == "404" else 200), page
        sent = everything_sent(response)
        for address, _name, local_parts in ADDRESSES:
            assert not leaks(sent, address, local_parts), (page, address)


def test_article_page_shows_every_commenter_by_name_but_no_email(commented_article):
    article, _first, _ = commented_article

    response = Client().get(article.get_absolute_url(), headers=ENGLISH)

    authors = [
        " ".join("".join(map(str, author.children)).split())
        for author in find_elements(response.text, "b", class_="comment-author")
    ]
    assert sorted(authors) == sorted(name for _, name, _ in ADDRESSES)
    assert "mailto:" not in response.text


def test_a_refused_post_does_not_reveal_other_commenters_emails(commented_article):
    article, first, _ = commented_article
    stranger = Client()
    data = post_form_data(article, author_email="non-valida", parent=str(first.pk))

    response = stranger.post(reverse("comments:post", args=[article.pk]), data, headers=ENGLISH)

    assert response.status_code == 400
    assert find_elements(response.text, "li", id=f"comment-{first.pk}")
    for address, _name, local_parts in ADDRESSES:
        assert not leaks(everything_sent(response), address, local_parts), address


@pytest.mark.parametrize(
    "address", ['"nome cognome"@example.com', "josé@example.com", "pippo@", "@città.it"]
)
def test_address_django_refuses_gets_a_clear_error_not_a_crash(client, address):
    article = make_article()
    data = post_form_data(article, author_email=address, body="Indirizzo particolare.")

    response = client.post(reverse("comments:post", args=[article.pk]), data, headers=ENGLISH)

    assert response.status_code == 400
    (block,) = find_elements(response.text, "p", class_="comment-form-author_email")
    assert "Enter a valid email address." in " ".join(str(block).split())
    assert not Comment.objects.exists()


# Avatars: derived locally, never from a hash anyone can recompute from the address.


def test_avatars_are_local_initials_not_gravatar(commented_article):
    article, _first, _ = commented_article

    response = Client().get(article.get_absolute_url())

    text = response.text.lower()
    assert "gravatar" not in text
    for address, _name, _parts in ADDRESSES:
        for form in {address, address.strip().lower()}:
            assert hashlib.md5(form.encode()).hexdigest() not in text  # noqa: S324
            assert hashlib.sha256(form.encode()).hexdigest() not in text
    for comment in Comment.objects.all():
        (item,) = find_elements(response.text, "li", id=f"comment-{comment.pk}")
        avatar = find_elements(str(item), "span", class_="comment-avatar")[0]  # Replies follow.
        assert f"avatar-c{avatar_colour_for(comment.author_email)}" in str(avatar)
        assert not find_elements(str(avatar), "img")


def test_avatar_colour_is_stable_for_one_address_whatever_its_case():
    assert avatar_colour_for("Anna+Blog@Example.com ") == avatar_colour_for("anna+blog@example.com")
    assert all(0 <= avatar_colour_for(a) < AVATAR_COLOURS for a, _, _ in ADDRESSES)


def test_avatar_colour_is_keyed_by_the_secret_key(settings):
    addresses = [f"lettore{n}@example.com" for n in range(24)]
    settings.SECRET_KEY = "una-chiave-segreta-di-prova-numero-uno-abbastanza-lunga-per-django"
    first = [avatar_colour_for(a) for a in addresses]
    settings.SECRET_KEY = "una-chiave-segreta-di-prova-numero-due-abbastanza-lunga-per-django"
    second = [avatar_colour_for(a) for a in addresses]

    assert first != second
    assert len(set(first)) > 3  # Spread over the palette, not one colour for all.


def test_same_address_gets_the_same_avatar_colour_under_any_name(client):
    article = make_article()
    url = reverse("comments:post", args=[article.pk])
    for name in ("Anna", "Anna Verdi"):
        data = post_form_data(article, author_name=name, author_email="ANNA.V@example.com")
        assert client.post(url, data).status_code == 302

    first, second = Comment.objects.order_by("pk")
    assert first.avatar_colour == second.avatar_colour
    assert first.avatar_colour == avatar_colour_for("anna.v@example.com")


# The opt-in "remember me": kept in the server-side session, never in a cookie.


def remembering_browser(article, **fields) -> tuple[Client, object]:
    browser = Client()
    data = post_form_data(article, remember="on", **fields)
    response = browser.post(reverse("comments:post", args=[article.pk]), data)
    assert response.status_code == 302
    return browser, response


def form_values(html_text: str) -> dict:
    values = {}
    for name in ("author_name", "author_email", "author_url"):
        (field,) = find_elements(html_text, "input", name=name)
        values[name] = dict(field.attributes).get("value")
    (remember,) = find_elements(html_text, "input", name="remember")
    values["remember"] = "checked" in dict(remember.attributes)
    return values


def test_remembered_commenter_finds_the_form_prefilled_on_a_private_page():
    article = make_article()
    browser, _ = remembering_browser(
        article,
        author_name="Marta Neri",
        author_email="marta.neri@example.com",
        author_url="https://marta.example.org/",
    )

    response = browser.get(make_article().get_absolute_url())

    assert form_values(response.text) == {
        "author_name": "Marta Neri",
        "author_email": "marta.neri@example.com",
        "author_url": "https://marta.example.org/",
        "remember": True,
    }
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control
    assert "cookie" in response["Vary"].lower()


def test_remember_me_sends_no_email_in_any_cookie():
    article = make_article()
    _, response = remembering_browser(
        article, author_name="Marta Neri", author_email="marta.neri@example.com"
    )
    cookies = {name: morsel.value for name, morsel in response.cookies.items()}
    assert set(cookies) <= {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    for value in cookies.values():
        assert "marta" not in value.lower()
        assert not leaks(value, "marta.neri@example.com", ["marta.neri"])


def test_without_the_session_the_form_is_empty_even_after_a_remembered_visit():
    article = make_article()
    remembered, _ = remembering_browser(
        article, author_name="Marta Neri", author_email="marta.neri@example.com"
    )
    assert form_values(remembered.get(article.get_absolute_url()).text)["author_name"]

    response = Client().get(article.get_absolute_url())

    assert form_values(response.text) == {
        "author_name": None,
        "author_email": None,
        "author_url": None,
        "remember": False,
    }
    assert "Marta Neri" not in response.text
    assert not leaks(everything_sent(response), "marta.neri@example.com", ["marta.neri"])


@pytest.mark.parametrize("value", ["garbage", "a:b:c", "x" * 40])
def test_forged_session_cookie_is_ignored(client, value):
    article = make_article()
    client.cookies[settings.SESSION_COOKIE_NAME] = value

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert form_values(response.text)["author_name"] is None


def test_posting_without_remember_forgets_the_commenter():
    article = make_article()
    browser, _ = remembering_browser(
        article, author_name="Marta Neri", author_email="marta.neri@example.com"
    )

    data = post_form_data(article, author_name="Marta Neri", author_email="marta@example.com")
    response = browser.post(reverse("comments:post", args=[article.pk]), data)

    assert response.status_code == 302
    assert form_values(browser.get(article.get_absolute_url()).text)["author_name"] is None
