"""Searching the published articles.

On PostgreSQL: full-text search with the Italian configuration (stemming, so "modelli" finds
"modello" and "citta" finds "città"), websearch syntax, ranked by field weight (title A, lead B,
body C) then newest, with ts_headline snippets. The weighted document is the expression of the GIN
index created by migration 0003 (PostgreSQL only), so filtering does not scan the table; keep the
two in step (tests/blog/test_search.py asks the planner).

Elsewhere (SQLite, the zero-set-up demo): every word must appear in the title, lead or body text
(outside HTML tags), case- and accent-insensitively; title hits first, then lead hits, then newest;
snippets cut in Python around the first hit.

Whatever the backend, a snippet is escaped text with <mark> around the hits and nothing else.
"""

import html
import re
import secrets
import unicodedata
from functools import reduce
from operator import add, and_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "italian"

# The fallback runs one regular expression per word and field on every row: bound the work.
MAX_FALLBACK_WORDS = 10
SNIPPET_CHARS = 220
_WORD = re.compile(r"\w+")

# ts_headline marks hits with these; the text is escaped, then only these become <mark>.
# Private-use characters around a per-process random token: no article can contain them.
_MARK_START = f"\ue000{secrets.token_hex(8)}\ue001"
_MARK_STOP = f"\ue001{secrets.token_hex(8)}\ue000"

# The sanitizer's output is well-formed, attribute values in double quotes (which may hold ">"),
# text "<" and ">" escaped. Inline tags go without a trace ("<em>finito</em>:" reads "finito:"),
# the others leave a space so that paragraphs do not run together. Entities stay: the text-search
# parser reads them as entity tokens, and html.unescape decodes them for snippets. The patterns use
# the syntax common to Python's re and PostgreSQL's regular expressions: SQL and article_text()
# read the same text.
INLINE_TAG_PATTERN = r'</?(?:a|b|i|em|strong|code|s|sub|sup|cite)(?:\s(?:[^>"]|"[^"]*")*)?>'
TAG_PATTERN = r'<(?:[^>"]|"[^"]*")*>'


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query as searched: control and format characters out (PostgreSQL refuses NUL),
    whitespace collapsed, at most MAX_QUERY_LENGTH characters. Returns (query, shortened)."""
    characters = []
    for character in raw or "":
        category = unicodedata.category(character)
        if category in ("Cc", "Zl", "Zp"):
            characters.append(" ")  # Tabs and newlines separate words; NUL and the rest go.
        elif not category.startswith("C"):
            characters.append(character)
    query = " ".join("".join(characters).split())
    if len(query) <= MAX_QUERY_LENGTH:
        return query, False
    shortened = query[:MAX_QUERY_LENGTH]
    if query[MAX_QUERY_LENGTH] != " " and " " in shortened:
        shortened = shortened.rsplit(" ", 1)[0]  # Do not search for half a word.
    return shortened.rstrip(), True


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    """The articles of `queryset` (already the published ones) matching `query`, best first."""
    if connections[queryset.db].vendor == "postgresql":
        return _postgres_search(queryset, query)
    return _fallback_search(queryset, query)


def snippet(article, query: str) -> SafeString:
    """The excerpt shown under a result: escaped plain text, hits in <mark>, "…" where cut."""
    text = article_text(article)
    headline = getattr(article, "search_headline", None)
    if headline is not None:
        return _headline_to_html(headline, text)
    return _fallback_snippet(text, query)


def article_text(article) -> str:
    """The lead and the body as one plain text, the way search reads them."""
    body = re.sub(TAG_PATTERN, " ", re.sub(INLINE_TAG_PATTERN, "", article.body))
    return " ".join(f"{article.lead} {html.unescape(body)}".split())


def _marked(text: str, hits) -> SafeString:
    """`text` escaped, with <mark> around the (start, end) spans of `hits`, and nothing else."""
    parts, position = [], 0
    for start, end in hits:
        parts += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece escaped.


def _with_ellipses(marked: SafeString, *, cut_before: bool, cut_after: bool) -> SafeString:
    return mark_safe(  # noqa: S308 - only literal ellipses around an already safe string.
        ("… " if cut_before else "") + marked + (" …" if cut_after else "")
    )


# PostgreSQL.


def _body_without_tags():
    without_inline = Func(
        F("body"),
        Value(INLINE_TAG_PATTERN),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Func(
        without_inline,
        Value(TAG_PATTERN),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_document():
    """The weighted document; the same expression as the GIN index of migration 0003."""
    return (
        SearchVector("title", config=SEARCH_CONFIG, weight="A")
        + SearchVector("lead", config=SEARCH_CONFIG, weight="B")
        + SearchVector(_body_without_tags(), config=SEARCH_CONFIG, weight="C")
    )


def _lead_as_html():
    # The lead is plain text and the body is HTML; escape the lead so that the whole headline is
    # HTML text, unescaped exactly once in _headline_to_html.
    lead = F("lead")
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        lead = Replace(lead, Value(character), Value(entity), output_field=TextField())
    return lead


def _postgres_search(queryset, query):
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    return (
        queryset.alias(search_document=search_document())
        .filter(search_document=search_query)
        .annotate(
            search_rank=SearchRank(F("search_document"), search_query),
            search_headline=SearchHeadline(
                Concat(
                    _lead_as_html(),
                    Value(" ", output_field=TextField()),
                    _body_without_tags(),
                    output_field=TextField(),
                ),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=_MARK_START,
                stop_sel=_MARK_STOP,
                max_words=40,
                min_words=25,
            ),
        )
        .order_by("-search_rank", "-publish_at", "-pk")
    )


def _headline_to_html(headline: str, full_text: str) -> SafeString:
    """ts_headline's output is HTML text with our sentinels around the hits: decode it, then
    escape all of it but the sentinels, which become <mark>."""
    text = " ".join(html.unescape(headline).split())
    plain, hits = "", []
    for piece in re.split(f"({re.escape(_MARK_START)}|{re.escape(_MARK_STOP)})", text):
        if piece == _MARK_START:
            hits.append([len(plain), None])
        elif piece == _MARK_STOP:
            if hits and hits[-1][1] is None:
                hits[-1][1] = len(plain)
        else:
            plain += piece
    hits = [(start, end) for start, end in hits if end is not None]
    # The headline is a stretch of the text (ts_headline copies tokens as they are): words left
    # out before or after it make an ellipsis.
    position = full_text.find(plain)
    if position == -1:
        position, after = 0, ""
    else:
        after = full_text[position + len(plain) :]
    return _with_ellipses(
        _marked(plain, hits),
        cut_before=bool(_WORD.search(full_text[:position])),
        cut_after=bool(_WORD.search(after)),
    )


# The fallback (SQLite).

_ACCENTED = {
    "a": "aàáâäã",
    "e": "eèéêë",
    "i": "iìíîï",
    "o": "oòóôöõ",
    "u": "uùúûü",
    "c": "cç",
    "n": "nñ",
}
# A hit inside a tag (<a href="...">) is markup, not text: no ">" may follow before a "<".
_OUTSIDE_TAG = r"(?![^<]*>)"


def _words(query: str) -> list[str]:
    words = dict.fromkeys(word.lower() for word in _WORD.findall(query))
    return list(words)[:MAX_FALLBACK_WORDS]


def _word_pattern(word: str) -> str:
    """A regular expression matching `word` whatever its accents (case is left to the flag)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in bare)


def _hits(field: str, pattern: str) -> Case:
    return Case(When(**{f"{field}__iregex": pattern}, then=Value(1)), default=Value(0))


def _fallback_search(queryset, query):
    patterns = [_word_pattern(word) for word in _words(query)]
    if not patterns:
        return queryset.none()
    every_word = reduce(
        and_,
        (
            Q(title__iregex=p) | Q(lead__iregex=p) | Q(body__iregex=p + _OUTSIDE_TAG)
            for p in patterns
        ),
    )
    return (
        queryset.filter(every_word)
        .annotate(
            title_hits=reduce(add, (_hits("title", p) for p in patterns)),
            lead_hits=reduce(add, (_hits("lead", p) for p in patterns)),
        )
        .order_by("-title_hits", "-lead_hits", "-publish_at", "-pk")
    )


def _fallback_snippet(text: str, query: str) -> SafeString:
    patterns = [_word_pattern(word) for word in _words(query)]
    hit = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
    first = hit.search(text) if hit else None
    start = 0
    if first and first.start() > SNIPPET_CHARS // 3:
        # Start at a word boundary some way before the first hit.
        space = text.find(" ", first.start() - SNIPPET_CHARS // 3, first.start())
        start = space + 1 if space != -1 else first.start()
    end = len(text)
    if end - start > SNIPPET_CHARS:
        space = text.rfind(" ", start, start + SNIPPET_CHARS)
        end = space if space > start else start + SNIPPET_CHARS
    window = text[start:end]
    hits = [match.span() for match in hit.finditer(window)] if hit else []
    return _with_ellipses(_marked(window, hits), cut_before=start > 0, cut_after=end < len(text))
