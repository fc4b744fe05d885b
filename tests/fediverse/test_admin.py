"""Editors switch our actors off, moderators block remote actors and servers, in the admin."""

import pytest
from django.urls import reverse

from fediverse import actors
from fediverse.models import BlockedDomain, Follower, LocalActor, RemoteActor
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _follower():
    remote = RemoteActor.objects.create(
        uri="https://social.example/users/alice", domain="social.example"
    )
    Follower.objects.create(actor=actors.magazine_actor(), remote=remote)
    return remote


def test_an_editor_switches_the_magazine_off(client, settings):
    user = make_user(is_superuser=True)
    client.force_login(user)
    magazine = actors.magazine_actor()

    response = client.post(
        reverse("admin:fediverse_localactor_changelist"),
        {"action": "switch_off", "_selected_action": [magazine.pk]},
    )

    assert response.status_code == 302
    magazine.refresh_from_db()
    assert not magazine.enabled
    answer = client.get("/fediverse/magazine/", HTTP_ACCEPT="application/activity+json")
    assert answer.status_code == 410


def test_the_actor_list_shows_the_magazine_and_its_handle(client):
    client.force_login(make_user(is_superuser=True))

    response = client.get(reverse("admin:fediverse_localactor_changelist"))

    assert response.status_code == 200
    assert "@redazione@rivista.example" in response.content.decode()
    assert "PRIVATE KEY" not in response.content.decode()


def test_staff_without_the_permission_cannot_switch_an_actor_off(client):
    client.force_login(make_user())  # staff, no fediverse permission
    magazine = actors.magazine_actor()

    response = client.post(
        reverse("admin:fediverse_localactor_changelist"),
        {"action": "switch_off", "_selected_action": [magazine.pk]},
    )

    assert response.status_code == 403
    magazine.refresh_from_db()
    assert magazine.enabled


def test_a_moderator_blocks_a_remote_actor(client):
    client.force_login(make_user(is_superuser=True))
    remote = _follower()

    client.post(
        reverse("admin:fediverse_remoteactor_changelist"),
        {"action": "block", "_selected_action": [remote.pk]},
    )

    remote.refresh_from_db()
    assert remote.blocked
    assert not Follower.objects.exists()


def test_blocking_a_server_in_the_admin_removes_its_follows(client):
    client.force_login(make_user(is_superuser=True))
    _follower()

    response = client.post(
        reverse("admin:fediverse_blockeddomain_add"), {"domain": "social.example", "note": ""}
    )

    assert response.status_code == 302
    assert BlockedDomain.objects.get().domain == "social.example"
    assert not Follower.objects.exists()
    assert LocalActor.objects.count() == 1
