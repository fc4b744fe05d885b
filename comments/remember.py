"""The opt-in "remember me": name, email and website prefilled for the next comment.

Kept in the server-side session, so the browser holds only the opaque session id and the email
never travels back in a cookie. A page that prefills the form is marked private (see
blog.views.render_article) so no shared cache can keep it.
"""

from django.conf import settings

from comments import conf

SESSION_KEY = "comments_remembered"
FIELDS = ("author_name", "author_email", "author_url")


def _has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def remember_commenter(request, data: dict) -> None:
    request.session[SESSION_KEY] = {key: data.get(key, "") for key in FIELDS}
    if not request.user.is_authenticated:
        # A reader's session lasts as long as the promise; a staff login keeps its own expiry.
        request.session.set_expiry(conf.get("COMMENTS_REMEMBER_AGE"))


def forget_commenter(request) -> None:
    if _has_session(request) and SESSION_KEY in request.session:
        del request.session[SESSION_KEY]


def remembered_commenter(request) -> dict:
    if not _has_session(request):
        return {}  # Most readers: no session, no query.
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return {}
    return {key: str(data.get(key, "")) for key in FIELDS}
