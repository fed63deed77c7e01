"""Bearer token verification as the SCRT endpoint does it (DOMAIN.md section 2).

Every check gives its own reason, so a misconfigured profile is told what to fix. The JWS
is checked with cryptography directly: one decode per token, and RS256 is the only option.
"""

import base64
import heapq
import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from app.core.ids import IdKind, parse_id, same_id

SCRT_AUDIENCE = "https://scrt.salesforce.com"
MAX_LIFETIME_S = 180
MAX_LEEWAY_S = 5.0
# Checked first, so base64 decoding below never meets padding or characters outside the alphabet.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class TokenRejected(Exception):
    """The token is refused; holds whatever could be decoded of it (never the token itself). `status`
    is 401, or 400 for a token that is malformed input rather than a credential (nested too deeply)."""

    def __init__(self, reason: str, header: Mapping[str, Any] | None = None, claims: Mapping[str, Any] | None = None,
                 status: int = 401):
        super().__init__(reason)
        self.header = header
        self.claims = claims
        self.status = status


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    header: Mapping[str, Any]
    claims: Mapping[str, Any]


class TokenVerifier:
    """Checks the signature against the registered keys, then every claim, then replay."""

    def __init__(
        self,
        public_keys: Sequence[RSAPublicKey],
        *,
        org_id: str,
        call_center: str,
        audience: str = SCRT_AUDIENCE,
        leeway_s: float = MAX_LEEWAY_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not public_keys or not all(isinstance(key, RSAPublicKey) for key in public_keys):
            raise TypeError("public_keys must be one or more RSA public keys")
        if parse_id(org_id, "org ID").kind is not IdKind.ORGANIZATION:
            raise ValueError(f"The org ID {org_id} is not an organization ID (00D…).")
        if not call_center:
            raise ValueError("The call center API name is empty.")
        if not 0 <= leeway_s <= MAX_LEEWAY_S:
            raise ValueError(f"leeway_s must be 0-{MAX_LEEWAY_S:g} s, not {leeway_s}")
        self._keys = tuple(public_keys)
        self._org_id = org_id
        self._call_center = call_center
        self._audience = audience
        self._leeway_s = leeway_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen_jtis: set[str] = set()
        self._forget_at: list[tuple[float, str]] = []  # heap: a jti can be forgotten once its token has expired

    def verify(self, authorization: str | None) -> VerifiedToken:
        header, claims, signing_input, signature = _decode_unverified(_bearer(authorization))
        now = self._clock()
        reason = self._signature_problem(header, signing_input, signature) or self._claims_problem(claims, now)
        if reason is None and not self._first_use(claims["jti"], claims["exp"], now):
            reason = f"JWT ID (jti) {claims['jti']} was already used: mint a fresh token for every request"
        if reason is not None:
            raise TokenRejected(reason, header, claims)
        return VerifiedToken(header, claims)

    def _signature_problem(self, header: Mapping[str, Any], signing_input: bytes, signature: bytes) -> str | None:
        algorithm = header.get("alg")
        if algorithm != "RS256":
            return f"JWT algorithm {algorithm!r} is not accepted: tokens must be signed with RS256"
        if "crit" in header:  # RFC 7515: unknown critical extensions must be refused, and none are known here
            return f"JWT header extensions {header['crit']!r} (crit) are not supported"
        for key in self._keys:
            try:
                key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
                return None
            except InvalidSignature:
                continue
        return (
            "JWT signature does not verify against the certificate registered for call center "
            f"{self._call_center}"
        )

    def _claims_problem(self, claims: Mapping[str, Any], now: float) -> str | None:
        iss, sub, aud = claims.get("iss"), claims.get("sub"), claims.get("aud")
        if not isinstance(iss, str) or not same_id(iss, self._org_id):
            return f"JWT issuer (iss) {iss!r} is not this org's ID {self._org_id}: use the org ID (00D…)"
        if sub != self._call_center:
            return f"JWT subject (sub) {sub!r} is not the call center API name {self._call_center!r}"
        if self._audience not in (aud if isinstance(aud, list) else [aud]):
            return f"JWT audience (aud) {aud!r} is not {self._audience}"
        exp, iat, nbf, jti = claims.get("exp"), claims.get("iat"), claims.get("nbf"), claims.get("jti")
        if not _is_number(exp) or not _is_number(iat):
            return "JWT must have numeric issue (iat) and expiry (exp) times"
        if not 0 < exp - iat <= MAX_LIFETIME_S:
            return f"JWT lifetime (exp - iat) is {exp - iat:g} s: it must be 1-{MAX_LIFETIME_S} s"
        if now > exp + self._leeway_s:
            return f"JWT expired {now - exp:.0f} s ago: mint a fresh token and check this computer's clock"
        if iat > now + self._leeway_s:
            return f"JWT was issued {iat - now:.0f} s in the future (iat): check this computer's clock"
        if nbf is not None and (not _is_number(nbf) or nbf > now + self._leeway_s):
            return "JWT is not valid yet (nbf): check this computer's clock"
        if not isinstance(jti, str) or not jti:
            return "JWT has no token ID (jti): every token needs a unique jti"
        return None

    def _first_use(self, jti: str, exp: float, now: float) -> bool:
        with self._lock:
            while self._forget_at and self._forget_at[0][0] < now:
                self._seen_jtis.discard(heapq.heappop(self._forget_at)[1])
            if jti in self._seen_jtis:
                return False
            self._seen_jtis.add(jti)
            heapq.heappush(self._forget_at, (exp + self._leeway_s, jti))
            return True


def _decode_unverified(token: str) -> tuple[Mapping[str, Any], Mapping[str, Any], bytes, bytes]:
    """The JWS compact form's header, claims, signed bytes and signature, nothing verified yet."""
    if not _COMPACT_JWS.fullmatch(token):
        raise TokenRejected("The bearer token is not a JWT (three base64url parts: header.payload.signature)")
    encoded_header, encoded_claims, encoded_signature = token.split(".")
    try:
        header = json.loads(_base64url(encoded_header))
        claims = json.loads(_base64url(encoded_claims))
        signature = _base64url(encoded_signature)
    except ValueError:
        raise TokenRejected("The JWT's parts are not base64url-encoded JSON and signature") from None
    except RecursionError:
        raise TokenRejected("The JWT's header or payload nests JSON too deeply to be read", status=400) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise TokenRejected("The JWT header and payload must be JSON objects")
    signing_input = f"{encoded_header}.{encoded_claims}".encode("ascii")
    return MappingProxyType(header), MappingProxyType(claims), signing_input, signature


def _base64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _bearer(authorization: str | None) -> str:
    if authorization is None:
        raise TokenRejected("The Authorization header is missing: send 'Authorization: Bearer <JWT>'")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected("The Authorization header is not 'Bearer <JWT>'")
    return token.strip()


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
