"""The one composition root: builds the services the window, the command line, the demo and the
self-test work with, from a profile (or demo mode). Nothing else wires core objects together.

The window's services are built after its first paint (`open_window_services`); blocking
steps (the config file, the journal, the keyring, the demo key and simulator) run off the
event loop. The command line builds a `TransferDesk` for one route (`open_cli_desk`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.calls import IncomingCall
from app.core.config_files import load_config, resolve_config_path
from app.core.credentials import CredentialsDesk
from app.core.desk import DirectoryLookup, TransferDesk
from app.core.directory.favorites import Favorites, FavoritesError, favorites_path
from app.core.directory.search import SearchIndex
from app.core.directory.sources import DirectorySource, SourceNeeds, source_for
from app.core.directory.table import TargetTable
from app.core.directory.target import Target
from app.core.errors import InputError, PanelError, Problem
from app.core.journal import Journal, JournalEntry, default_journal_path
from app.core.profile import DirectoryOrigin, Profile, SigningMethod
from app.core.routing.client import RouteClient
from app.core.secrets import SecretPurpose
from app.core.signing import JwtSigner, TokenMinter, TokenSpec
from app.core.signing.rsa_key import RsaKeySigner

if TYPE_CHECKING:
    from app.core.signing.openbao_session import OpenBaoSession
    from app.demo import DemoEnvironment

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What one window works with."""

    profile: Profile
    desk: TransferDesk
    directory: SearchIndex
    call: IncomingCall | None = None
    directory_source: DirectorySource | None = None  # refreshed by the window (None: no source, or a static one)
    directory_as_of: datetime | None = None  # when the directory shown at start was current (the offline copy)
    demo: DemoEnvironment | None = None
    explicit_demo: bool = False  # --demo was given (not merely "no profile configured")
    favorites: Favorites | None = None  # the profile's starred targets
    recents: tuple[str, ...] = ()  # targets recently routed to with success, newest first
    warnings: list[PanelError] = field(default_factory=list)  # why transfers will fail (e.g. no key yet)
    interrupted: list[JournalEntry] = field(default_factory=list)  # left "sending" by a panel that stopped
    journal_moved_aside: Path | None = None  # the unusable journal this start replaced
    signing_session: OpenBaoSession | None = None  # the rep's OpenBao sign-in (a profile that signs through OpenBao)
    credentials: CredentialsDesk | None = None  # where the profile's key is looked for (None: no key needed)

    def key_problem(self) -> PanelError | None:
        """Why transfers will fail for lack of a key now (no keyring, a locked one, no key stored);
        None when they will not. Blocks: the keyring answers over D-Bus (run it off the event loop)."""
        return _key_problem(self.profile, self.credentials) if self.credentials is not None else None

    @property
    def is_demo(self) -> bool:
        return self.demo is not None

    @property
    def journal(self) -> Journal:
        return self.desk.journal

    @property
    def endpoint(self) -> str:
        return self.profile.base_url

    async def aclose(self) -> None:
        try:
            await self.desk.aclose()
            if self.directory_source is not None:
                await self.directory_source.aclose()
        finally:
            if self.demo is not None:
                await asyncio.get_running_loop().run_in_executor(None, self.demo.close)


# ---- signing -----------------------------------------------------------------------------------
def scrt_spec(profile: Profile) -> TokenSpec:
    """The SCRT route's bearer tokens: the org ID issues them for the Call Center."""
    return TokenSpec(issuer=profile.org_id, subject=profile.call_center)


def signer_for(profile: Profile, credentials: CredentialsDesk, *, end_session_on_close: bool = False) -> JwtSigner:
    """How a profile's tokens are signed (`signing`): with its key from the OS keyring, or by OpenBao /
    Vault Transit as the rep signed in. With OpenBao, `end_session_on_close` revokes the rep's token
    when the signer closes (the window at quit); the command line keeps it for the next command.
    Builds no connection and reads no keyring yet: both happen at the first token, off the event loop."""
    return _signer_and_session(profile, credentials, end_session_on_close)[0]


def _signer_and_session(profile: Profile, credentials: CredentialsDesk, end_session_on_close: bool
                        ) -> tuple[JwtSigner, OpenBaoSession | None]:
    if profile.signing is SigningMethod.OPENBAO:
        from app.core.signing.openbao import TransitSigner

        session = openbao_session(profile, credentials, revoke_on_close=end_session_on_close)
        return TransitSigner(session), session
    return RsaKeySigner(credentials.key_loader(profile.name, SecretPurpose.SCRT)), None


def openbao_session(profile: Profile, credentials: CredentialsDesk, *, revoke_on_close: bool = False
                    ) -> OpenBaoSession:
    """The profile's OpenBao sign-in (`credentials login/logout`, the window's sign-in row, the self-test);
    InputError for a profile that signs with a key in the keyring."""
    from app.core.signing.openbao import OpenBaoSettings
    from app.core.signing.openbao_session import OpenBaoSession

    if profile.signing is not SigningMethod.OPENBAO:
        raise InputError(Problem.PROFILE_NOT_OPENBAO, profile=profile.name)
    return OpenBaoSession(OpenBaoSettings.from_profile(profile), lambda: credentials.store,
                          revoke_on_close=revoke_on_close)


def open_desk(profile: Profile, minter: TokenMinter, journal: Journal,
              directory: DirectoryLookup | None = None) -> TransferDesk:
    return TransferDesk(profile, RouteClient(profile, minter), journal, directory)


# ---- the command line ----------------------------------------------------------------------------
def open_cli_desk(profile: Profile, journal_path: Path | None = None) -> TransferDesk:
    """A configured profile's desk for one `route` (a journal that cannot be used: JournalError, exit 3)."""
    minter = TokenMinter(signer_for(profile, CredentialsDesk()), scrt_spec(profile))
    return open_desk(profile, minter, Journal(journal_path or default_journal_path()), cli_directory(profile))


def open_demo_desk(demo: DemoEnvironment, journal_path: Path | None = None) -> TransferDesk:
    return open_desk(demo.profile, demo.minter(), Journal(journal_path or default_journal_path()),
                     cli_directory(replace(demo.profile, directory_source=DirectoryOrigin.DEMO)))


def cli_directory(profile: Profile) -> DirectoryLookup | None:
    """What `route` knows of the profile's targets (an agent's presence), read at the first look-up: the
    demo directory or the profile's directory file. None for a Salesforce directory: the command line
    reads no org directory, so it cannot tell whether an agent is available (the window does)."""
    if profile.directory_source is DirectoryOrigin.DEMO:
        from app.core.directory.demo import load_demo_directory

        return _lookup_in(lambda: TargetTable.of(load_demo_directory()))
    if profile.directory_source is DirectoryOrigin.FILE and profile.directory_file:
        from app.core.directory.file_source import load_directory_file

        return _lookup_in(lambda: load_directory_file(Path(profile.directory_file).expanduser()).targets)
    return None


def _lookup_in(load: Callable[[], TargetTable]) -> DirectoryLookup:
    """The command line routes once: the directory is read for that one look-up, no Target built but its."""

    def lookup(target_id: str) -> Target | None:
        try:
            return load().find(target_id)
        except PanelError as error:  # a broken file is the window's to report: route as without one
            log.warning("route: the directory cannot be read (%s); presence is not checked", error)
            return None

    return lookup


# ---- the window ----------------------------------------------------------------------------------
async def open_window_services(config_path: Path | None, profile_name: str | None, call: IncomingCall | None,
                               demo: bool, journal_path: Path | None = None) -> Services:
    """Demo with `demo` (--demo) or when no profile is configured; else the chosen profile
    (ConfigError if none fits)."""
    loop = asyncio.get_running_loop()
    config = await loop.run_in_executor(None, load_config, resolve_config_path(config_path))
    if demo or (not config.profiles and not profile_name):
        services = await open_demo_services(call, journal_path)
        services.explicit_demo = demo
        return services
    return await open_profile_services(config.profile(profile_name), call, journal_path)


async def open_demo_services(call: IncomingCall | None = None, journal_path: Path | None = None,
                             timeout_s: float = 10.0) -> Services:
    """The embedded simulator with an in-memory key, the demo directory and a simulated call."""
    loop = asyncio.get_running_loop()
    demo = await loop.run_in_executor(None, _start_demo, timeout_s)
    try:
        from app.demo import new_demo_call  # imported by _start_demo

        profile = replace(demo.profile, directory_source=DirectoryOrigin.DEMO)
        services = await _open(profile, demo.minter(), call or new_demo_call(), journal_path, SourceNeeds())
    except BaseException:
        await loop.run_in_executor(None, demo.close)
        raise
    services.demo = demo
    return services


def _start_demo(timeout_s: float) -> DemoEnvironment:
    """On a worker thread: the demo and its simulator are imported only when demo mode starts
    (~2.5 MiB and ~40 ms that a configured panel does without)."""
    from app.demo import start_demo

    return start_demo(timeout_s)


async def open_profile_services(profile: Profile, call: IncomingCall | None = None,
                                journal_path: Path | None = None, credentials: CredentialsDesk | None = None,
                                transport: object = None) -> Services:
    """The window's services for a configured profile: its signer (the key from the OS keyring, read
    at the first transfer, or the rep's OpenBao sign-in, revoked when the services close) and its
    directory source (the offline copy first; the window refreshes it)."""
    from app.core.directory.cache import cache_path

    credentials = credentials or CredentialsDesk()
    signer, session = _signer_and_session(profile, credentials, end_session_on_close=True)
    needs = SourceNeeds(api_key=credentials.key_loader(profile.name, SecretPurpose.SALESFORCE_API),
                        cache_file=cache_path(profile.name), transport=transport)
    services = await _open(profile, TokenMinter(signer, scrt_spec(profile)), call, journal_path, needs)
    services.signing_session = session  # no key to look for: the rep signs in to OpenBao instead
    services.credentials = credentials if session is None else None
    if problem := await asyncio.get_running_loop().run_in_executor(None, services.key_problem):
        services.warnings.append(problem)
    return services


async def _open(profile: Profile, minter: TokenMinter, call: IncomingCall | None, journal_path: Path | None,
                needs: SourceNeeds) -> Services:
    loop = asyncio.get_running_loop()
    journal, moved_aside = await loop.run_in_executor(None, Journal.open_or_replace,
                                                      journal_path or default_journal_path())
    if moved_aside is not None:
        log.warning("journal: the unusable %s was moved to %s; a new one was started", journal.path, moved_aside)
    services = Services(profile, open_desk(profile, minter, journal), SearchIndex([]), call,
                        journal_moved_aside=moved_aside)
    try:
        await _open_directory(services, source_for(profile, needs))
        await _load_history(services)
    except BaseException:
        await services.aclose()
        raise
    return services


async def _open_directory(services: Services, source: DirectorySource | None) -> None:
    """The offline copy shows at once; a source that never changes (the demo) is read now and
    needs no refreshing; the others the window refreshes."""
    if source is None:
        return
    snapshot = await source.cached()
    if snapshot is None and source.poll_interval_s is None:
        snapshot = await source.refresh()
    else:
        services.directory_source = source
    if snapshot is not None:
        services.directory, services.directory_as_of = snapshot.index, snapshot.as_of
        for problem in snapshot.problems:
            log.warning("directory: %s", problem)  # a refresh replaces it in a moment


async def _load_history(services: Services) -> None:
    """Favorites and recent targets (they come first in the directory), the journal's retention,
    and the transfers a panel that stopped left unfinished."""
    loop = asyncio.get_running_loop()
    path = favorites_path(services.profile.name)
    try:
        services.favorites = await loop.run_in_executor(None, Favorites.load, path)
    except FavoritesError as error:
        log.warning("%s", error)
        services.favorites = Favorites(path)
    journal = services.journal
    services.interrupted = await loop.run_in_executor(None, journal.close_interrupted)
    days = await loop.run_in_executor(None, journal.retention_days)
    if purged := await loop.run_in_executor(None, journal.purge_older_than, days):
        log.info("journal: removed %d transfers older than %d days", purged, days)
    services.recents = tuple(await loop.run_in_executor(None, journal.recent_targets))


def _key_problem(profile: Profile, credentials: CredentialsDesk) -> PanelError | None:
    """Why transfers will fail for lack of a key (checked early so the rep is not surprised)."""
    try:
        if credentials.is_stored(profile.name):
            return None
    except PanelError as error:
        return error
    except Exception as error:  # the keyring backend's own errors; a real transfer reports them again
        log.warning("keyring check failed: %s", type(error).__name__)
        return PanelError(Problem.KEYRING_FAILED, backend="?", action="read", error=type(error).__name__)
    return PanelError(Problem.SECRET_MISSING, profile=profile.name, backend=credentials.backend_name(),
                      purpose=SecretPurpose.SCRT.value)
