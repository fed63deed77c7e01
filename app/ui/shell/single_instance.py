"""One panel per user: a second launch hands its call ID to the running panel and exits.

The running panel listens on a local socket (QLocalServer: a socket file only this user
may open on Linux and macOS, a named pipe on Windows). A second launch, say a softphone
running `transfer-panel --call-id X` or opening `transfer-panel://call/X`, sends one line
(see core/handover.py) and gets one back: accepted, or why not. Every launch asks before
its first paint, so that side stays light: QtNetwork and the message format are loaded
only when a panel may be running.
"""

from __future__ import annotations

import logging
import os
import tempfile
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

INSTANCE_ENV = "TRANSFER_PANEL_INSTANCE"  # another name: tests, or a second panel on purpose
_CONNECT_MS = 500
_ANSWER_MS = 5000
log = logging.getLogger(__name__)


def server_name() -> str:
    """Per user: the user ID names the socket file; on Windows, where pipes share one namespace, a
    hash of the user name does (several reps may share a terminal server either way)."""
    if os.name == "nt":
        import getpass
        import hashlib

        user = hashlib.sha256(getpass.getuser().encode()).hexdigest()[:12]
    else:
        user = str(os.getuid())
    name = os.environ.get(INSTANCE_ENV) or f"transfer-panel-{user}"
    return name if os.name == "nt" else os.path.join(tempfile.gettempdir(), name)


class HandoverAnswer(NamedTuple):
    accepted: bool
    message: str


def hand_over(call_id: str | None) -> HandoverAnswer | None:
    """Give the call ID to a running panel; None when none is running (then this launch is it)."""
    name = server_name()
    if os.name != "nt" and not os.path.exists(name):
        return None
    import json

    from PySide6.QtNetwork import QLocalSocket

    from app.core.handover import MAX_MESSAGE_BYTES, encode_handover

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_CONNECT_MS):
        return None  # a socket file left by a panel that crashed: this launch takes over
    socket.write(encode_handover(call_id))
    socket.waitForBytesWritten(_ANSWER_MS)
    if not (socket.canReadLine() or socket.waitForReadyRead(_ANSWER_MS)):
        return HandoverAnswer(False, "The running panel did not answer: close it and start it again.")
    try:
        answer = json.loads(bytes(socket.readLine(MAX_MESSAGE_BYTES)).decode("utf-8"))
        return HandoverAnswer(bool(answer["accepted"]), str(answer["message"]))
    except (ValueError, KeyError, TypeError):
        return HandoverAnswer(False, "The running panel gave an answer this version does not understand.")
    finally:
        socket.disconnectFromServer()


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
        """Start answering; False (logged) if the name is taken by a panel that answers after all."""
        from PySide6.QtNetwork import QLocalServer

        name = server_name()
        if not self._server.listen(name):
            QLocalServer.removeServer(name)  # the stale socket file of a panel that crashed
            if not self._server.listen(name):
                log.warning("cannot listen for call IDs on %s: %s", name, self._server.errorString())
                return False
        return True

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket) -> None:
        from app.core.errors import InputError
        from app.core.handover import MAX_MESSAGE_BYTES, decode_handover

        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE_BYTES:
                self._answer(socket, False, "The message is too long.")
            return
        try:
            call_id = decode_handover(bytes(socket.readLine(MAX_MESSAGE_BYTES + 1)))
        except InputError as error:
            log.warning("refused a hand-over: %s", error)
            self._answer(socket, False, str(error))
            return
        self.sig_call.emit(call_id)
        self._answer(socket, True, f"The panel shows call {call_id}." if call_id else "The panel is in front.")

    @staticmethod
    def _answer(socket, accepted: bool, message: str) -> None:
        import json

        socket.write(json.dumps({"accepted": accepted, "message": message}).encode() + b"\n")
        socket.flush()
        socket.disconnectFromServer()
