"""The blog's models: articles, authors, categories, tags and the promo banner (articles.py);
the editorial desk's records, status changes, revisions and corrections (editorial.py).
Imported here so Django finds them and `from blog.models import Article` reads as it always did."""

from blog.models.articles import (
    Article,
    ArticleQuerySet,
    Author,
    Category,
    Promo,
    PromoQuerySet,
    Tag,
    corrections_of,
    visible_condition,
)
from blog.models.editorial import ArticleTransition, Correction, Revision

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleTransition",
    "Author",
    "Category",
    "Correction",
    "Promo",
    "PromoQuerySet",
    "Revision",
    "Tag",
    "corrections_of",
    "visible_condition",
]
