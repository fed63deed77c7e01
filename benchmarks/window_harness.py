"""What the window benchmarks share: the real panel window on a qasync loop in throwaway user
dirs, a heartbeat on the GUI thread, key events, RSS, and generated directory files.

Import it before anything else of the app: it points the user directories at a scratch
folder (never a real user's journal or cache) and selects the offscreen platform.

    python benchmarks/window_harness.py make-directory PATH [--size N] [--seed N]

writes a generated directory file (CSV, or JSON when PATH ends in .json) in the format
the file source documents, in a process of its own so the caller's memory stays clean.
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCRATCH = Path(tempfile.mkdtemp(prefix="panel-bench-"))
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(SCRATCH / _name.lower())
os.environ["TRANSFER_PANEL_INSTANCE"] = f"bench-{os.getpid()}"  # never hands over to a panel that is open
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Run from bytecode, as an installed copy does, even where PYTHONDONTWRITEBYTECODE is set: it is
# written once to a scratch prefix (compiling the modules on import would count as stalls).
sys.dont_write_bytecode = False
sys.pycache_prefix = str(Path(tempfile.gettempdir()) / "transfer-panel-bench-pycache")
os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix  # and for the processes this one starts
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

TICK_MS = 5


def rss_mib(collect: bool = True) -> float:
    """VmRSS of this process (after a full collection, so garbage does not count)."""
    if collect:
        gc.collect()
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-round(len(ordered) * share * 1000) // 1000) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    return {"n": len(values), "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2), "max_ms": round(max(values), 2)}


class Heartbeat:
    """A timer ticking every 5 ms on the GUI thread; a stall is a gap between ticks beyond that.

    `mark(name)` starts a new segment, so one run reports the longest stall per phase.
    Gaps are kept in arrays, not as float objects: a tick's float that stays would pin the
    allocator's arena it landed in, among the temporary objects of a directory build (at 1M
    targets the RSS read 70 MiB higher than the same load without a heartbeat).
    """

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.segments: dict[str, array[float]] = {}
        self._current: array[float] = array("d")
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self._current.append((now - self._last) * 1000)
        self._last = now

    def start(self, segment: str) -> None:
        self.mark(segment)
        self._last = time.perf_counter()
        self._timer.start()

    def mark(self, segment: str) -> None:
        """Gaps from now on count for `segment` (a gap spanning the mark counts for the new one)."""
        self._current = self.segments.setdefault(segment, array("d"))

    def stop(self) -> None:
        self._tick()  # the gap up to now: a stall at the very end counts too
        self._timer.stop()

    def longest_stall_ms(self, segment: str | None = None) -> float:
        gaps = self.segments.get(segment, []) if segment else [g for gs in self.segments.values() for g in gs]
        return round(max(0.0, max(gaps, default=0.0) - TICK_MS), 2)

    def stalls(self) -> dict[str, float]:
        return {segment: self.longest_stall_ms(segment) for segment in self.segments}


def send_text(widget, text: str) -> None:
    """Type `text` into `widget` as a rep does: a key press and release per character."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        key = ord(char.upper()) if char.isascii() and char.isalnum() else (
            Qt.Key.Key_Space if char == " " else Qt.Key.Key_unknown)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def send_key(widget, key) -> None:
    """One key press and release without text (Backspace, Escape…)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def make_directory_file(path: Path, size: int, seed: int) -> None:
    """A generated directory file, written by a child process (the caller's heap stays clean)."""
    subprocess.run([sys.executable, __file__, "make-directory", str(path), "--size", str(size), "--seed", str(seed)],
                   check=True)


def _write_directory_file(path: Path, size: int, seed: int) -> None:
    import csv
    import json

    from app.core.directory import generate_targets

    targets = generate_targets(size, seed=seed)

    def row(target) -> dict[str, str]:
        presence = target.presence.status if target.presence else ""
        detail = "" if target.kind.value == "agent" else target.secondary
        return {"kind": target.kind.value, "id": target.id, "name": target.label, "detail": detail,
                "presence": presence}

    if path.suffix == ".json":
        with path.open("w", encoding="utf-8") as file:
            file.write('{"targets": [\n')
            file.write(",\n".join(json.dumps(row(t), ensure_ascii=False) for t in targets))
            file.write("\n]}\n")
        return
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, ("kind", "id", "name", "detail", "presence"))
        writer.writeheader()
        writer.writerows(map(row, targets))


def profile(**values):
    """A profile for the window; the SCRT endpoint is never called by these benchmarks unless given."""
    from app.core.profile import DirectoryOrigin, Profile

    settings = {"name": "bench", "base_url": "http://127.0.0.1:9/telephony/v1", "org_id": "00D5g00000DEMO1EAP",
                "call_center": "Bench", "timeout_s": 5.0}
    settings.update(values)
    settings["directory_source"] = DirectoryOrigin(settings.get("directory_source", DirectoryOrigin.NONE))
    return Profile(**settings)


def panel_window():
    """The real panel window, shown (services come next, as at start-up: `attach_profile`)."""
    from app.ui.shell.window import PanelWindow

    window = PanelWindow(config_path=SCRATCH / "config.toml")
    window.resize(460, 860)
    window.show()
    return window


async def attach_profile(window, panel_profile, source=None):
    """Build this profile's services as the app does (app/compose.py) and attach them to the
    window; `source` replaces the profile's directory source (e.g. one whose Salesforce key is
    not in a keyring), its offline copy shown first as at start-up. Returns the services."""
    import asyncio
    from dataclasses import replace

    from app.ui.shell.app import _preload  # what Boot imports on a worker thread before building services

    await asyncio.get_running_loop().run_in_executor(None, _preload)
    from app.compose import open_profile_services  # after the preload, as Boot does (not on the GUI thread)
    from app.core.profile import DirectoryOrigin
    if source is not None:  # the services without a directory of their own: `source` is it
        panel_profile = replace(panel_profile, directory_source=DirectoryOrigin.NONE)
    services = await open_profile_services(panel_profile, journal_path=SCRATCH / "journal.sqlite3")
    if source is not None:
        snapshot = await source.cached()
        if snapshot is not None:
            services.directory, services.directory_as_of = snapshot.index, snapshot.as_of
        services.directory_source = source
    window.session.attach(services)
    return services


def new_app():
    """The QApplication as the panel makes it, with a qasync loop set as asyncio's loop."""
    import asyncio

    from PySide6.QtWidgets import QApplication

    from app.ui.common.style import QT_STYLE_ARGS

    app = QApplication([sys.argv[0], *QT_STYLE_ARGS])
    import qasync  # after PySide6

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return app, loop


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["make-directory"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    _write_directory_file(args.path, args.size, args.seed)
