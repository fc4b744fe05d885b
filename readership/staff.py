"""Logged-in staff are not counted, and the beacon must not read the database to know it.

When a staff member logs in, a marker goes into the shared cache under a hash of their new
session key; logging out removes it. The beacon only looks for the marker of the session cookie
it was sent (no session or user is loaded).
"""

import hashlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.dispatch import receiver

from readership.counting import PREFIX


def _marker(session_key: str) -> str:
    return PREFIX + "staff:" + hashlib.sha256(session_key.encode()).hexdigest()


def is_staff_session(request) -> bool:
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return bool(session_key) and cache.get(_marker(session_key)) is not None


@receiver(user_logged_in, dispatch_uid="readership.staff_logged_in")
def _staff_logged_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if user.is_staff and session is not None and session.session_key:
        cache.set(_marker(session.session_key), 1, timeout=settings.SESSION_COOKIE_AGE)


@receiver(user_logged_out, dispatch_uid="readership.staff_logged_out")
def _staff_logged_out(sender, request, user, **kwargs):
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        cache.delete(_marker(session_key))
