"""Where a profile's directory comes from: the `DirectorySource` protocol and its registry.

A source is what the window (or any front end) drives: `cached()` at start-up (an offline
copy, if the source keeps one), a full `refresh()` right after, then `poll()` on a timer (the
agents' presence, a changed file). A failed refresh raises a `PanelError` and the last good
snapshot stays in use. Search indexes are built on a worker thread, with full garbage
collections held off while they are built (`building_in_bulk`), and so are the file read and
the cache load; the `Target` objects a Salesforce load makes become a `TargetTable` before the
hold ends, so no full collection ever has them to visit.

To add a source: a class with these methods, a `DirectoryOrigin` value naming it in
`app.core.profile`, and a line in `SOURCES`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app.core.directory.cache import CachedDirectory, DirectoryCacheError, load_directory, save_directory
from app.core.directory.file_source import FileWatch, load_directory_file
from app.core.directory.search import SearchIndex
from app.core.directory.table import TargetTable
from app.core.directory.target import Target, building_in_bulk
from app.core.errors import PanelError
from app.core.ids import IdKind
from app.core.profile import DirectoryOrigin, Profile

if TYPE_CHECKING:
    from app.core.directory.salesforce import ApiUsage

FILE_POLL_S = 5.0  # how often a file source is checked for changes (a stat call)
Progress = Callable[[int, int | None], None]  # (entries so far, total if known)


@dataclass(frozen=True, slots=True)
class DirectorySnapshot:
    index: SearchIndex
    as_of: datetime | None  # when the source's data was current
    source: str  # "Salesforce", the file name or "demo", for "as of 09:42 · Salesforce"
    problems: tuple[PanelError, ...] = field(default=())  # a file's first skipped rows, cache trouble
    skipped: int = 0  # a file's rows left out, all of them (`problems` holds the first ones)


class DirectorySource(Protocol):
    @property
    def label(self) -> str: ...  # names the source to the rep

    @property
    def poll_interval_s(self) -> float | None: ...  # None: it never changes after the first refresh

    @property
    def usage(self) -> ApiUsage | None: ...  # the org's API calls today, shown beside the freshness

    async def cached(self) -> DirectorySnapshot | None: ...

    async def refresh(self, progress: Progress | None = None) -> DirectorySnapshot: ...

    async def poll(self) -> DirectorySnapshot | None: ...  # None: nothing changed

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SourceNeeds:
    """What sources may need besides the profile: the Salesforce API key (read once, off the
    loop), where the offline copy lives, and (tests) an HTTP transport."""

    api_key: Callable[[], Any] | None = None
    cache_file: Path | None = None
    transport: Any = None


async def snapshot_of(targets: Iterable[Target], as_of: datetime | None, label: str,
                      problems: tuple[PanelError, ...] = (), skipped: int = 0) -> DirectorySnapshot:
    """Index `targets` off the event loop."""
    index = await asyncio.get_running_loop().run_in_executor(None, _indexed, targets)
    return DirectorySnapshot(index, as_of, label, problems, skipped)


def _indexed(targets: Iterable[Target]) -> SearchIndex:
    with building_in_bulk():
        return SearchIndex(targets)


def _queues_and_flows_then(table: TargetTable, agents: list[Target]) -> TargetTable:
    """The queues and flows of a table, then these agents (on a worker thread: ~100 ms at 100k)."""
    return TargetTable.of(chain(table.of_kinds(IdKind.QUEUE, IdKind.FLOW), agents))


class DemoSource:
    """The bundled demo directory (300 agents in many languages, queues, flows)."""

    label = "demo"
    poll_interval_s: float | None = None
    usage: ApiUsage | None = None

    async def cached(self) -> DirectorySnapshot | None:
        return None

    async def refresh(self, progress: Progress | None = None) -> DirectorySnapshot:
        from app.core.directory.demo import load_demo_directory

        targets = await asyncio.get_running_loop().run_in_executor(None, load_demo_directory)
        return await snapshot_of(targets, None, self.label)

    async def poll(self) -> DirectorySnapshot | None:
        return None

    async def aclose(self) -> None:
        pass


class FileSource:
    """An admin's JSON or CSV file, read again when it changes."""

    poll_interval_s: float | None = FILE_POLL_S
    usage: ApiUsage | None = None

    def __init__(self, path: Path) -> None:
        self._watch = FileWatch(path)
        self.label = path.name

    async def cached(self) -> DirectorySnapshot | None:
        return None

    async def refresh(self, progress: Progress | None = None) -> DirectorySnapshot:
        loop = asyncio.get_running_loop()
        path = self._watch.path
        with building_in_bulk():
            loaded = await loop.run_in_executor(None, load_directory_file, path)
        self._watch.changed()  # what was read is now the baseline
        as_of = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return await snapshot_of(loaded.targets, as_of, self.label, tuple(loaded.problems), loaded.skipped)

    async def poll(self) -> DirectorySnapshot | None:
        return await self.refresh() if self._watch.changed() else None

    async def aclose(self) -> None:
        pass


class SalesforceSource:
    """The org's REST API; each good refresh replaces the offline copy shown at the next start."""

    label = "Salesforce"

    def __init__(self, profile: Profile, needs: SourceNeeds) -> None:
        from app.core.directory.salesforce import SalesforceDirectory

        if needs.api_key is None:
            raise ValueError("a Salesforce directory needs the profile's API key loader")
        self.poll_interval_s: float | None = profile.presence_refresh_s
        self._org = SalesforceDirectory(profile, needs.api_key, transport=needs.transport)
        self._cache_file = needs.cache_file
        self._current: DirectorySnapshot | None = None

    @property
    def usage(self) -> ApiUsage | None:
        return self._org.api_usage

    async def cached(self) -> DirectorySnapshot | None:
        """The offline copy, if one was saved; a damaged one is reported, never fatal."""
        if self._cache_file is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            with building_in_bulk():
                cached = await loop.run_in_executor(None, load_directory, self._cache_file)
        except DirectoryCacheError as error:
            return DirectorySnapshot(SearchIndex([]), None, self.label, (error,))
        if cached is None:
            return None
        self._current = await snapshot_of(cached.targets, cached.fetched_at, self.label)
        return self._current

    async def refresh(self, progress: Progress | None = None) -> DirectorySnapshot:
        loop = asyncio.get_running_loop()
        with building_in_bulk():
            targets = await loop.run_in_executor(None, TargetTable.of, await self._org.load(progress))
        fetched_at = datetime.now(UTC)
        if self._cache_file is not None:
            await loop.run_in_executor(None, save_directory, self._cache_file,
                                       CachedDirectory(targets, fetched_at, "salesforce"))
        self._current = await snapshot_of(targets, fetched_at, self.label)
        return self._current

    async def poll(self) -> DirectorySnapshot | None:
        """Only the agents' presence (one query), the queues and flows kept (taken from the
        index's table on a worker thread, not built as targets on the event loop)."""
        if self._current is None:
            return await self.refresh()
        with building_in_bulk():
            targets = await asyncio.get_running_loop().run_in_executor(
                None, _queues_and_flows_then, self._current.index.targets, await self._org.agents())
        self._current = await snapshot_of(targets, datetime.now(UTC), self.label)
        return self._current

    async def aclose(self) -> None:
        await self._org.aclose()


SourceFactory = Callable[[Profile, SourceNeeds], DirectorySource | None]
SOURCES: dict[DirectoryOrigin, SourceFactory] = {
    DirectoryOrigin.NONE: lambda profile, needs: None,
    DirectoryOrigin.DEMO: lambda profile, needs: DemoSource(),
    DirectoryOrigin.FILE: lambda profile, needs: FileSource(Path(profile.directory_file).expanduser()),
    DirectoryOrigin.SALESFORCE: SalesforceSource,
}


def source_for(profile: Profile, needs: SourceNeeds) -> DirectorySource | None:
    """The profile's directory source (None: the rep pastes IDs)."""
    return SOURCES[profile.directory_source](profile, needs)
