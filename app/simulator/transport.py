"""HTTP plumbing for the simulator: stdlib http.server, HTTP/1.1 keep-alive, a stop that is immediate."""

import contextlib
import logging
import os
import re
import selectors
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.simulator.endpoint import Endpoint, Handled
from app.simulator.records import Headers, RecordedRequest, recorded
from app.simulator.responses import Answer, Rejected

log = logging.getLogger("app.simulator")

MAX_BODY_BYTES = 1_000_000
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")  # 1*HEXDIG (RFC 9112); int(..., 16) also takes "-1", "+a", "0x1", "1_0"
_MAX_TRAILER_LINES = 100
_IDLE_TIMEOUT_S = 60.0  # a keep-alive connection left idle this long is closed


class ScrtServer(ThreadingHTTPServer):
    """Serves one Endpoint; each exchange is passed to `record` before it is answered."""

    allow_reuse_address = os.name != "nt"  # on Windows it would let a second server share the port
    request_queue_size = 64
    timeout = 1.0  # handle_request() gives up if a pending connection vanished before it was accepted

    def __init__(
        self,
        address: tuple[str, int],
        endpoint: Endpoint,
        record: Callable[[RecordedRequest], None],
        stopping: threading.Event,
    ) -> None:
        self.endpoint = endpoint
        self.record = record
        self.stopping = stopping
        self._connections: set[socket.socket] = set()
        self._connections_changed = threading.Condition()
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(address, _Handler)

    def serve_until_woken(self) -> None:
        """serve_forever, except that wake() ends it at once rather than at the next poll interval."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake_reader in ready:
                    return
                self.handle_request()

    def wake(self) -> None:
        self._wake_writer.send(b"\0")

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall for seconds on some networks.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def track(self, connection: socket.socket, is_open: bool) -> None:
        with self._connections_changed:
            (self._connections.add if is_open else self._connections.discard)(connection)
            self._connections_changed.notify_all()

    def close_connections(self, wait_s: float) -> None:
        """Shut down open keep-alive connections, so their threads end and clients see the close."""
        with self._connections_changed:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # already closed by the peer
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections_changed.wait_for(lambda: not self._connections, wait_s)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (e.g. after its own timeout) is normal; anything else is a bug here.
        if isinstance(sys.exception(), ConnectionError | TimeoutError):
            log.debug("connection from %s ended early", client_address, exc_info=True)
        else:
            log.exception("the simulator failed on a request from %s", client_address)


class ScrtServer6(ScrtServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every answer carries Content-Length
    server_version = "SCRT-Simulator/1.0"
    sys_version = ""
    # The head and the body go out in two writes; with Nagle on, the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    timeout = _IDLE_TIMEOUT_S
    server: ScrtServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def do_POST(self) -> None:
        self._exchange()

    do_PATCH = do_PUT = do_GET = do_DELETE = do_OPTIONS = do_POST

    def _exchange(self) -> None:
        started, at = time.perf_counter(), time.time()
        server = self.server
        headers = Headers(self.headers.items())
        try:
            body = self._read_body()
            handled = server.endpoint.handle(self.command, self.path, headers, body)
        except Rejected as rejected:  # the body could not be read: the connection cannot be reused
            body, handled = b"", Handled(rejected.answer())
            self.close_connection = True
        answer = handled.answer
        if answer.delay_s and server.stopping.wait(answer.delay_s):
            answer = Answer(None, reason="the simulator stopped")
        client = str(self.client_address[0])
        server.record(recorded(at, client, self.command, self.path, headers, body, handled, answer, started))
        # Recorded before answering, so a client that has its answer always finds the record.
        if answer.status is None:
            self.close_connection = True
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length", "0").strip()
        if not (length.isascii() and length.isdigit()):  # "²".isdigit() is true, and int("²") raises
            raise Rejected(400, f"Content-Length {length!r} is not a number", "INVALID_REQUEST")
        if int(length) > MAX_BODY_BYTES:
            raise Rejected(413, f"The body is larger than {MAX_BODY_BYTES} bytes", "REQUEST_TOO_LARGE")
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            raise Rejected(400, "The body ended before Content-Length bytes arrived", "INVALID_REQUEST")
        return body

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_field = self.rfile.readline(1024).split(b";")[0].rstrip(b" \t\r\n")
            if not _CHUNK_SIZE.fullmatch(size_field):  # rfile.read(-1) would read to the end of the stream
                raise Rejected(400, "The chunked body is malformed: a chunk size must be hexadecimal digits",
                               "INVALID_REQUEST")
            size = int(size_field, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY_BYTES:
                raise Rejected(413, f"The body is larger than {MAX_BODY_BYTES} bytes", "REQUEST_TOO_LARGE")
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise Rejected(400, "The chunked body ended early", "INVALID_REQUEST")
            body += chunk
            self.rfile.readline(1024)  # the CRLF after each chunk
        for _ in range(_MAX_TRAILER_LINES):  # trailer fields: nothing here needs them
            if self.rfile.readline(1024) in (b"\r\n", b"\n", b""):
                return bytes(body)
        raise Rejected(400, "The chunked body's trailer never ends", "INVALID_REQUEST")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http.server: " + format, *args)  # the record callback logs one line per request

