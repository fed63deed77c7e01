"""`transfer-panel simulator`: the simulator as a process, for trainers, demos and benchmarks."""

import ipaddress
import queue
import sys
import threading
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from app.core.errors import ConfigError, InputError, Problem
from app.simulator.endpoint import BASE_PATH, ROUTE_METHODS, ROUTE_PATHS
from app.simulator.records import RecordedRequest
from app.simulator.report import summary_line
from app.simulator.scenarios import SCENARIOS, load_plan
from app.simulator.server import Simulator

WARNING = (
    "WARNING: this is the SCRT simulator, a TRAINING/TEST stand-in for Salesforce. It is NOT secure\n"
    "(plain HTTP, no real routing) and must only be used on this computer or a closed training network."
)
NOT_LOOPBACK_WARNING = (
    "WARNING: listening on {host}, which other computers can reach. Anyone who can reach it can see\n"
    "the traffic in clear; use this only on a closed training network."
)


def load_public_key(path: Path) -> RSAPublicKey:
    """The RSA public key in a PEM or DER public key file or X.509 certificate (as registered on the CallCenter)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(Problem.SIMULATOR,
            text=f"Cannot read the public key file {path}: {error.strerror or error}") from None
    if b"PRIVATE KEY" in data:
        # Never echo the file: it is a secret the simulator has no use for.
        raise ConfigError(Problem.SIMULATOR,
            text=f"{path} holds a private key: give the simulator the certificate or public key instead.")
    loaders = (
        lambda: x509.load_pem_x509_certificate(data).public_key(),
        lambda: serialization.load_pem_public_key(data),
        lambda: x509.load_der_x509_certificate(data).public_key(),
        lambda: serialization.load_der_public_key(data),
    )
    for load in loaders:
        try:
            key = load()
        except ValueError:
            continue
        if not isinstance(key, RSAPublicKey):
            raise ConfigError(Problem.SIMULATOR,
                text=f"{path} holds a {type(key).__name__.removeprefix('_')}: SCRT tokens need an RSA key.")
        return key
    raise ConfigError(Problem.SIMULATOR, text=f"{path} is not a PEM or DER X.509 certificate or public key.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


class LiveLog:
    """One line per request on stdout, so a trainer sees every trainee's transfer as it happens.

    Printed by a thread of its own: a terminal that stops reading (a selection in a Windows
    console, Ctrl+S) must not hold up the answers to the trainees.
    """

    def __init__(self) -> None:
        self._lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        threading.Thread(target=self._print_lines, name="simulator-live-log", daemon=True).start()

    def __call__(self, record: RecordedRequest) -> None:
        self._lines.put(summary_line(record))

    def _print_lines(self) -> None:
        while True:
            sys.stdout.write(self._lines.get() + "\n")  # one write per line: lines never interleave
            sys.stdout.flush()


def run(*, port: int, host: str, public_key_path: Path, org_id: str, call_center: str, route_shape: str,
        plan_path: Path | None = None) -> int:
    """Serve until Ctrl+C; returns the exit code (0)."""
    key = load_public_key(public_key_path)
    plan = load_plan(plan_path) if plan_path is not None else None
    try:
        simulator = Simulator(public_keys=[key], org_id=org_id, call_center=call_center, route_shape=route_shape,
                              host=host, port=port)
    except ValueError as error:
        raise InputError(Problem.SIMULATOR, text=str(error)) from None
    if plan is not None:
        plan.apply(simulator)
    simulator.add_listener(LiveLog())
    try:
        simulator.start()
    except OSError as error:
        raise ConfigError(Problem.SIMULATOR,
            text=f"Cannot listen on {host}:{port}: {error.strerror or error}") from None
    print(WARNING, file=sys.stderr)
    if not is_loopback(host):
        print(NOT_LOOPBACK_WARNING.format(host=host), file=sys.stderr)
    print(f"SCRT simulator at {simulator.base_url}", flush=True)
    print(f"Routes with {ROUTE_METHODS[route_shape]} {BASE_PATH}{ROUTE_PATHS[route_shape]}; accepts RS256 "
          f"tokens for org {org_id}, call center {call_center}.", flush=True)
    if plan is not None:
        rules = "".join(f"\n  {rule.label or rule.target_id}: {SCENARIOS[rule.scenario].title}"
                        for rule in plan.targets)
        print(f"Class plan {plan_path}: every target meets {SCENARIOS[plan.every_target].title}{rules}", flush=True)
    print("Each request is shown below as it arrives. Press Ctrl+C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)  # unlike a lock wait, sleep is interrupted by Ctrl+C on Windows too
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        simulator.stop()
    return 0
