"""The offline cache: the last good directory of a profile, shown at start-up before any refresh.

One file per profile in the user cache dir, written atomically (temporary file, then
`os.replace`) and only after a refresh succeeded, so a failed refresh keeps the last
good copy. The format is `marshal` of plain tuples and strings: it can hold data only
(never code, unlike pickle), and 100,000 targets load in well under 300 ms. A file that
is damaged or from another format version is reported and ignored, never trusted.
"""

import marshal
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.core.directory.target import Presence, PresenceState, Target, full_collections_paused, restore_target
from app.core.errors import PanelError, Problem
from app.core.ids import IdKind

FORMAT = 2
_KIND_LETTERS = {IdKind.AGENT: "a", IdKind.QUEUE: "q", IdKind.FLOW: "f"}
_KINDS = {letter: kind for kind, letter in _KIND_LETTERS.items()}


class DirectoryCacheError(PanelError):
    """The cached directory cannot be used; the panel goes on without it."""


@dataclass(frozen=True, slots=True)
class CachedDirectory:
    targets: list[Target]
    fetched_at: datetime  # timezone-aware: when the source answered
    source: str  # "salesforce" or "file: <path>", for the freshness line


def cache_path(profile_name: str) -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("transfer-panel", appauthor=False) / "directory" / f"{profile_name}.marshal"


def save_directory(path: Path, directory: CachedDirectory) -> None:
    targets = directory.targets
    presences = list({t.presence: None for t in targets if t.presence is not None})
    presence_number = {presence: number for number, presence in enumerate(presences)}
    # Column by column: loading then keeps the strings and frees a few large tuples, rather
    # than 100,000 small row tuples that would leave the memory they were in fragmented.
    columns = (
        "".join(_KIND_LETTERS[t.kind] for t in targets),
        tuple(t.id for t in targets),
        tuple(t.label for t in targets),
        tuple(t.secondary for t in targets),
        tuple(t.extra for t in targets),
        tuple(-1 if t.presence is None else presence_number[t.presence] for t in targets),
        tuple(_presence_row(presence) for presence in presences),
    )
    data = marshal.dumps((FORMAT, directory.fetched_at.timestamp(), directory.source, columns))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # atomic: a reader sees the old file or the new one, never half


def load_directory(path: Path) -> CachedDirectory | None:
    """The cached directory, or None when there is none; DirectoryCacheError when it is unusable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DirectoryCacheError(Problem.DIRECTORY,
            text=f"The saved directory {path} cannot be read ({error}); it is ignored.") from None
    try:
        with full_collections_paused():
            return _restore(marshal.loads(data))
    except (ValueError, EOFError, TypeError, KeyError, PanelError) as error:
        raise DirectoryCacheError(Problem.DIRECTORY,
            text=f"The saved directory {path} is damaged or from another version ({type(error).__name__}); "
            "it is ignored and replaced at the next refresh.") from None


def _restore(document: tuple) -> CachedDirectory:
    version, fetched_at, source, columns = document
    if version != FORMAT:
        raise ValueError(f"format {version}")
    kinds, ids, labels, secondaries, extras, presence_numbers, presence_rows = columns
    if not len(kinds) == len(ids) == len(labels) == len(secondaries) == len(extras) == len(presence_numbers):
        raise ValueError("columns of different lengths")
    presences = [_presence(*row) for row in presence_rows]
    targets = [
        restore_target(_KINDS[kind], target_id, label, secondary, presences[number] if number >= 0 else None, extra)
        for kind, target_id, label, secondary, extra, number
        in zip(kinds, ids, labels, secondaries, extras, presence_numbers, strict=True)
    ]
    return CachedDirectory(targets, datetime.fromtimestamp(fetched_at, UTC), source)


def _presence_row(presence: Presence) -> tuple:
    return presence.status, presence.state.value, presence.since.timestamp() if presence.since else None


def _presence(status: str, state: str, since: float | None) -> Presence:
    return Presence(status, PresenceState(state), datetime.fromtimestamp(since, UTC) if since is not None else None)
