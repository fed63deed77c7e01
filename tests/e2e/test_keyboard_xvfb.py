"""A rep's keyboard on a real X server (issue 13): the panel as `transfer-panel --demo` starts it,
under Xvfb with the issue's 1366×768 screen, driven by xdotool's synthetic key presses, which
reach the panel through X like a keyboard's. The rep types before Ctrl+K, then transfers with
the keyboard alone; the journal row must carry the demo's call ID untouched.

Skipped where Xvfb or xdotool is missing, unless TRANSFER_PANEL_REQUIRE_XVFB=1 (CI installs
both and sets it).
"""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from app.core.directory.demo import load_demo_directory
from app.core.directory.search import SearchIndex
from app.core.ids import checksum_suffix
from app.ui.shell.single_instance import INSTANCE_ENV

REPO = Path(__file__).parents[2]
DEMO_CALL_ID = re.compile(r"0LQ5g0000[0-9A-Za-z]{6}[A-Z0-5]{3}")  # app.demo.new_demo_call_id's shape


def xdotool(display: str, *args: str, timeout: float = 30) -> str:
    result = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"xdotool {' '.join(args)}: {result.stderr}"
    return result.stdout


def wait_for(condition, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.1)


def journal_rows(path: Path) -> list[tuple[str, str, str]]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as journal:
        return journal.execute("SELECT call_id, target_id, state FROM transfers").fetchall()


def test_typing_before_ctrl_k_then_a_keyboard_transfer_sends_the_clean_call_id(xvfb_display):
    runtime = tempfile.mkdtemp(prefix="tp-run-")  # the hand-over socket's folder: short, private
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb", "XDG_RUNTIME_DIR": runtime,
           INSTANCE_ENV: f"tp-xdo-{uuid.uuid4().hex[:8]}"}
    env.pop("QT_SCALE_FACTOR", None)
    journal = Path(env["XDG_DATA_HOME"]) / "transfer-panel" / "journal.sqlite3"
    panel = subprocess.Popen([sys.executable, "-m", "app", "--demo"], env=env, cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        window = xdotool(xvfb_display, "search", "--sync", "--onlyvisible", "--name", "Voice Transfer Panel").split()[0]
        wait_for(journal.exists, "the demo's services (the journal is opened with them)")
        xdotool(xvfb_display, "windowfocus", "--sync", window)

        # Typed before Ctrl+K, as the rep who starts typing at once: it searches, never edits the call.
        xdotool(xvfb_display, "type", "--delay", "40", "bil em")
        xdotool(xvfb_display, "key", "Return")
        # Then the keyboard transfer: Ctrl+K, "bil", Enter (the first result), Ctrl+Enter. Until the demo
        # directory has loaded (a moment after the services), Enter finds nothing and nothing is sent:
        # then the same keys again. A sent transfer is in the journal before the request leaves.
        for _attempt in range(10):
            xdotool(xvfb_display, "key", "ctrl+k")
            xdotool(xvfb_display, "type", "--delay", "40", "bil")
            xdotool(xvfb_display, "key", "Return", "ctrl+Return")
            deadline = time.monotonic() + 3
            while not journal_rows(journal) and time.monotonic() < deadline:
                time.sleep(0.1)
            if journal_rows(journal):
                break
        wait_for(lambda: [row for row in journal_rows(journal) if row[2] == "done"], "the transfer's outcome")

        (call_id, target_id, _state), = journal_rows(journal)
        assert DEMO_CALL_ID.fullmatch(call_id) and call_id[15:] == checksum_suffix(call_id[:15]), call_id
        first_for_bil = SearchIndex(load_demo_directory()).search("bil", kind=None, available_only=False)[0]
        assert target_id == first_for_bil.id
    finally:
        panel.send_signal(signal.SIGTERM)
        try:
            output, _ = panel.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            panel.kill()
            output, _ = panel.communicate()
        shutil.rmtree(runtime, ignore_errors=True)
    assert "Traceback" not in output, output
