"""No plaintext keyring, ever (issue 12, item 14), with keyrings.alt really installed (the test
extras bring it): its file keyrings are refused with exit 3 and nothing is written where they
keep their files, whether named in PYTHON_KEYRING_BACKEND or picked by keyring itself; next to a
real keyring they are left out, not chained behind it. An encrypted key with no terminal and no
--passphrase-env ends with a clear message and exit 3."""

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import require_real_keyring
from tests.e2e.conftest import encrypted_pem
from tests.reliability.processes import run_cli, write_profile


@pytest.fixture
def key_file(tmp_path, rsa_key):
    path = tmp_path / "key.pem"
    path.write_bytes(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return path


def _alt_keyring_files() -> list[Path]:
    """What keyrings.alt's file keyrings would have written (they keep them under XDG_DATA_HOME)."""
    folder = Path(os.environ["XDG_DATA_HOME"]) / "python_keyring"
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("backend", ["keyrings.alt.file.PlaintextKeyring", "keyrings.alt.file.EncryptedKeyring"])
def test_a_file_keyring_named_in_the_environment_is_refused(backend, tmp_path, key_file):
    config = write_profile(tmp_path / "config.toml", "emea", "https://acme.my.salesforce-scrt.com/telephony/v1")
    stored = run_cli("--config", str(config), "credentials", "set", "--profile", "emea", "--key-file", str(key_file),
                     env={"PYTHON_KEYRING_BACKEND": backend})
    assert stored.returncode == 3 and "Traceback" not in stored.stderr
    assert "keys are never stored in plain files" in stored.stderr
    assert _alt_keyring_files() == []


def test_the_plaintext_keyring_keyring_picks_without_d_bus_is_refused(tmp_path, key_file):
    config = write_profile(tmp_path / "config.toml", "emea", "https://acme.my.salesforce-scrt.com/telephony/v1")
    stored = run_cli("--config", str(config), "credentials", "set", "--profile", "emea", "--key-file", str(key_file),
                     env={"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"})
    assert stored.returncode == 3 and "PlaintextKeyring is not the operating system's own store" in stored.stderr
    assert _alt_keyring_files() == []


def test_next_to_the_real_keyring_the_file_keyrings_are_left_out_not_chained(tmp_path, key_file):
    """With more than one usable backend keyring chains them all, the plaintext file included: the
    panel refused the whole chain (no key could be stored at all), and a chain would let a write the
    real keyring refuses fall through to the file."""
    require_real_keyring()
    from app.core.secrets import SecretStore

    store = SecretStore()
    assert store.available and store.backend_name() == "SecretService Keyring"
    config = write_profile(tmp_path / "config.toml", "rest-chain", "https://acme.my.salesforce-scrt.com/telephony/v1")
    try:
        stored = run_cli("--config", str(config), "credentials", "set", "--profile", "rest-chain", "--key-file",
                         str(key_file))
        assert stored.returncode == 0 and "in SecretService Keyring" in stored.stdout, stored.stderr
    finally:
        run_cli("--config", str(config), "credentials", "delete", "--profile", "rest-chain")
    assert _alt_keyring_files() == []


def test_an_encrypted_key_without_a_terminal_or_passphrase_env_is_a_clear_exit_3(tmp_path, rsa_key):
    config = write_profile(tmp_path / "config.toml", "emea", "https://acme.my.salesforce-scrt.com/telephony/v1")
    pem = encrypted_pem(rsa_key)
    key_file = tmp_path / "encrypted.pem"
    key_file.write_text(pem)
    base = ("--config", str(config), "credentials", "set", "--profile", "emea")
    for stored in (run_cli(*base, "--key-file", str(key_file)), run_cli(*base, stdin=pem.encode())):
        assert stored.returncode == 3 and "Traceback" not in stored.stderr
        assert "The key is protected by a passphrase: pass it with --passphrase-env VAR." in stored.stderr
