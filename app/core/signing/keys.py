"""RSA private keys for signing: reading a PEM (PKCS#1 or PKCS#8, maybe encrypted) and naming a key.

Parsing a PEM costs tens to hundreds of milliseconds: a signer parses its key once.
"""

import hashlib

from cryptography import exceptions as cryptography_exceptions
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from app.core.errors import CredentialError, Problem

ACCEPTED_KEY_SIZES = (2048, 4096)


def load_private_key(pem: str | bytes, passphrase: str | None = None) -> RSAPrivateKey:
    """Parse a PEM RSA private key (PKCS#1 or PKCS#8, optionally encrypted) of 2048 or 4096 bits."""
    data = pem.encode() if isinstance(pem, str) else pem
    password = passphrase.encode() if passphrase else None
    if b"-----BEGIN" not in data or b"PRIVATE KEY-----" not in data:
        raise CredentialError(Problem.KEY_NOT_PEM)
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except TypeError:
        if password is None:
            raise CredentialError(Problem.KEY_NEEDS_PASSPHRASE) from None
        raise CredentialError(Problem.KEY_UNNEEDED_PASSPHRASE) from None
    except (ValueError, cryptography_exceptions.UnsupportedAlgorithm):
        # Also raised for a wrong passphrase; never chain: the original may quote key bytes.
        raise CredentialError(Problem.KEY_UNREADABLE) from None
    if not isinstance(key, RSAPrivateKey):
        raise CredentialError(Problem.KEY_NOT_RSA, type=type(key).__name__.removeprefix("_"))
    if key.key_size not in ACCEPTED_KEY_SIZES:
        raise CredentialError(Problem.KEY_BAD_SIZE, bits=key.key_size)
    return key


def key_fingerprint(key: RSAPrivateKey) -> str:
    """SHA-256 of the public key (DER SubjectPublicKeyInfo), as colon-separated hex."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
