"""Logging: a rotating file in the user log folder (IT's diagnostics read it), the terminal too with -v.

The file is readable by its owner only: it holds call IDs and endpoints, never secrets.
"""

import io
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.core.private_files import PRIVATE_FILE_MODE, private_dir, restrict

LOG_NAME = "transfer-panel.log"


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("transfer-panel", appauthor=False)


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """Every log file it opens (the first, and the new one after each rotation) is created readable
    by its owner only, whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(verbose: bool) -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        path = private_dir(log_dir()) / LOG_NAME
        file_handler = _PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        restrict(path)
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    except OSError as error:  # an unwritable log dir must not stop a transfer
        print(f"warning: cannot write the log file: {error.strerror or error}", file=sys.stderr)
    if verbose:
        terminal = logging.StreamHandler()
        terminal.setFormatter(formatter)
        root.addHandler(terminal)
