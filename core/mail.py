"""Outgoing email shared by every app: absolute links, and a List-Unsubscribe that survives.

An email has no request to build links from: site_url() uses settings.SITE_URL.

ListEmailMessage keeps List-Unsubscribe readable.

Python's email package folds a header longer than 78 characters, and a URL has no space to fold
at, so it turns `<https://…>` into RFC 2047 encoded words. Mail clients then cannot read the
link (Gmail ignores the header altogether, and one-click unsubscribe with it). The header is
emitted on one line instead: RFC 5322 allows 998 characters, and our links are far shorter.
"""

import email.policy

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage

ONE_LINE_HEADERS = ("List-Unsubscribe",)


def users_with_permission(permission: str):
    """Active users who hold `permission` (through a group, their own permissions or as
    superusers) and have an address, in the order the accounts were made."""
    return (
        get_user_model()
        ._default_manager.with_perm(
            permission,
            is_active=True,
            include_superusers=True,
            # Permissions live in the model backend; axes' backend only guards logins.
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
        .order_by("pk")
    )


def unique_addresses(users) -> list[str]:
    """The users' addresses in their order, each once (case and spaces ignored)."""
    seen, addresses = set(), []
    for user in users:
        key = user.email.strip().lower()
        if key not in seen:
            seen.add(key)
            addresses.append(user.email)
    return addresses


def addresses_with_permission(permission: str) -> list[str]:
    """The addresses of active users who hold `permission` (through a group, their own
    permissions or as superusers), in the order the accounts were made, each address once."""
    return unique_addresses(users_with_permission(permission))


def site_url(path: str) -> str:
    """An absolute URL for an email, from settings.SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


class _OneLineHeader(str):
    """A header value the email package stores as it is and writes out without folding."""

    def __new__(cls, name: str, value: str):
        if "\r" in value or "\n" in value:
            raise ValueError(f"{name} must be one line")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


class ListEmailMessage(EmailMessage):
    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy)
        for name in ONE_LINE_HEADERS:
            value = self.extra_headers.get(name)
            if value is not None:
                del message[name]
                message[name] = _OneLineHeader(name, str(value))
        return message
