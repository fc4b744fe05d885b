"""One-click unsubscribe from reply notifications, without logging in.

The link in a reply notification carries the replied-to comment's id, signed (no expiry: an old
email must keep working). Following it (GET) asks first, since mail scanners follow links too;
the page's button or a mail client's RFC 8058 one-click POST turns off reply notifications on
every comment posted with that comment's address. The page never shows the address.
"""

from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blog.models import Article
from comments.models import Comment

SIGNING_SALT = "comments.unsubscribe.replies"


def make_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=SIGNING_SALT)


def read_token(token: str) -> int | None:
    """The comment id a token was made for, or None if it was not made here."""
    try:
        value = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def replies_unsubscribe(*, email: str) -> int:
    """Stop reply notifications to an address (ignoring case), on all its comments."""
    email = email.strip()
    if not email:
        return 0
    return Comment.objects.filter(author_email__iexact=email, notify_on_reply=True).update(
        notify_on_reply=False
    )


# The token is the credential and mail clients' one-click POST carries no CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    comment_id = read_token(token)
    comment = (
        Comment.objects.select_related("article").filter(pk=comment_id).first()
        if comment_id is not None
        else None
    )
    if comment is None:
        # 400: forged or mangled. 410: signed here, but the comment has since been deleted.
        gone = comment_id is not None
        return render(
            request,
            "comments/unsubscribe_invalid.html",
            {"comment_gone": gone},
            status=410 if gone else 400,
        )
    if request.method == "GET":
        return render(request, "comments/unsubscribe_confirm.html", {"token": token})
    replies_unsubscribe(email=comment.author_email)
    article = comment.article
    if not Article.objects.published().filter(pk=article.pk).exists():
        article = None
    return render(request, "comments/unsubscribe.html", {"article": article})
