"""Our actors as peers see them: WebFinger, actor documents, NodeInfo, outbox, followers."""

import json

import pytest

from blog.models import Article
from fediverse import actors
from fediverse.models import Follower, LocalActor, RemoteActor
from tests.factories import make_article, make_author, make_tag, make_user

from .conftest import SITE

pytestmark = pytest.mark.django_db

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def get_json(client, path, accept=AP, **extra):
    response = client.get(path, HTTP_ACCEPT=accept, secure=True, **extra)
    return response, (json.loads(response.content) if response.status_code == 200 else None)


def test_webfinger_finds_the_magazine_by_its_handle(client):
    response, jrd = get_json(
        client, "/.well-known/webfinger?resource=acct:redazione@rivista.example"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    assert jrd["subject"] == "acct:redazione@rivista.example"
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    assert self_link == {
        "rel": "self",
        "type": "application/activity+json",
        "href": f"{SITE}/fediverse/magazine/",
    }


def test_the_magazine_handle_is_configurable(client, settings):
    settings.FEDIVERSE_MAGAZINE_USERNAME = "rivista"

    found, jrd = get_json(client, "/.well-known/webfinger?resource=acct:rivista@rivista.example")
    old, _ = get_json(client, "/.well-known/webfinger?resource=acct:redazione@rivista.example")

    assert found.status_code == 200 and jrd["subject"] == "acct:rivista@rivista.example"
    assert old.status_code == 404


def test_webfinger_finds_an_author_by_handle_and_by_actor_url(client):
    author = make_author(slug="anna", display_name="Anna Bianchi")
    make_article(author=author)

    by_handle, jrd = get_json(client, "/.well-known/webfinger?resource=acct:anna@rivista.example")
    by_url, jrd_url = get_json(
        client, f"/.well-known/webfinger?resource={SITE}/fediverse/authors/{author.pk}/"
    )

    assert by_handle.status_code == 200 and by_url.status_code == 200
    assert jrd["subject"] == jrd_url["subject"] == "acct:anna@rivista.example"
    assert f"{SITE}/autore/anna/" in jrd["aliases"]


@pytest.mark.parametrize(
    "resource",
    [
        "acct:nessuno@rivista.example",
        "acct:redazione@altro.example",  # our name, another server
        "acct:bozza@rivista.example",  # an author with nothing published and no account
        "https://rivista.example/fediverse/authors/999/",
        "mailto:anna@rivista.example",
    ],
)
def test_webfinger_answers_404_for_who_is_not_here(client, resource):
    make_article(author=make_author(slug="bozza"), status=Article.Status.DRAFT)

    response = client.get("/.well-known/webfinger", {"resource": resource}, secure=True)

    assert response.status_code == 404


def test_webfinger_without_a_resource_is_a_400(client):
    assert client.get("/.well-known/webfinger", secure=True).status_code == 400


def test_an_author_with_an_account_is_an_actor_before_publishing(client):
    make_author(user=make_user(email="anna@private.example"), slug="anna")

    response, _jrd = get_json(client, "/.well-known/webfinger?resource=acct:anna@rivista.example")

    assert response.status_code == 200
    assert "anna@private.example" not in response.content.decode()


@pytest.mark.parametrize("accept", [AP, LD])
def test_actor_document_by_content_negotiation(client, accept):
    author = make_author(
        slug="anna", display_name="Anna Bianchi", bio="<p>Scrive di <b>scienza</b>.</p>"
    )
    make_article(author=author)

    response, actor = get_json(client, f"/fediverse/authors/{author.pk}/", accept=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/activity+json"
    assert "Accept" in [part.strip() for part in response["Vary"].split(",")]
    assert actor["type"] == "Person"
    assert actor["id"] == f"{SITE}/fediverse/authors/{author.pk}/"
    assert actor["preferredUsername"] == "anna"
    assert actor["name"] == "Anna Bianchi"
    assert actor["summary"] == "Scrive di scienza."
    assert actor["inbox"] == f"{SITE}/fediverse/authors/{author.pk}/inbox/"
    assert actor["endpoints"]["sharedInbox"] == f"{SITE}/fediverse/inbox/"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert actor["publicKey"]["id"] == actor["id"] + "#main-key"
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_a_browser_asking_for_the_actor_goes_to_the_profile_page(client):
    author = make_author(slug="anna")
    make_article(author=author)

    response = client.get(f"/fediverse/authors/{author.pk}/", HTTP_ACCEPT="text/html", secure=True)

    assert response.status_code == 302
    assert response["Location"] == f"{SITE}/autore/anna/"


def test_the_magazine_is_an_organization(client, settings):
    settings.SITE_NAME = "La Rivista"

    _response, actor = get_json(client, "/fediverse/magazine/")

    assert actor["type"] == "Organization"
    assert actor["name"] == "La Rivista"
    assert actor["preferredUsername"] == "redazione"


def test_the_key_pair_is_made_once_and_the_private_key_never_served(client):
    first, one = get_json(client, "/fediverse/magazine/")
    second, two = get_json(client, "/fediverse/magazine/")

    actor = LocalActor.objects.get(kind=LocalActor.Kind.MAGAZINE)
    assert LocalActor.objects.count() == 1
    assert (
        one["publicKey"]["publicKeyPem"] == two["publicKey"]["publicKeyPem"] == actor.public_key_pem
    )
    for response in (first, second):
        assert "PRIVATE KEY" not in response.content.decode()
    assert "PRIVATE KEY" in actor.private_key_pem


def test_a_switched_off_actor_is_gone(client):
    author = make_author(slug="anna")
    make_article(author=author)
    actor = actors.author_actor(author)
    actor.enabled = False
    actor.save()

    document = client.get(f"/fediverse/authors/{author.pk}/", HTTP_ACCEPT=AP, secure=True)
    outbox = client.get(f"/fediverse/authors/{author.pk}/outbox/", secure=True)
    finger = client.get("/.well-known/webfinger?resource=acct:anna@rivista.example", secure=True)

    assert document.status_code == 410
    assert outbox.status_code == 410
    assert finger.status_code == 404


def test_everything_is_404_when_the_fediverse_is_off(client, settings):
    settings.FEDIVERSE_ENABLED = False

    for path in (
        "/.well-known/webfinger?resource=acct:redazione@rivista.example",
        "/.well-known/nodeinfo",
        "/nodeinfo/2.1",
        "/fediverse/magazine/",
        "/fediverse/magazine/outbox/",
    ):
        assert client.get(path, HTTP_ACCEPT=AP, secure=True).status_code == 404, path


def test_nodeinfo_discovery_and_document(client):
    make_article()
    make_article(status=Article.Status.DRAFT)

    links = json.loads(client.get("/.well-known/nodeinfo", secure=True).content)
    href = links["links"][0]["href"]
    response = client.get(href.removeprefix(SITE), secure=True)
    info = json.loads(response.content)

    assert links["links"][0]["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1"
    assert href == f"{SITE}/nodeinfo/2.1"
    assert "schema/2.1" in response["Content-Type"]
    assert info["version"] == "2.1"
    assert info["protocols"] == ["activitypub"]
    assert info["usage"]["localPosts"] == 1
    assert info["openRegistrations"] is False


def test_outbox_is_paged_and_lists_only_published_articles(client, settings):
    settings.FEDIVERSE_PAGE_SIZE = 2
    author = make_author(slug="anna")
    tag = make_tag(slug="scienza")
    published = [make_article(author=author, tags=[tag]) for _ in range(3)]
    make_article(author=author, status=Article.Status.DRAFT, title="Bozza segreta")

    _, collection = get_json(client, f"/fediverse/authors/{author.pk}/outbox/")
    _, first = get_json(client, f"/fediverse/authors/{author.pk}/outbox/?page=1")
    _, second = get_json(client, f"/fediverse/authors/{author.pk}/outbox/?page=2")

    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == 3
    assert collection["first"].endswith("/outbox/?page=1")
    assert first["type"] == "OrderedCollectionPage"
    assert [item["type"] for item in first["orderedItems"]] == ["Create", "Create"]
    assert first["next"].endswith("?page=2")
    assert "next" not in second and second["prev"].endswith("?page=1")
    listed = [item["object"] for item in first["orderedItems"] + second["orderedItems"]]
    assert {item["name"] for item in listed} == {article.title for article in published}
    article = listed[0]
    assert article["type"] == "Article"
    assert article["tag"][0]["name"] == "#scienza"
    assert article["url"].startswith(f"{SITE}/")
    assert article["attributedTo"] == f"{SITE}/fediverse/authors/{author.pk}/"


@pytest.mark.parametrize("page", ["9", "x", "0"])
def test_an_outbox_page_that_does_not_exist_is_404(client, page):
    make_article()

    response = client.get(f"/fediverse/magazine/outbox/?page={page}", secure=True)

    assert response.status_code == 404


def test_followers_collection_gives_the_count_not_the_people(client):
    magazine = actors.magazine_actor()
    for n in range(2):
        remote = RemoteActor.objects.create(
            uri=f"https://social.example/users/u{n}", domain="social.example"
        )
        Follower.objects.create(actor=magazine, remote=remote)

    response, collection = get_json(client, "/fediverse/magazine/followers/")

    assert collection["totalItems"] == 2
    assert "orderedItems" not in collection and "first" not in collection
    assert "social.example" not in response.content.decode()


def test_an_article_object_is_served_only_when_published(client):
    live = make_article(title="Pubblicato")
    draft = make_article(status=Article.Status.DRAFT, title="Bozza")

    _response, document = get_json(client, f"/fediverse/articles/{live.pk}/")
    hidden = client.get(f"/fediverse/articles/{draft.pk}/", HTTP_ACCEPT=AP, secure=True)

    assert document["type"] == "Article" and document["name"] == "Pubblicato"
    assert hidden.status_code == 404
