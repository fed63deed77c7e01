"""The test suite leaves the developer's computer as it found it: no simulator left running when the
run ignores Ctrl+C (`pytest &` from a shell), and no hand-over to a panel the developer has open.

Each test runs a part of the suite as a real pytest process, in the situation it must survive."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from app.ui.shell.single_instance import INSTANCE_ENV, server_name

ROOT = Path(__file__).parents[1]
# What a shell does to a background job: SIGINT ignored, inherited by every process it starts.
PYTEST_IGNORING_CTRL_C = ("import signal, sys, pytest; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                          "sys.exit(pytest.main(sys.argv[1:]))")


def run_pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PYTEST_IGNORING_CTRL_C, "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def processes_mentioning(text: str) -> list[int]:
    """The processes whose command line holds `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # ended meanwhile
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_run_that_ignores_ctrl_c_leaves_no_simulator_running(tmp_path):
    base = tmp_path / "inner-run"  # in the simulator's command line (its certificate's path)
    done = run_pytest(f"--basetemp={base}", "tests/simulator/test_standalone.py::"
                      "test_standalone_warns_serves_and_stops_on_ctrl_c", env=dict(os.environ))
    left = processes_mentioning(str(base))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"simulators left running: {left}"
    assert done.returncode == 0, done.stdout[-3000:]


class FakeDevelopersPanel:
    """A socket where a developer's own panel listens (the default hand-over name); counts connections."""

    def __init__(self, path: str) -> None:
        self.connections = 0
        self._server = socket.socket(socket.AF_UNIX)
        self._server.bind(path)
        self._server.listen()
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix socket stands in for the developer's panel")
def test_no_test_hands_over_to_a_panel_the_developer_has_open(monkeypatch):
    runtime = tempfile.mkdtemp(prefix="tp-dev-")  # short: a socket path holds ~100 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.delenv(INSTANCE_ENV, raising=False)  # as the developer's shell has it
    panel = FakeDevelopersPanel(server_name())
    try:
        done = run_pytest(
            "tests/e2e/test_one_outcome.py::test_the_panel_command_refuses_a_call_id_with_a_space_before_anything_starts",
            "tests/ui/test_window.py::test_first_paint_imports_nothing_heavy", env=dict(os.environ))
    finally:
        panel.close()
        shutil.rmtree(runtime, ignore_errors=True)
    assert panel.connections == 0
    assert done.returncode == 0, done.stdout[-3000:]
