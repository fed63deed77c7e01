"""The token's claims, built once for every signer, and the protocol a signer implements."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

SCRT_AUDIENCE = "https://scrt.salesforce.com"
MAX_LIFETIME_S = 180
_HEADER = {"alg": "RS256", "typ": "JWT"}


class JwtSigner(Protocol):
    """Signs a JWT's signing input with RS256 (RSASSA-PKCS1-v1_5 over SHA-256).

    Implementations never block the event loop: slow work (reading a keyring, parsing a PEM,
    a signing service's round trip) is awaited, and the caller bounds it with its deadline
    (cancellation must be safe). They raise `CredentialError` when the key or the rights to use
    it are missing or refused (a configuration problem), `SignerUnavailableError` when the
    signing service cannot answer now, and never put a key or token in an exception or a log.
    """

    async def sign(self, signing_input: bytes) -> bytes: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """Who a token speaks for. The SCRT route: the org ID issues it for the Call Center's API
    name. The Salesforce OAuth JWT bearer flow: the consumer key, the username, the login URL."""

    issuer: str
    subject: str
    audience: str = SCRT_AUDIENCE
    lifetime_s: int = 120

    def __post_init__(self) -> None:
        if not 1 <= self.lifetime_s <= MAX_LIFETIME_S:
            raise ValueError(f"token lifetime must be 1..{MAX_LIFETIME_S} s, not {self.lifetime_s}")

    def claims(self, issued_at: int, jti: str) -> dict[str, Any]:
        return {"iss": self.issuer, "sub": self.subject, "aud": self.audience,
                "iat": issued_at, "exp": issued_at + self.lifetime_s, "jti": jti}


@dataclass(frozen=True, slots=True)
class MintedToken:
    token: str = field(repr=False)  # the bearer token is a secret: never in a repr or log
    claims: dict[str, Any]

    @property
    def jti(self) -> str:
        return str(self.claims["jti"])


class TokenMinter:
    """Mints a fresh token per request: new claims, signed by `signer`."""

    def __init__(self, signer: JwtSigner, spec: TokenSpec, clock: Callable[[], float] = time.time) -> None:
        self.signer = signer
        self.spec = spec
        self._clock = clock

    async def mint(self) -> MintedToken:
        claims = self.spec.claims(int(self._clock()), uuid.uuid4().hex)
        signing_input = f"{_b64url_json(_HEADER)}.{_b64url_json(claims)}"
        signature = await self.signer.sign(signing_input.encode("ascii"))
        return MintedToken(f"{signing_input}.{b64url(signature)}", claims)

    async def aclose(self) -> None:
        await self.signer.aclose()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii"))
