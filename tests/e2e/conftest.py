"""The CLI run as a real process, and a profile whose key lives in the real OS keyring."""

import os
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
