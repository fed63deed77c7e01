"""Single instance: a second launch (a softphone running the panel with a call ID or a
call link) hands the ID to the running window and exits; bad IDs are refused, no crash.
With no panel running, such a launch starts one detached and hands it the call, and returns."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from app.core.calls import CallSource
from app.ui.shell.single_instance import INSTANCE_ENV, InstanceServer, hand_over


@pytest.fixture(autouse=True)
def own_instance(monkeypatch):
    """This test's own socket name, in a private runtime folder: never a real panel's socket."""
    runtime = tempfile.mkdtemp(prefix="tp-run-")  # short: a socket path holds ~100 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.setenv(INSTANCE_ENV, f"tp-test-{uuid.uuid4().hex[:8]}")
    yield Path(runtime)
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def listening(panel):
    server = InstanceServer(panel)
    server.sig_call.connect(panel.receive_call)
    assert server.listen()
    return panel


def second_launch(qtbot, *args: str) -> subprocess.CompletedProcess:
    """Run `transfer-panel ARGS` while this test's event loop serves the running panel."""
    process = subprocess.Popen([sys.executable, "-m", "app", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_a_second_launch_hands_over_its_call_id_and_exits_0(qtbot, listening):
    done = second_launch(qtbot, "--call-id", "0LQ5g00000Xy7Qk")
    assert done.returncode == 0, done.stderr
    assert "The panel shows call 0LQ5g00000Xy7Qk" in done.stdout
    assert listening.call_panel.text() == "0LQ5g00000Xy7Qk"
    assert listening.call_panel.source() == CallSource.SOFTPHONE


def test_a_call_link_works_the_same_way(qtbot, listening):
    done = second_launch(qtbot, "transfer-panel://call/contact%2F42")
    assert done.returncode == 0, done.stderr
    assert listening.call_panel.text() == "contact/42"


@pytest.mark.parametrize(("args", "expected"), [
    (["--call-id", "a\tb"], "control character"),  # refused by the running panel
    (["transfer-panel://call/x?run=calc"], "is not a call link"),  # refused before connecting
])
def test_bad_ids_are_refused_with_a_message_and_exit_2(qtbot, listening, args, expected):
    before = listening.call_panel.text()
    done = second_launch(qtbot, *args)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr
    assert listening.call_panel.text() == before and listening.isVisible()


@pytest.mark.parametrize("junk", [b'{"call_id": ["not", "text"]}\n', b"[" * 3000 + b"\n",
                                  b'{"call_id": ' + b'{"a": ' * 1000 + b"\n"])
def test_junk_on_the_socket_gets_an_answer_and_changes_nothing(qtbot, listening, junk):
    from PySide6.QtNetwork import QLocalSocket

    from app.ui.shell.single_instance import server_name

    before = listening.call_panel.text()
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    assert socket.waitForConnected(2000)
    socket.write(junk)
    qtbot.waitUntil(socket.canReadLine, timeout=5000)
    assert b'"accepted": false' in bytes(socket.readLine())
    assert listening.call_panel.text() == before


def test_a_connection_that_sends_no_line_is_dropped(qtbot, listening, monkeypatch):
    from PySide6.QtNetwork import QLocalSocket

    from app.ui.shell import single_instance

    monkeypatch.setattr(single_instance, "_IDLE_MS", 300)
    socket = QLocalSocket()
    socket.connectToServer(single_instance.server_name())
    assert socket.waitForConnected(2000)
    socket.write(b'{"call_id": "0LQ5g00000Xy7Qk"')  # no end of line
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
    assert listening.call_panel.source() != CallSource.SOFTPHONE


def test_without_a_running_panel_there_is_no_one_to_hand_over_to():
    assert hand_over("0LQ5g00000Xy7Qk") is None


def test_a_call_handed_over_before_the_first_paint_is_shown(qtbot):
    from app.ui.shell.window import PanelWindow

    window = PanelWindow()  # never shown: a panel started minimized, services not built yet
    qtbot.addWidget(window)
    window.receive_call("0LQ5g00000ABCDE")
    assert window.call_panel.text() == "0LQ5g00000ABCDE" and window.call_panel.source() == CallSource.SOFTPHONE
    assert window.transfer is not None and not window.form.can_transfer()


def test_a_call_handed_over_while_the_services_start_stays_with_its_source(qtbot, arun, tmp_path):
    """What a cold start does: the panel listens before its services are built (demo mode makes
    up a call of its own); the handed-over call must survive their arrival, as from the softphone."""
    from app.ui.shell.app import Boot, StartOptions
    from app.ui.shell.window import PanelWindow

    window = PanelWindow(config_path=tmp_path / "config.toml")
    qtbot.addWidget(window)
    boot = Boot(window, StartOptions(config_path=tmp_path / "config.toml", demo=True))
    boot.receive_call("0LQ5g00000Xy7Qk")
    boot.start()
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=15_000)
    assert window.call_panel.text() == "0LQ5g00000Xy7Qk" and window.call_panel.source() == CallSource.SOFTPHONE
    arun(window.shutdown())


def launch(*args: str) -> subprocess.CompletedProcess:
    """`transfer-panel ARGS` as a softphone runs it: it must end, its output captured through pipes
    (a panel it starts must not hold them open, or the caller would wait for the panel to close)."""
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=60)


def end_panel(pid: int) -> None:
    """End a panel started by a launch (not this process's child: init reaps it)."""
    os.kill(pid, 15)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z":
                return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    pytest.fail(f"the panel (process {pid}) did not end")


def test_with_no_panel_running_a_call_starts_one_detached_and_the_command_returns(tmp_path):
    cold = launch("--call-id", "0LQ5g00000Xy7Qk")
    started = re.fullmatch(r"Started the panel \(process (\d+)\)\. The panel shows call 0LQ5g00000Xy7Qk\.\n",
                           cold.stdout)
    assert cold.returncode == 0 and started, cold.stdout + cold.stderr
    pid = int(started.group(1))
    try:
        assert os.getsid(pid) == pid  # a session of its own: the caller's hang-up or Ctrl+C does not end it
        hot = launch("transfer-panel://call/0LQ5g00000ABCDE")
        assert hot.returncode == 0 and hot.stdout == "The panel shows call 0LQ5g00000ABCDE.\n", hot.stderr
        log = (Path(os.environ["XDG_STATE_HOME"]) / "transfer-panel" / "log" / "transfer-panel.log").read_text()
        assert "handed over: call 0LQ5g00000Xy7Qk" in log and "handed over: call 0LQ5g00000ABCDE" in log
    finally:
        end_panel(pid)


def test_a_refused_call_starts_no_panel_and_is_logged_without_its_control_characters(own_instance):
    link = "transfer-panel://call/x\x1b[31m\u202eevil?run=calc\r\nforged log line"
    done = launch(link)
    assert done.returncode == 2 and "is not a call link" in done.stderr and done.stdout == ""
    bad_id = launch("--call-id", "a\tb")
    assert bad_id.returncode == 2 and "control character" in bad_id.stderr
    assert list(own_instance.iterdir()) == []  # no panel started: nothing listens
    log = (Path(os.environ["XDG_STATE_HOME"]) / "transfer-panel" / "log" / "transfer-panel.log").read_text()
    refusals = [line for line in log.splitlines() if "refused the call" in line]
    assert len(refusals) == 2 and "forged log line" in refusals[0] and "\\x1b" in refusals[0]
    assert not any(char in log for char in "\x1b\u202e\r\t")
    assert not any(line.startswith("forged") for line in log.splitlines())


# ---- one panel per desktop session --------------------------------------------------------------
SESSION_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_ID")


def session_env(tmp_path: Path, name: str, **session: str) -> dict[str, str]:
    """The environment of a program in one desktop session (offscreen: Qt does not use the display,
    the hand-over does); its own state folder, so each panel's log says what it received."""
    env = {key: value for key, value in os.environ.items() if key not in SESSION_VARIABLES}
    return {**env, **session, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path / name)}


def start_panel(own_instance: Path, env: dict[str, str], tag: str) -> subprocess.Popen:
    """A panel as the menu entry starts it, listening once its session's socket answers."""
    panel = subprocess.Popen([sys.executable, "-m", "app", "--demo"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket_path = own_instance / f"{os.environ[INSTANCE_ENV]}.{tag}.socket"
    deadline = time.monotonic() + 30
    while not socket_path.exists():
        assert panel.poll() is None, f"the panel of {tag} ended (exit {panel.returncode}) instead of listening"
        assert time.monotonic() < deadline, f"the panel of {tag} did not listen within 30 s"
        time.sleep(0.1)
    return panel


def received(tmp_path: Path, name: str) -> list[str]:
    log = tmp_path / name / "transfer-panel" / "log" / "transfer-panel.log"
    return re.findall(r"handed over: call (\S+)", log.read_text(encoding="utf-8"))


def stop(*panels: subprocess.Popen) -> None:
    for panel in panels:
        panel.terminate()
    for panel in panels:
        panel.wait(timeout=30)


@pytest.mark.skipif(sys.platform == "win32", reason="sockets in the runtime folder; Windows names pipes per session")
@pytest.mark.parametrize(("variable", "first", "second", "tags"), [
    ("DISPLAY", ":91", ":92.0", ("display-91", "display-92")),  # one user on two displays
    ("WAYLAND_DISPLAY", "wayland-0", "wayland-1", ("wayland-0", "wayland-1")),  # a second (Wayland) login
])
def test_each_desktop_session_has_its_own_panel_and_gets_its_own_calls(own_instance, tmp_path, variable, first,
                                                                       second, tags):
    env_a, env_b = (session_env(tmp_path, name, **{variable: value}) for name, value in (("a", first), ("b", second)))
    panel_a = start_panel(own_instance, env_a, tags[0])
    try:
        panel_b = start_panel(own_instance, env_b, tags[1])  # not handed over to the first one: a panel of its own
        try:
            to_a = subprocess.run([sys.executable, "-m", "app", "--call-id", "0LQ5g00000AAAAA"], env=env_a,
                                  capture_output=True, text=True, timeout=60)
            to_b = subprocess.run([sys.executable, "-m", "app", "--call-id", "0LQ5g00000BBBBB"], env=env_b,
                                  capture_output=True, text=True, timeout=60)
            assert to_a.returncode == 0 and to_a.stdout == "The panel shows call 0LQ5g00000AAAAA.\n", to_a.stderr
            assert to_b.returncode == 0 and to_b.stdout == "The panel shows call 0LQ5g00000BBBBB.\n", to_b.stderr
            assert panel_a.poll() is None and panel_b.poll() is None
        finally:
            stop(panel_b)
    finally:
        stop(panel_a)
    assert received(tmp_path, "a") == ["0LQ5g00000AAAAA"] and received(tmp_path, "b") == ["0LQ5g00000BBBBB"]


@pytest.mark.skipif(sys.platform == "win32", reason="sockets in the runtime folder")
def test_a_launch_without_a_display_reaches_the_one_panel_and_refuses_to_guess_between_two(own_instance, tmp_path):
    """ssh (a login session, no display) or cron: no panel of its own; it finds the user's panel if there is one."""
    nowhere = session_env(tmp_path, "ssh", XDG_SESSION_ID="9")
    panel_a = start_panel(own_instance, session_env(tmp_path, "a", DISPLAY=":91"), "display-91")
    try:
        panel_b = start_panel(own_instance, session_env(tmp_path, "b", DISPLAY=":92"), "display-92")
        try:
            ambiguous = subprocess.run([sys.executable, "-m", "app", "--call-id", "0LQ5g00000CCCCC"], env=nowhere,
                                       capture_output=True, text=True, timeout=60)
        finally:
            stop(panel_b)
        assert ambiguous.returncode == 2 and "2 panels are running" in ambiguous.stderr
        assert "display-91" in ambiguous.stderr and "display-92" in ambiguous.stderr
        alone = subprocess.run([sys.executable, "-m", "app", "--call-id", "0LQ5g00000DDDDD"], env=nowhere,
                               capture_output=True, text=True, timeout=60)
        assert alone.returncode == 0 and alone.stdout == "The panel shows call 0LQ5g00000DDDDD.\n", alone.stderr
    finally:
        stop(panel_a)
    assert received(tmp_path, "a") == ["0LQ5g00000DDDDD"] and received(tmp_path, "b") == []
