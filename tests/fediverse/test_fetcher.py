"""Requests to other servers: public addresses only, every redirect checked, size-limited."""

import json

import pytest

from fediverse import fetcher

from .conftest import PUBLIC_IP


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",  # IPv4 loopback written as IPv6
        "224.0.0.1",
    ],
)
def test_a_host_resolving_to_a_private_address_is_refused(network, ip):
    network.addresses["evil.example"] = [ip]

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json("https://evil.example/users/x")

    assert not network.sent


def test_one_private_address_among_public_ones_is_enough_to_refuse(network):
    network.addresses["evil.example"] = [PUBLIC_IP, "10.0.0.1"]

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json("https://evil.example/users/x")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/users/x",
        "https://[::1]/users/x",
        "http://social.example/users/x",  # plain http
        "file:///etc/passwd",
        "gopher://social.example/",
        "https://user:pw@social.example/",
    ],
)
def test_addresses_we_never_request(network, url):
    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json(url)

    assert not network.sent


def test_plain_http_only_when_allowed_for_development(network, settings):
    settings.FEDIVERSE_ALLOW_HTTP = True
    network.routes["http://social.example/users/x"] = {"id": "x"}

    assert fetcher.get_json("http://social.example/users/x") == {"id": "x"}


def test_the_connection_goes_to_the_address_that_was_checked(network):
    network.addresses["social.example"] = ["198.51.99.7"]
    network.routes["https://social.example/users/x"] = {"id": "x"}

    fetcher.get_json("https://social.example/users/x")

    assert network.sent[0]["ip"] == "198.51.99.7"


def test_a_redirect_to_a_private_address_is_refused(network):
    network.addresses["internal.example"] = ["10.0.0.8"]
    network.routes["https://social.example/users/x"] = fetcher.Response(
        status=302, headers={"location": "https://internal.example/admin"}
    )

    with pytest.raises(fetcher.RefusedAddress):
        fetcher.get_json("https://social.example/users/x")

    assert [request["url"] for request in network.sent] == ["https://social.example/users/x"]


def test_a_redirect_to_a_public_address_is_followed_and_checked(network):
    network.routes["https://social.example/users/x"] = fetcher.Response(
        status=301, headers={"location": "/people/x"}
    )
    network.routes["https://social.example/people/x"] = {"id": "moved"}

    assert fetcher.get_json("https://social.example/users/x") == {"id": "moved"}


def test_redirects_are_limited(network, settings):
    settings.FEDIVERSE_FETCH_MAX_REDIRECTS = 2
    network.routes["https://social.example/loop"] = fetcher.Response(
        status=302, headers={"location": "/loop"}
    )

    with pytest.raises(fetcher.FetchError):
        fetcher.get_json("https://social.example/loop")

    assert len(network.sent) == 3


def test_an_answer_that_is_not_a_json_object_is_an_error(network):
    network.routes["https://social.example/x"] = fetcher.Response(status=200, body=b"[1, 2]")
    network.routes["https://social.example/y"] = fetcher.Response(status=200, body=b"<html>")

    for url in ("https://social.example/x", "https://social.example/y"):
        with pytest.raises(fetcher.FetchError):
            fetcher.get_json(url)


def test_the_real_transport_reads_no_more_than_the_limit(monkeypatch, settings):
    """The transport itself (no fake): a local server sends more than the limit."""
    import socket
    import threading

    settings.FEDIVERSE_FETCH_MAX_BYTES = 1000
    settings.FEDIVERSE_ALLOW_HTTP = True
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer():
        connection, _ = server.accept()
        connection.recv(65536)
        body = json.dumps({"padding": "x" * 5000}).encode()
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        connection.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    with pytest.raises(fetcher.FetchError, match="too large"):
        # The address check is what refuses 127.0.0.1: here the transport is called directly.
        fetcher.transport.send(
            "GET", f"http://big.example:{port}/", ip="127.0.0.1", headers={}, body=None
        )
    thread.join(5)
    server.close()
