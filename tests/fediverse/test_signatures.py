"""HTTP Signatures as Mastodon writes them."""

import base64

import pytest

from fediverse import keys, signatures

from .conftest import remote_key

# The header as docs.joinmastodon.org/spec/security shows it (the signature is ours).
MASTODON_HEADER = (
    'keyId="https://my-example.com/actor#main-key",headers="(request-target) host date digest",'
    'signature="{}"'
)


def test_a_mastodon_signature_header_is_read():
    parsed = signatures.parse(MASTODON_HEADER.format(base64.b64encode(b"sig").decode()))

    assert parsed.key_id == "https://my-example.com/actor#main-key"
    assert parsed.headers == ("(request-target)", "host", "date", "digest")
    assert parsed.signature == b"sig"
    assert parsed.key_domain == "my-example.com"


@pytest.mark.parametrize(
    "header",
    [
        "",
        'keyId="https://x.example/k"',
        'keyId="k",signature="not base64!"',
        'keyId="k",algorithm="hmac-sha256",signature="c2ln"',
        'keyId="k" signature="c2ln"',
    ],
)
def test_malformed_signature_headers_are_refused(header):
    with pytest.raises(signatures.SignatureError):
        signatures.parse(header)


def test_what_we_sign_verifies_with_our_public_key():
    private_pem, public_pem = remote_key("ours")
    body = b'{"type": "Create"}'

    headers = signatures.sign_headers(
        method="POST",
        url="https://social.example/inbox",
        key_id="https://rivista.example/fediverse/magazine/#main-key",
        private_pem=private_pem,
        body=body,
    )

    parsed = signatures.parse(headers["Signature"])
    text = signatures.signing_string(
        parsed.headers,
        method="POST",
        path="/inbox",
        values={name.lower(): value for name, value in headers.items()},
    )
    assert parsed.headers == ("(request-target)", "host", "date", "digest")
    assert text.startswith("(request-target): post /inbox\nhost: social.example\n")
    assert keys.verify(public_pem, parsed.signature, text.encode())
    assert not keys.verify(remote_key("other")[1], parsed.signature, text.encode())
    assert not keys.verify("not a key", parsed.signature, text.encode())


def test_a_digest_naming_another_algorithm_only_is_refused():
    with pytest.raises(signatures.SignatureError):
        signatures.check_digest("SHA-512=abc", b"{}")
