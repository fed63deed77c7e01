"""The CLI run as a real process, a profile whose key lives in the real OS keyring, and a private
X server (Xvfb) for the panel driven by a real keyboard (xdotool)."""

import os
import shutil
import subprocess
import sys
import uuid

import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import CALL_CENTER, ORG_ID, require_real_keyring

PASSPHRASE = "correct horse ✓ battery"


def cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def keyring_profile(tmp_path, simulator):
    """A profile on the real keyring pointing at the simulator; its key is removed afterwards."""
    require_real_keyring()
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.{name}]\nbase_url = "{simulator.base_url}"\norg_id = "{ORG_ID}"\n'
        f'call_center = "{CALL_CENTER}"\nprovider_name = "E2E"\n', encoding="utf-8")
    yield name, config
    cli("--config", str(config), "credentials", "delete", "--profile", name)


def encrypted_pem(rsa_key) -> str:
    return rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    ).decode()


XVFB_REQUIRED_ENV = "TRANSFER_PANEL_REQUIRE_XVFB"  # CI installs Xvfb and xdotool and sets it: no skip there


def require_tools(*tools: str, required_by: str = XVFB_REQUIRED_ENV) -> None:
    """Skip when one of `tools` is not installed, unless `required_by` is set to 1 (then fail)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"{' and '.join(missing)} not installed"
        if os.environ.get(required_by) == "1":
            pytest.fail(f"{message}, and {required_by}=1 requires them")
        pytest.skip(message)


@pytest.fixture
def xvfb_display():
    """A private Xvfb display with the issue's 1366×768 laptop screen; its name (":N")."""
    require_tools("Xvfb", "xdotool")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()  # Xvfb writes it once it accepts connections
    try:
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)
