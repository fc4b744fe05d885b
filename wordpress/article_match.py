"""Which article an outside reference means: an address (ours, or an old WordPress one kept as a
redirect), an identifier such as the WordPress Disqus plugin's "123 https://site/?p=123", a slug,
or an entry of a map the person running the import wrote.

Each answers with the article's id, not the article: the importer loads what it needs of it
(a whole Article is a reference cycle, its cover's file pointing back at it, which only a full
collection frees: one per Disqus thread would grow with the file).
"""

import csv
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.urls import Resolver404, resolve

from blog.models import Article
from wordpress import paths
from wordpress.models import OldPermalink, WordPressObject

ARTICLE_VIEWS = ("blog:article", "blog:article-short")


class MapError(Exception):
    """A row of the --map file names no article here: the message says which."""


def article_at(address: str) -> int | None:
    """The id of the article an address leads to: its current address here, or an old
    WordPress address the import keeps as a redirect (any host: the path decides)."""
    parts = urlsplit(address.strip())
    if not (parts.path or parts.query):
        return None
    path = unquote(parts.path) or "/"
    if not paths.storable(path):
        return None
    try:
        match = resolve(paths.normalized(path))
    except Resolver404:
        match = None
    if match is not None and match.view_name in ARTICLE_VIEWS:
        article_id = (
            Article.objects.filter(slug=match.kwargs["slug"]).values_list("pk", flat=True).first()
        )
        if article_id is not None:
            return article_id
    keys = paths.request_keys(path, dict(parse_qsl(parts.query)))
    found = {
        redirect.path: redirect.article_id
        for redirect in OldPermalink.objects.filter(path__in=keys, article__isnull=False)
    }
    for key in keys:
        if key in found:
            return found[key]
    return None


def article_by_reference(reference: str) -> int | None:
    """The id of the article named by an address, a slug, or a WordPress post id ("123")
    known to exactly one import."""
    reference = reference.strip()
    if not reference:
        return None
    if "/" in reference or "?" in reference:
        return article_at(reference)
    if reference.isdigit():
        article_ids = WordPressObject.objects.filter(
            kind=WordPressObject.Kind.POST, wp_id=reference, article__isnull=False
        ).values_list("article_id", flat=True)[:2]
        if len(article_ids) == 1:
            return article_ids[0]
    return Article.objects.filter(slug=reference).values_list("pk", flat=True).first()


def article_for_identifier(identifier: str) -> int | None:
    """The id of the article named by an identifier as sites give them to comment services:
    an address, a slug, a post id, or several of these separated by spaces (the WordPress
    plugin's "123 https://site/?p=123")."""
    for part in identifier.split():
        article_id = article_by_reference(part)
        if article_id is not None:
            return article_id
    return None


def read_map(path: Path) -> dict[str, int]:
    """A CSV of two columns: a reference of the other system (an address, an identifier, an id)
    and the article here (its address or its slug). A header row is allowed. Raises MapError
    naming every row that leads nowhere; the import does not start."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise MapError(
            f"{path.name} is not a CSV file in UTF-8 ({exc}). Nothing was imported."
        ) from None
    mapped, problems = {}, []
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (number == 1 and cells[0].lower() in ("thread", "link")):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            problems.append(f"row {number}: two columns expected (thread, article)")
            continue
        article_id = article_by_reference(cells[1])
        if article_id is None:
            problems.append(f"row {number}: no article here for “{cells[1][:100]}”")
        else:
            mapped[cells[0]] = article_id
    if problems:
        raise MapError(f"{path.name}: " + "; ".join(problems[:10]) + ". Nothing was imported.")
    return mapped
