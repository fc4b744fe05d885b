"""HTTP Message Signatures (RFC 9421) and Content-Digest (RFC 9530), held against the RFCs' own
examples, then round trips of ours."""

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import RequestFactory

from fediverse import keys, message_signatures, signatures

from .conftest import remote_key

# RFC 9421, Appendix B.2: the one request every example signs.
BODY = b'{"hello": "world"}'
SHA512_DIGEST = (
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWX"
    "vJwew==:"
)
# RFC 9421, Appendix B.1.2: test-key-rsa-pss, the public half.
RSA_PSS_PUBLIC = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----"""
# RFC 9421, Appendix B.2.1 (minimal) and B.2.3 (full coverage), both rsa-pss-sha512.
B21_INPUT = 'sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"'
B21_SIGNATURE = (
    "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++w"
    "gGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72r"
    "gFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QE"
    "VPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:"
)
B23_INPUT = (
    'sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" '
    '"content-length");created=1618884473;keyid="test-key-rsa-pss"'
)
B23_SIGNATURE = (
    "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt68"
    "3+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiL"
    "JH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9"
    "eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:"
)


@pytest.fixture
def rfc_request(settings):
    """The RFC's test request as Django receives it."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "example.com"]
    return RequestFactory().generic(
        "POST",
        "/foo?param=Value&Pet=dog",
        BODY,
        content_type="application/json",
        HTTP_HOST="example.com",
        HTTP_DATE="Tue, 20 Apr 2021 02:07:55 GMT",
        HTTP_CONTENT_DIGEST=SHA512_DIGEST,
    )


def _verifies_with_the_rfc_key(signature: bytes, base: str) -> bool:
    key = serialization.load_pem_public_key(RSA_PSS_PUBLIC.encode())
    try:
        key.verify(
            signature,
            base.encode(),
            padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64),
            hashes.SHA512(),
        )
    except Exception:
        return False
    return True


def test_the_signature_base_is_the_rfcs_own_example(rfc_request):
    """RFC 9421, section 2.5, literally."""
    signature = message_signatures.parse(
        'sig1=("@method" "@authority" "@path" "content-digest" "content-length" "content-type")'
        ';created=1618884473;keyid="test-key-rsa-pss"',
        "sig1=:c2ln:",
    )

    base = message_signatures.signature_base(
        message_signatures.Message.from_request(rfc_request), signature
    )

    assert base == "\n".join(
        [
            '"@method": POST',
            '"@authority": example.com',
            '"@path": /foo',
            f'"content-digest": {SHA512_DIGEST}',
            '"content-length": 18',
            '"content-type": application/json',
            '"@signature-params": ("@method" "@authority" "@path" "content-digest" '
            '"content-length" "content-type");created=1618884473;keyid="test-key-rsa-pss"',
        ]
    )


@pytest.mark.parametrize(
    "signature_input, signature_header",
    [(B21_INPUT, B21_SIGNATURE), (B23_INPUT, B23_SIGNATURE)],
    ids=["B.2.1-minimal", "B.2.3-full-coverage"],
)
def test_the_rfcs_signatures_verify_over_the_base_we_build(
    rfc_request, signature_input, signature_header
):
    """The RFC's signatures (RSA-PSS, its B.1.2 key) verify over our base, byte for byte: a
    single character of difference would break them."""
    signature = message_signatures.parse(signature_input, signature_header)
    message = message_signatures.Message.from_request(rfc_request)

    base = message_signatures.signature_base(message, signature)

    assert _verifies_with_the_rfc_key(signature.signature, base)
    assert not _verifies_with_the_rfc_key(signature.signature, base.replace("73", "74"))


def test_the_rfcs_content_digests_match_the_body():
    """RFC 9421 B.2's SHA-512 and RFC 9530's SHA-256 example, of the same body."""
    message_signatures.check_content_digest(SHA512_DIGEST, BODY)
    assert (
        message_signatures.content_digest(BODY)
        == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    )
    with pytest.raises(signatures.SignatureError):
        message_signatures.check_content_digest(SHA512_DIGEST, BODY + b" ")


@pytest.mark.parametrize(
    "value",
    ["", "md5=:c2ln:", "sha-256=c2ln", "sha-256=:not base64!:", "sha-256=:c2ln:,"],
    ids=["none", "unknown-only", "not-bytes", "bad-base64", "trailing-comma"],
)
def test_unusable_content_digests_are_refused(value):
    with pytest.raises(signatures.SignatureError):
        message_signatures.check_content_digest(value, BODY)


def test_what_we_sign_verifies_with_our_public_key():
    private_pem, public_pem = remote_key("ours")
    url = "https://social.example/users/alice/inbox"

    headers = message_signatures.sign_headers(
        method="POST",
        url=url,
        key_id="https://rivista.example/fediverse/magazine/#main-key",
        private_pem=private_pem,
        body=BODY,
        date=signatures.http_date(),
        created=1700000000,
    )

    assert headers["Signature-Input"] == (
        'sig1=("@method" "@target-uri" "@authority" "date" "content-digest");created=1700000000'
        ';keyid="https://rivista.example/fediverse/magazine/#main-key";alg="rsa-v1_5-sha256"'
    )
    assert headers["Content-Digest"] == message_signatures.content_digest(BODY)
    parsed = message_signatures.parse(headers["Signature-Input"], headers["Signature"])
    message_signatures.check_covers_post(parsed)
    base = message_signatures.signature_base(
        message_signatures.Message.from_url("POST", url, headers), parsed
    )
    assert base.startswith(
        '"@method": POST\n"@target-uri": https://social.example/users/alice/inbox\n'
        '"@authority": social.example\n'
    )
    assert keys.verify(public_pem, parsed.signature, base.encode())
    assert not keys.verify(remote_key("other")[1], parsed.signature, base.encode())
    elsewhere = message_signatures.signature_base(
        message_signatures.Message.from_url("POST", "https://evil.example/inbox", headers), parsed
    )
    assert not keys.verify(public_pem, parsed.signature, elsewhere.encode())


def test_the_first_signature_we_can_check_is_chosen():
    parsed = message_signatures.parse(
        'eddsa=("@method");keyid="k1";alg="ed25519", rsa=("@method");keyid="k2"',
        "eddsa=:c2ln:, rsa=:c2ln:",
    )

    assert parsed.label == "rsa"
    assert parsed.key_id == "k2"


@pytest.mark.parametrize(
    "signature_input, signature_header",
    [
        ("", ""),
        ('sig1=("@method");keyid="k"', ""),
        ('sig1=("@method");keyid="k"', "sig2=:c2ln:"),
        ('sig1=("@method");keyid="k";alg="ed25519"', "sig1=:c2ln:"),
        ('sig1=("@method");alg="rsa-v1_5-sha256"', "sig1=:c2ln:"),
        ('sig1=("@query-param";name="x");keyid="k"', "sig1=:c2ln:"),
        ('sig1=("@status");keyid="k"', "sig1=:c2ln:"),
        ('sig1=("@method" "@method");keyid="k"', "sig1=:c2ln:"),
        ('sig1=("Host");keyid="k"', "sig1=:c2ln:"),
        ('sig1=(@method);keyid="k"', "sig1=:c2ln:"),
        ('sig1=("@method";keyid="k"', "sig1=:c2ln:"),
        ('sig1=("@method");keyid="k"', 'sig1="c2ln"'),
    ],
    ids=[
        "empty",
        "no-signature",
        "other-label",
        "ed25519",
        "no-keyid",
        "parameterised-component",
        "response-component",
        "duplicate-component",
        "uppercase-field",
        "token-component",
        "unclosed-list",
        "signature-not-bytes",
    ],
)
def test_signatures_we_cannot_check_are_refused(signature_input, signature_header):
    with pytest.raises(signatures.SignatureError):
        message_signatures.parse(signature_input, signature_header)


@pytest.mark.parametrize(
    "components, covered",
    [
        ('"@method" "@target-uri" "content-digest"', True),
        ('"@method" "@authority" "@path" "content-digest"', True),
        ('"@method" "@target-uri"', False),
        ('"@target-uri" "content-digest"', False),
        ('"@method" "@authority" "content-digest"', False),
    ],
)
def test_a_post_must_be_signed_over_method_target_and_digest(components, covered):
    parsed = message_signatures.parse(f'sig1=({components});keyid="k"', "sig1=:c2ln:")

    if covered:
        message_signatures.check_covers_post(parsed)
    else:
        with pytest.raises(signatures.SignatureError):
            message_signatures.check_covers_post(parsed)


@pytest.mark.parametrize(
    "parameters, fresh",
    [
        (";created=1000", True),
        (";created=1299", True),
        (";created=701", True),
        (";created=1301", False),
        (";created=699", False),
        ("", False),
        (';created="1000"', False),
        (";created=1000;expires=1001", True),
        (";created=1000;expires=999", False),
    ],
)
def test_created_must_be_within_the_window(parameters, fresh):
    parsed = message_signatures.parse(f'sig1=();keyid="k"{parameters}', "sig1=:c2ln:")

    if fresh:
        message_signatures.check_created(parsed, window=300, now=1000)
    else:
        with pytest.raises(signatures.SignatureError):
            message_signatures.check_created(parsed, window=300, now=1000)


def test_structured_strings_are_escaped_when_serialised():
    parsed = message_signatures.parse('sig1=();keyid="a\\"b\\\\c"', "sig1=:c2ln:")

    assert parsed.key_id == 'a"b\\c'
    assert parsed.signature_params() == '();keyid="a\\"b\\\\c"'
    assert base64.b64encode(parsed.signature) == b"c2ln"
