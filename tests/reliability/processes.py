"""Running `transfer-panel` as a real process and reading what it left, for the reliability suite
and `benchmarks/hostile.py`: its peak memory as the kernel counted it, its wall time, its output,
and the journal rows it wrote."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import CALL_CENTER, ORG_ID

TIMEOUT_S = 3  # the profiles' deadline in the hostile cases


@dataclass(frozen=True)
class RouteRun:
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_mib: float

    @property
    def outcome(self) -> dict:
        (line,) = self.stdout.splitlines()  # --json: exactly one object, whatever happened
        return json.loads(line)


# exec does not reset ru_maxrss: a child forked from this test process (hundreds of MiB late in a
# run) would report its parent's size. So a small launcher starts the panel and reads its peak.
_LAUNCHER = """
import os, resource, signal, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as peak:
    peak.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def run_cli(*args: str, env: dict[str, str] | None = None, timeout_s: float = 60, stdin: bytes = b"") -> RouteRun:
    """`transfer-panel ARGS` in a child process (no terminal: `stdin` comes from a pipe), its peak RSS
    as the kernel counted it (ru_maxrss, KiB on Linux). A child still running after `timeout_s` is
    killed (and the test fails)."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak-kib"
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(peak_file), sys.executable, "-m", "app", *args],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE,
                                 env={**os.environ, **(env or {})}, start_new_session=True)
        output: dict[str, bytes] = {}
        readers = [threading.Thread(target=lambda name=name, pipe=pipe: output.__setitem__(name, pipe.read()))
                   for name, pipe in (("out", child.stdout), ("err", child.stderr))]
        readers.append(threading.Thread(target=_feed, args=(child.stdin, stdin)))
        for reader in readers:
            reader.start()
        watchdog = threading.Timer(timeout_s, os.killpg, args=(child.pid, signal.SIGKILL))
        watchdog.start()
        child.wait()
        wall_s = time.monotonic() - started
        watchdog.cancel()
        for reader in readers:
            reader.join()
        assert wall_s < timeout_s, f"transfer-panel {' '.join(args)} still ran after {timeout_s} s: killed"
        peak_kib = int(peak_file.read_text())
    return RouteRun(child.returncode, output["out"].decode("utf-8", "replace"),
                    output["err"].decode("utf-8", "replace"), wall_s, peak_kib / 1024)


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:
        pass  # the child did not read it all


def journal_rows(data_home: Path | None = None) -> list[sqlite3.Row]:
    """Every row of the journal the CLI wrote (under the isolated XDG_DATA_HOME)."""
    path = (data_home or Path(os.environ["XDG_DATA_HOME"])) / "transfer-panel" / "journal.sqlite3"
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM transfers ORDER BY id").fetchall()


def write_profile(config: Path, name: str, base_url: str, timeout_s: float = TIMEOUT_S) -> Path:
    config.write_text(f'[profiles.{name}]\nbase_url = "{base_url}"\norg_id = "{ORG_ID}"\n'
                      f'call_center = "{CALL_CENTER}"\ntimeout_s = {timeout_s}\n', encoding="utf-8")
    return config
