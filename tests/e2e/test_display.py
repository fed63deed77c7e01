"""The panel where it cannot open a window: one line saying why and what to do, exit 3, no
abort; a launch bringing a call says the same."""

import os
import shutil
import subprocess
import sys
import tempfile
import uuid

import pytest


@pytest.fixture
def no_panel_running(monkeypatch):
    runtime = tempfile.mkdtemp(prefix="tp-run-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.setenv("TRANSFER_PANEL_INSTANCE", f"tp-display-{uuid.uuid4().hex[:8]}")
    yield
    shutil.rmtree(runtime, ignore_errors=True)


def panel(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=60,
                          env={**environment, **env})


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "no X display is set (DISPLAY is empty)"),
    ({"DISPLAY": ":7919"}, "the X display ':7919' does not answer"),
    ({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "none-here"},
     "QT_QPA_PLATFORM asks for Wayland and no Wayland compositor answers (WAYLAND_DISPLAY='none-here')"),
    ({"QT_QPA_PLATFORM": "cocoa"}, "this build has no Qt platform plugin for QT_QPA_PLATFORM='cocoa'"),
])
def test_no_usable_display_is_one_clear_line_and_exit_3(no_panel_running, env, expected):
    started = panel(**env)
    assert started.returncode == 3, started.stderr
    assert started.stderr.splitlines()[-1].startswith(f"error: The panel cannot open a window: {expected}")
    handed = panel("--call-id", "0LQ5g00000Xy7Qk", **env)
    assert handed.returncode == 3 and handed.stdout == ""
    assert handed.stderr.startswith(
        f"The panel could not start (exit code 3): The panel cannot open a window: {expected}")
