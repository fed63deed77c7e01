"""Single instance: a second launch (a softphone running the panel with a call ID or a
call link) hands the ID to the running window and exits; bad IDs are refused, no crash."""

import subprocess
import sys
import uuid

import pytest

from app.core.calls import CallSource
from app.ui.shell.single_instance import INSTANCE_ENV, InstanceServer, hand_over


@pytest.fixture
def listening(panel, monkeypatch):
    monkeypatch.setenv(INSTANCE_ENV, f"tp-test-{uuid.uuid4().hex[:8]}")  # never a real panel's socket
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


def test_junk_on_the_socket_gets_an_answer_and_changes_nothing(qtbot, listening):
    from PySide6.QtNetwork import QLocalSocket

    from app.ui.shell.single_instance import server_name

    before = listening.call_panel.text()
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    assert socket.waitForConnected(2000)
    socket.write(b'{"call_id": ["not", "text"]}\n')
    qtbot.waitUntil(socket.canReadLine, timeout=5000)
    assert b'"accepted": false' in bytes(socket.readLine())
    assert listening.call_panel.text() == before


def test_without_a_running_panel_the_launch_is_the_panel(monkeypatch):
    monkeypatch.setenv(INSTANCE_ENV, f"tp-none-{uuid.uuid4().hex[:8]}")
    assert hand_over("0LQ5g00000Xy7Qk") is None


def test_a_call_handed_over_before_the_first_paint_is_shown(qtbot):
    from app.ui.shell.window import PanelWindow

    window = PanelWindow()  # never shown: a panel started minimized, services not built yet
    qtbot.addWidget(window)
    window.receive_call("0LQ5g00000ABCDE")
    assert window.call_panel.text() == "0LQ5g00000ABCDE" and window.call_panel.source() == CallSource.SOFTPHONE
    assert window.transfer is not None and not window.form.can_transfer()
