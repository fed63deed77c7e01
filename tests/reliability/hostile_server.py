"""A loopback HTTP server that misbehaves on purpose, one mode per misbehaviour (issue 12).

Raw asyncio streams, no HTTP library: each mode writes exactly the bytes a broken or hostile
server (or proxy) would. The server runs its own event loop in a thread, reads each request in
full (head and Content-Length body, both bounded), counts it as received, then answers as its
mode says until the client hangs up, the mode is done, or the server stops.

    with HostileServer("gzip_bomb") as server:
        ...  # point a profile's base_url at server.base_url; server.received counts requests
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
import zlib
from collections.abc import Awaitable, Callable

_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 1024 * 1024
_MIB = 1024 * 1024

Mode = Callable[[asyncio.StreamWriter, bytes], Awaitable[None]]  # the writer, and the request's head


async def _head(writer: asyncio.StreamWriter, status: str, *headers: str, end: bool = True) -> None:
    head = "\r\n".join((f"HTTP/1.1 {status}", *headers)) + ("\r\n\r\n" if end else "\r\n")
    writer.write(head.encode("latin-1"))
    await writer.drain()


async def _stream(writer: asyncio.StreamWriter, chunks: Callable[[], bytes], total: int) -> None:
    """Write what `chunks()` makes until `total` bytes went out (or the client hung up)."""
    sent = 0
    while sent < total:
        chunk = chunks()
        writer.write(chunk)
        await writer.drain()
        sent += len(chunk)


async def gzip_bomb(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 whose gzip body decodes to 4 GiB (about 4 MB on the wire), compressed as it is sent."""
    await _head(writer, "200 OK", "Content-Type: application/json", "Content-Encoding: gzip",
                "Transfer-Encoding: chunked")
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(_MIB)
    for _ in range(4096):
        data = compressor.compress(zeros)
        if data:
            writer.write(b"%x\r\n%s\r\n" % (len(data), data))
            await writer.drain()
    data = compressor.flush()
    writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))
    await writer.drain()


async def huge_body(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 that announces and sends a 500 MB body."""
    total = 500 * 1000 * 1000
    await _head(writer, "200 OK", "Content-Type: application/json", f"Content-Length: {total}")
    block = b"x" * (256 * 1024)
    await _stream(writer, lambda: block, total)


async def endless_chunked(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 whose chunked body never ends."""
    await _head(writer, "200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked")
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"y" * (64 * 1024))
    while True:
        writer.write(chunk)
        await writer.drain()


async def cut_off_body(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 that announces 1,000 bytes of body and hangs up after ten."""
    await _head(writer, "200 OK", "Content-Type: application/json", "Content-Length: 1000")
    writer.write(b'{"status":')
    await writer.drain()
    writer.transport.abort()


async def drip(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 whose 1,000-byte body comes one byte a second."""
    await _head(writer, "200 OK", "Content-Type: application/json", "Content-Length: 1000")
    for _ in range(1000):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(1.0)


async def slow_headers(writer: asyncio.StreamWriter, head: bytes) -> None:
    """The status line, then the headers one byte a second, forever."""
    writer.write(b"HTTP/1.1 200 OK\r\n")
    await writer.drain()
    while True:
        for byte in b"X-Slow: a\r\n":
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1.0)


async def endless_headers(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 whose header lines never end, as fast as the client reads them."""
    await _head(writer, "200 OK", "Content-Type: application/json", end=False)
    line = b"X-More: " + b"m" * 1000 + b"\r\n"
    while True:
        writer.write(line)
        await writer.drain()


async def early_hints(writer: asyncio.StreamWriter, head: bytes) -> None:
    """`103 Early Hints`, ten a second, and never a final answer."""
    while True:
        await _head(writer, "103 Early Hints", "Link: </style.css>; rel=preload; as=style")
        await asyncio.sleep(0.1)


def _nested_json(depth: int) -> bytes:
    return b'{"message":' * depth + b'"deep"' + b"}" * depth


async def nested_json_200(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 200 whose JSON is nested 5,000 deep (fits in 64 KiB: Python's parser recurses on it)."""
    body = b"[" * 5000 + b"]" * 5000
    await _head(writer, "200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}")
    writer.write(body)
    await writer.drain()


async def nested_json_400(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 400 whose error object is nested 3,000 deep."""
    body = _nested_json(3000)
    await _head(writer, "400 Bad Request", "Content-Type: application/json", f"Content-Length: {len(body)}")
    writer.write(body)
    await writer.drain()


async def retry_after_superscript(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 429 with `Retry-After: ²` ("²".isdigit() is true; float("²") raises)."""
    body = b'{"message": "slow down"}'
    await _head(writer, "429 Too Many Requests", "Content-Type: application/json", "Retry-After: \xb2",
                f"Content-Length: {len(body)}")
    writer.write(body)
    await writer.drain()


async def huge_html(writer: asyncio.StreamWriter, head: bytes) -> None:
    """A 502 HTML page of 8 MB made of unclosed tags (what makes naive tag regexes quadratic)."""
    total = 8 * _MIB
    await _head(writer, "502 Bad Gateway", "Content-Type: text/html", f"Content-Length: {total}")
    block = b"<!DOCTYPE html><html><body>" + b"<a " * ((64 * 1024 - 27) // 3)
    await _stream(writer, lambda: block[: 64 * 1024], total)


async def drop_after_receive(writer: asyncio.StreamWriter, head: bytes) -> None:
    """Read the whole request, then close the connection without a word."""
    writer.transport.abort()


MODES: dict[str, Mode] = {mode.__name__: mode for mode in (
    gzip_bomb, huge_body, endless_chunked, cut_off_body, drip, slow_headers, endless_headers, early_hints,
    nested_json_200, nested_json_400, retry_after_superscript, huge_html, drop_after_receive)}


class HostileServer:
    """Serves one mode on 127.0.0.1 from a background thread; `received` counts whole requests."""

    def __init__(self, mode: str, *, answer_delay_s: float | Callable[[bytes], float] = 0.0) -> None:
        """`mode` is one of `MODES`, or "delayed_ok": a plain 200 after `answer_delay_s` seconds (or
        what it returns for each request's head: the kill -9 test)."""
        self.mode = mode
        self._misbehave = _delayed_ok(answer_delay_s) if mode == "delayed_ok" else MODES[mode]
        self.received = 0
        self.heads: collections.deque[bytes] = collections.deque(maxlen=100)  # the newest requests' heads
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._serve, name=f"hostile-{mode}", daemon=True)
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telephony/v1"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the hostile server did not start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            with contextlib.suppress(Exception):
                self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await _read_request(reader):
                self.heads.append(head)
                self.received += 1
                await self._misbehave(writer, head)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # the client hung up (it gave up, as it should)
        except asyncio.CancelledError:
            pass  # the server is stopping
        finally:
            writer.transport.abort()


def _delayed_ok(delay_s: float | Callable[[bytes], float]) -> Mode:
    async def delayed_ok(writer: asyncio.StreamWriter, head: bytes) -> None:
        await asyncio.sleep(delay_s(head) if callable(delay_s) else delay_s)
        body = b'{"status": "Success"}'
        await _head(writer, "200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}")
        writer.write(body)
        await writer.drain()

    return delayed_ok


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    """Read one request (head and body); its head, or b"" when the client closed the connection first."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return b""
    if len(head) > _MAX_HEAD_BYTES:
        raise ValueError("request head too large")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length > _MAX_BODY_BYTES:
        raise ValueError("request body too large")
    await reader.readexactly(length)
    return head
