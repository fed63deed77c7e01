"""Keeps one profile's directory current: the saved copy first, then refreshes.

`DirectoryFeed` is what the window (or any front end) drives: `cached()` at start-up, a
full `refresh()` right after, then `refresh_presence()` on a timer. For a Salesforce
source that re-reads only the agents' presence; for a file source it reloads the file
when it changed. A successful Salesforce refresh replaces the offline cache; a failed
one raises and leaves the last good snapshot in place. Search indexes are built on a
worker thread, with full garbage collections held off while they are built
(`building_in_bulk`); the `Target` objects a Salesforce load makes are turned into a
`TargetTable` before the hold ends, so no full collection ever has them to visit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from app.core.directory.cache import CachedDirectory, DirectoryCacheError, load_directory, save_directory
from app.core.directory.file_source import FileWatch, load_directory_file
from app.core.directory.search import SearchIndex
from app.core.directory.table import TargetTable
from app.core.directory.target import Target, building_in_bulk
from app.core.ids import IdKind
from app.core.profile import Profile

FILE_POLL_S = 5.0  # how often a file source is checked for changes (a stat call)


@dataclass(frozen=True, slots=True)
class DirectorySnapshot:
    index: SearchIndex
    as_of: datetime | None  # when the source's data was current
    source: str  # "Salesforce" or the file name, for "as of 09:42 · Salesforce"
    problems: tuple[str, ...] = field(default=())  # skipped rows of a file, cache trouble


def _indexed(targets: Iterable[Target]) -> SearchIndex:
    with building_in_bulk():
        return SearchIndex(targets)


def _queues_and_flows_then(table: TargetTable, agents: list[Target]) -> TargetTable:
    """The queues and flows of a table, then these agents (on a worker thread: ~100 ms at 100k)."""
    return TargetTable.of(chain(table.of_kinds(IdKind.QUEUE, IdKind.FLOW), agents))


class DirectoryFeed:
    """The directory of a profile whose `directory_source` is "file" or "salesforce"."""

    def __init__(self, profile: Profile, *, key_source: Callable[[], Any] | None = None,
                 cache_file: Path | None = None, transport: Any = None) -> None:
        self.profile = profile
        self.cache_file = cache_file
        self.current: DirectorySnapshot | None = None
        self._salesforce = None
        self._watch: FileWatch | None = None
        if profile.directory_source == "salesforce":
            from app.core.directory.salesforce import SalesforceDirectory

            self._salesforce = SalesforceDirectory(profile, key_source, transport=transport)
        else:
            self._watch = FileWatch(Path(profile.directory_file).expanduser())

    @property
    def source_label(self) -> str:
        return "Salesforce" if self._salesforce is not None else Path(self.profile.directory_file).name

    @property
    def poll_interval_s(self) -> float:
        return self.profile.presence_refresh_s if self._salesforce is not None else FILE_POLL_S

    @property
    def api_usage(self) -> Any:
        return self._salesforce.api_usage if self._salesforce is not None else None

    async def cached(self) -> DirectorySnapshot | None:
        """The offline copy of a Salesforce directory, if one was saved (problems reported, never fatal)."""
        if self._salesforce is None or self.cache_file is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            with building_in_bulk():
                cached = await loop.run_in_executor(None, load_directory, self.cache_file)
        except DirectoryCacheError as error:
            return DirectorySnapshot(SearchIndex([]), None, self.source_label, (str(error),))
        if cached is None:
            return None
        index = await loop.run_in_executor(None, _indexed, cached.targets)
        self.current = DirectorySnapshot(index, cached.fetched_at, self.source_label)
        return self.current

    async def refresh(self, progress: Callable[[int, int | None], None] | None = None) -> DirectorySnapshot:
        """Everything again from the source; raises a PanelError (the last snapshot stays)."""
        loop = asyncio.get_running_loop()
        if self._salesforce is None:
            with building_in_bulk():
                loaded = await loop.run_in_executor(None, load_directory_file, self._watch.path)
            as_of = datetime.fromtimestamp(self._watch.path.stat().st_mtime, UTC)
            self._watch.changed()  # what was read is now the baseline
            return await self._publish(loaded.targets, as_of, tuple(loaded.problems))
        with building_in_bulk():
            targets = await loop.run_in_executor(None, TargetTable.of, await self._salesforce.load(progress))
        fetched_at = datetime.now(UTC)
        if self.cache_file is not None:
            await loop.run_in_executor(None, save_directory, self.cache_file,
                                       CachedDirectory(targets, fetched_at, "salesforce"))
        return await self._publish(targets, fetched_at)

    async def refresh_presence(self) -> DirectorySnapshot | None:
        """The cheap periodic update; None when nothing changed (a file that was not touched)."""
        if self._salesforce is None:
            return await self.refresh() if self._watch.changed() else None
        if self.current is None:
            return await self.refresh()
        with building_in_bulk():
            targets = await asyncio.get_running_loop().run_in_executor(
                None, _queues_and_flows_then, self.current.index.targets, await self._salesforce.agents())
        return await self._publish(targets, datetime.now(UTC))

    async def _publish(self, targets: Iterable[Target], as_of: datetime,
                       problems: tuple[str, ...] = ()) -> DirectorySnapshot:
        index = await asyncio.get_running_loop().run_in_executor(None, _indexed, targets)
        self.current = DirectorySnapshot(index, as_of, self.source_label, problems)
        return self.current

    async def aclose(self) -> None:
        if self._salesforce is not None:
            await self._salesforce.aclose()
