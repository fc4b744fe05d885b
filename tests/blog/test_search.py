"""Search (/cerca/): what it finds, in what order, how it shows it, and what it survives.

Most tests hold on both databases (PostgreSQL full-text search and the SQLite fallback); the ones
about stemming, rank weights and ts_headline need PostgreSQL and skip, saying so, elsewhere.
"""

import pytest
from django.db import connection
from django.test.html import Element
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from blog import search as search_module
from blog.models import Article
from blog.search import MAX_QUERY_LENGTH, clean_query, search_articles
from tests.blog.helpers import at
from tests.factories import find_elements, make_article, make_draft, make_scheduled
from tests.planner import filter_plan

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search: run with DATABASE_URL=postgres://...",
)


def search(client, query, **params):
    return client.get(reverse("blog:search"), {"q": query, **params})


def found_titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def snippets(response) -> list[Element]:
    return find_elements(response.text, "p", class_="search-snippet")


def child_elements(element) -> list[Element]:
    return [child for child in element.children if isinstance(child, Element)]


def marked_words(snippet) -> list[str]:
    return [child.children[0] for child in child_elements(snippet) if child.name == "mark"]


# What it finds.


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Il futuro del giornalismo"},
        {"lead": "Una riflessione sul giornalismo di domani."},
        {"body": "<p>Parliamo di <em>giornalismo</em> e di carta stampata.</p>"},
    ],
    ids=["title", "lead", "body"],
)
def test_finds_a_published_article_by_a_word_of_its_title_lead_or_body(client, fields):
    make_article(**{"title": "Un titolo qualsiasi", **fields})
    make_article(title="Cucina di stagione", body="<p>Ricette per l'autunno.</p>")

    response = search(client, "giornalismo")

    assert response.status_code == 200
    assert len(response.context["articles"]) == 1
    assert found_titles(response) == [fields.get("title", "Un titolo qualsiasi")]


def test_every_word_must_match_somewhere(client):
    make_article(title="Energia solare", body="<p>Pannelli sui tetti di Milano.</p>")
    make_article(title="Energia eolica", body="<p>Pale nel mare di Sicilia.</p>")

    assert found_titles(search(client, "energia milano")) == ["Energia solare"]
    assert found_titles(search(client, "milano sicilia")) == []


def test_drafts_and_scheduled_articles_are_never_found(client):
    make_article(title="Pubblicato sul vulcano")
    make_draft(title="Bozza sul vulcano")
    make_scheduled(title="Programmato sul vulcano")

    response = search(client, "vulcano")

    assert found_titles(response) == ["Pubblicato sul vulcano"]
    assert "Bozza" not in response.text and "Programmato" not in response.text


def test_markup_of_the_body_is_not_searched(client):
    make_article(
        title="Un articolo con link",
        body='<p>Leggi <strong>qui</strong> e <a href="https://example.com/pagina">altrove</a>.</p>',
    )

    for word in ("strong", "href", "example"):
        assert found_titles(search(client, word)) == [], word
    assert found_titles(search(client, "altrove")) == ["Un articolo con link"]


@pytest.mark.parametrize("query", ["citta", "CITTÀ", "Città"])
def test_search_ignores_case_and_accents(client, query):
    make_article(title="Vivere in città", body="<p>Traffico e parchi.</p>")

    assert found_titles(search(client, query)) == ["Vivere in città"]


# In what order.


def test_title_match_ranks_above_lead_match_above_body_only_match(client):
    # Newest first would give the opposite order: the ranking is what puts them right.
    make_article(title="Il restauro del teatro", publish_at=at(2024, 1, 1))
    make_article(
        title="Cronache cittadine", lead="Riapre il teatro comunale.", publish_at=at(2024, 2, 1)
    )
    make_article(
        title="Agenda del weekend",
        body="<p>Sabato concerto, domenica teatro per bambini.</p>",
        publish_at=at(2024, 3, 1),
    )

    response = search(client, "teatro")

    assert found_titles(response) == [
        "Il restauro del teatro",
        "Cronache cittadine",
        "Agenda del weekend",
    ]


def test_equally_relevant_results_come_newest_first(client):
    make_article(title="Vendemmia 2023", publish_at=at(2023, 9, 1))
    make_article(title="Vendemmia 2024", publish_at=at(2024, 9, 1))

    assert found_titles(search(client, "vendemmia")) == ["Vendemmia 2024", "Vendemmia 2023"]


# Pages.


def test_results_are_paginated_and_the_page_links_keep_the_query(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    for month in (1, 2, 3):
        make_article(title=f"Mercato {month}", publish_at=at(2024, month, 1))

    first = search(client, "mercato")
    second = search(client, "mercato", page=2)

    assert found_titles(first) == ["Mercato 3", "Mercato 2"]
    assert found_titles(second) == ["Mercato 1"]
    (summary,) = find_elements(first.text, "p", class_="search-summary")
    assert str(summary.children[0]).startswith("3 ")  # the total, not the page's count
    (next_link,) = find_elements(first.text, "a", rel="next")
    assert dict(next_link.attributes)["href"] == "?q=mercato&page=2"
    (previous_link,) = find_elements(second.text, "a", rel="prev")
    assert dict(previous_link.attributes)["href"] == "?q=mercato&page=1"


@pytest.mark.parametrize("page", ["2", "abc", "-1", "99999999999999999999"])
def test_a_page_that_does_not_exist_is_404_not_an_error(client, page):
    make_article(title="Mercato unico")

    assert search(client, "mercato", page=page).status_code == 404


# Empty, long and hostile queries.


@pytest.mark.parametrize("query", [None, "", "   ", "\t\n"])
def test_empty_query_shows_a_prompt_and_no_results(client, query):
    make_article(title="Qualcosa da trovare")
    url = reverse("blog:search")

    response = client.get(url) if query is None else client.get(url, {"q": query})

    assert response.status_code == 200
    assert find_elements(response.text, "p", class_="empty")
    assert not find_elements(response.text, "ol", class_="search-results")
    assert "Qualcosa da trovare" not in response.text


def test_empty_query_ignores_the_page_number(client):
    assert client.get(reverse("blog:search"), {"page": "7"}).status_code == 200


def test_a_very_long_query_is_shortened_with_a_message(client):
    make_article(title="Biblioteca civica")
    query = "biblioteca " + "parola " * 100  # ~700 characters

    response = search(client, query)

    assert response.status_code == 200
    assert response.context["query_shortened"] is True
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert find_elements(response.text, "p", id="search-shortened")
    (field,) = find_elements(response.text, "input", id="search-page-q")
    assert len(dict(field.attributes)["value"]) <= MAX_QUERY_LENGTH


def test_a_query_of_exactly_the_limit_is_not_shortened(client):
    response = search(client, "x" * MAX_QUERY_LENGTH)

    assert response.status_code == 200
    assert response.context["query_shortened"] is False
    assert not find_elements(response.text, "p", id="search-shortened")


HOSTILE_QUERIES = [
    "\x00",
    "teatro\x00",
    "'; DROP TABLE blog_article; --",
    "a & b | !c",
    "<script>alert(1)</script>",
    "\\",
    "teatro\\",
    ":*",
    "teatro:*",
    '"unbalanced',
    "((( teatro",
    "!!",
    "-",
    "teatro OR",
    "%_%",
    '"><img src=x onerror=alert(1)>',
    "\u202eortaet",
    "x" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=repr)
def test_hostile_queries_answer_200_and_are_echoed_escaped(client, query):
    make_article(title="Il teatro di a b c", body="<p>Script, tabelle e teatro.</p>")

    response = search(client, query)

    if "\x00" in query:
        # No text column takes a NUL: the whole query string is refused (config.security).
        assert response.status_code == 400
        assert "\x00" not in response.text
        return
    assert response.status_code == 200
    if set(query) & set("<>&'\""):
        assert query not in response.text
    cleaned = response.context["query"]
    assert f'value="{escape(cleaned)}"' in response.text
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text


def test_clean_query_drops_control_characters_and_collapses_spaces():
    assert clean_query("  nuovo\x00\x07 \t modello\u200b  ") == ("nuovo modello", False)
    assert clean_query(None) == ("", False)
    shortened, was_shortened = clean_query("parola " * 60)
    assert was_shortened and len(shortened) <= MAX_QUERY_LENGTH
    assert shortened.endswith("parola")  # cut between words, not inside one


# Snippets.


def test_snippet_marks_the_word_and_carries_no_markup_from_the_article(client):
    make_article(
        title="Un articolo",
        body=(
            '<p>Il <strong>restauro</strong> del <a href="https://example.com">Duomo</a>: '
            "&lt;b&gt;non&lt;/b&gt; è markup, &lt;mark&gt;finto&lt;/mark&gt; nemmeno.</p>"
        ),
    )

    response = search(client, "restauro")

    (snippet,) = snippets(response)
    assert [child.name for child in child_elements(snippet)] == ["mark"]
    assert marked_words(snippet) == ["restauro"]
    snippet_html = response.text.split('class="search-snippet">', 1)[1].split("</p>", 1)[0]
    for tag in ("<strong", "<a ", "<em", "<b>", "<script"):
        assert tag not in snippet_html
    assert "&lt;b&gt;non&lt;/b&gt;" in snippet_html  # the text that looks like markup, escaped
    assert "&lt;mark&gt;finto&lt;/mark&gt;" in snippet_html


def test_snippet_shows_the_text_around_a_match_far_into_the_body(client):
    filler = " ".join(["parola"] * 300)
    make_article(title="Lungo", body=f"<p>{filler}</p><p>Ecco il tesoro nascosto.</p>")

    (snippet,) = snippets(search(client, "tesoro"))

    assert marked_words(snippet) == ["tesoro"]
    assert str(snippet.children[0]).startswith("…")  # says that it was cut
    assert str(snippet).count("parola") < 50


def test_snippet_of_a_short_text_is_whole_without_ellipses(client):
    make_article(title="Breve", lead="Una nota sul tesoro.", body="<p>Fine.</p>")

    (snippet,) = snippets(search(client, "tesoro"))

    assert "…" not in str(snippet)
    assert marked_words(snippet) == ["tesoro"]


def test_snippet_escapes_the_lead_too(client):
    make_article(title="Codice", lead="Il compilatore e il tag <b> & co.", body="")

    response = search(client, "compilatore")

    (snippet,) = snippets(response)
    assert [child.name for child in child_elements(snippet)] == ["mark"]
    assert "<mark>compilatore</mark> e il tag &lt;b&gt; &amp; co." in response.text


def test_every_page_has_a_labelled_get_search_form_in_the_header(client):
    article = make_article(title="Una pagina qualsiasi")

    for url in (reverse("blog:home"), article.get_absolute_url(), "/non-esiste/"):
        html = client.get(url).text
        (form,) = find_elements(html, "form", class_="site-search")
        attributes = dict(form.attributes)
        assert attributes["action"] == reverse("blog:search")
        assert attributes["method"] == "get"
        assert find_elements(html, "input", name="q", id="site-search-q")
        assert find_elements(html, "label", for_="site-search-q")


# PostgreSQL: stemming, weights, headlines, websearch syntax, the index.


@postgresql_only
def test_plural_finds_singular_and_singular_finds_plural(client):
    make_article(title="Un modello per il clima", body="<p>Le previsioni.</p>")
    make_article(title="Altro", body="<p>Confrontiamo i modelli climatici.</p>")

    assert sorted(found_titles(search(client, "modelli"))) == ["Altro", "Un modello per il clima"]
    assert sorted(found_titles(search(client, "modello"))) == ["Altro", "Un modello per il clima"]


@postgresql_only
def test_headline_highlights_the_stemmed_forms_it_matched(client):
    make_article(
        title="Ricerca", body="<p>Il nuovo <strong>modello</strong> supera i vecchi modelli.</p>"
    )

    (snippet,) = snippets(search(client, "modelli"))

    assert marked_words(snippet) == ["modello", "modelli"]
    assert [child.name for child in child_elements(snippet)] == ["mark", "mark"]


@postgresql_only
def test_rank_weighs_more_occurrences_in_the_same_field_higher(client):
    make_article(
        title="Primo",
        body="<p>Olio nuovo, olio vecchio, olio di frantoio.</p>",
        publish_at=at(2024, 1, 1),
    )
    make_article(title="Secondo", body="<p>Una goccia di olio.</p>", publish_at=at(2024, 6, 1))

    assert found_titles(search(client, "olio")) == ["Primo", "Secondo"]


@postgresql_only
def test_websearch_syntax_quotes_and_minus(client):
    make_article(title="Treni regionali", body="<p>Ritardi dei treni in Lombardia.</p>")
    make_article(title="Treni veloci", body="<p>Alta velocità tra Roma e Milano.</p>")

    assert found_titles(search(client, "treni -lombardia")) == ["Treni veloci"]
    assert found_titles(search(client, '"treni regionali"')) == ["Treni regionali"]


@postgresql_only
def test_a_query_of_stop_words_only_finds_nothing_without_error(client):
    make_article(title="Il e la")

    response = search(client, "il la di")

    assert response.status_code == 200
    assert found_titles(response) == []


@postgresql_only
def test_search_filter_can_use_the_gin_index_of_the_stored_document():
    """Migration 0004's generated column and its GIN index serve the filter."""
    plan = filter_plan(search_articles(Article.objects.all(), "modello"))

    assert "article_search_document_idx" in plan


@postgresql_only
def test_ranking_reads_the_stored_column_and_never_recomputes_the_document():
    make_article(title="Modello unico", body="<p>Un modello.</p>")
    plan = search_articles(Article.objects.all(), "modello").explain(verbose=True)

    assert "ts_rank(blog_article.search_document" in plan
    assert "to_tsvector" not in plan


@postgresql_only
def test_the_stored_document_follows_every_edit_of_the_article(client):
    article = make_article(title="Vendemmia", body="<p>Uva.</p>")
    article.title = "Raccolta"
    article.save()

    assert found_titles(search(client, "raccolta")) == ["Raccolta"]
    assert found_titles(search(client, "vendemmia")) == []


@postgresql_only
def test_headlines_are_computed_for_the_shown_page_only(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    for month in (1, 2, 3, 4, 5):
        make_article(
            title=f"Mercato {month}", body="<p>Il mercato.</p>", publish_at=at(2024, month, 1)
        )
    with CaptureQueriesContext(connection) as queries:
        response = search(client, "mercato")

    headline_queries = [q["sql"] for q in queries if "ts_headline" in q["sql"]]
    assert len(headline_queries) == 1
    shown = [article.pk for article in response.context["articles"]]
    assert f"IN ({shown[0]}, {shown[1]})" in headline_queries[0]
    assert len(snippets(response)) == 2
    assert all(marked_words(snippet) for snippet in snippets(response))


def test_matches_past_the_cap_say_more_than_and_are_not_counted_exactly(client, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    for month in (1, 2, 3, 4, 5):
        make_article(title=f"Mercato {month}", publish_at=at(2024, month, 1))

    response = search(client, "mercato")

    (summary,) = find_elements(response.text, "p", class_="search-summary")
    assert str(summary.children[0]).startswith("Più di 3 articoli")
    assert response.context["paginator"].count == 3


def test_matches_up_to_the_cap_are_counted_exactly(client, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    for month in (1, 2, 3):
        make_article(title=f"Mercato {month}", publish_at=at(2024, month, 1))

    (summary,) = find_elements(search(client, "mercato").text, "p", class_="search-summary")

    assert str(summary.children[0]).startswith("3 articoli")


@postgresql_only
def test_past_the_cap_only_the_newest_matches_are_ranked(client, monkeypatch):
    """Ranking reads each ranked article's document: a common word ranks the newest
    COUNT_CAP + 1 matches, not thousands (the page shows no more than COUNT_CAP anyway)."""
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    make_article(title="Mercato mercato, il più pertinente", publish_at=at(2020, 1, 1))
    for month in (1, 2, 3, 4):
        make_article(
            title=f"Notizie {month}", body="<p>Il mercato.</p>", publish_at=at(2024, month, 1)
        )

    response = search(client, "mercato")

    assert "il più pertinente" not in " ".join(found_titles(response))
    assert response.context["paginator"].capped
    plan = search_articles(Article.objects.published(), "mercato").explain()
    assert "Limit" in plan  # the candidates are the newest few, before any ranking


@postgresql_only
def test_up_to_the_cap_every_match_is_ranked(client, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 5)
    make_article(title="Mercato mercato, il più pertinente", publish_at=at(2020, 1, 1))
    for month in (1, 2, 3, 4):
        make_article(
            title=f"Notizie {month}", body="<p>Il mercato.</p>", publish_at=at(2024, month, 1)
        )

    assert found_titles(search(client, "mercato"))[0] == "Mercato mercato, il più pertinente"


@postgresql_only
def test_an_old_match_is_found_however_many_newer_articles_do_not_match(client, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    make_article(title="Il mercato di una volta", publish_at=at(2015, 1, 1))
    for month in range(1, 7):
        make_article(title=f"Altro {month}", publish_at=at(2024, month, 1))

    assert found_titles(search(client, "mercato")) == ["Il mercato di una volta"]
