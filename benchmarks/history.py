"""Transfer history at 10,000, 100,000 and 1,000,000 journal rows, in the real window.

    QT_QPA_PLATFORM=offscreen python benchmarks/history.py [--sizes 10000,100000,1000000]

For each size (rows added to the same journal, so the run grows it), with a 5 ms heartbeat
on the GUI thread:

* open: from `open_history()` (the window's History button) until the table holds the
  newest rows and has been painted (the first size also creates the History window);
* filter: each key typed into its search box (a call-ID fragment, a target name, a text
  that matches nothing, so SQLite reads every row), from the key event until the table
  holds that filter's rows and has been painted; keys 300 ms apart;
* the longest stall of the heartbeat during the opens and the filters.
Rows are written through `add_transfers`, the one place that knows how (the public
`Journal.record`), and are not timed. Goal (issue 16): no stall over 50 ms at 100k.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import window_harness as harness  # before any module of the app: it isolates the user dirs

GOAL_STALL_MS = 50.0
FILTERS = ("0LQ000000000123", "Billing", "zzqx")  # typed key by key: IDs, a name, nothing
KEY_GAP_S = 0.3


def add_transfers(journal, first: int, count: int) -> None:
    """Journal rows `first`…`first + count - 1`: varied targets and outcomes, all from today."""
    from app.core.ids import checksum_suffix
    from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome
    from app.core.routing.request import RouteRequest

    targets = []
    for prefix, name in (("00G", "Billing (EMEA)"), ("005", "Zoë Müller"), ("300", "After-hours Routing"),
                         ("00G", "Technical Support"), ("005", "Łukasz Wójcik")):
        id15 = f"{prefix}Hs0000{len(targets):06d}"
        targets.append((id15 + checksum_suffix(id15), name))
    accepted = RouteOutcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED, http_status=204, elapsed_ms=42.0,
                            attempts=1)
    outcomes = (accepted, RouteOutcome(OutcomeStatus.REJECTED, Cause.ANSWER_REJECTED, http_status=400,
                                       server_message="The agent is busy", elapsed_ms=42.0, attempts=1),
                accepted, RouteOutcome(OutcomeStatus.OUTCOME_UNKNOWN, Cause.NO_ANSWER, {"error": "ReadTimeout"},
                                       elapsed_ms=5000.0, attempts=1))
    for number in range(first, first + count):
        target_id, name = targets[number % len(targets)]
        call_id = f"0LQ{number:012d}"  # a VoiceCall ID, as the panel accepts
        journal.record("bench", RouteRequest.build(call_id + checksum_suffix(call_id), target_id, target_label=name),
                       outcomes[number % len(outcomes)])


class Shown:
    """Waits until the history's table holds a new answer and has been painted after it."""

    def __init__(self, history) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.resets = self.paints_after = 0

        class Paints(QObject):
            def eventFilter(inner, watched, event) -> bool:  # noqa: N805 (the outer self counts)
                if event.type() == QEvent.Type.Paint and self.resets:
                    self.paints_after += 1
                return False

        self._filter = Paints()
        history.table.viewport().installEventFilter(self._filter)
        history.model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1
        self.paints_after = 0

    async def wait(self, resets_before: int, timeout_s: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout_s
        while not (self.resets > resets_before and self.paints_after):
            if time.perf_counter() > deadline:
                raise TimeoutError("the history did not show its rows")
            await asyncio.sleep(0.001)


async def open_and_filter(window, heartbeat, segment: str) -> dict:
    """Open the history (closed before), then type each filter; times in ms."""
    from PySide6.QtCore import Qt

    history = window.session.history
    shown = Shown(history) if history is not None else None
    heartbeat.mark(segment)
    before = shown.resets if shown else 0
    started = time.perf_counter()
    window.session.open_history()
    if shown is None:
        history = window.session.history
        shown = Shown(history)
    await shown.wait(before)
    opened_ms = (time.perf_counter() - started) * 1000
    rows = history.model.rowCount()
    keys = []
    for text in FILTERS:
        for char in text:
            await asyncio.sleep(KEY_GAP_S)
            before = shown.resets
            started = time.perf_counter()
            harness.send_text(history.search, char)
            await shown.wait(before)
            keys.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(KEY_GAP_S)
        history.search.selectAll()
        before = shown.resets
        harness.send_key(history.search, Qt.Key.Key_Backspace)
        await shown.wait(before)
    await asyncio.sleep(KEY_GAP_S)
    heartbeat.mark("closing")
    history.close()
    await asyncio.sleep(0.2)
    return {"open_ms": round(opened_ms, 1), "rows_shown": rows, "filter": harness.summary(keys)}


async def measure(sizes: list[int]) -> dict:
    window = harness.panel_window()
    await asyncio.sleep(0.5)
    services = await harness.attach_profile(window, harness.profile())
    journal = services.journal
    heartbeat = harness.Heartbeat()
    heartbeat.start("between")
    results, have = {}, 0
    loop = asyncio.get_running_loop()
    for size in sizes:
        heartbeat.mark("between")  # writing rows is not the history's work
        started = time.perf_counter()
        await loop.run_in_executor(None, add_transfers, journal, have, size - have)
        print(f"  {size:,} rows written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        have = size
        await asyncio.sleep(0.5)
        figures = await open_and_filter(window, heartbeat, f"history {size}")
        figures["longest_stall_ms"] = heartbeat.longest_stall_ms(f"history {size}")
        results[size] = figures
    heartbeat.stop()
    window.close()
    await services.aclose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    sizes = sorted(int(size) for size in parser.parse_args().sizes.split(","))
    app, loop = harness.new_app()
    with loop:
        results = loop.run_until_complete(measure(sizes))
    print(f"transfer history in the real window (Python {sys.version.split()[0]}); filter: {len(FILTERS)} texts "
          "typed key by key")
    print(f"  {'rows':>10}{'open (ms)':>11}{'filter p50':>12}{'p95':>8}{'max':>8}{'keys':>6}{'longest stall':>15}")
    for size, figures in results.items():
        key = figures["filter"]
        print(f"  {size:>10,}{figures['open_ms']:>11}{key['p50_ms']:>12}{key['p95_ms']:>8}{key['max_ms']:>8}"
              f"{key['n']:>6}{figures['longest_stall_ms']:>15}")
    at_100k = results.get(100_000, {}).get("longest_stall_ms")
    verdict = "not measured" if at_100k is None else "met" if at_100k < GOAL_STALL_MS else "MISSED"
    print(f"  goal: no stall over {GOAL_STALL_MS:g} ms at 100,000 rows: {verdict}")
    print(json.dumps({"sizes": {str(size): figures for size, figures in results.items()},
                      "goal_stall_ms": GOAL_STALL_MS, "stall_at_100k_ms": at_100k,
                      "meets_goal": at_100k is not None and at_100k < GOAL_STALL_MS}))


if __name__ == "__main__":
    main()
