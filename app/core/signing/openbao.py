"""Signing in OpenBao / HashiCorp Vault Transit: the key never leaves the server.

`OpenBaoApi` speaks the HTTP API that OpenBao and Vault share (`/v1/...`, `X-Vault-Token`,
`X-Vault-Namespace`), over one httpx client with a prebuilt SSL context, reading every answer
as a bounded stream. `TransitSigner` is the `JwtSigner` that asks `transit/sign/<key>` for an
RS256 signature (PKCS#1 v1.5 over SHA-256; Transit's default for RSA is PSS, which is not RS256).

Errors never carry a token: OpenBao unreachable, sealed or failing (5xx, 429) is
`SignerUnavailableError` (nothing sent, try later); a policy that refuses the path is a
`CredentialError` naming the path; an expired or revoked token is `SignInRequiredError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from app import __version__
from app.core.errors import CredentialError, Problem, SignerUnavailableError
from app.core.profile import OpenBaoAuth

if TYPE_CHECKING:
    from app.core.profile import Profile

MAX_ANSWER_BYTES = 256 * 1024  # a Transit key with many versions' public keys stays far below
REQUEST_TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # a transfer's own deadline cuts in sooner
_SIGNATURE_PREFIX = "vault:v"
_MAX_SERVER_WORDS = 300


class SignInRequiredError(CredentialError):
    """No OpenBao token is stored, or the one stored has expired or was revoked."""


class RequestRefusedError(CredentialError):
    """OpenBao answered 4xx; `said` is what it said (never a secret)."""

    @property
    def said(self) -> str:
        return str(self.params.get("said", ""))


class PermissionDeniedError(RequestRefusedError):
    """OpenBao answered 401/403: the token's policy does not allow this path (or the token is dead)."""


@dataclass(frozen=True, slots=True)
class OpenBaoSettings:
    """Where the profile's key lives and how its reps sign in (the profile's `openbao_*` keys)."""

    profile_name: str
    url: str
    key: str
    transit_mount: str = "transit"
    auth: OpenBaoAuth = OpenBaoAuth.OIDC
    role: str = ""
    namespace: str = ""
    ca_file: str = ""

    @classmethod
    def from_profile(cls, profile: Profile) -> OpenBaoSettings:
        return cls(profile.name, profile.openbao_url, profile.openbao_key, profile.openbao_transit_mount,
                   profile.openbao_auth, profile.openbao_role, profile.openbao_namespace, profile.openbao_ca_file)

    @property
    def sign_path(self) -> str:
        return f"{self.transit_mount}/sign/{self.key}"


def build_ssl_context(ca_file: str = "", client_cert: tuple[str, str] | None = None) -> ssl.SSLContext:
    """The OS trust store, or only `ca_file` when the profile names one (a company CA); built once
    per client (a default httpx context costs ~20 ms)."""
    if ca_file:
        try:
            context = ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise CredentialError(Problem.OPENBAO_CA_FILE_UNREADABLE, path=ca_file,
                                  error=type(error).__name__) from None
    else:
        from app.core.tls import build_ssl_context as os_trust_store

        context = os_trust_store()
    if client_cert is not None:
        try:
            context.load_cert_chain(*client_cert)
        except (OSError, ssl.SSLError) as error:
            raise CredentialError(Problem.OPENBAO_CLIENT_CERT_UNREADABLE, cert=client_cert[0], key=client_cert[1],
                                  error=type(error).__name__) from None
    return context


class OpenBaoApi:
    """The few OpenBao endpoints the panel uses, on one long-lived HTTP client."""

    def __init__(self, settings: OpenBaoSettings, *, client_cert: tuple[str, str] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        headers = {"User-Agent": f"voice-transfer-panel/{__version__}", "Accept": "application/json"}
        if settings.namespace:
            headers["X-Vault-Namespace"] = settings.namespace
        self._http = httpx.AsyncClient(
            base_url=f"{settings.url}/v1/", verify=build_ssl_context(settings.ca_file, client_cert),
            transport=transport, headers=headers, timeout=REQUEST_TIMEOUT,
            follow_redirects=False,  # a standby's redirect would send the token elsewhere
            trust_env=False,  # no proxy or netrc from the environment sees the token
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, path: str, *, token: str | None = None,
                   body: Mapping[str, Any] | None = None, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """One request; the answer's JSON document ({} for 204). Raises the panel's errors."""
        headers = {"X-Vault-Token": token} if token else {}
        url = self.settings.url
        try:
            async with self._http.stream(method, path, json=body, params=params, headers=headers) as response:
                raw = await _read_bounded(response)
        except httpx.TimeoutException:
            raise SignerUnavailableError(Problem.OPENBAO_TIMEOUT, url=url) from None
        except httpx.TransportError as error:
            if "CERTIFICATE_VERIFY_FAILED" in str(error):
                raise CredentialError(Problem.OPENBAO_UNTRUSTED, url=url) from None
            raise SignerUnavailableError(Problem.OPENBAO_UNREACHABLE, url=url, error=type(error).__name__) from None
        document = _parse(raw)
        if response.status_code < 300:
            return document
        said = _server_words(document) or response.reason_phrase
        status = response.status_code
        if status == 503 and "sealed" in said.lower():
            raise SignerUnavailableError(Problem.OPENBAO_SEALED, url=url)
        if status >= 500 or status == 429:
            raise SignerUnavailableError(Problem.OPENBAO_FAILING, url=url, path=path, status=status, said=said)
        if status in (401, 403):
            raise PermissionDeniedError(Problem.OPENBAO_DENIED, url=url, path=path, status=status, said=said)
        if status == 404:
            raise CredentialError(Problem.OPENBAO_NOT_FOUND, url=url, path=path, profile=self.settings.profile_name)
        raise RequestRefusedError(Problem.OPENBAO_REFUSED, url=url, path=path, status=status, said=said)

    # -- Transit ---------------------------------------------------------------------------

    async def sign(self, token: str, signing_input: bytes) -> bytes:
        document = await self.call("POST", self.settings.sign_path, token=token, body={
            "input": base64.b64encode(signing_input).decode("ascii"),
            "hash_algorithm": "sha2-256",
            "signature_algorithm": "pkcs1v15",
        })
        return decode_signature(_field(document, "data", "signature"))

    async def public_key_pem(self, token: str) -> str:
        """The public key of the Transit key's latest version (the policy allows reading it: it is public)."""
        data = _field(await self.call("GET", f"{self.settings.transit_mount}/keys/{self.settings.key}",
                                      token=token), "data")
        versions = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(versions, dict) or not versions:
            raise CredentialError(Problem.OPENBAO_KEY_NO_VERSIONS, key=self.settings.key)
        latest = versions.get(str(data.get("latest_version")), versions[max(versions, key=_as_int)])
        pem = latest.get("public_key") if isinstance(latest, dict) else None
        if not isinstance(pem, str) or "BEGIN PUBLIC KEY" not in pem:
            raise CredentialError(Problem.OPENBAO_KEY_NOT_RSA, key=self.settings.key)
        return pem

    # -- the token's own endpoints -----------------------------------------------------------

    async def lookup_self(self, token: str) -> dict[str, Any]:
        return _table(await self.call("GET", "auth/token/lookup-self", token=token), "data")

    async def renew_self(self, token: str, increment_s: int | None = None) -> dict[str, Any]:
        body = {"increment": f"{increment_s}s"} if increment_s else {}
        return _table(await self.call("POST", "auth/token/renew-self", token=token, body=body), "auth")

    async def revoke_self(self, token: str) -> None:
        await self.call("POST", "auth/token/revoke-self", token=token)

    # -- logging in (each answers an `auth` block with the new token) ---------------------------

    async def login(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return _table(await self.call("POST", path, body=body), "auth")

    async def oidc_auth_url(self, mount: str, role: str, redirect_uri: str, client_nonce: str) -> str:
        document = await self.call("POST", f"auth/{mount}/oidc/auth_url", body={
            "role": role, "redirect_uri": redirect_uri, "client_nonce": client_nonce})
        url = _table(document, "data").get("auth_url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise CredentialError(Problem.OPENBAO_OIDC_NO_URL, role=role, redirect_uri=redirect_uri)
        return url

    async def oidc_callback(self, mount: str, state: str, code: str, client_nonce: str) -> dict[str, Any]:
        document = await self.call("GET", f"auth/{mount}/oidc/callback",
                                   params={"state": state, "code": code, "client_nonce": client_nonce})
        return _table(document, "auth")


class TokenHolder(Protocol):
    """Gives the current OpenBao token and hears when OpenBao refused it (`OpenBaoSession`)."""

    @property
    def api(self) -> OpenBaoApi: ...

    async def token(self) -> str: ...

    async def token_refused(self, token: str) -> SignInRequiredError | None: ...

    async def aclose(self) -> None: ...


class TransitSigner:
    """A `JwtSigner` whose key stays in OpenBao / Vault Transit: one POST per token, no key on the PC."""

    def __init__(self, holder: TokenHolder) -> None:
        self.session = holder

    async def sign(self, signing_input: bytes) -> bytes:
        token = await self.session.token()
        try:
            return await self.session.api.sign(token, signing_input)
        except PermissionDeniedError:
            # 403 means a dead token or a policy without this path: the token's own lookup tells which.
            if (signed_out := await self.session.token_refused(token)) is not None:
                raise signed_out from None
            settings = self.session.api.settings
            raise CredentialError(Problem.OPENBAO_SIGN_DENIED, path=settings.sign_path, key=settings.key,
                                  profile=settings.profile_name) from None

    async def aclose(self) -> None:
        await self.session.aclose()


def decode_signature(value: Any) -> bytes:
    """`vault:v<version>:<standard base64>` to the raw signature bytes."""
    if not isinstance(value, str) or not value.startswith(_SIGNATURE_PREFIX) or value.count(":") != 2:
        raise SignerUnavailableError(Problem.OPENBAO_BAD_SIGNATURE, why="form")
    try:
        return base64.b64decode(value.rsplit(":", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise SignerUnavailableError(Problem.OPENBAO_BAD_SIGNATURE, why="base64") from None


async def _read_bounded(response: httpx.Response) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise SignerUnavailableError(Problem.OPENBAO_ANSWER_TOO_LARGE, limit=MAX_ANSWER_BYTES)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise SignerUnavailableError(Problem.OPENBAO_ANSWER_TOO_LARGE, limit=MAX_ANSWER_BYTES)
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(raw: bytes) -> dict[str, Any]:
    """The answer's JSON object; {} for nothing, or for something else (an error then quotes the
    HTTP reason phrase, and a success lacks the fields it needs)."""
    if not raw.strip():
        return {}
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def _field(document: dict[str, Any], *names: str) -> Any:
    value: Any = document
    for name in names:
        value = value.get(name) if isinstance(value, dict) else None
    if value is None:
        raise SignerUnavailableError(Problem.OPENBAO_ANSWER_LACKS, field=".".join(names))
    return value


def _table(document: dict[str, Any], name: str) -> dict[str, Any]:
    """A JSON object the answer must hold (`data`, `auth`)."""
    value = _field(document, name)
    if not isinstance(value, dict):
        raise SignerUnavailableError(Problem.OPENBAO_ANSWER_LACKS, field=name)
    return value


def _server_words(document: dict[str, Any]) -> str:
    errors = document.get("errors")
    if not isinstance(errors, list):
        return ""
    words = "; ".join(str(item) for item in errors[:3] if isinstance(item, str))
    return "".join(ch if ch.isprintable() else " " for ch in words)[:_MAX_SERVER_WORDS]


def _as_int(text: str) -> int:
    return int(text) if text.isdigit() else -1
