"""What a screen reader gets from the panel, read through AT-SPI as Orca reads it (issue 14).

Run by the system's python3 (Debian's python3-pyatspi is built for it, not for the panel's venv)
inside a D-Bus session whose AT-SPI bus is up, with DISPLAY an X server (Xvfb). It starts the
panel (the command after `--`), drives it with xdotool's key presses as a rep's keyboard would,
listens to the accessibility events the panel sends, walks its windows' trees, and prints ONE
JSON line: the findings (each a rule broken, where), the Tab order of each window, and what a
keyboard transfer sent. `tests/e2e/test_atspi.py` runs it and judges the findings.

It imports nothing of the panel: what it knows comes over AT-SPI alone. Everything it reads is
bounded (tree depth, children per node, Tab presses, seconds).
"""

import argparse
import json
import re
import subprocess
import sys
import time
from itertools import pairwise

import pyatspi
from gi.repository import GLib

MAIN_TITLE = "Voice Transfer Panel"
MAX_DEPTH = 40
MAX_CHILDREN = 60  # of one node: a list's first rows say what its rows say
MAX_TAB_STOPS = 80
# Roles a rep operates; a focusable one of them with no name (and no label naming it) is mute.
CONTROL_ROLES = {
    "push button", "toggle button", "check box", "radio button", "combo box", "text", "password text",
    "spin button", "list", "table", "tree", "tree table", "slider", "page tab", "page tab list", "entry",
    "menu item", "scroll bar", "link",
}
# Roles that say nothing when they take the focus: a Tab stop on one is a silent stop.
SILENT_ROLES = {"filler", "panel", "scroll pane", "viewport", "unknown", "frame", "window", "split pane", "section"}
OUTCOME = "Routing requested to"  # the words of an accepted transfer (the demo routes every one)
TEXT_EVENTS = ("object:announcement", "object:property-change:accessible-name",
               "object:property-change:accessible-description", "object:text-changed:insert")


# ---- reading AT-SPI ----------------------------------------------------------------------------
def role(accessible) -> str:
    try:
        return accessible.getRoleName()
    except Exception:  # the object went away meanwhile
        return "gone"


def name(accessible) -> str:
    try:
        return accessible.name or ""
    except Exception:
        return ""


def description(accessible) -> str:
    try:
        return accessible.description or ""
    except Exception:
        return ""


def has_state(accessible, state) -> bool:
    try:
        return accessible.getState().contains(state)
    except Exception:
        return False


def extents(accessible) -> tuple[int, int, int, int] | None:
    try:
        box = accessible.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        return box.x, box.y, box.width, box.height
    except Exception:
        return None


def labels_of(accessible) -> list[str]:
    """The names of what names `accessible` through a labelled-by relation (a label's buddy)."""
    names = []
    try:
        relations = accessible.getRelationSet()
    except Exception:
        return names
    for relation in relations:
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            names += [name(relation.getTarget(i)) for i in range(min(relation.getNTargets(), 5))]
    return names


def children(accessible) -> list:
    try:
        count = min(accessible.childCount, MAX_CHILDREN)
        return [child for i in range(count) if (child := accessible.getChildAtIndex(i)) is not None]
    except Exception:
        return []


def walk(accessible, depth: int = 0):
    """Every object under `accessible` that is showing (a hidden subtree is skipped whole)."""
    if depth > MAX_DEPTH or not has_state(accessible, pyatspi.STATE_SHOWING):
        return
    yield accessible
    for child in children(accessible):
        yield from walk(child, depth + 1)


def ancestors(accessible) -> list:
    found = []
    try:
        parent = accessible.parent
        while parent is not None and len(found) < MAX_DEPTH:
            found.append(parent)
            parent = parent.parent
    except Exception:
        pass
    return found


def window_title(accessible) -> str:
    """A top-level window's title, without what Qt adds on X11 (" — " and the application's name)."""
    return name(accessible).split(" \u2014 ")[0]


def window_of(accessible) -> str:
    """The title of the window `accessible` is in (the application's child it descends from)."""
    chain = [accessible, *ancestors(accessible)]
    tops = [node for node, parent in pairwise(chain) if role(parent) == "application"]
    return window_title(tops[0]) if tops else ""


def describe_stop(accessible) -> dict:
    box = extents(accessible)
    return {"role": role(accessible), "name": name(accessible), "labels": labels_of(accessible),
            "description": description(accessible)[:200], "window": window_of(accessible),
            "in": [name(node) for node in ancestors(accessible) if name(node)][:3],
            "box": list(box) if box else None}


# ---- the panel's process and its keyboard ------------------------------------------------------
class Session:
    def __init__(self, command: list[str], log_path: str) -> None:
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.panel = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.events: list[dict] = []
        self.findings: list[dict] = []
        self.context = GLib.MainContext.default()
        pyatspi.Registry.registerEventListener(self._on_event, "object:state-changed:focused", *TEXT_EVENTS)

    def stop(self) -> None:
        self.panel.terminate()
        try:
            self.panel.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.panel.kill()
            self.panel.wait()
        self.log.close()

    def find(self, check: str, window: str, what: str, accessible=None) -> None:
        finding = {"check": check, "window": window, "what": what}
        if accessible is not None:
            finding.update(role=role(accessible), name=name(accessible), description=description(accessible)[:200])
        self.findings.append(finding)

    # -- events
    def _on_event(self, event) -> None:
        source = event.source
        record = {"type": event.type, "role": role(source), "name": name(source), "detail1": event.detail1,
                  "focused": has_state(source, pyatspi.STATE_FOCUSED), "at": time.monotonic()}
        if event.type.startswith("object:state-changed:focused"):
            if not event.detail1:
                return
            record["stop"] = describe_stop(source)
        data = event.any_data
        if isinstance(data, str):
            record["text"] = data[:500]
        elif event.type == "object:announcement":
            record["text"] = str(data)[:500]
        self.events.append(record)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            while self.context.iteration(False):
                pass
            time.sleep(0.02)

    def wait_for(self, condition, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            while self.context.iteration(False):
                pass
            if condition():
                return True
            time.sleep(0.05)
        return False

    # -- the keyboard
    def keys(self, *keys: str) -> None:
        subprocess.run(["xdotool", "key", "--delay", "60", *keys], check=True, timeout=30)
        self.pump(0.3)

    def type(self, text: str) -> None:
        subprocess.run(["xdotool", "type", "--delay", "60", text], check=True, timeout=30)
        self.pump(0.3)

    def focus_window(self, title: str) -> bool:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}( \u2014 |$)"],
                               capture_output=True, text=True, timeout=30).stdout.split()
        if not found:
            return False
        subprocess.run(["xdotool", "windowfocus", "--sync", found[0]], timeout=30, check=False)
        self.pump(0.5)
        return True

    # -- the tree
    def application(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for app in children(desktop):
            if any(window_title(frame) == MAIN_TITLE for frame in children(app)):
                return app
        return None

    def window(self, title: str):
        app = self.application()
        if app is None:
            return None
        for frame in children(app):
            if window_title(frame) == title and has_state(frame, pyatspi.STATE_SHOWING):
                return frame
        return None

    def focused(self):
        """The object that has the focus now, per the last focus event."""
        stops = [event for event in self.events if "stop" in event]
        return stops[-1]["stop"] if stops else None


# ---- the checks -------------------------------------------------------------------------------
def check_tree(session: Session, title: str, spoken: list[str]) -> None:
    """Every focusable control has a name; a combo box has a label; each text in `spoken` (regular
    expressions of texts the window shows now) is the name of a label.

    AT-SPI has no view of a label's text apart from its name: a name fixed in code hides the text.
    So the texts the rep sees are looked for among the labels' names."""
    frame = session.window(title)
    if frame is None:
        session.find("window", title, "the window is not in the accessibility tree")
        return
    label_names = [name(a) for a in walk(frame) if role(a) == "label"]
    for pattern in spoken:
        if not any(re.fullmatch(pattern, label, re.DOTALL) for label in label_names):
            session.find("label-text-hidden", title, f"no label speaks the text shown: {pattern!r}")
    for accessible in walk(frame):
        kind, said = role(accessible), name(accessible)
        if kind == "combo box":
            if not [label for label in labels_of(accessible) if label]:
                session.find("combo-without-label", title, "a combo box no label names (labelled-by)", accessible)
            continue
        if (kind in CONTROL_ROLES and has_state(accessible, pyatspi.STATE_FOCUSABLE) and not said.strip()
                and not [label for label in labels_of(accessible) if label]):
            parent = accessible.parent
            if role(parent) == "combo box":  # the combo's own line edit or list: the combo speaks for them
                continue
            session.find("unnamed-control", title, "a focusable control with no name", accessible)


def tab_order(session: Session, title: str) -> list[dict]:
    """Press Tab until the focus comes back to where it started; the stops, in order, from the one
    nearest the window's top left (where reading starts)."""
    stops: list[dict] = []
    first_key = None
    for _press in range(MAX_TAB_STOPS):
        before = len(session.events)
        session.keys("Tab")
        session.wait_for(lambda before=before: any("stop" in e for e in session.events[before:]), 1.5)
        landed = [e["stop"] for e in session.events[before:] if "stop" in e]
        if not landed:
            stops.append({"role": "(no focus event)", "name": "", "labels": [], "window": title, "box": None})
            continue
        stop = landed[-1]
        key = (stop["role"], stop["name"], tuple(stop["box"] or ()))
        if key == first_key:
            placed = [stop for stop in stops if stop["box"]]
            if not placed:
                return stops
            top_left = stops.index(min(placed, key=lambda stop: (stop["box"][1], stop["box"][0])))
            return stops[top_left:] + stops[:top_left]
        if first_key is None:
            first_key = key
        stops.append(stop)
    session.find("keyboard-trap", title, f"Tab never came back to the first stop in {MAX_TAB_STOPS} presses")
    return stops


def check_tab_order(session: Session, title: str, stops: list[dict]) -> None:
    """No silent stop; no stop in another window; the stops, from the top left one, follow the screen
    (top to bottom, a row left to right, a column to the right of the last one may start higher up);
    no run of Tab presses caught inside one table."""
    for stop in stops:
        if stop["window"] and stop["window"] != title:
            session.find("tab-leaves-window", title, f"Tab reached {stop['role']} {stop['name']!r} in "
                                                     f"{stop['window']!r}")
        if stop["role"] in SILENT_ROLES or not (stop["name"].strip() or [x for x in stop["labels"] if x]):
            session.find("silent-tab-stop", title, f"a Tab stop that says nothing: {stop['role']} "
                                                   f"{stop['name']!r} in {stop['in']}")
    in_table = 0
    for stop in stops:
        in_table = in_table + 1 if stop["role"] in ("table cell", "list item", "tree item") else 0
        if in_table > 1:
            session.find("keyboard-trap", title, "Tab moves from item to item inside a table or list")
            break
    boxes = [stop for stop in stops if stop["box"]]
    for previous, current in pairwise(boxes):
        (px, py, pw, ph), (cx, cy, _cw, ch) = previous["box"], current["box"]
        same_row = cy < py + ph and py < cy + ch
        next_column = cx >= px + pw
        onward = (same_row and cx >= px) or (not same_row and (cy >= py or next_column))
        if not onward:
            session.find("tab-order", title, f"Tab goes back against the screen's order: {previous['role']} "
                                             f"{previous['name']!r} then {current['role']} {current['name']!r}")


def keyboard_transfer(session: Session) -> dict:
    """Ctrl+K, 'bil', Enter, Ctrl+Enter: what was said, and where the focus was until the outcome.

    Orca speaks an announcement (where it supports them), and what changes on the object that has
    the focus (its name or description) or what takes the focus; a change elsewhere it ignores.
    """
    report: dict = {}
    for _attempt in range(10):  # the directory loads a moment after the window: until Enter picks a row
        session.keys("ctrl+k")
        session.type("bil")
        before_enter = len(session.events)
        session.keys("Return")
        picked = [e["stop"] for e in session.events[before_enter:] if "stop" in e]
        if picked and picked[-1]["role"] == "push button" and picked[-1]["name"].startswith("Transfer to "):
            report["target"] = picked[-1]["name"].removeprefix("Transfer to ")
            break
        session.pump(1)
    start = len(session.events)
    session.keys("ctrl+Return")

    def carrying() -> list[dict]:
        return [e for e in session.events[start:] if OUTCOME in (e.get("text") or "") + " " + e["name"]
                + " " + (e.get("stop") or {}).get("description", "")]

    report["outcome_seen"] = session.wait_for(lambda: bool(carrying()), 20)
    session.pump(1.5)  # what follows the outcome at once (the focus, a description) counts too
    after = session.events[start:]
    said = carrying()
    report["said"] = [{k: e.get(k) for k in ("type", "role", "name", "text", "focused")} for e in said]
    report["focus"] = [e["stop"] for e in after if "stop" in e]
    if not [e for e in said if e["type"] == "object:announcement"]:
        session.find("outcome-not-announced", MAIN_TITLE, "no announcement carried the keyboard transfer's outcome")
    at_focus = [e for e in said if e.get("focused") or "stop" in e]
    if not at_focus:
        session.find("outcome-not-at-focus", MAIN_TITLE, "the outcome reached neither the focused object (its name "
                                                         "or description) nor an object that took the focus")
    for stop in report["focus"]:
        on_action = stop["role"] == "push button" and stop["name"].startswith("Transfer")
        in_outcome = "Transfer outcome" in stop["in"]
        if not (on_action or in_outcome):
            session.find("focus-lost-on-transfer", MAIN_TITLE, f"after Ctrl+Enter the focus went to "
                                                               f"{stop['role']} {stop['name']!r}")
    return report


def check_secondary_window(session: Session, keys: str, title: str, spoken: list[str], report: dict) -> None:
    """Open it with its keys, check its tree and Tab order, then Esc must close it."""
    session.focus_window(MAIN_TITLE)
    session.keys(keys)
    if not session.wait_for(lambda: session.window(title) is not None, 10):
        session.find("window", title, f"{keys} did not open it")
        return
    session.pump(1.0)
    session.focus_window(title)
    check_tree(session, title, spoken)
    stops = tab_order(session, title)
    report["tab_order"][title] = stops
    check_tab_order(session, title, stops)
    session.keys("Escape")
    if not session.wait_for(lambda: session.window(title) is None, 5):
        session.find("esc-does-not-close", title, "Esc did not close the window")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True, help="where the panel's output goes")
    parser.add_argument("--spoken", default="{}", help='JSON: {"<window title>" or "after a transfer": [regular '
                                                        'expressions of texts it shows, each a label\'s name]}')
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the panel's command line")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    spoken = json.loads(args.spoken)
    session = Session(command, args.log)
    report: dict = {"tab_order": {}}
    try:
        if not session.wait_for(lambda: session.window(MAIN_TITLE) is not None, 60):
            session.find("window", MAIN_TITLE, "the panel never appeared in the accessibility tree")
            return finish(session, report)
        # The services are up once Transfer says what it waits for (a target), not "Starting…".
        session.wait_for(lambda: any(role(a) == "list item" for a in walk(session.window(MAIN_TITLE))), 60)
        session.focus_window(MAIN_TITLE)
        check_tree(session, MAIN_TITLE, spoken.get(MAIN_TITLE, []))
        stops = tab_order(session, MAIN_TITLE)
        report["tab_order"][MAIN_TITLE] = stops
        check_tab_order(session, MAIN_TITLE, stops)
        report["transfer"] = transfer = keyboard_transfer(session)
        # With a target and an outcome on screen: the target's name and the outcome are labels' names too.
        target = transfer.get("target", "")
        shown = [re.escape(target), f"{OUTCOME} {re.escape(target)}.*"] if target else []
        check_tree(session, MAIN_TITLE, [*shown, *spoken.get("after a transfer", [])])
        for keys, title in (("ctrl+h", "Transfer history"), ("ctrl+t", "Trainer"), ("ctrl+comma", "Settings")):
            check_secondary_window(session, keys, title, spoken.get(title, []), report)
    finally:
        session.stop()
    return finish(session, report)


def finish(session: Session, report: dict) -> int:
    report["findings"] = session.findings
    report["panel_exit"] = session.panel.returncode
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
