"""One panel per desktop session: a second launch hands its call ID to the running panel and exits.

The running panel listens on a local socket (QLocalServer: a socket file on Linux and
macOS, a named pipe on Windows). A second launch, say a softphone running
`transfer-panel --call-id X` or opening `transfer-panel://call/X`, sends one line (see
core/handover.py) and gets one back: accepted, or why not. Every launch asks before its
first paint, so that side stays light: QtNetwork and the message format are loaded only
when a panel may be running.

The socket's name says which desktop session the panel belongs to (its display, else its login
session: `core.handover.desktop_session`), so a user logged in twice, or on two displays, has a
panel in each, and a softphone reaches the one on its own screen. A launch that has no display
of its own (cron, ssh) hands over to the user's one panel; with several it cannot choose and says so.

On Linux and macOS the socket lives in a folder only this user may enter (`runtime_dir`),
so another user of a shared terminal server cannot put a socket of theirs where a launch
looks. A launch checks anyway, before it sends a call ID, that the socket file and the
process answering on it (SO_PEERCRED, Linux) are this user's; the panel refuses other
users' connections the same way. Anything else found there is logged and treated as no
panel running: the launch starts one, which takes the socket's place.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

INSTANCE_ENV = "TRANSFER_PANEL_INSTANCE"  # another name: tests, or a second panel on purpose
_DEFAULT_NAME = "transfer-panel"
_CONNECT_MS = 500
_ANSWER_MS = 5000
_IDLE_MS = 5000  # a connection that sends no complete line in this time is dropped
_MAX_SOCKET_PATH = 100  # bytes: sockaddr_un holds 108 on Linux, 104 on macOS
_LOGIN_RUNTIME_DIR = "/run/user/{uid}"  # what systemd-logind makes at login, 0700
_MAX_PANELS_LOOKED_AT = 16  # sockets a launch without a display tries (one per session of this user)
log = logging.getLogger(__name__)


def runtime_dir() -> Path | None:
    """A folder only this user can enter, for the socket: $XDG_RUNTIME_DIR when it is one (it is
    on systemd desktops), or the /run/user/<uid> that logind makes (a launch from cron or ssh,
    without the variable, still finds the desktop's panel), else a `transfer-panel-<uid>` folder
    in the temp dir (macOS's temp dir is per user), else one in the user's cache dir (should
    someone else have made the former)."""
    for runtime in (os.environ.get("XDG_RUNTIME_DIR", ""), _LOGIN_RUNTIME_DIR.format(uid=os.geteuid())):
        if os.path.isabs(runtime) and _is_private_dir(Path(runtime)):
            return Path(runtime)
    in_temp = Path(tempfile.gettempdir()) / f"transfer-panel-{os.geteuid()}"
    if _make_private_dir(in_temp):
        return in_temp
    from platformdirs import user_cache_path  # ~30 ms: imported only when the temp dir's folder is taken

    in_cache = user_cache_path("transfer-panel", appauthor=False) / "run"
    return in_cache if _make_private_dir(in_cache) else None


def _make_private_dir(path: Path) -> bool:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot use %s for the hand-over socket: %s", path, error)
        return False
    if not _is_private_dir(path, fix_mode=True):
        log.warning("%s is not a private folder of this user: not used for the hand-over socket", path)
        return False
    return True


def _is_private_dir(path: Path, fix_mode: bool = False) -> bool:
    """A real folder (not a link) of this user that nobody else may enter; `fix_mode` makes one
    of ours private."""
    try:
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            return False
        if info.st_mode & 0o077:
            if not fix_mode:
                return False
            path.chmod(0o700)
    except OSError:
        return False
    return True


def _instance_name() -> str:
    return os.path.basename(os.environ.get(INSTANCE_ENV) or _DEFAULT_NAME)


def server_name() -> str | None:
    """This desktop session's socket path (a pipe's name on Windows, where pipes share one namespace:
    a hash of the user name keeps reps on one terminal server apart, the session number a rep's two
    sessions); None when there is no safe place."""
    name = _instance_name()
    if os.name == "nt":
        import getpass
        import hashlib

        return f"{name}-{hashlib.sha256(getpass.getuser().encode()).hexdigest()[:12]}-{_windows_session()}"
    from app.core.handover import desktop_session

    folder = runtime_dir()
    tag = desktop_session(os.environ).tag
    path = None if folder is None else str(folder / (f"{name}.{tag}.socket" if tag else f"{name}.socket"))
    if path is not None and len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        log.warning("the hand-over socket's path is too long for the system: %s", path)
        return None
    return path


def _windows_session() -> int:
    """The Windows session (console or Remote Desktop) this process runs in. Untested: no Windows here."""
    import ctypes

    session = ctypes.c_ulong(0)
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    kernel32.ProcessIdToSessionId(kernel32.GetCurrentProcessId(), ctypes.byref(session))
    return session.value


def _other_sessions_sockets(own: str) -> list[str]:
    """The sockets of this user's panels in other desktop sessions (same folder and instance name)."""
    folder, name = Path(own).parent, _instance_name()
    try:
        entries = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return []
    found = [str(folder / entry) for entry in entries if entry == f"{name}.socket"
             or (entry.startswith(f"{name}.") and entry.endswith(".socket"))]
    return [path for path in found if path != own][:_MAX_PANELS_LOOKED_AT]


def _session_of(path: str) -> str:
    """The session tag in a socket's name ("no session" for a panel started outside any)."""
    file_name = Path(path).name
    return file_name.removeprefix(f"{_instance_name()}.").removesuffix(".socket") \
        if file_name != f"{_instance_name()}.socket" else "no session"


def peer_uid(descriptor: int) -> int | None:
    """The user ID of the process at the other end of a connected local socket (Linux's
    SO_PEERCRED); None where the system does not say (macOS, Windows)."""
    import socket

    if not hasattr(socket, "SO_PEERCRED") or descriptor < 0:
        return None
    import struct

    with socket.socket(fileno=os.dup(descriptor)) as peer:  # closing the copy leaves Qt's descriptor open
        _pid, uid, _gid = struct.unpack("3i", peer.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return uid


def _foreign(uid: int | None) -> bool:
    """Whether a user ID (None: not known) is another user's."""
    return uid is not None and uid != os.geteuid()


def _socket_file_owner(path: str) -> int | None:
    """Who owns the socket file (None: there is none, or something that is not a socket)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_uid if stat.S_ISSOCK(info.st_mode) else None


class HandoverAnswer(NamedTuple):
    accepted: bool
    message: str


def hand_over(call_id: str | None) -> HandoverAnswer | None:
    """Give the call ID to the panel of this desktop session; None when none is running (then this
    launch starts one). A launch without a display of its own gives it to the user's one panel in
    another session. A socket of another user is never sent anything."""
    name = server_name()
    if name is None:
        return None
    answer = _hand_over_to(name, call_id)
    if answer is not None or os.name == "nt":
        return answer
    from app.core.handover import desktop_session

    if desktop_session(os.environ).has_display:
        return None  # this session has no panel yet: this launch starts one here
    panels = [path for path in _other_sessions_sockets(name) if _panel_answers(path)]
    if len(panels) == 1:
        return _hand_over_to(panels[0], call_id)
    if panels:
        sessions = ", ".join(_session_of(path) for path in panels)
        return HandoverAnswer(False, f"{len(panels)} panels are running, one per desktop session ({sessions}), and "
                                     "this command has no display to choose one by: run it in the desktop session "
                                     "whose panel should get the call, or set DISPLAY to that session's display.")
    return None


def _hand_over_to(name: str, call_id: str | None) -> HandoverAnswer | None:
    """Send the call ID to the panel listening on `name`; None when none listens there."""
    if os.name != "nt":
        owner = _socket_file_owner(name)
        if owner is None:
            return None
        if _foreign(owner):
            log.warning("ignored %s: it belongs to user %d, not to this user", name, owner)
            return None
    import json

    from PySide6.QtNetwork import QLocalSocket

    from app.core.handover import MAX_MESSAGE_BYTES, encode_handover

    connection = QLocalSocket()
    connection.connectToServer(name)
    if not connection.waitForConnected(_CONNECT_MS):
        return None  # a socket file left by a panel that crashed: this launch takes over
    try:
        if _foreign(uid := peer_uid(connection.socketDescriptor())):
            log.warning("ignored %s: the process listening on it runs as user %d, not as this user", name, uid)
            return None
        connection.write(encode_handover(call_id))
        connection.waitForBytesWritten(_ANSWER_MS)
        if not (connection.canReadLine() or connection.waitForReadyRead(_ANSWER_MS)):
            return HandoverAnswer(False, "The running panel did not answer: close it and start it again.")
        try:
            answer = json.loads(bytes(connection.readLine(MAX_MESSAGE_BYTES).data()).decode("utf-8"))
            return HandoverAnswer(bool(answer["accepted"]), str(answer["message"]))
        except (ValueError, KeyError, TypeError, RecursionError):
            return HandoverAnswer(False, "The running panel gave an answer this version does not understand.")
    finally:
        connection.abort()


def _panel_answers(name: str) -> bool:
    """Whether a panel of this user already listens on the socket (rather than a stale file)."""
    from PySide6.QtNetwork import QLocalSocket

    probe = QLocalSocket()
    probe.connectToServer(name)
    try:
        if not probe.waitForConnected(_CONNECT_MS):
            return False
        return not (_foreign(_socket_file_owner(name)) or _foreign(peer_uid(probe.socketDescriptor())))
    finally:
        probe.abort()


class InstanceServer(QObject):
    """The running panel's side: each valid message becomes `sig_call(call_id or None)`."""

    sig_call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QLocalServer

        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start answering; False (logged) when there is no safe place for the socket or another
        panel of this user listens already."""
        from PySide6.QtNetwork import QLocalServer

        name = server_name()
        if name is None:
            log.warning("not listening for call IDs: no private folder for the socket")
            return False
        if self._server.listen(name):
            return True
        if _panel_answers(name):
            log.warning("not listening for call IDs: another panel of this user listens on %s", name)
            return False
        QLocalServer.removeServer(name)  # a crashed panel's socket file, or someone else's in our folder
        if not self._server.listen(name):
            log.warning("cannot listen for call IDs on %s: %s", name, self._server.errorString())
            return False
        return True

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        from PySide6.QtCore import QTimer

        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.disconnected.connect(connection.deleteLater)
            if _foreign(uid := peer_uid(connection.socketDescriptor())):
                log.warning("refused a hand-over connection from user %d", uid)
                connection.abort()
                continue
            idle = QTimer(connection)  # dies with the connection
            idle.setSingleShot(True)
            idle.timeout.connect(connection.abort)
            idle.start(_IDLE_MS)
            connection.readyRead.connect(lambda connection=connection: self._read(connection))

    def _read(self, connection) -> None:
        from app.core.errors import InputError
        from app.core.handover import MAX_MESSAGE_BYTES, decode_handover

        if not connection.canReadLine():
            if connection.bytesAvailable() > MAX_MESSAGE_BYTES:
                self._answer(connection, False, "The message is too long.")
            return
        try:
            call_id = decode_handover(bytes(connection.readLine(MAX_MESSAGE_BYTES + 1)))
        except InputError as error:
            from app.messages import describe

            log.warning("refused a hand-over: %s", error)
            self._answer(connection, False, describe(error))  # printed by the launch that sent it
            return
        log.info("handed over: %s", f"call {call_id}" if call_id else "no call (come to the front)")
        self.sig_call.emit(call_id)
        self._answer(connection, True, f"The panel shows call {call_id}." if call_id else "The panel is in front.")

    @staticmethod
    def _answer(connection, accepted: bool, message: str) -> None:
        import json

        connection.write(json.dumps({"accepted": accepted, "message": message}).encode() + b"\n")
        connection.flush()
        connection.disconnectFromServer()
