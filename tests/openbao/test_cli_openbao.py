"""The CLI with a profile that signs through a real OpenBao: sign in, route, sign out, and no key
material anywhere on the machine afterwards (HOME, the XDG dirs, the keyring)."""

import base64
import json
import os
import subprocess
import sys
import uuid

import pytest
from cryptography.hazmat.primitives import serialization

from app.core.secrets import SERVICE
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE
from tests.keyrings import secret_tool, stored_usernames
from tests.openbao.conftest import KEY_NAME, PASSWORD, USER, forget_token, stored_token


@pytest.fixture
def machine(tmp_path, bao, simulator, keyring_store):
    """A rep's PC: its own HOME and XDG dirs, a config with one OpenBao profile, nothing else."""
    name = f"cli-bao-{uuid.uuid4().hex[:8]}"
    home = tmp_path / "home"
    env = {"HOME": str(home), "TEST_PASSWORD": PASSWORD, "TRANSFER_PANEL_CONFIG": str(home / "config.toml")}
    env |= {var: str(home / var.lower()) for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                                                      "XDG_CACHE_HOME")}
    home.mkdir()
    (home / "config.toml").write_text(
        f'[profiles.{name}]\nbase_url = "{simulator.base_url}"\norg_id = "{ORG_ID}"\ncall_center = "{CALL_CENTER}"\n'
        f'signing = "openbao"\nopenbao_url = "{bao.address}"\nopenbao_key = "{KEY_NAME}"\nopenbao_auth = "userpass"\n',
        encoding="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=60,
                              env={**os.environ, **env})

    yield name, home, cli
    forget_token(keyring_store, name)


def route(cli, name, call_id="0LQ5g00000CLIBA"):
    return cli("route", "--profile", name, "--call-id", call_id, "--target", QUEUE, "--json")


def test_sign_in_route_sign_out_from_the_command_line(machine, simulator):
    name, _, cli = machine
    login = cli("credentials", "login", "--profile", name, "--username", USER, "--password-env", "TEST_PASSWORD")
    assert login.returncode == 0, login.stderr
    assert f"Signed in to OpenBao as {USER}, until " in login.stdout

    routed = route(cli, name)
    assert routed.returncode == 0, routed.stderr
    assert '"status": "accepted"' in routed.stdout and simulator.requests[-1].status == 200

    checked = cli("profiles", "check")
    assert checked.returncode == 0 and "none needed: OpenBao signs" in checked.stdout

    logout = cli("credentials", "logout", "--profile", name)
    assert logout.returncode == 0 and "Signed out: the OpenBao token is revoked." in logout.stdout
    refused = route(cli, name, "0LQ5g00000CLIBB")  # another call: the first one's was accepted
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["cause"] == "openbao.not_signed_in"
    assert "Not signed in to OpenBao" in refused.stdout and f"credentials login --profile {name}" in refused.stdout
    assert len(simulator.requests) == 1  # nothing sent without a sign-in


def test_login_and_logout_refuse_a_profile_that_signs_with_a_key(machine, tmp_path):
    name, home, cli = machine
    config = home / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('signing = "openbao"', 'signing = "keyring"'),
                      encoding="utf-8")
    for action in ("login", "logout"):
        refused = cli("credentials", action, "--profile", name)
        assert refused.returncode == 2 and "signs with a key in the keyring" in refused.stderr


def test_no_private_key_material_on_the_machine_after_an_openbao_transfer(machine, rsa_key, keyring_store):
    name, home, cli = machine
    assert cli("credentials", "login", "--profile", name, "--username", USER,
               "--password-env", "TEST_PASSWORD").returncode == 0
    assert route(cli, name).returncode == 0
    token = stored_token(keyring_store, name)
    assert token

    der = rsa_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    exponent_hex = format(rsa_key.private_numbers().d, "x")[:64]  # part of the private exponent
    needles = [b"PRIVATE KEY", der[40:104], base64.b64encode(der)[60:124], exponent_hex.encode(), token.encode()]
    scanned = 0
    for path in home.rglob("*"):
        if path.is_file():
            scanned += 1
            content = path.read_bytes()
            for needle in needles:
                assert needle not in content, f"{path} holds key material or the token"
    assert scanned >= 2 and any(path.name == "transfer-panel.log" for path in home.rglob("*"))  # config, log

    # The keyring holds this profile's token and nothing else; no entry of the panel holds key material.
    ours = {entry for entry in stored_usernames(SERVICE) if entry.startswith(f"{name}/")}
    assert ours == {f"{name}/secret/openbao-token"}
    values, _ = secret_tool("search", "--all", "--unlock", "service", SERVICE)
    for needle in needles[:4]:
        assert needle.decode("latin-1") not in values


def test_self_test_checks_the_openbao_sign_in_policy_and_a_test_signature(machine):
    name, _, cli = machine
    before = cli("self-test", "--profile", name)
    assert before.returncode == 1 and "FAIL OpenBao signing: Not signed in to OpenBao" in before.stdout
    assert cli("credentials", "login", "--profile", name, "--username", USER,
               "--password-env", "TEST_PASSWORD").returncode == 0
    after = cli("self-test", "--profile", name)
    assert after.returncode == 0, after.stdout + after.stderr
    assert (f"ok   OpenBao signing: Signed in to OpenBao as {USER}, until " in after.stdout
            and f"transit/sign/{KEY_NAME} signed a test token that verifies" in after.stdout)
