"""Start-up: process start to the first painted, usable panel vs a bare PySide6 window.

    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py [--runs N]

Each run is a fresh process (imports, Qt start-up, first paint: what a rep waits for).
The clock starts in this process just before the child is spawned and stops when the
child's first frame is painted, its child widgets included (wall clock, same machine):
the bare child reports from the event loop's next turn after its window's first paint
event, the panel child when `app.ui.shell.app` stops waiting for its first paint. Bare and panel
runs alternate, so machine noise hits both alike; medians are compared.

The panel runs the real `transfer-panel --demo` code path (`app.main.main`); the child
only wraps the first-paint wait and the window class to report that frame and the moment
its services are attached (the directory searchable, transfers possible), then closes it.
It also reports which heavy modules were already imported at first paint (they should
not be) and whether PySide6 had built its `Qt` namespace (~15 ms; app/ui/shell/window.py).
Goal: first paint <= 1.3x the bare window.

Both run from compiled bytecode, as an installed copy does (pip compiles on install and
PyInstaller ships bytecode): the children write and read it under a scratch
PYTHONPYCACHEPREFIX, filled by the warm-up runs. A shell with PYTHONDONTWRITEBYTECODE set
would otherwise recompile every module of the panel on each start (~25 ms for app/ui alone)
and the bare window, which has no modules of its own, would not pay it.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.3
HEAVY_MODULES = ("httpx", "jwt", "keyring", "cryptography", "qasync", "app.core.routing")

_REPORT = """
import json, os, sys, time
def report(event, **extra):
    print(json.dumps({"event": event, "t": time.time(), **extra}), flush=True)
"""

BARE_CHILD = _REPORT + """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QVBoxLayout, QWidget

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
            self.seen = True
            QTimer.singleShot(0, lambda: (report("paint"), app.quit()))
        return False

app = QApplication(sys.argv[:1])
window = QWidget()
layout = QVBoxLayout(window)
layout.addWidget(QLineEdit(placeholderText="Search agents, queues, flows"))
layout.addWidget(QListWidget())
window.resize(420, 820)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""

PANEL_CHILD = _REPORT + """
import app.ui.shell.app as panel_app
from PySide6.QtCore import QTimer

HEAVY = %r

wait_for_first_paint = panel_app._wait_for_first_paint

def timed_wait_for_first_paint(window):
    wait_for_first_paint(window)  # returns once the whole first frame is painted
    import PySide6.QtCore
    report("paint", heavy=[m for m in HEAVY if m in sys.modules], qt_namespace="Qt" in vars(PySide6.QtCore))

class TimedWindow(panel_app.PanelWindow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session.sig_attached.connect(self._ready)

    def _ready(self):
        report("ready", results=self.directory.model.rowCount())
        QTimer.singleShot(0, self.close)

panel_app.PanelWindow = TimedWindow
panel_app._wait_for_first_paint = timed_wait_for_first_paint
from app.main import main
sys.exit(main(["--demo"]))
""" % (HEAVY_MODULES,)  # noqa: UP031 (a code template: braces in it are code)


def run_child(code: str, env: dict[str, str]) -> dict[str, dict]:
    started = time.time()
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    events = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            event["s"] = event["t"] - started
            events[event["event"]] = event
    if "paint" not in events:
        raise SystemExit(f"the child did not paint (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as directory:
        figures = measure(runs, Path(directory))
    print(f"start-up, {runs} alternating runs each (Python {sys.version.split()[0]}, "
          f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'offscreen')}), wall clock from spawn")
    print(f"  bare PySide6 window, first paint   {figures['bare_median_s'] * 1000:8.1f} ms median")
    print(f"  panel --demo, first paint          {figures['panel_paint_median_s'] * 1000:8.1f} ms median")
    if figures["panel_ready_median_s"] is not None:
        print(f"  panel --demo, services attached    {figures['panel_ready_median_s'] * 1000:8.1f} ms median"
              "  (directory searchable, transfers possible)")
    print(f"  ratio (first paint)                {figures['ratio']:8.2f}x   goal <= {GOAL_RATIO}x: "
          f"{'met' if figures['ratio'] <= GOAL_RATIO else 'MISSED'}")
    print(f"  median of paired ratios            {figures['paired_ratio_median']:8.2f}x"
          "   (each panel run / the bare run before it)")
    print(f"  heavy modules at first paint       {', '.join(figures['heavy_modules_at_first_paint']) or 'none'}")
    print(f"  Qt namespace built by first paint  {'yes' if figures['qt_namespace_at_first_paint'] else 'no'}")
    print(json.dumps(figures))


def measure(runs: int, scratch: Path) -> dict:
    """Alternate bare and panel runs in `scratch` (user dirs and bytecode); the figures."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(scratch / "pycache"),
               TRANSFER_PANEL_INSTANCE=f"bench-{os.getpid()}")  # never hands over to a panel that is open
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(scratch / name.lower())  # demo mode, and no real user's files touched
    # Warm up: the OS file cache, and the bytecode of every module either child imports.
    run_child(BARE_CHILD, env), run_child(PANEL_CHILD, env)
    bare, paint, ready, heavy, qt_namespace = [], [], [], set(), False
    for _ in range(runs):
        bare.append(run_child(BARE_CHILD, env)["paint"]["s"])
        events = run_child(PANEL_CHILD, env)
        paint.append(events["paint"]["s"])
        heavy.update(events["paint"]["heavy"])
        qt_namespace |= events["paint"]["qt_namespace"]
        if "ready" in events:
            ready.append(events["ready"]["s"])
    figures = {
        "runs": runs,
        "bare_median_s": round(statistics.median(bare), 4),
        "panel_paint_median_s": round(statistics.median(paint), 4),
        "panel_ready_median_s": round(statistics.median(ready), 4) if ready else None,
        "ratio": round(statistics.median(paint) / statistics.median(bare), 3),
        # Each panel run over the bare run just before it: drifts in machine speed cancel out.
        "paired_ratio_median": round(statistics.median(p / b for p, b in zip(paint, bare, strict=True)), 3),
        "goal_ratio": GOAL_RATIO,
        "heavy_modules_at_first_paint": sorted(heavy),
        "qt_namespace_at_first_paint": qt_namespace,
    }
    figures["meets_goal"] = figures["ratio"] <= GOAL_RATIO and not heavy
    return figures


if __name__ == "__main__":
    main()
