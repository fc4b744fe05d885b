"""The opt-in "remember me" cookie: name, email and website for the next comment.

Signed and HttpOnly; only the commenter's own browser ever holds it, and a page that prefills
the form from it is marked private so no shared cache can keep it.
"""

from django.conf import settings
from django.core import signing

from comments import conf

COOKIE_NAME = "comment_author"
COOKIE_SALT = "comments.remember"
FIELDS = ("author_name", "author_email", "author_url")


def remember_commenter(response, data: dict) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        signing.dumps({key: data.get(key, "") for key in FIELDS}, compress=True),
        salt=COOKIE_SALT,
        max_age=conf.get("COMMENTS_REMEMBER_COOKIE_AGE"),
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def forget_commenter(request, response) -> None:
    if COOKIE_NAME in request.COOKIES:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")


def remembered_commenter(request) -> dict:
    raw = request.get_signed_cookie(
        COOKIE_NAME,
        default=None,
        salt=COOKIE_SALT,
        max_age=conf.get("COMMENTS_REMEMBER_COOKIE_AGE"),
    )
    if raw is None:
        return {}
    try:
        data = signing.loads(raw)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data.get(key, ""))[:254] for key in FIELDS}
