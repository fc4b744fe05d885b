"""Personal data by email address, like WordPress's "Export / Erase Personal Data" tools.

Each kind of data stored about a person is one entry in a small registry: a name (the key in the
export), an exporter returning JSON-ready data for an address, and an eraser anonymizing or
removing it and returning how many records it changed. Each app registers its own kinds from its
AppConfig.ready():

    from core import privacy

    privacy.register(
        "newsletter",
        label=_("Newsletter subscription"),
        exporter=export_subscriptions,
        eraser=erase_subscriptions,
    )

personal_data_export() / personal_data_erase() run every registered kind, so the commands and
the admin actions (in comments: a person is found from their comments) pick a new kind up with
no change. Kinds run in the order their apps are installed. Each kind reports its own count,
under its own label: personal_data_counts() says what erasing would change before it is done,
personal_data_erase_each() what it changed, kind by kind (a person with only a subscription is
told about a subscription, not about "0 comments").
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

Exporter = Callable[[str], object]
Eraser = Callable[[str], int]
Counter = Callable[[str], int]


@dataclass(frozen=True)
class DataKind:
    name: str
    exporter: Exporter
    eraser: Eraser | None = None
    # What the records are called where a person is told what is erased (a lazy translation),
    # and how many an address has (by default, the rows its exporter lists).
    label: str = ""
    counter: Counter | None = None
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
    label: str = "",
    counter: Counter | None = None,
) -> None:
    """Add (or replace, so a reloaded app does not register twice) a kind of personal data."""
    _kinds[name] = DataKind(
        name=name,
        exporter=exporter,
        eraser=eraser,
        export_permission=export_permission,
        erase_permission=erase_permission,
        label=label or name,
        counter=counter,
    )


def kinds() -> list[DataKind]:
    return list(_kinds.values())


# What the privacy page states of the data an app keeps that no address finds (the fediverse's
# remote authors): each app registers a renderer of its own escaped HTML from ready(), and the
# designated privacy page shows every notice under the editors' text, so the page says what the
# code keeps, in the reader's language.
_notices: dict[str, Callable[[], str]] = {}


def register_notice(name: str, render: Callable[[], str]) -> None:
    """Add (or replace) a statement for the privacy page."""
    _notices[name] = render


def notices() -> list[str]:
    """The registered statements, rendered (empty ones left out)."""
    return [html for html in (render() for render in _notices.values()) if html]


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


@dataclass(frozen=True)
class Tally:
    """How many records of one kind an address has (or had, once erased)."""

    name: str
    label: str
    count: int


def _erasable(user) -> list[DataKind]:
    return [k for k in kinds() if k.eraser is not None and _allowed(k.erase_permission, user)]


def _count(kind: DataKind, email: str) -> int:
    if kind.counter is not None:
        return kind.counter(email)
    return len(kind.exporter(email))


def personal_data_counts(*, email: str, user=None) -> list[Tally]:
    """What erasing an address would change, kind by kind (each kind counts its own records).
    With `user` (the admin), only the kinds that user may erase."""
    email = _required_email(email)
    return [Tally(k.name, str(k.label), _count(k, email)) for k in _erasable(user)]


def personal_data_erase_each(*, email: str, user=None) -> list[Tally]:
    """Erase (anonymize) what every registered kind holds about an address, in one transaction;
    how many records each kind changed. With `user` (the admin), only the kinds that user may
    erase."""
    email = _required_email(email)
    with transaction.atomic():
        return [Tally(k.name, str(k.label), k.eraser(email)) for k in _erasable(user)]


def personal_data_erase(*, email: str, user=None) -> int:
    """personal_data_erase_each(), as how many records were changed, all kinds together."""
    return sum(tally.count for tally in personal_data_erase_each(email=email, user=user))


def found(tallies: list[Tally]) -> list[Tally]:
    """The kinds that hold (or held) something: what a person is told about."""
    return [tally for tally in tallies if tally.count]


def is_empty(export: dict) -> bool:
    """Whether an export from personal_data_export() found nothing at all."""
    return not any(export["data"].values())
