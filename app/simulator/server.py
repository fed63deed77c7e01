"""The simulator: a local stand-in for SCRT's Route a Voice Call endpoint, served on loopback by default."""

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from app.simulator.endpoint import BASE_PATH, Endpoint
from app.simulator.faults import Fault, FaultBook
from app.simulator.records import MAX_KEPT_BYTES, RecordedRequest
from app.simulator.salesforce import SalesforceApi
from app.simulator.transport import ScrtServer, ScrtServer6
from app.simulator.verify import SCRT_AUDIENCE, TokenVerifier

log = logging.getLogger("app.simulator")

_STOP_WAIT_S = 2.0


class Simulator:
    """A local stand-in for SCRT's Route a Voice Call endpoint; see DOMAIN.md sections 1-2."""

    def __init__(
        self,
        *,
        public_keys: Sequence[RSAPublicKey],
        org_id: str,
        call_center: str,
        route_shape: str = "seed",
        audience: str = SCRT_AUDIENCE,
        host: str = "127.0.0.1",
        port: int = 0,
        leeway_s: float = 5.0,
        required_provider_name: str | None = None,
        record_limit: int = 10_000,
        record_bytes_limit: int = MAX_KEPT_BYTES,
        salesforce: SalesforceApi | None = None,
    ) -> None:
        """`salesforce`: also answer the directory's REST calls (token, SOQL) on the same port. The
        newest requests are kept, at most `record_limit` of them and about `record_bytes_limit` bytes."""
        verifier = TokenVerifier(public_keys, org_id=org_id, call_center=call_center, audience=audience,
                                 leeway_s=leeway_s)
        self._faults = FaultBook()
        self.salesforce = salesforce
        self._endpoint = Endpoint(verifier, self._faults, route_shape, required_provider_name, salesforce)
        self._address = (host, port)
        self._lock = threading.Lock()
        # Bounded in number and in bytes, so a training simulator left running all week (or sent 1 MB
        # bodies without a token) does not grow without end.
        self._records: deque[RecordedRequest] = deque()
        self._record_limit = record_limit
        self._record_bytes_limit = record_bytes_limit
        self._kept_bytes = 0
        self._listeners: list[Callable[[RecordedRequest], None]] = []
        # Held while listeners run: once remove_listener returns, the listener is not running.
        self._listener_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ScrtServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "Simulator":
        if self._server is not None:
            raise RuntimeError("a Simulator starts once: create a new one to serve again")
        server_class = ScrtServer6 if ":" in self._address[0] else ScrtServer
        self._server = server_class(self._address, self._endpoint, self._record, self._stopping)
        self._thread = threading.Thread(target=self._server.serve_until_woken, name="scrt-simulator", daemon=True)
        self._thread.start()
        if self.salesforce is not None:
            self.salesforce.instance_url = self.base_url.removesuffix(BASE_PATH)
        return self

    def stop(self) -> None:
        """Stop serving, close the listening socket and every open connection; safe to call twice."""
        server, thread = self._server, self._thread
        if server is None or thread is None or self._stopping.is_set():
            return
        self._stopping.set()  # also ends scripted delays early
        server.wake()
        thread.join(_STOP_WAIT_S)
        server.server_close()
        server.close_connections(_STOP_WAIT_S)

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("start the simulator first: its port is chosen when it starts")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        host = self._address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}{BASE_PATH}"

    def script_fault(self, fault: Fault, target: str | None = None, times: int | None = None) -> None:
        """Answer valid requests (to `target`, or to any target) with `fault`, `times` times or until cleared."""
        self._faults.script(fault, target, times)

    def clear_faults(self) -> None:
        self._faults.clear()

    def replace_faults(self, faults: list[tuple[Fault, str | None]]) -> None:
        """Script these (fault, target or None) pairs, until cleared, instead of all faults so far, at once:
        no request meets a half-applied set."""
        self._faults.replace(faults)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def clear_requests(self) -> None:
        with self._lock:
            self._records.clear()
            self._kept_bytes = 0

    def add_listener(self, listener: Callable[[RecordedRequest], None]) -> list[RecordedRequest]:
        """Call `listener` with each request from now on, on the server's thread (a live log); returns
        the requests recorded so far, so each request is either in that list or given to the listener.

        Listeners run before the client gets its answer: they must not block (queue the work).
        """
        with self._listener_lock, self._lock:
            self._listeners.append(listener)
            return list(self._records)

    def remove_listener(self, listener: Callable[[RecordedRequest], None]) -> None:
        """Stop calling `listener`; when this returns, it is not running on any server thread."""
        with self._listener_lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _record(self, request: RecordedRequest) -> None:
        with self._listener_lock:
            with self._lock:
                self._records.append(request)
                self._kept_bytes += request.kept_bytes
                while len(self._records) > 1 and (len(self._records) > self._record_limit
                                                  or self._kept_bytes > self._record_bytes_limit):
                    self._kept_bytes -= self._records.popleft().kept_bytes
            for listener in self._listeners:
                try:
                    listener(request)
                except Exception:  # a broken viewer must not take the simulator down
                    log.exception("a request listener failed")
        status = "dropped" if request.status is None else request.status
        log.info("%s %s from %s shape=%s call=%r target=%s status=%s jti=%s%s%s", request.method, request.path,
                 request.client, request.route_shape, request.call_id, request.target, status, request.jti,
                 f" reason={request.reason!r}" if request.reason else "",
                 f" note={request.note!r}" if request.note else "")
