"""The offline cache: the last good directory of a profile, shown at start-up before any refresh.

One file per profile in the user cache dir, readable by its owner only, written atomically
(temporary file, then `os.replace`) and only after a refresh succeeded, so a failed refresh
keeps the last good copy. The content is the directory's `TargetTable` columns in `marshal`
(data only, never code, unlike pickle): a few large strings, so 100,000 targets load in a
few milliseconds and leave no object per target behind.

The file starts with a magic string and a BLAKE2 digest of the rest. A file that is
damaged (any byte changed, cut short, grown), too large or not a file at all is reported
and ignored, never trusted and never fatal: the next refresh replaces it. One written by
another version of the panel (another `FORMAT`) is ignored as if there were none.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.core.directory.table import TargetTable
from app.core.directory.target import Target
from app.core.errors import PanelError, Problem

FORMAT = 4  # 4: flow inputs
MAGIC = b"transfer-panel directory cache\n"
MAX_CACHE_BYTES = 512 * 2**20  # ~10 million targets
_DIGEST = 32


class DirectoryCacheError(PanelError):
    """The cached directory cannot be used; the panel goes on without it."""


@dataclass(frozen=True, slots=True)
class CachedDirectory:
    targets: Sequence[Target]  # a TargetTable when loaded; saved as one
    fetched_at: datetime  # timezone-aware: when the source answered
    source: str  # "salesforce" or "file: <path>", for the freshness line


def cache_path(profile_name: str) -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("transfer-panel", appauthor=False) / "directory" / f"{profile_name}.marshal"


def save_directory(path: Path, directory: CachedDirectory) -> None:
    table = directory.targets if isinstance(directory.targets, TargetTable) else TargetTable.of(directory.targets)
    payload = marshal.dumps((FORMAT, directory.fetched_at.timestamp(), directory.source, table.columns()))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(MAGIC + hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload)
    os.replace(temporary, path)  # atomic: a reader sees the old file or the new one, never half


def load_directory(path: Path) -> CachedDirectory | None:
    """The cached directory, or None when there is none; DirectoryCacheError when it is unusable."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            raise _damaged(path, "not_a_cache")
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DirectoryCacheError(Problem.DIRECTORY_CACHE_UNREADABLE, path=str(path),
                                  reason=error.strerror or type(error).__name__) from None
    head = len(MAGIC) + _DIGEST
    payload = memoryview(data)[head:]
    if not data.startswith(MAGIC) or hashlib.blake2b(payload, digest_size=_DIGEST).digest() != data[len(MAGIC):head]:
        raise _damaged(path, "checksum")
    try:
        version, fetched_at, source, columns = marshal.loads(payload)
        if version != FORMAT:  # written by another version of the panel: the next refresh replaces it
            return None
        return CachedDirectory(TargetTable.from_columns(columns), datetime.fromtimestamp(fetched_at, UTC), str(source))
    except (ValueError, EOFError, TypeError, KeyError, IndexError, OverflowError, OSError) as error:
        # The checksum held: a file of another version of the panel, or one written by something else.
        raise _damaged(path, type(error).__name__) from None


def _damaged(path: Path, why: str) -> DirectoryCacheError:
    return DirectoryCacheError(Problem.DIRECTORY_CACHE_DAMAGED, path=str(path), why=why)
