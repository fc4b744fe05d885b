"""An article's JSON-LD context defines what ActivityStreams' own does not: Hashtag (its tags)
and sensitive. Without them a JSON-LD reader drops the tags: Fedify did, in the federation test
(tests/fediverse_peer), until the context said so, as Mastodon's does."""

import json

from fediverse import actors, documents
from tests.factories import make_article, make_tag

EXTENSIONS = {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}


def _defined_terms(context) -> dict:
    terms = {}
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict):
            terms.update(entry)
    return terms


def test_the_create_of_an_article_defines_its_hashtags(db):
    article = make_article(tags=[make_tag(slug="ambiente")])

    create = documents.create_activity(article, actors.magazine_actor())

    assert create["object"]["tag"][0]["type"] == "Hashtag"
    assert create["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert _defined_terms(create["@context"]).items() >= EXTENSIONS.items()


def test_the_article_fetched_by_its_id_defines_its_hashtags(client, db):
    article = make_article(tags=[make_tag(slug="ambiente")])

    response = client.get(
        f"/fediverse/articles/{article.pk}/", HTTP_ACCEPT="application/activity+json", secure=True
    )

    document = json.loads(response.content)
    assert document["tag"][0]["type"] == "Hashtag"
    assert _defined_terms(document["@context"]).items() >= EXTENSIONS.items()
