"""Personal data by email address, like WordPress's "Export / Erase Personal Data" tools.

Each kind of data stored about a person is one entry in a small registry: a name (the key in the
export), an exporter returning JSON-ready data for an address, and an eraser anonymizing or
removing it and returning how many records it changed. Each app registers its own kinds from its
AppConfig.ready():

    from core import privacy

    privacy.register("newsletter", exporter=export_subscriptions, eraser=erase_subscriptions)

personal_data_export() / personal_data_erase() run every registered kind, so the commands and
the admin actions (in comments: a person is found from their comments) pick a new kind up with
no change. Kinds run in the order their apps are installed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

Exporter = Callable[[str], object]
Eraser = Callable[[str], int]


@dataclass(frozen=True)
class DataKind:
    name: str
    exporter: Exporter
    eraser: Eraser | None = None
    # What a staff member needs ("app.codename") to export or erase this kind from the admin:
    # a Moderator asking about a commenter gets the comments, not the newsletter subscription.
    # None: whoever may run the tool at all. Commands (the shell) are not limited.
    export_permission: str | None = None
    erase_permission: str | None = None


_kinds: dict[str, DataKind] = {}


def register(
    name: str,
    *,
    exporter: Exporter,
    eraser: Eraser | None = None,
    export_permission: str | None = None,
    erase_permission: str | None = None,
) -> None:
    """Add (or replace, so a reloaded app does not register twice) a kind of personal data."""
    _kinds[name] = DataKind(
        name=name,
        exporter=exporter,
        eraser=eraser,
        export_permission=export_permission,
        erase_permission=erase_permission,
    )


def kinds() -> list[DataKind]:
    return list(_kinds.values())


def _allowed(permission: str | None, user) -> bool:
    return user is None or permission is None or user.has_perm(permission)


def iso(value: datetime | None) -> str | None:
    """A moment as exports write it."""
    return value.isoformat() if value is not None else None


def _required_email(email: str) -> str:
    email = email.strip()
    if not email:
        # An empty address would match every record stored without one.
        raise ValueError("An email address is required.")
    return email


def personal_data_export(*, email: str, user=None) -> dict:
    """Everything stored about an email address, matched ignoring case, ready for json.dumps.

    `data` has one entry per registered kind of personal data (comments grouped by article, the
    newsletter subscription, ...); every kind is empty when nothing is stored. With `user` (the
    admin), only the kinds that user may export.
    """
    email = _required_email(email)
    with transaction.atomic():
        data = {
            kind.name: kind.exporter(email)
            for kind in kinds()
            if _allowed(kind.export_permission, user)
        }
    return {"email": email, "exported_at": timezone.now().isoformat(), "data": data}


def personal_data_erase(*, email: str, user=None) -> int:
    """Erase (anonymize) what every registered kind holds about an address, in one transaction.

    Returns how many records were changed, all kinds together. With `user` (the admin), only
    the kinds that user may erase.
    """
    email = _required_email(email)
    with transaction.atomic():
        return sum(
            kind.eraser(email)
            for kind in kinds()
            if kind.eraser is not None and _allowed(kind.erase_permission, user)
        )


def is_empty(export: dict) -> bool:
    """Whether an export from personal_data_export() found nothing at all."""
    return not any(export["data"].values())
