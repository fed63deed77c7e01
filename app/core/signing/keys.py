"""RSA private keys for signing: reading a PEM (PKCS#1 or PKCS#8, maybe encrypted) and naming a key.

Parsing a PEM costs tens to hundreds of milliseconds: a signer parses its key once.
"""

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from app.core.errors import CredentialError

ACCEPTED_KEY_SIZES = (2048, 4096)


def load_private_key(pem: str | bytes, passphrase: str | None = None) -> RSAPrivateKey:
    """Parse a PEM RSA private key (PKCS#1 or PKCS#8, optionally encrypted) of 2048 or 4096 bits."""
    data = pem.encode() if isinstance(pem, str) else pem
    password = passphrase.encode() if passphrase else None
    if b"-----BEGIN" not in data or b"PRIVATE KEY-----" not in data:
        raise CredentialError(
            "This is not a PEM private key: expected a file that starts with "
            "'-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----'."
        )
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except TypeError:
        if password is None:
            raise CredentialError(
                "The private key is protected by a passphrase: give the passphrase too."
            ) from None
        raise CredentialError(
            "The private key is not protected by a passphrase, but one was given: leave it empty."
        ) from None
    except ValueError:
        # Also raised for a wrong passphrase; never chain: the original may quote key bytes.
        raise CredentialError(
            "The private key could not be read: the passphrase is wrong or the PEM is damaged."
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise CredentialError(
            f"The private key is a {type(key).__name__.removeprefix('_')} key: the SCRT API "
            "needs an RSA key (2048 or 4096 bits)."
        )
    if key.key_size not in ACCEPTED_KEY_SIZES:
        raise CredentialError(
            f"The private key is RSA {key.key_size}-bit: use a 2048- or 4096-bit key, as "
            "registered on the Call Center's certificate."
        )
    return key


def key_fingerprint(key: RSAPrivateKey) -> str:
    """SHA-256 of the public key (DER SubjectPublicKeyInfo), as colon-separated hex."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
