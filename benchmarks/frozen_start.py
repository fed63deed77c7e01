"""Frozen start vs source start: the PyInstaller one-dir build against `python -m app`.

    python packaging/build.py && QT_QPA_PLATFORM=offscreen python benchmarks/frozen_start.py [--runs N]

Whole-process wall time, runs alternating between the two, medians compared, for two
commands: `self-test --probe-qt` (Python, PySide6 and Qt's platform plugin started, the
start every window launch pays; the goal is judged on it) and, for information,
`--version` (no Qt: there the frozen build pays PyInstaller's PySide6 runtime hook, which
imports PySide6 before any code of ours runs). Goal: frozen <= 1.15x source.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "dist" / "transfer-panel" / ("transfer-panel.exe" if os.name == "nt" else "transfer-panel")
GOAL_RATIO = 1.15
COMMANDS = {"qt_start": ["self-test", "--probe-qt"], "version": ["--version"]}


def seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    if not FROZEN.exists():
        raise SystemExit(f"{FROZEN} is missing: build it first with `python packaging/build.py`.")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               TRANSFER_PANEL_INSTANCE=f"bench-{os.getpid()}")  # never hands over to a panel that is open
    figures: dict[str, float | bool | int] = {"runs": runs, "goal_ratio": GOAL_RATIO}
    for name, args in COMMANDS.items():
        source_cmd, frozen_cmd = [sys.executable, "-m", "app", *args], [str(FROZEN), *args]
        seconds(source_cmd, env), seconds(frozen_cmd, env)  # warm the file cache
        source, frozen = [], []
        for _ in range(runs):
            source.append(seconds(source_cmd, env))
            frozen.append(seconds(frozen_cmd, env))
        figures[f"{name}_source_ms"] = round(statistics.median(source) * 1000, 1)
        figures[f"{name}_frozen_ms"] = round(statistics.median(frozen) * 1000, 1)
        figures[f"{name}_ratio"] = round(statistics.median(frozen) / statistics.median(source), 3)
    figures["meets_goal"] = figures["qt_start_ratio"] <= GOAL_RATIO
    size = sum(p.lstat().st_size for p in FROZEN.parent.rglob("*") if p.is_file() and not p.is_symlink())
    figures["build_mib"] = round(size / 2**20, 1)
    print(f"frozen vs source start, {runs} alternating runs each (medians, whole process)")
    for name in COMMANDS:
        note = f" (goal <= {GOAL_RATIO})" if name == "qt_start" else " (information)"
        source, frozen = figures[f"{name}_source_ms"], figures[f"{name}_frozen_ms"]
        print(f"  {name:10} source {source:7.1f} ms   frozen {frozen:7.1f} ms   {figures[f'{name}_ratio']:.2f}x{note}")
    print(f"  one-dir build: {figures['build_mib']} MiB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
