"""What a screen reader hears, measured through the Linux accessibility stack (issue 14, item 11).

The panel runs as `transfer-panel --demo` under Xvfb, in a D-Bus session of its own with the
AT-SPI bus, and exposes its widgets there (QT_LINUX_ACCESSIBILITY_ALWAYS_ON, as when Orca runs).
`atspi_probe.py`, run by the system's python3 with Debian's python3-pyatspi (an AT-SPI client
like Orca), presses keys with xdotool and reads the tree and the events. It fails the test on:
an unnamed focusable control, a shown text no label speaks, a combo box no label names, a silent
Tab stop, a Tab order against the screen, a keyboard trap, a window Esc does not close, no
announcement of a keyboard transfer's outcome, the outcome not said where the focus is, or the
focus anywhere but the Transfer button or the outcome after Ctrl+Enter. The Tab order of each
window is printed.

Skipped without the stack (Xvfb, xdotool, dbus-run-session, at-spi2-core, a python3 with
pyatspi), unless TRANSFER_PANEL_REQUIRE_ATSPI=1: CI installs it all and sets it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from app.ui.shell.single_instance import INSTANCE_ENV
from app.ui.transfer.form import NO_TARGET
from tests.e2e.conftest import require_tools

REQUIRE_ENV = "TRANSFER_PANEL_REQUIRE_ATSPI"
REPO = Path(__file__).parents[2]
PROBE = Path(__file__).with_name("atspi_probe.py")
BUS_LAUNCHERS = ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher")
MAIN = "Voice Transfer Panel"
# Texts each window shows, as regular expressions: each must be the name of a label (see the probe).
SPOKEN = {
    MAIN: ["DEMO", "Source: demo", "Caller: .+", re.escape(NO_TARGET), r"[\d,]+ results?"],
    "after a transfer": ["✓ Salesforce VoiceCall ID"],
    "Transfer history": ["1 transfer"],
    "Trainer": ["The rep sees .+"],
}


def atspi_python() -> str:
    """The system python3 that has pyatspi (Debian's python3-pyatspi), else skip (or fail in CI)."""
    def missing(what: str):
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{what}, and {REQUIRE_ENV}=1 requires it")
        pytest.skip(what)

    require_tools("Xvfb", "xdotool", "dbus-run-session", required_by=REQUIRE_ENV)
    if not any(Path(path).exists() for path in BUS_LAUNCHERS):
        missing("at-spi2-core (the AT-SPI bus) is not installed")
    for python in ("/usr/bin/python3", shutil.which("python3") or ""):
        if python and subprocess.run([python, "-c", "import pyatspi"], capture_output=True, timeout=60).returncode == 0:
            return python
    missing("no python3 with pyatspi (python3-pyatspi) is installed")
    raise AssertionError("unreachable")


def summary(report: dict) -> str:
    """The Tab order of each window and what the keyboard transfer made AT-SPI carry, to read."""
    lines = []
    for window, stops in report["tab_order"].items():
        lines.append(f"Tab order, {window} (from its top left):")
        for number, stop in enumerate(stops, start=1):
            labels = [label for label in stop["labels"] if label and label != stop["name"]]
            named_by = f" (label: {labels[0]!r})" if labels else ""
            lines.append(f"  {number:2}. {stop['role']} {stop['name']!r}{named_by}")
    transfer = report.get("transfer", {})
    lines.append(f"Keyboard transfer to {transfer.get('target', '?')!r}, from Ctrl+Enter on:")
    lines += [f"  focus: {stop['role']} {stop['name']!r}" for stop in transfer.get("focus", [])]
    lines += [f"  {said['type']} on {said['role']} {said['name']!r}{' (focused)' if said.get('focused') else ''}: "
              f"{said.get('text') or said['name']!r}" for said in transfer.get("said", [])]
    return "\n".join(lines)


def test_a_screen_reader_hears_every_control_and_the_outcome_of_a_keyboard_transfer(xvfb_display, capsys):
    python = atspi_python()
    runtime = tempfile.mkdtemp(prefix="tp-a11y-")  # the hand-over socket's folder: short, private
    log = Path(runtime) / "panel.log"
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb", "XDG_RUNTIME_DIR": runtime,
           "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", INSTANCE_ENV: f"tp-a11y-{uuid.uuid4().hex[:8]}"}
    for name in ("QT_SCALE_FACTOR", "DBUS_SESSION_BUS_ADDRESS", "NO_AT_BRIDGE", "QT_ACCESSIBILITY"):
        env.pop(name, None)
    try:
        run = subprocess.run(["dbus-run-session", "--", python, str(PROBE), "--log", str(log),
                              "--spoken", json.dumps(SPOKEN), "--", sys.executable, "-m", "app", "--demo"],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=400)
        panel_output = log.read_text(errors="replace") if log.exists() else ""
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    assert run.returncode == 0 and run.stdout.strip(), f"the probe failed:\n{run.stderr[-3000:]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])

    with capsys.disabled():  # the Tab order and what was said belong in the test output, passed or not
        print(f"\n{summary(report)}")

    assert "Traceback" not in panel_output, panel_output[-3000:]
    transfer = report.get("transfer", {})
    assert transfer.get("outcome_seen"), f"the keyboard transfer's outcome never reached AT-SPI: {transfer}"
    findings = report["findings"]
    assert not findings, "\n".join(json.dumps(finding, ensure_ascii=False) for finding in findings)
