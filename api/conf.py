"""The API's settings, read in one place; config/settings.py overrides these defaults."""

from django.conf import settings

DEFAULTS = {
    # Origins allowed to read the API from a browser (CORS): none by default, "*" for any.
    "API_CORS_ALLOWED_ORIGINS": [],
    # Articles per page of a listing, and the most a client may ask for with ?limit=.
    "API_PAGE_SIZE": 20,
    "API_MAX_PAGE_SIZE": 100,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
