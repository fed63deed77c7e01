"""A rep's OpenBao sign-in: log in, keep the token renewed through a shift, revoke it, say who and until when.

Qt-free use cases shared by the window and `transfer-panel credentials login/logout`. The token
lives only in memory and in the OS keyring (`<profile>/secret/openbao-token`), never in a file,
a log or an exception. A status says why nobody is signed in as an error (a code), never in
words: `app.messages.sign_in_text` makes them. Logging in:

* `oidc`: the system browser signs in at the company's identity provider (MFA included) and
  comes back to a loopback callback on this PC, the flow `bao login -method=oidc` uses:
  `auth/oidc/oidc/auth_url`, the browser, then `auth/oidc/oidc/callback`.
* `userpass`: a password, asked each time and never stored.
* `cert`: the client certificate on the TLS connection (`auth/cert/login`).
* `approle` (kiosks, scripts: `openbao_role` holds the RoleID) and `token` (a token made by IT).

Each method's mount is its own name (`auth/oidc`, `auth/userpass`, …), as `bao login` assumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
import time
import urllib.parse
import webbrowser
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.core.errors import CredentialError, InputError, PanelError, Problem, SignerUnavailableError
from app.core.secrets import SecretName
from app.core.signing.openbao import (
    OpenBaoApi,
    OpenBaoSettings,
    PermissionDeniedError,
    RequestRefusedError,
    SignInRequiredError,
)

if TYPE_CHECKING:
    from app.core.secrets import SecretStore

log = logging.getLogger(__name__)
TOKEN_SECRET = SecretName.OPENBAO_TOKEN
OIDC_CALLBACK_PORT = 8250  # what `bao login -method=oidc` uses: IT allows http://localhost:8250/oidc/callback
OIDC_WAIT_S = 300.0
_RENEW_AT_FRACTION = 2 / 3  # renew once two thirds of the token's time to live have passed
_RENEW_MIN_WAIT_S = 0.5
_RENEW_RETRY_S = 30.0
_REVOKE_WAIT_S = 3.0


@dataclass(frozen=True, slots=True)
class SignInStatus:
    """Who is signed in to OpenBao and until when (`expires_at`: epoch seconds, None for never)."""

    signed_in: bool
    who: str = ""
    expires_at: float | None = None
    renewable: bool = False
    policies: tuple[str, ...] = ()
    problem: PanelError | None = None  # why nobody is signed in


class SignOut(StrEnum):
    REVOKED = "revoked"
    ALREADY_ENDED = "already_ended"  # OpenBao refused the token: it had expired or been revoked
    NOT_REVOKED = "not_revoked"  # OpenBao could not be asked (`reason`): the token works until it expires
    NOT_SIGNED_IN = "not_signed_in"


@dataclass(frozen=True, slots=True)
class SignedOut:
    """How `logout` ended; the token is forgotten here in every case."""

    how: SignOut
    reason: PanelError | None = None


class OpenBaoSession:
    """One profile's sign-in. `token()` and `token_refused()` serve `TransitSigner`."""

    def __init__(self, settings: OpenBaoSettings, store: Callable[[], SecretStore], *,
                 api: OpenBaoApi | None = None, clock: Callable[[], float] = time.time,
                 revoke_on_close: bool = False) -> None:
        """`store` gives the OS keyring (called once, off the event loop: it may touch D-Bus)."""
        self.settings = settings
        self._api = api or OpenBaoApi(settings)
        self.revoke_on_close = revoke_on_close
        self._make_store = store
        self._store: SecretStore | None = None
        self._clock = clock
        self._token: str | None = None
        self._status = SignInStatus(False, problem=self._not_signed_in())
        self._listeners: list[Callable[[SignInStatus], None]] = []
        self._changed = asyncio.Event()
        self._renewal: asyncio.Task[None] | None = None

    @property
    def api(self) -> OpenBaoApi:
        return self._api

    # -- status ----------------------------------------------------------------------------

    @property
    def current(self) -> SignInStatus:
        """The last status known (no request): for a window to paint at once."""
        return self._status

    def subscribe(self, listener: Callable[[SignInStatus], None]) -> None:
        """`listener(status)` after every change (sign-in, renewal, expiry, sign-out), on the loop's thread."""
        self._listeners.append(listener)

    async def status(self) -> SignInStatus:
        """Asks OpenBao about the stored token (lookup-self): who, until when, or why not."""
        token = self._token or await self._stored_token()
        if token is None:
            return self._publish(SignInStatus(False, problem=self._not_signed_in()))
        try:
            data = await self.api.lookup_self(token)
        except PermissionDeniedError:
            await self._forget(token)
            return self._status
        self._token = token
        return self._publish(self._status_from(data))

    # -- what the signer needs -----------------------------------------------------------------

    async def token(self) -> str:
        if self._token is None:
            self._token = await self._stored_token()  # signed in meanwhile, e.g. with the CLI
        if self._token is None:
            raise self._not_signed_in()
        return self._token

    async def token_refused(self, token: str) -> SignInRequiredError | None:
        """OpenBao answered 403 with `token`: an error asking to sign in again if the token itself is
        dead (expired or revoked), None if it is alive (then the policy refused the path)."""
        try:
            await self.api.lookup_self(token)
            return None
        except PermissionDeniedError:
            return await self._forget(token)

    # -- logging in ----------------------------------------------------------------------------

    async def login_userpass(self, username: str, password: str) -> SignInStatus:
        if not username or "/" in username or not username.isprintable():
            raise InputError(Problem.OPENBAO_BAD_USERNAME)
        quoted = urllib.parse.quote(username, safe="")
        return await self._login(lambda: self.api.login(f"auth/userpass/login/{quoted}", {"password": password}))

    async def login_approle(self, secret_id: str) -> SignInStatus:
        body = {"role_id": self.settings.role, "secret_id": secret_id}
        return await self._login(lambda: self.api.login("auth/approle/login", body))

    async def login_cert(self, cert_file: str, key_file: str) -> SignInStatus:
        """The client certificate (with its key file) proves who this is; a one-off TLS client carries it."""
        api = OpenBaoApi(self.settings, client_cert=(cert_file, key_file))
        try:
            return await self._login(lambda: api.login("auth/cert/login", {"name": self.settings.role}))
        finally:
            await api.aclose()

    async def login_token(self, token: str) -> SignInStatus:
        """A token IT made (kiosks, scripts): checked with lookup-self before it is kept."""
        token = token.strip()
        try:
            await self.api.lookup_self(token)
        except PermissionDeniedError:
            raise CredentialError(Problem.OPENBAO_TOKEN_REFUSED) from None
        return await self._keep(token)

    async def login_oidc(self, open_browser: Callable[[str], Any] = webbrowser.open, *,
                         page: Callable[[bool], str], port: int = OIDC_CALLBACK_PORT,
                         wait_s: float = OIDC_WAIT_S) -> SignInStatus:
        """The browser signs in at the identity provider and comes back to http://localhost:<port>/oidc/callback.
        `page(signed_in)` is the text the browser shows at the end (the front end's words)."""
        nonce = secrets.token_urlsafe(24)
        async with LoopbackCallback(port, page) as callback:
            url = await self.api.oidc_auth_url("oidc", self.settings.role, callback.redirect_uri, nonce)
            opened = await asyncio.get_running_loop().run_in_executor(None, open_browser, url)
            if opened is False:
                raise CredentialError(Problem.OPENBAO_NO_BROWSER, url=url)
            try:
                async with asyncio.timeout(wait_s):
                    code, state = await callback.answer
            except TimeoutError:
                raise CredentialError(Problem.OPENBAO_BROWSER_TIMEOUT, wait_s=round(wait_s)) from None

            async def exchange() -> dict[str, Any]:
                return await self.api.oidc_callback("oidc", state, code, nonce)

            try:
                status = await self._login(exchange)
            except Exception:
                callback.reply(False)
                raise
            callback.reply(True)
            return status

    # -- through the shift -------------------------------------------------------------------

    def start_renewal(self) -> None:
        """Keep the token renewed in the background until `aclose` (idempotent)."""
        if self._renewal is None or self._renewal.done():
            self._renewal = asyncio.get_running_loop().create_task(self.keep_renewed(), name="openbao-renewal")

    async def keep_renewed(self) -> None:
        """Renews the token when two thirds of its time to live have passed, until its maximum; then
        (or when OpenBao refuses it) the status says to sign in again."""
        while True:
            self._changed.clear()
            status = self._status
            if not status.signed_in or status.expires_at is None:
                await self._changed.wait()
                continue
            remaining = status.expires_at - self._clock()
            wait = remaining * _RENEW_AT_FRACTION if status.renewable else remaining
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(_RENEW_MIN_WAIT_S, wait)):
                    await self._changed.wait()
                    continue  # signed in again or out meanwhile: start over
            await self._renew_or_expire(status)

    async def renew(self) -> SignInStatus:
        """Renews the token now (as long as its role allows)."""
        token = await self.token()
        try:
            await self.api.renew_self(token)
            data = await self.api.lookup_self(token)
        except PermissionDeniedError:
            await self._forget(token)
            return self._status
        return self._publish(self._status_from(data))

    async def _renew_or_expire(self, before: SignInStatus) -> None:
        token = self._token
        if token is None:
            return
        if before.expires_at is not None and before.expires_at <= self._clock():
            await self._forget(token, Problem.OPENBAO_SIGN_IN_EXPIRED)
            return
        try:
            after = await self.renew()
        except SignerUnavailableError as error:
            log.warning("OpenBao token renewal failed, retrying: %s", error)
            remaining = (before.expires_at or self._clock()) - self._clock()
            await asyncio.sleep(max(_RENEW_MIN_WAIT_S, min(_RENEW_RETRY_S, remaining / 4)))
            return
        if after.signed_in and after.expires_at is not None and after.expires_at <= (before.expires_at or 0) + 1:
            # At its maximum time to live: no renewal extends it. Wait for the end, then say so.
            self._publish(SignInStatus(True, after.who, after.expires_at, False, after.policies))

    async def logout(self) -> SignedOut:
        """Revoke the token at OpenBao and forget it here."""
        token = self._token or await self._stored_token()
        if token is None:
            return SignedOut(SignOut.NOT_SIGNED_IN)
        outcome = SignedOut(SignOut.REVOKED)
        try:
            async with asyncio.timeout(_REVOKE_WAIT_S):
                await self.api.revoke_self(token)
        except PermissionDeniedError:
            outcome = SignedOut(SignOut.ALREADY_ENDED)
        except SignerUnavailableError as error:
            outcome = SignedOut(SignOut.NOT_REVOKED, error)
        except TimeoutError:
            outcome = SignedOut(SignOut.NOT_REVOKED, SignerUnavailableError(Problem.OPENBAO_TIMEOUT,
                                                                           url=self.settings.url))
        await self._forget(token, Problem.OPENBAO_SIGNED_OUT)
        return outcome

    async def aclose(self) -> None:
        if self._renewal is not None:
            self._renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewal
        try:
            if self.revoke_on_close and self._token is not None:
                await self.logout()
        finally:
            await self.api.aclose()

    # -- inside -----------------------------------------------------------------------------

    async def _login(self, call: Callable[[], Awaitable[dict[str, Any]]]) -> SignInStatus:
        try:
            auth = await call()
        except RequestRefusedError as error:
            raise CredentialError(Problem.OPENBAO_SIGN_IN_REFUSED, said=error.said) from None
        token = auth.get("client_token")
        if not isinstance(token, str) or not token:
            raise CredentialError(Problem.OPENBAO_SIGN_IN_NO_TOKEN)
        return await self._keep(token)

    async def _keep(self, token: str) -> SignInStatus:
        data = await self.api.lookup_self(token)
        store = await self._secret_store()
        await asyncio.get_running_loop().run_in_executor(
            None, store.set_secret, self.settings.profile_name, TOKEN_SECRET, token)
        old, self._token = self._token, token
        if old is not None and old != token:
            with contextlib.suppress(CredentialError, SignerUnavailableError):
                await self.api.revoke_self(old)  # one live token per profile
        log.info("signed in to OpenBao for profile %s", self.settings.profile_name)
        return self._publish(self._status_from(data))

    async def _forget(self, token: str, why: Problem = Problem.OPENBAO_SIGN_IN_ENDED) -> SignInRequiredError:
        """Drop a token that ended (here and in the keyring); the error says why."""
        if self._token == token:
            self._token = None
        store = await self._secret_store()
        loop = asyncio.get_running_loop()
        if await loop.run_in_executor(None, store.get_secret, self.settings.profile_name, TOKEN_SECRET) == token:
            await loop.run_in_executor(None, store.delete_secret, self.settings.profile_name, TOKEN_SECRET)
        ended = SignInRequiredError(why, profile=self.settings.profile_name)
        self._publish(SignInStatus(False, problem=ended))
        return ended

    def _not_signed_in(self) -> SignInRequiredError:
        return SignInRequiredError(Problem.OPENBAO_NOT_SIGNED_IN, profile=self.settings.profile_name)

    async def _stored_token(self) -> str | None:
        store = await self._secret_store()
        return await asyncio.get_running_loop().run_in_executor(
            None, store.get_secret, self.settings.profile_name, TOKEN_SECRET)

    async def _secret_store(self) -> SecretStore:
        if self._store is None:
            self._store = await asyncio.get_running_loop().run_in_executor(None, self._make_store)
        return self._store

    def _status_from(self, data: dict[str, Any]) -> SignInStatus:
        meta = data.get("meta")
        if not isinstance(meta, dict):
            meta = {}
        who = str(meta.get("username") or meta.get("role_name") or data.get("display_name") or "")[:100]
        ttl = data.get("ttl")
        if not isinstance(ttl, int):
            ttl = 0
        never = data.get("expire_time") is None  # a token without an end (root, or IT's periodic token)
        expires_at = None if never else self._clock() + max(ttl, 0)
        policies = tuple(str(p) for p in data.get("policies") or () if isinstance(p, str))
        return SignInStatus(True, who, expires_at, data.get("renewable") is True, policies)

    def _publish(self, status: SignInStatus) -> SignInStatus:
        self._status = status
        self._changed.set()
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:  # a listener's bug must not break signing
                log.exception("sign-in status listener failed")
        return status


class LoopbackCallback:
    """The one HTTP request the identity provider sends the browser back with, on this PC only."""

    MAX_REQUEST_BYTES = 16 * 1024

    def __init__(self, port: int, page: Callable[[bool], str]) -> None:
        self.port = port
        self._page = page
        self.redirect_uri = f"http://localhost:{port}/oidc/callback"
        self.answer: asyncio.Future[tuple[str, str]] = asyncio.get_running_loop().create_future()
        self._server: asyncio.Server | None = None
        self._browser: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> LoopbackCallback:
        try:
            self._server = await asyncio.start_server(self._serve, "localhost", self.port,
                                                      limit=self.MAX_REQUEST_BYTES)
        except OSError as error:
            raise CredentialError(Problem.OPENBAO_CALLBACK_PORT_BUSY, port=self.port,
                                  reason=error.strerror or type(error).__name__) from None
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._browser is not None:
            self.reply(False)
        if self._server is not None:
            self._server.close()
        if not self.answer.done():
            self.answer.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                head = await reader.readuntil(b"\r\n\r\n")
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = request_line.split(" ")
        target = urllib.parse.urlsplit(parts[1] if len(parts) == 3 else "")
        wanted = parts[0] == "GET" and target.path == "/oidc/callback" and len(head) <= self.MAX_REQUEST_BYTES
        if not wanted or self.answer.done():
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            writer.close()
            return
        query = urllib.parse.parse_qs(target.query)
        code, state = query.get("code", [""])[0], query.get("state", [""])[0]
        self._browser = writer
        if error := query.get("error", [""])[0]:
            said = "".join(ch for ch in query.get("error_description", [error])[0] if ch.isprintable())[:200]
            self.answer.set_exception(CredentialError(Problem.OPENBAO_IDP_REFUSED, said=said))
        elif not code or not state:
            self.answer.set_exception(CredentialError(Problem.OPENBAO_CALLBACK_NO_CODE))
        else:
            self.answer.set_result((code, state))

    def reply(self, signed_in: bool) -> None:
        """Tell the browser how it ended (the page the rep sees before going back to the panel)."""
        writer, self._browser = self._browser, None
        if writer is None:
            return
        text = html.escape(self._page(signed_in))
        body = f"<!doctype html><title>Voice Transfer Panel</title><p>{text}</p>".encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        writer.close()
