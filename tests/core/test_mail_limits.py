"""The limits every public form that sends mail shares (core.ratelimit): per mailbox, per client
address, and the networks reports are counted by (core.client_address)."""

import pytest
from django.core.cache import cache

from comments import conf
from core.client_address import network_of
from core.ratelimit import PerMailbox, mailbox_of


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("ada@example.org", "ada@example.org"),
        ("  Ada@Example.ORG ", "ada@example.org"),
        ("ada+1@example.org", "ada@example.org"),
        ("ADA+news+more@example.org", "ada@example.org"),
        ("ada.lovelace@example.org", "ada.lovelace@example.org"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_a_mailbox_is_the_address_with_case_and_plus_tag_folded(address, mailbox):
    assert mailbox_of(address) == mailbox


def test_the_mailbox_cap_counts_every_spelling_of_one_mailbox_together(settings):
    settings.COMMENTS_FOLLOW_MAILS_PER_MAILBOX = 3
    cap = PerMailbox("test", conf, "COMMENTS_FOLLOW_MAILS_PER_MAILBOX", "COMMENTS_MAILBOX_WINDOW")
    allowed = [cap.allow(f"Vittima+{n}@Example.org") for n in range(10)]
    assert allowed == [True] * 3 + [False] * 7
    assert cap.allow("altra@example.org")  # another mailbox has its own share


def test_the_mailbox_cap_writes_no_address_into_the_cache(settings):
    cap = PerMailbox("test", conf, "COMMENTS_FOLLOW_MAILS_PER_MAILBOX", "COMMENTS_MAILBOX_WINDOW")
    key = cap.key("vittima@example.org")
    assert "vittima" not in key and "example" not in key
    cap.allow("vittima@example.org")
    assert cache.get(key) == 1


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.0/24"),
        ("203.0.113.250", "203.0.113.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.3", "198.51.100.0/24"),
        ("unknown", None),
        (None, None),
    ],
)
def test_the_network_of_an_address_is_its_24_or_64(address, network):
    assert network_of(address) == network
