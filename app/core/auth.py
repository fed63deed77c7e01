"""JWTs for the SCRT API (DOMAIN.md section 2): RS256, a fresh token per request.

Parsing a PEM costs tens to hundreds of milliseconds and signing with a parsed key well
under one, so a `TokenSigner` holds the parsed key and mints as many tokens as needed.
"""

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from app.core.errors import CredentialError

SCRT_AUDIENCE = "https://scrt.salesforce.com"
MAX_LIFETIME_S = 180
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


@dataclass(frozen=True, slots=True)
class MintedToken:
    token: str = field(repr=False)  # the bearer token is a secret: never in a repr or log
    claims: dict[str, Any]

    @property
    def jti(self) -> str:
        return self.claims["jti"]


class TokenSigner:
    """Mints RS256 tokens with one already-parsed key.

    For the SCRT route: `issuer` is the org ID, `subject` the Call Center's API name.
    For the Salesforce OAuth JWT bearer flow: the consumer key, the username, and the
    login URL as `audience`.
    """

    def __init__(
        self,
        private_key: RSAPrivateKey,
        *,
        issuer: str,
        subject: str,
        audience: str = SCRT_AUDIENCE,
        lifetime_s: int = 120,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 1 <= lifetime_s <= MAX_LIFETIME_S:
            raise ValueError(f"token lifetime must be 1..{MAX_LIFETIME_S} s, not {lifetime_s}")
        self._key = private_key
        self._issuer = issuer
        self._subject = subject
        self._audience = audience
        self._lifetime_s = lifetime_s
        self._clock = clock

    def mint(self) -> MintedToken:
        issued_at = int(self._clock())
        claims = {
            "iss": self._issuer,
            "sub": self._subject,
            "aud": self._audience,
            "iat": issued_at,
            "exp": issued_at + self._lifetime_s,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"typ": "JWT"})
        return MintedToken(token, claims)
