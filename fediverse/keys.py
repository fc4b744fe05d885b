"""RSA keys: making an actor's pair, signing with ours, verifying with theirs (cryptography)."""

import functools

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def generate_key_pair(bits: int) -> tuple[str, str]:
    """A new (private, public) pair as PEM text."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


@functools.lru_cache(maxsize=64)
def _private_key(private_pem: str):
    """Our own keys, loaded once per process: loading checks the key, which costs far more
    than a signature (a delivery to 1,000 servers signs 1,000 times with one key)."""
    return serialization.load_pem_private_key(private_pem.encode(), password=None)


def sign(private_pem: str, data: bytes) -> bytes:
    return _private_key(private_pem).sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify(public_pem: str, signature: bytes, data: bytes) -> bool:
    """Whether the RSA-SHA256 signature is the key's over the data; a malformed key is False."""
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except (ValueError, TypeError):
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
