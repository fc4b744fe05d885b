"""Builders for the newsletter tests: form data as a reader's browser sends it, links from mail."""

import re
import time

import time_machine

from newsletter.forms import signed_timestamp

LINK = re.compile(r"https?://\S+/newsletter/(?:conferma|disiscrizione)/\S+/")


def signup_data(email="lettrice@example.com", *, age_seconds=60, **overrides) -> dict:
    """Valid POST data for the sign-up form, its signed timestamp `age_seconds` old."""
    with time_machine.travel(time.time() - age_seconds, tick=False):
        timestamp = signed_timestamp()
    fields = {"email": email, "timestamp": timestamp, "website_confirm": "", **overrides}
    return {f"newsletter-{name}": value for name, value in fields.items()}


def links(message) -> list[str]:
    """The site paths of the newsletter links in an email's body, in order."""
    return [re.sub(r"^https?://[^/]+", "", url) for url in LINK.findall(message.body)]


def confirm_path(message) -> str:
    (path,) = [link for link in links(message) if "/conferma/" in link]
    return path


def unsubscribe_path(message) -> str:
    (path,) = [link for link in links(message) if "/disiscrizione/" in link]
    return path
