"""How long a softphone waits for `transfer-panel --call-id X` to return.

    QT_QPA_PLATFORM=offscreen python benchmarks/handover.py [--runs N] [--program PATH]

Whole-process wall time of the command, as a connector that waits for it sees it, in two
cases: a panel is running (the call is handed over on the local socket) and none is (the
command starts one detached, waits until it listens, hands the call over). The baseline, run
alternately in the same rounds, is `transfer-panel --version`: the cost of starting the
program at all. `--program` times an installed or frozen build (e.g. dist/transfer-panel/
transfer-panel); by default `python -m app`. Each panel started is ended by its process ID.
Goal: the cold case always returns, within 10 s (the command's own bound).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 10.0


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return elapsed, done.stdout


def end_panel(pid: int) -> None:
    os.kill(pid, 15)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        if Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z":
            return  # ended; its parent, init, reaps it
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--program", help="an installed or frozen transfer-panel (default: python -m app)")
    options = parser.parse_args()
    program = [options.program] if options.program else [sys.executable, "-m", "app"]
    runtime = tempfile.mkdtemp(prefix="tp-bench-")
    scratch = tempfile.mkdtemp(prefix="tp-bench-home-")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), XDG_RUNTIME_DIR=runtime,
               TRANSFER_PANEL_INSTANCE=f"bench-{uuid.uuid4().hex[:8]}",
               **{name: os.path.join(scratch, name) for name in
                  ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")})
    times: dict[str, list[float]] = {"baseline_version": [], "cold_start": [], "running_panel": []}
    try:
        timed([*program, "--version"], env)  # warm the file cache
        for round_number in range(options.runs):
            times["baseline_version"].append(timed([*program, "--version"], env)[0])
            elapsed, output = timed([*program, "--call-id", "0LQ5g00000Xy7Qk"], env)
            started = re.match(r"Started the panel \(process (\d+)\)", output)
            if not started:
                raise SystemExit(f"round {round_number}: no panel was started: {output!r}")
            times["cold_start"].append(elapsed)
            try:
                times["running_panel"].append(timed([*program, "--call-id", "0LQ5g00000ABCDE"], env)[0])
            finally:
                end_panel(int(started.group(1)))
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)

    figures: dict[str, object] = {"runs": options.runs, "program": options.program or "python -m app",
                                  "platform": env["QT_QPA_PLATFORM"], "goal_s": GOAL_S}
    print(f"{'case':<18}{'median':>9}{'min':>9}{'max':>9}   vs --version")
    baseline = statistics.median(times["baseline_version"])
    for case, values in times.items():
        median = statistics.median(values)
        figures[f"{case}_median_s"] = round(median, 3)
        figures[f"{case}_min_s"] = round(min(values), 3)
        figures[f"{case}_max_s"] = round(max(values), 3)
        figures[f"{case}_ratio"] = round(median / baseline, 2)
        print(f"{case:<18}{median:>8.3f}s{min(values):>8.3f}s{max(values):>8.3f}s   {median / baseline:.2f}x")
    figures["cold_start_within_goal"] = max(times["cold_start"]) <= GOAL_S
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
