"""FEDIVERSE_TRUSTED_TEST_ORIGINS: the one waiver of the public-address rule, for the
end-to-end test against a peer on this machine (tests/fediverse_peer). Empty by default; it
names exact origins and waives nothing else."""

import pytest

from fediverse import conf, fetcher

PEER = "https://localhost:8443"


@pytest.fixture
def local_peer(network):
    network.addresses["localhost"] = ["127.0.0.1"]
    network.routes[f"{PEER}/users/reader"] = {"id": f"{PEER}/users/reader"}
    return network


def test_by_default_no_origin_is_trusted_and_a_local_peer_is_refused(local_peer):
    assert conf.DEFAULTS["FEDIVERSE_TRUSTED_TEST_ORIGINS"] == ()

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json(f"{PEER}/users/reader")
    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json("https://127.0.0.1:8443/users/reader")

    assert not local_peer.sent


def test_a_trusted_origin_is_requested_at_the_address_it_resolves_to(local_peer, settings):
    settings.FEDIVERSE_TRUSTED_TEST_ORIGINS = [PEER]

    assert fetcher.get_json(f"{PEER}/users/reader") == {"id": f"{PEER}/users/reader"}

    [request] = local_peer.sent
    assert request["ip"] == "127.0.0.1"


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost:8444/users/reader",  # another port
        "https://localhost/users/reader",  # the default port
        "http://localhost:8443/users/reader",  # plain http stays refused
        "https://127.0.0.1:8443/users/reader",  # the same machine by another name
        "https://10.0.0.1:8443/users/reader",
    ],
)
def test_only_the_exact_origin_is_trusted(local_peer, settings, url):
    settings.FEDIVERSE_TRUSTED_TEST_ORIGINS = [PEER]

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json(url)

    assert not local_peer.sent


def test_a_redirect_from_a_trusted_origin_to_a_private_address_is_refused(local_peer, settings):
    settings.FEDIVERSE_TRUSTED_TEST_ORIGINS = [PEER]
    local_peer.routes[f"{PEER}/users/reader"] = fetcher.Response(
        status=302, headers={"location": "https://127.0.0.1:6379/"}
    )

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json(f"{PEER}/users/reader")

    assert [request["url"] for request in local_peer.sent] == [f"{PEER}/users/reader"]


def test_production_ignores_trusted_origins(local_peer, settings):
    settings.FEDIVERSE_TRUSTED_TEST_ORIGINS = [PEER]
    settings.PRODUCTION = True

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json(f"{PEER}/users/reader")

    assert not local_peer.sent


def test_the_deploy_checks_warn_when_trusted_origins_are_set(settings, db):
    from django.core.checks import run_checks

    def warnings():
        return {message.id for message in run_checks(include_deployment_checks=True)}

    assert "fediverse.W001" not in warnings()
    settings.FEDIVERSE_TRUSTED_TEST_ORIGINS = [PEER]
    assert "fediverse.W001" in warnings()
