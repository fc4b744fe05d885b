"""The readership app's settings and their defaults; config/settings.py overrides, it does not
restate them."""

from django.conf import settings

DEFAULTS = {
    # Off: the beacon answers 204 and counts nothing, the frame adds no script.
    "READERSHIP_ENABLED": True,
    # Events left in the shared cache are folded into daily rows by the worker this often.
    "READERSHIP_FOLD_SECONDS": 60,
    # At most this many events per transaction of a fold (it loops until it has caught up).
    "READERSHIP_FOLD_BATCH": 20_000,
    # An event not folded within this long is dropped by the cache (a worker down for a week).
    "READERSHIP_EVENT_SECONDS": 7 * 24 * 3600,
}

# What a counted page is, and for those that are an object, the model its id belongs to: the
# fold drops ids no row has (forged beacons must not fill the table).
KIND_MODELS = {
    "article": "blog.Article",
    "page": "pages.Page",
    "category": "blog.Category",
    "tag": "blog.Tag",
    "author": "blog.Author",
}
LISTING_KINDS = ("home", "archive", "search", "listing")
# The whole site: one row a day, its visitors counted once whatever they read, and the reading
# depth of all its articles (so a period's depth reads one row a day, not one per article).
SITE = "site"
# Article views summed per author and per category as the fold finds them (the article's author
# and category when it was read): one row a day per author or category, so the dashboard's
# groupings read a few rows a day, not one per article. Not kinds a beacon can name.
GROUPS = {"author": "by_author", "category": "by_category"}
KINDS = (*KIND_MODELS, *LISTING_KINDS)


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
