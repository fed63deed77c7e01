"""Heartbeat: the longest stall of the window's event loop while transfers run.

    QT_QPA_PLATFORM=offscreen python benchmarks/heartbeat.py [--rounds N]

The real window in demo mode (embedded simulator over real HTTP, qasync loop) with a
QTimer ticking every 5 ms on the GUI thread; a stall is the gap between two ticks beyond
the interval. Measured twice in the same run: the window idle (the baseline: what Qt and
the machine cost anyway), then while the window performs transfers: to an agent, to a
queue, to a flow with a fallback queue and flow inputs, and one the simulator answers
1.5 s late. Goal: the longest stall during transfers < 50 ms.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
scratch = Path(tempfile.mkdtemp(prefix="heartbeat-bench-"))
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[name] = str(scratch / name.lower())  # never a real user's journal
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qasync  # noqa: E402  (after PySide6)
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.compose import open_demo_services  # noqa: E402
from app.simulator.faults import Fault  # noqa: E402
from app.ui.common.style import QT_STYLE_ARGS  # noqa: E402
from app.ui.directory.target_view import view_of  # noqa: E402
from app.ui.shell.window import PanelWindow  # noqa: E402

TICK_MS = 5
SLOW_ANSWER_S = 1.5
GOAL_MAX_STALL_MS = 50.0


class Heartbeat:
    """Records the gaps between ticks of a GUI-thread timer."""

    def __init__(self) -> None:
        self.gaps_ms: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps_ms.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self.gaps_ms.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> dict[str, float]:
        self._timer.stop()
        gaps = sorted(self.gaps_ms)
        return {"ticks": len(gaps), "max_gap_ms": round(gaps[-1], 2),
                "p99_gap_ms": round(gaps[int(len(gaps) * 0.99) - 1], 2),
                "median_gap_ms": round(statistics.median(gaps), 2),
                "max_stall_ms": round(max(0.0, gaps[-1] - TICK_MS), 2)}


async def transfer(window: PanelWindow, view, fallback_id: str | None = None,
                   inputs: tuple[tuple[str, str], ...] = ()) -> str:
    window.new_demo_call()  # a fresh call each time: no "already routed" confirmation
    window.form.set_target(view)
    if fallback_id:
        window.form.fallback.choose(fallback_id)
    for key, value in inputs:
        window.form.inputs.add_row(key, value)
    await asyncio.sleep(0.05)
    assert window.form.can_transfer(), window.form.reason_text()
    window.form.trigger()
    await asyncio.sleep(0)
    while window.controller.busy():
        await asyncio.sleep(0.01)
    return window.outcome.text()


async def measure(rounds: int) -> dict:
    services = await open_demo_services(timeout_s=10.0)
    window = PanelWindow(config_path=scratch / "config.toml")
    window.session.attach(services)
    window.show()
    await asyncio.sleep(0.5)  # first paint, directory loaded, history read
    directory = services.directory
    agent = view_of(directory.search("", kind="agent", available_only=True)[0])
    queue = view_of(directory.search("", kind="queue")[0])
    flow = view_of(directory.search("", kind="flow")[0])
    heartbeat = Heartbeat()

    heartbeat.start()
    await asyncio.sleep(2.0)
    idle = heartbeat.stop()

    outcomes = []
    heartbeat.start()
    started = time.perf_counter()
    for _ in range(rounds):
        outcomes.append(await transfer(window, agent))
        outcomes.append(await transfer(window, queue))
        inputs = (("CustomerTier", "Gold"), ("Language", "pt-BR"))
        outcomes.append(await transfer(window, flow, queue.target_id, inputs))
        services.demo.simulator.script_fault(Fault(delay_s=SLOW_ANSWER_S), times=1)
        outcomes.append(await transfer(window, queue))
    busy = heartbeat.stop()
    busy_seconds = time.perf_counter() - started

    accepted = sum("Routing requested to" in text for text in outcomes)
    await window.shutdown()
    window.close()
    return {"idle": idle, "busy": busy, "transfers": len(outcomes), "accepted": accepted,
            "busy_seconds": round(busy_seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    app = QApplication([sys.argv[0], *QT_STYLE_ARGS])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(measure(rounds))
    idle, busy = result["idle"], result["busy"]
    figures = {
        "tick_ms": TICK_MS, "transfers": result["transfers"], "accepted": result["accepted"],
        "slow_answer_s": SLOW_ANSWER_S, "busy_seconds": result["busy_seconds"],
        "idle_max_stall_ms": idle["max_stall_ms"], "idle_p99_gap_ms": idle["p99_gap_ms"],
        "max_stall_ms": busy["max_stall_ms"], "p99_gap_ms": busy["p99_gap_ms"],
        "median_gap_ms": busy["median_gap_ms"], "goal_max_stall_ms": GOAL_MAX_STALL_MS,
    }
    figures["meets_goal"] = figures["max_stall_ms"] < GOAL_MAX_STALL_MS and result["accepted"] == result["transfers"]
    print(f"event-loop heartbeat, a {TICK_MS} ms timer on the GUI thread (Python {sys.version.split()[0]})")
    print(f"  {'':34}{'idle':>10}{'transfers':>12}")
    print(f"  {'ticks':34}{idle['ticks']:>10}{busy['ticks']:>12}")
    print(f"  {'median gap (ms)':34}{idle['median_gap_ms']:>10}{busy['median_gap_ms']:>12}")
    print(f"  {'p99 gap (ms)':34}{idle['p99_gap_ms']:>10}{busy['p99_gap_ms']:>12}")
    print(f"  {'longest stall (ms)':34}{idle['max_stall_ms']:>10}{busy['max_stall_ms']:>12}")
    print(f"  {result['transfers']} transfers ({result['accepted']} accepted, one per round answered "
          f"{SLOW_ANSWER_S} s late) in {result['busy_seconds']} s; goal: longest stall < "
          f"{GOAL_MAX_STALL_MS:.0f} ms: {'met' if figures['meets_goal'] else 'MISSED'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
