"""The blog's defaults, in one place: settings.py overrides them, it does not restate them."""

from django.conf import settings

DEFAULTS = {
    "BLOG_ARTICLES_PER_PAGE": 10,
    # Listings stop after this many pages (OFFSET grows with the page; older articles stay
    # reachable through the month archives and the sitemap).
    "BLOG_MAX_LISTING_PAGES": 100,
    # How many saved versions of each article or page are kept (the oldest go first).
    "BLOG_REVISIONS_KEEP": 50,
    # Editors are emailed when an author submits an article for review.
    "BLOG_NOTIFY_REVIEW": True,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
