"""Files only their owner may read: the config, the journal, the directory cache, the log.

They hold call IDs, names and endpoints (never secrets), still nothing another user of a
shared PC or terminal server should read. On Linux and macOS they are created 0600 in
0700 folders whatever the umask; on Windows the user's profile folders are private already.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and its missing parents) readable by the owner only; an existing folder keeps its mode."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return path


def write_private_file(path: Path, data: bytes) -> None:
    """Replace `path` atomically (a crash never leaves half a file) with a file only its owner can read."""
    private_dir(path.parent)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)  # a file left over from before gets the mode too
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def restrict(path: Path) -> None:
    """Make an existing file (a database, a log) readable by its owner only."""
    if os.name != "nt":
        os.chmod(path, PRIVATE_FILE_MODE)
