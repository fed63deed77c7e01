"""The hand-over socket on a computer shared by several users (a terminal server): it lives in a
folder only its user may enter, and neither side talks to a socket or a process of another user.

The squatters here are real processes of another user (`nobody`, run with the system's python3):
that needs root, which CI and the development machine have; elsewhere these tests skip.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from app.ui.shell import single_instance
from app.ui.shell.single_instance import INSTANCE_ENV, InstanceServer, hand_over, server_name

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"  # the venv's interpreter lives under /root, which nobody may not enter
SQUATTER = """
import socket, sys
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
server.listen()
print("listening", flush=True)
connection, _ = server.accept()
print("connected", flush=True)
connection.settimeout(5)
received = b""
try:
    while chunk := connection.recv(4096):
        received += chunk
except TimeoutError:
    pass
print(f"received {len(received)} bytes", flush=True)
"""
CLIENT = """
import socket, sys
client = socket.socket(socket.AF_UNIX)
client.connect(sys.argv[1])
client.settimeout(10)
try:
    client.sendall(b'{"call_id": "0LQ5g00000Xy7Qk"}\\n')
    print("answer:", client.recv(4096) or "none, closed", flush=True)
except (ConnectionResetError, BrokenPipeError):
    print("answer: none, reset", flush=True)
"""


def needs_another_user() -> None:
    if os.geteuid() != 0 or not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.skip("running a process as another user needs root and the system's python3")


@pytest.fixture
def runtime(monkeypatch):
    # In /tmp, which every user may pass through (as on a terminal server); a socket path holds ~100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="tp-run-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setenv(INSTANCE_ENV, f"tp-sec-{uuid.uuid4().hex[:8]}")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def temp_dir(monkeypatch):
    """tempfile's folder for this test (the fallback's parent) and a short cache dir (the last
    resort), with no runtime dir set."""
    folder = Path(tempfile.mkdtemp(prefix="tp-tmp-"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_nobody(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([SYSTEM_PYTHON, "-c", script, *args], user=NOBODY, group=NOBODY, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def squat(folder: Path) -> subprocess.Popen:
    """Another user's process listening where this user's panel would: the folder is opened to it
    just for the bind (as if that user had been there first), then closed again."""
    path = server_name()
    folder.chmod(0o777)
    squatter = as_nobody(SQUATTER, path)
    try:
        assert squatter.stdout.readline() == "listening\n"
    finally:
        folder.chmod(0o700)
    assert os.stat(path).st_uid == NOBODY
    return squatter


def test_the_socket_is_in_the_users_private_runtime_dir(qapp, runtime):
    server = InstanceServer()
    assert server.listen()
    try:
        path = Path(server_name())
        assert path.parent == runtime and stat.S_ISSOCK(path.lstat().st_mode)
        assert path.lstat().st_uid == os.geteuid()
    finally:
        server.close()


def test_without_a_private_runtime_dir_a_private_folder_in_the_temp_dir_is_made(temp_dir, monkeypatch):
    shared = temp_dir / "shared-runtime"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))  # others may enter it: not used
    folder = temp_dir / f"transfer-panel-{os.geteuid()}"
    assert Path(server_name()).parent == folder
    assert stat.S_IMODE(folder.lstat().st_mode) == 0o700 and folder.lstat().st_uid == os.geteuid()


def test_without_the_variable_the_login_sessions_runtime_dir_is_found(temp_dir, monkeypatch):
    """A launch from cron or ssh, without XDG_RUNTIME_DIR, reaches the desktop session's panel."""
    login_runtime = temp_dir / "run-user"
    login_runtime.mkdir(mode=0o700)
    monkeypatch.setattr(single_instance, "_LOGIN_RUNTIME_DIR", str(login_runtime))  # not the machine's /run/user
    assert Path(server_name()).parent == login_runtime


def test_a_link_in_place_of_the_temp_folder_is_not_followed(temp_dir):
    elsewhere = temp_dir / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (temp_dir / f"transfer-panel-{os.geteuid()}").symlink_to(elsewhere)
    folder = Path(server_name()).parent
    assert folder == Path(os.environ["XDG_CACHE_HOME"]) / "transfer-panel" / "run"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_temp_folder_made_by_another_user_is_not_used(temp_dir):
    needs_another_user()
    taken = temp_dir / f"transfer-panel-{os.geteuid()}"
    taken.mkdir(mode=0o700)
    os.chown(taken, NOBODY, NOBODY)
    assert Path(server_name()).parent == Path(os.environ["XDG_CACHE_HOME"]) / "transfer-panel" / "run"


def test_a_socket_file_of_another_user_is_sent_nothing(runtime, caplog):
    needs_another_user()
    squatter = squat(runtime)
    try:
        assert hand_over("0LQ5g00000Xy7Qk") is None  # as if no panel ran: this launch starts one
    finally:
        squatter.terminate()
    assert squatter.communicate(timeout=30)[0] == ""  # it never saw a connection
    assert f"belongs to user {NOBODY}, not to this user" in caplog.text


def test_a_socket_served_by_another_users_process_is_sent_nothing(runtime, caplog):
    needs_another_user()
    squatter = squat(runtime)
    os.chown(server_name(), os.geteuid(), os.getegid())  # the file looks right; the process is not
    try:
        assert hand_over("0LQ5g00000Xy7Qk") is None
        output = squatter.communicate(timeout=30)[0]
    finally:
        squatter.kill()
    assert output == "connected\nreceived 0 bytes\n"  # SO_PEERCRED said nobody: the call ID stayed here
    assert f"runs as user {NOBODY}, not as this user" in caplog.text


def test_a_panel_takes_the_place_of_a_squatters_socket(qtbot, runtime):
    needs_another_user()
    squatter = squat(runtime)
    server = InstanceServer()
    try:
        calls = []
        server.sig_call.connect(calls.append)
        assert server.listen()
        assert os.stat(server_name()).st_uid == os.geteuid()
        launch = subprocess.Popen([sys.executable, "-m", "app", "--call-id", "0LQ5g00000Xy7Qk"],
                                  stdout=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: launch.poll() is not None, timeout=30_000)
        assert launch.returncode == 0 and calls == ["0LQ5g00000Xy7Qk"]
    finally:
        server.close()
        squatter.kill()
        squatter.wait()


def test_the_panel_answers_no_process_of_another_user(qtbot, runtime, caplog):
    needs_another_user()
    server = InstanceServer()
    calls = []
    server.sig_call.connect(calls.append)
    assert server.listen()
    try:
        path = server_name()
        runtime.chmod(0o755)  # opened up, as a socket in a shared folder would be
        os.chmod(path, 0o777)
        client = as_nobody(CLIENT, path)
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=30_000)
        assert client.stdout.read().startswith("answer: none") and calls == []
        assert f"refused a hand-over connection from user {NOBODY}" in caplog.text
    finally:
        runtime.chmod(0o700)
        server.close()


def test_the_peer_check_reads_the_real_user_of_a_connection():
    import socket

    ours, theirs = socket.socketpair(socket.AF_UNIX)
    with ours, theirs:
        assert single_instance.peer_uid(ours.fileno()) == os.geteuid()
