"""Shared fixtures: isolated user dirs, a test RSA key, the simulator and profiles pointing at it."""

import asyncio
import contextlib
import re
import signal
import subprocess
import sys
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.ids import checksum_suffix
from app.core.profile import Profile
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.rsa_key import RsaKeySigner

ORG_ID = "00D5g00000TEST1" + checksum_suffix("00D5g00000TEST1")
CALL_CENTER = "TestCallCenter"
AGENT = "005000000000001" + checksum_suffix("005000000000001")
QUEUE = "00G000000000001" + checksum_suffix("00G000000000001")
FALLBACK = "00G000000000002" + checksum_suffix("00G000000000002")
FLOW = "300SG000015iJ38YAE"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path, monkeypatch):
    """No test reads or writes the real user's config, journal, cache or log."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    monkeypatch.delenv("TRANSFER_PANEL_CONFIG", raising=False)
    # and no site-wide file IT may have put on this machine
    monkeypatch.setenv("TRANSFER_PANEL_SITE_CONFIG", str(tmp_path / "xdg" / "site" / "config.toml"))


@pytest.fixture(autouse=True)
def own_panel_instance(monkeypatch):
    """No test hands a call to a panel the developer has open, nor takes its place: each test (and
    every process it starts) has a hand-over socket name of its own (app/ui/shell/single_instance.py)."""
    monkeypatch.setenv("TRANSFER_PANEL_INSTANCE", f"tp-test-{uuid.uuid4().hex[:8]}")


# Python turns SIGINT into KeyboardInterrupt only when it starts with SIGINT not ignored; a shell
# starts a background job (`pytest &`) with SIGINT ignored, and its children inherit that. A child
# that a test stops with Ctrl+C restores Python's handler first.
WITH_CTRL_C = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "


def python_with_ctrl_c(*args: str) -> list[str]:
    """The command line of `python -m app ARGS` that Ctrl+C stops, even when this test run ignores it."""
    return [sys.executable, "-c", WITH_CTRL_C + "import runpy; runpy.run_module('app', run_name='__main__')", *args]


def stop_with_ctrl_c(process: subprocess.Popen, timeout_s: float = 10) -> tuple[str, str]:
    """Press Ctrl+C (SIGINT) for a child process; its output. A child that does not stop is killed
    (never left running) and the test fails."""
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"the process did not stop on Ctrl+C within {timeout_s:g} s: killed")


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def simulator(rsa_key):
    from app.simulator.server import Simulator

    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER) as sim:
        yield sim


def make_profile(base_url: str, **overrides) -> Profile:
    values = dict(name="test", base_url=base_url, org_id=ORG_ID, call_center=CALL_CENTER,
                  provider_name="Test Telephony", timeout_s=5.0)
    values.update(overrides)
    return Profile(**values)


def minter_for(key, issuer: str = ORG_ID, subject: str = CALL_CENTER, **spec) -> TokenMinter:
    """SCRT tokens signed with `key` (a fresh minter: a client closes the one it is given)."""
    return TokenMinter(RsaKeySigner(lambda: key), TokenSpec(issuer=issuer, subject=subject, **spec))


def signed_token(key, issuer: str = ORG_ID, subject: str = CALL_CENTER, **spec) -> str:
    """One token, minted outside any event loop (for tests that talk to the simulator directly)."""
    return asyncio.run(minter_for(key, issuer, subject, **spec).mint()).token


@pytest.fixture
def new_minter(rsa_key):
    """`new_minter()`: a fresh minter of tokens the `simulator` fixture accepts."""
    return lambda: minter_for(rsa_key)


@pytest.fixture
def run():
    """Run coroutines on one event loop for the whole test (a RouteClient lives on one loop)."""
    with asyncio.Runner() as runner:
        yield runner.run


def require_real_keyring() -> None:
    """Skip unless the OS keyring is a real one; in CI (TRANSFER_PANEL_REQUIRE_KEYRING=1) fail instead."""
    import os

    from app.core.secrets import SecretStore

    store = SecretStore()
    if store.available:
        return
    reason = f"no real OS keyring here (keyring chose {store.backend_name()})"
    if os.environ.get("TRANSFER_PANEL_REQUIRE_KEYRING") == "1":
        pytest.fail(f"{reason}, but TRANSFER_PANEL_REQUIRE_KEYRING=1 requires one")
    pytest.skip(reason)


def text(error) -> str:
    """An error as the command line words it (the window's words differ only in how fixes are named)."""
    from app.messages import describe

    return describe(error)


@contextlib.contextmanager
def raises(kind, match: str | None = None):
    """`pytest.raises` for the panel's errors: `match` is searched in the words made of the error's
    code and parameters (`app.messages.describe`), not in `str(error)`."""
    with pytest.raises(kind) as raised:
        yield raised
    if match is not None:
        words = text(raised.value)
        assert re.search(match, words), f"{match!r} not in {words!r}"
