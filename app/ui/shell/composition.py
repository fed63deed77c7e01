"""What the window works with, built after the first paint and off the GUI thread.

`PanelServices` bundles the core objects one window uses: the `TransferService`, the
directory's `SearchIndex`, the demo environment when there is one, and the initial call.
`build_services(args)` picks demo mode or a configured profile like `transfer-panel`
does; tests build a `PanelServices` directly (see `build_demo_services`).
No Qt here.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SOURCE_COMMAND_LINE = "command line"
SOURCE_DEMO = "demo"


@dataclass
class PanelServices:
    transfer: Any  # app.core.transfer.TransferService
    directory: Any  # app.core.directory SearchIndex
    profile_name: str
    demo: Any = None  # app.demo.DemoEnvironment in demo mode
    call_id: str = ""
    call_source: str = ""
    caller: str = ""  # who is calling, for a simulated demo call
    empty_directory_hint: str = ""
    warnings: list[str] = field(default_factory=list)
    explicit_demo: bool = False  # --demo was given (not merely "no profile configured")
    directory_feed: Any = None  # app.core.directory.feed.DirectoryFeed for a file or Salesforce source
    directory_as_of: Any = None  # datetime of the directory shown at start (the offline copy)
    favorites: Any = None  # app.core.directory.favorites.Favorites of this profile (None: none kept)
    recents: tuple[str, ...] = ()  # targets recently routed to with success, newest first

    @property
    def is_demo(self) -> bool:
        return self.demo is not None

    @property
    def endpoint(self) -> str:
        return self.transfer.client.profile.base_url

    async def aclose(self) -> None:
        try:
            await self.transfer.aclose()
            if self.directory_feed is not None:
                await self.directory_feed.aclose()
        finally:
            if self.demo is not None:
                await asyncio.get_running_loop().run_in_executor(None, self.demo.close)


async def build_services(args: Any, journal_path: Path | None = None) -> PanelServices:
    """Demo with --demo or when no profile is configured; else the chosen profile (ConfigError if none fits)."""
    from app.core.profile import load_config, resolve_config_path

    loop = asyncio.get_running_loop()
    config = await loop.run_in_executor(None, load_config, resolve_config_path(args.config))
    if args.demo or (not config.profiles and not args.profile):
        services = await build_demo_services(args.call_id, journal_path)
        services.explicit_demo = bool(args.demo)
        return services
    profile = config.profile(args.profile)
    return await build_profile_services(profile, args.call_id, journal_path)


async def build_demo_services(call_id: str | None = None, journal_path: Path | None = None,
                              timeout_s: float = 10.0) -> PanelServices:
    """The embedded simulator with an in-memory key, the demo directory and a simulated call."""
    from app.core.directory import SearchIndex, load_demo_directory
    from app.demo import new_demo_call_id, new_demo_caller, start_demo
    from app.services import open_transfer_service

    loop = asyncio.get_running_loop()
    demo = await loop.run_in_executor(None, start_demo, timeout_s)
    try:
        targets = await loop.run_in_executor(None, load_demo_directory)
        index = await loop.run_in_executor(None, SearchIndex, targets)
        service = await loop.run_in_executor(
            None, open_transfer_service, demo.profile, demo.minter(), journal_path
        )
    except BaseException:
        await loop.run_in_executor(None, demo.close)
        raise
    services = PanelServices(
        transfer=service, directory=index, profile_name=demo.profile.name, demo=demo,
        call_id=call_id or new_demo_call_id(),
        call_source=SOURCE_COMMAND_LINE if call_id else SOURCE_DEMO,
        caller="" if call_id else new_demo_caller().describe(),
        empty_directory_hint="The demo directory is empty.",
    )
    await load_preferences(services)
    return services


async def build_profile_services(profile: Any, call_id: str | None = None,
                                 journal_path: Path | None = None) -> PanelServices:
    """A configured profile: its key from the OS keyring (loaded on first use) and its directory:
    none (paste IDs), an admin's file, or Salesforce (the offline copy first; the window refreshes it)."""
    from app.core.directory import SearchIndex
    from app.services import keyring_minter, open_transfer_service

    loop = asyncio.get_running_loop()
    service = await loop.run_in_executor(
        None, open_transfer_service, profile, keyring_minter(profile), journal_path
    )
    warnings = []
    if problem := await loop.run_in_executor(None, _key_problem, profile.name):
        warnings.append(problem)
    services = PanelServices(
        transfer=service, directory=SearchIndex([]), profile_name=profile.name,
        call_id=call_id or "", call_source=SOURCE_COMMAND_LINE if call_id else "",
        empty_directory_hint=(
            "No directory is set up for this profile yet.\nPaste an agent (005…), queue (00G…) "
            "or flow (300…) ID in the search box to transfer to it."
        ),
        warnings=warnings,
    )
    if profile.directory_source != "none":
        from app.core.directory.cache import cache_path
        from app.core.directory.feed import DirectoryFeed
        from app.core.secrets import SecretPurpose
        from app.services import keyring_key_source

        feed = DirectoryFeed(profile, key_source=keyring_key_source(profile, SecretPurpose.SALESFORCE_API),
                             cache_file=cache_path(profile.name))
        snapshot = await feed.cached()
        if snapshot is not None:
            services.directory, services.directory_as_of = snapshot.index, snapshot.as_of
            for problem in snapshot.problems:
                log.warning("directory cache: %s", problem)  # a refresh replaces it in a moment
        services.directory_feed = feed
        services.empty_directory_hint = f"Loading the directory from {feed.source_label}…"
    await load_preferences(services)
    return services


async def load_preferences(services: PanelServices) -> None:
    """The rep's favorites and recent targets, which come first in the directory."""
    from app.core.directory.favorites import Favorites, FavoritesError, favorites_path

    loop = asyncio.get_running_loop()
    path = favorites_path(services.profile_name)
    try:
        services.favorites = await loop.run_in_executor(None, Favorites.load, path)
    except FavoritesError as error:
        log.warning("%s", error)
        services.favorites = Favorites(path)
    journal = services.transfer.journal
    days = await loop.run_in_executor(None, journal.retention_days)
    purged = await loop.run_in_executor(None, journal.purge_older_than, days)
    if purged:
        log.info("journal: removed %d transfers older than %d days", purged, days)
    services.recents = tuple(await loop.run_in_executor(None, journal.recent_targets))


def _key_problem(profile_name: str) -> str:
    """Why transfers will fail for lack of a key, or "" (checked early so the rep is not surprised)."""
    try:
        from app.core.secrets import SecretStore

        if SecretStore().has_private_key(profile_name):
            return ""
    except Exception as error:  # the keyring backend's own errors; a real transfer reports them again
        log.warning("keyring check failed: %s", error)
        return f"The OS keyring could not be read ({error}). Transfers will fail until it works."
    return (f"No private key is stored for profile '{profile_name}': open Settings… to set one "
            "(transfers fail until then).")
