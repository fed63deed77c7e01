"""Directory search as a rep feels it: new queries typed key by key into the real window.

    QT_QPA_PLATFORM=offscreen python benchmarks/search.py [--directory PATH] [--seed N]
        [--size N] [--per-kind N]

The real panel window (file-source profile, loaded through the file source as at start-up)
is timed against a `QSortFilterProxyModel` over a `QStringListModel` of the same labels in a
uniform-rows `QListView` of the same size with its own line edit (the proxy baseline), in
the same process, the order alternating from one query to the next.

Queries are made from the loaded names with `--seed` and are never typed twice in the run
(no query, nor any of its prefixes of two or more characters, repeats; first letters do,
the alphabet being small). Kinds: word prefixes of 1-4 letters, infixes, two words ("bil
em"), diacritics typed as ASCII ("zoe" for Zoë), native-script prefixes, and strings that
match nothing. Each character is a key event (press and release) sent to the search box;
a step is timed from the key event until the list has been painted once (the posted
events processed, which paints it; else a synchronous `repaint()`), and classed: the first letter of
a new search ("cold"), later letters, backspace (one, after the query is complete), clear
(select all, backspace). Every fourth query is typed again right after, as the old
benchmark did ("cached repeat", an extra class only). Keystrokes are 20 ms apart.

Also measured: the longest stall of a 5 ms heartbeat on the GUI thread during the load,
the index hand-over and the typing; VmRSS of this process with the directory loaded in the
window after a full collection (before the baseline's view exists), and, each in a fresh
process, RSS of the real window loading the same directory from the offline cache, of the
real window with no directory, and of the proxy baseline with the labels.

Without `--directory` a directory of `--size` targets (default 100,000) is generated.
Goals at 100k (issue 16): p95 <= 16 ms for every class, RSS <= 110 MiB, longest stall < 50 ms.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import window_harness as harness  # before any module of the app: it isolates the user dirs

CLASSES = ("first_letter_cold", "later", "backspace", "clear", "cached_repeat")
KINDS = ("prefix", "infix", "multi_word", "folded_ascii", "native", "no_match")
GOALS = {"p95_ms": 16.0, "rss_mib": 110.0, "stall_ms": 50.0}
KEY_GAP_S = 0.02


# ---- queries --------------------------------------------------------------------------------
def make_queries(labels: list[str], seed: int, per_kind: int) -> list[tuple[str, str]]:
    """(kind, text) pairs, kinds interleaved; no text nor any 2+ character prefix of it repeats."""
    from app.core.directory.text import fold, words

    rng = random.Random(seed)
    typed: set[str] = set()
    folded = [fold(label) for label in labels]

    def fresh(text: str) -> bool:
        prefixes = {text[:k].lower() for k in range(2, len(text) + 1)}
        return text.strip() != "" and not prefixes & typed

    def word_of(predicate) -> tuple[str, str] | None:
        for _ in range(200):
            label = rng.choice(labels)
            candidates = [w for w in label.replace("(", " ").replace(")", " ").split() if predicate(w)]
            if candidates:
                return label, rng.choice(candidates)
        return None

    def latin(word: str) -> bool:
        return all(c.isalpha() and ord(c) < 0x250 for c in word)

    def prefix() -> str | None:
        found = word_of(lambda w: latin(w) and len(w) >= 2)
        return found and found[1].lower()[:rng.randint(1, 4)]

    def infix() -> str | None:
        found = word_of(lambda w: latin(w) and len(w) >= 5)
        if not found:
            return None
        word = found[1].lower()
        start = rng.randint(1, len(word) - 3)
        return word[start:start + rng.randint(2, 4)]

    def multi_word() -> str | None:
        for _ in range(200):
            parts = [w for w in rng.choice(labels).split() if latin(w)]
            if len(parts) >= 2:
                first, second = rng.sample(range(len(parts)), 2)
                return f"{parts[first].lower()[:rng.randint(2, 4)]} {parts[second].lower()[:rng.randint(1, 3)]}"
        return None

    def folded_ascii() -> str | None:
        found = word_of(lambda w: latin(w) and not w.isascii() and fold(w).isascii())
        if not found:
            return None
        word = found[1]
        first_accent = next(k for k, c in enumerate(word) if not c.isascii())
        return "".join(words(word))[:max(3, first_accent + 1)]

    def native() -> str | None:
        found = word_of(lambda w: w.isalpha() and not any(ord(c) < 0x250 for c in w))
        return found and found[1][:rng.randint(1, 2)]

    def no_match() -> str | None:
        for _ in range(200):
            text = "".join(rng.choice("qxzjvkwy") for _ in range(rng.randint(4, 5)))
            if not any(text in label for label in folded):
                return text
        return None

    makers = {"prefix": prefix, "infix": infix, "multi_word": multi_word, "folded_ascii": folded_ascii,
              "native": native, "no_match": no_match}
    queries = []
    for _ in range(per_kind):
        for kind in KINDS:
            for _attempt in range(500):
                text = makers[kind]()
                if text and fresh(text):
                    typed.update(text[:k].lower() for k in range(2, len(text) + 1))
                    queries.append((kind, text))
                    break
    return queries


# ---- the two sides ------------------------------------------------------------------------
class PanelSide:
    name = "panel"

    def __init__(self, window) -> None:
        self.edit = window.directory.search
        self.view = window.directory.results
        self.directory = window.directory
        self.paints = PaintCounter(self.view)

    def rows(self) -> int:
        return self.directory.model.total_rows()

    def searching(self) -> bool:
        return self.directory.searching()


class ProxySide:
    """The baseline: Qt's own filtering in a uniform-rows list of the same size."""

    name = "proxy"

    def __init__(self, labels: list[str]) -> None:
        from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt
        from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

        self.window = QWidget()
        self.edit = QLineEdit(self.window)
        self.proxy = QSortFilterProxyModel(self.window)
        self.proxy.setSourceModel(QStringListModel(labels, self.proxy))
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QListView(self.window)
        self.view.setUniformItemSizes(True)
        self.view.setModel(self.proxy)
        layout = QVBoxLayout(self.window)
        layout.addWidget(self.edit)
        layout.addWidget(self.view, 1)
        self.edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.window.resize(460, 860)
        self.window.show()
        self.paints = PaintCounter(self.view)

    def rows(self) -> int:
        return self.proxy.rowCount()

    def searching(self) -> bool:
        return False  # Qt filters at once


class PaintCounter:
    """Counts the paint events of a list's viewport."""

    def __init__(self, view) -> None:
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def eventFilter(inner, watched, event) -> bool:  # noqa: N805 (the outer self is the counter)
                if event.type() == QEvent.Type.Paint:
                    self.paints += 1
                return False

        self.paints = 0
        self._filter = Filter()
        view.viewport().installEventFilter(self._filter)


def timed(app, side, act) -> float:
    """Milliseconds from the key event to the repainted list: the event, what it posted (layout,
    the list's update) processed, and the list painted once (by then, or right after)."""
    painted = side.paints.paints
    started = time.perf_counter()
    act()
    app.processEvents()
    while side.searching():  # a search in slices (a huge directory): the key is answered when its result shows
        painted = side.paints.paints
        app.processEvents()
    if side.paints.paints == painted:
        side.view.viewport().repaint()
    return (time.perf_counter() - started) * 1000


async def type_query(app, side, text: str, into: dict[str, list[float]], by_kind: list[float],
                     first_class: str = "first_letter_cold", later_class: str = "later") -> None:
    from PySide6.QtCore import Qt

    side.edit.setFocus()
    for position, char in enumerate(text):
        ms = timed(app, side, lambda char=char: harness.send_text(side.edit, char))
        into[first_class if position == 0 else later_class].append(ms)
        by_kind.append(ms)
        await asyncio.sleep(KEY_GAP_S)
    if first_class != "first_letter_cold":
        return  # a repeat only retypes
    into["backspace"].append(timed(app, side, lambda: harness.send_key(side.edit, Qt.Key.Key_Backspace)))
    await asyncio.sleep(KEY_GAP_S)
    side.edit.selectAll()
    into["clear"].append(timed(app, side, lambda: harness.send_key(side.edit, Qt.Key.Key_Backspace)))
    await asyncio.sleep(KEY_GAP_S)


async def clear(app, side) -> None:
    from PySide6.QtCore import Qt

    side.edit.selectAll()
    harness.send_key(side.edit, Qt.Key.Key_Backspace)
    app.processEvents()
    await asyncio.sleep(KEY_GAP_S)


# ---- the run ---------------------------------------------------------------------------------
async def measure(app, directory: Path, seed: int, per_kind: int) -> dict:
    window = harness.panel_window()
    await asyncio.sleep(0.5)  # the first paint and what follows it (startup.py measures those)
    heartbeat = harness.Heartbeat()
    heartbeat.start("services")  # the profile's services built and attached (app/compose.py)
    started = time.perf_counter()
    services = await harness.attach_profile(window, harness.profile(directory_source="file",
                                                                    directory_file=str(directory)))
    heartbeat.mark("load")  # the refresh the window started: the file read, the index built and handed over
    panel = PanelSide(window)
    expected = None
    while panel.directory.index() is None or len(panel.directory.index()) == 0:
        await asyncio.sleep(0.005)
        refresher = window.session.refresher
        if refresher is not None and not refresher.busy() and time.perf_counter() - started > 120:
            raise SystemExit(f"the directory did not load: {window.directory.freshness.text()}")
    load_s = time.perf_counter() - started
    # No file polls while typing: a poll's task, stepped from within this one by processEvents()
    # below, fails ("Cannot enter into task"); a poll is one stat call every 5 s.
    window.session.refresher.stop()
    heartbeat.mark("settle")  # what follows a load (a late collection…)
    await asyncio.sleep(1.0)
    heartbeat.mark("benchmark")  # this benchmark's own work: not the panel's stalls
    expected = len(panel.directory.index())
    rss = harness.rss_mib()
    table = panel.directory.index().targets
    labels = [table.label(position) for position in range(len(table))]
    queries = make_queries(labels, seed, per_kind)
    proxy = ProxySide(labels)
    await asyncio.sleep(0.5)

    times = {side: {cls: [] for cls in CLASSES} for side in ("panel", "proxy")}
    kinds = {side: {kind: [] for kind in KINDS} for side in ("panel", "proxy")}
    sides = (panel, proxy)
    for number, (kind, text) in enumerate(queries):
        for side in (sides if number % 2 == 0 else sides[::-1]):
            heartbeat.mark(f"typing {side.name}")
            await type_query(app, side, text, times[side.name], kinds[side.name][kind])
            if number % 4 == 3:
                await type_query(app, side, text, times[side.name], [], "cached_repeat", "cached_repeat")
                await clear(app, side)
    heartbeat.stop()
    window.close()
    proxy.window.close()
    await services.aclose()
    stalls = heartbeat.stalls()
    return {"targets": expected, "load_s": round(load_s, 2), "rss_mib": round(rss, 1), "times": times,
            "kinds": kinds, "stalls": stalls,
            "longest_stall_ms": max(stalls.get(segment, 0.0) for segment in ("load", "settle", "typing panel")),
            "queries": len(queries), "first_letters": len({text[0] for _kind, text in queries})}


# ---- fresh processes for the memory baselines ------------------------------------------------
def child_rss(which: str, directory: Path) -> float:
    done = subprocess.run([sys.executable, __file__, "--child", which, "--directory", str(directory)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


async def child(which: str, directory: Path) -> float:
    """RSS of the real window with the directory from the offline cache, or with no directory."""
    window = harness.panel_window()
    if which == "window":
        await harness.attach_profile(window, harness.profile())
        await asyncio.sleep(1.0)
        return harness.rss_mib()
    from app.core.directory.cache import cache_path
    from app.core.directory.sources import SalesforceSource, SourceNeeds

    panel_profile = harness.profile(directory_source="salesforce", salesforce_login_url="http://127.0.0.1:9",
                                    salesforce_consumer_key="bench", salesforce_username="bench@x")
    cache_file = cache_path(panel_profile.name)
    subprocess.run([sys.executable, "-c", "\n".join((  # written by another process, as the app's last refresh did
        "import sys; sys.path.insert(0, %r)" % str(harness.ROOT),  # noqa: UP031
        "from pathlib import Path; from datetime import UTC, datetime",
        "from app.core.directory.cache import CachedDirectory, save_directory",
        "from app.core.directory.file_source import load_directory_file",
        f"targets = load_directory_file(Path({str(directory)!r})).targets",
        f"save_directory(Path({str(cache_file)!r}), CachedDirectory(targets, datetime.now(UTC), 'salesforce'))",
    ))], check=True)
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the org is unreachable: refresh fails
    source = SalesforceSource(panel_profile, SourceNeeds(api_key=lambda: key, cache_file=cache_file))
    await harness.attach_profile(window, panel_profile, source)
    while window.session.refresher is not None and window.session.refresher.busy():  # the refresh fails: no org
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    assert len(window.directory.index()) > 0, "the offline copy was not shown"
    return harness.rss_mib()


def proxy_rss(directory: Path) -> float:
    """RSS of a fresh process showing the proxy baseline over the labels of the directory file."""
    code = "\n".join((
        "import sys; sys.path.insert(0, %r)" % str(Path(__file__).parent),  # noqa: UP031
        "import window_harness as harness, csv, json",
        "from pathlib import Path",
        "from PySide6.QtWidgets import QApplication",
        "app = QApplication([])",
        f"path = Path({str(directory)!r})",
        "if path.suffix == '.json':",
        "    labels = [row['name'] for row in json.loads(path.read_text(encoding='utf-8'))['targets']]",
        "else:",
        "    with path.open(encoding='utf-8-sig', newline='') as file:",
        "        labels = [row['name'] for row in csv.DictReader(file)]",
        "from search import ProxySide",
        "side = ProxySide(labels)",
        "del labels",
        "app.processEvents()",
        "print(harness.rss_mib())",
    ))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--directory", type=Path, help="a CSV or JSON directory file (default: generated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=100_000, help="targets to generate without --directory")
    parser.add_argument("--per-kind", type=int, default=20, help="queries per kind")
    parser.add_argument("--child", choices=["cache", "window"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    app, loop = harness.new_app()
    if args.child:
        with loop:
            print(loop.run_until_complete(child(args.child, args.directory)))
        return
    directory = args.directory
    if directory is None:
        directory = harness.SCRATCH / f"directory-{args.size}.csv"
        harness.make_directory_file(directory, args.size, args.seed)
    with loop:
        result = loop.run_until_complete(measure(app, directory, args.seed, args.per_kind))
    rss_cache = child_rss("cache", directory)
    rss_window = child_rss("window", directory)
    rss_proxy = proxy_rss(directory)

    def stats(side: str, cls: str) -> dict[str, float]:
        return harness.summary(result["times"][side][cls])

    figures = {
        "targets": result["targets"], "directory": str(args.directory or f"generated, seed {args.seed}"),
        "seed": args.seed, "queries": result["queries"], "distinct_first_letters": result["first_letters"],
        "first_letter_cold_p95_ms": stats("panel", "first_letter_cold")["p95_ms"],
        "later_p95_ms": stats("panel", "later")["p95_ms"],
        "backspace_p95_ms": stats("panel", "backspace")["p95_ms"],
        "clear_p95_ms": stats("panel", "clear")["p95_ms"],
        "cached_repeat_p95_ms": stats("panel", "cached_repeat")["p95_ms"],
        "panel_first_letter_p50_ms": stats("panel", "first_letter_cold")["p50_ms"],
        "proxy_first_letter_p50_ms": stats("proxy", "first_letter_cold")["p50_ms"],
        "rss_mib": result["rss_mib"], "rss_from_cache_mib": round(rss_cache, 1),
        "rss_window_without_directory_mib": round(rss_window, 1), "rss_proxy_mib": round(rss_proxy, 1),
        "longest_stall_ms": result["longest_stall_ms"],
        "stall_services_ms": result["stalls"].get("services", 0.0),
        "stall_load_ms": result["stalls"].get("load", 0.0), "stall_settle_ms": result["stalls"].get("settle", 0.0),
        "stall_typing_ms": result["stalls"].get("typing panel", 0.0),
        "stall_typing_proxy_ms": result["stalls"].get("typing proxy", 0.0), "load_s": result["load_s"],
        "panel": {cls: stats("panel", cls) for cls in CLASSES},
        "proxy": {cls: stats("proxy", cls) for cls in CLASSES},
        "panel_by_kind": {kind: harness.summary(result["kinds"]["panel"][kind]) for kind in KINDS},
        "proxy_by_kind": {kind: harness.summary(result["kinds"]["proxy"][kind]) for kind in KINDS},
    }
    p95s = [figures["panel"][cls]["p95_ms"] for cls in CLASSES[:4]]
    figures["p95_ok"] = max(p95s) <= GOALS["p95_ms"]
    figures["rss_ok"] = max(figures["rss_mib"], figures["rss_from_cache_mib"]) <= GOALS["rss_mib"]
    figures["stall_ok"] = figures["longest_stall_ms"] < GOALS["stall_ms"]

    print(f"directory search in the real window, {figures['targets']:,} targets ({figures['directory']}), "
          f"{figures['queries']} new queries, Python {sys.version.split()[0]}")
    print(f"  {'keystroke class':20}{'panel p50':>10}{'p95':>8}{'max':>8}   {'proxy p50':>10}{'p95':>8}{'max':>9}"
          f"{'n':>6}")
    for cls in CLASSES:
        mine, theirs = figures["panel"][cls], figures["proxy"][cls]
        print(f"  {cls:20}{mine['p50_ms']:10.2f}{mine['p95_ms']:8.2f}{mine['max_ms']:8.2f}   "
              f"{theirs['p50_ms']:10.2f}{theirs['p95_ms']:8.2f}{theirs['max_ms']:9.2f}{mine['n']:6}")
    print(f"  {'query kind (all keys)':20}")
    for kind in KINDS:
        mine, theirs = figures["panel_by_kind"][kind], figures["proxy_by_kind"][kind]
        print(f"  {kind:20}{mine['p50_ms']:10.2f}{mine['p95_ms']:8.2f}{mine['max_ms']:8.2f}   "
              f"{theirs['p50_ms']:10.2f}{theirs['p95_ms']:8.2f}{theirs['max_ms']:9.2f}{mine['n']:6}")
    verdict = {True: "met", False: "MISSED"}
    print(f"  p95 goal <= {GOALS['p95_ms']:g} ms for the first four classes: {verdict[figures['p95_ok']]}")
    print(f"  RSS with the directory in the window: from the file {figures['rss_mib']} MiB, from the offline cache "
          f"{figures['rss_from_cache_mib']} MiB (goal <= {GOALS['rss_mib']:g}: {verdict[figures['rss_ok']]});"
          f" the window without a directory {figures['rss_window_without_directory_mib']} MiB, the proxy baseline "
          f"{figures['rss_proxy_mib']} MiB")
    print(f"  load {figures['load_s']} s; longest stall {figures['longest_stall_ms']} ms (load + hand-over "
          f"{figures['stall_load_ms']}, the second after {figures['stall_settle_ms']}, typing into the panel "
          f"{figures['stall_typing_ms']}; goal < {GOALS['stall_ms']:g}: {verdict[figures['stall_ok']]}); also: building"
          f" the profile's services {figures['stall_services_ms']}, typing into the proxy "
          f"{figures['stall_typing_proxy_ms']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
