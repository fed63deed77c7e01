"""The CLI as IT and scripts use it: real processes, real HTTP to the simulator, the real keyring."""

import json

import pytest
from cryptography.hazmat.primitives import serialization

from app.simulator.faults import Fault
from tests.conftest import CALL_CENTER, FLOW, ORG_ID, QUEUE
from tests.e2e.conftest import PASSPHRASE, cli, encrypted_pem


def test_route_demo_needs_nothing_configured():
    result = cli("route", "--demo", "--target", QUEUE, "--label", "Billing (EMEA)", "--json")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "accepted" and outcome["message"] == "Routing requested to Billing (EMEA)"
    assert outcome["call_id"].startswith("0LQ") and outcome["http_status"] == 200


def test_route_demo_flow_with_fallback_and_inputs_in_plain_text():
    result = cli("route", "--demo", "--call-id", "vendor/contact?1", "--target", FLOW, "--fallback-queue", QUEUE,
                 "--flow-input", "Reason=billing", "--flow-input", "Lang=fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Routing requested to 300SG000015iJ38YAE · ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "301000000000001"], "flow version ID"),
        (["--target", QUEUE, "--fallback-queue", QUEUE], "fallback queue applies only"),
        (["--target", FLOW, "--flow-input", "novalue"], "must be KEY=VALUE"),
        (["--target", QUEUE, "--call-id", "a\tb"], "control character"),
    ],
)
def test_input_errors_exit_2_with_the_reason(args, expected):
    result = cli("route", "--demo", *args)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr


def test_a_config_option_without_its_path_says_so():
    result = cli("--config")
    assert result.returncode == 2 and "argument --config: expected one argument" in result.stderr


def test_a_missing_profile_is_a_configuration_error(tmp_path):
    result = cli("--config", str(tmp_path / "none.toml"), "route", "--call-id", "c", "--target", QUEUE)
    assert result.returncode == 3 and "No profile is configured" in result.stderr


def test_profiles_check_lists_every_problem(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[profiles.x]\nbase_url = "http://example.com"\norg_id = "00D"\ncall_center = "A"\n')
    result = cli("--config", str(config), "profiles", "check")
    assert result.returncode == 3
    assert "line 2: [profiles.x] base_url" in result.stderr and "line 3: [profiles.x] org_id" in result.stderr


def test_credentials_routes_and_no_secret_in_any_file_the_app_wrote(tmp_path, rsa_key, simulator, keyring_profile):
    name, config = keyring_profile
    pem = encrypted_pem(rsa_key)
    base = ["--config", str(config)]
    env = {"KEY_PASSPHRASE": PASSPHRASE}

    stored = cli(*base, "credentials", "set", "--profile", name, "--passphrase-env", "KEY_PASSPHRASE",
                 stdin=pem, env=env)
    assert stored.returncode == 0, stored.stderr
    assert "Stored the 2048-bit RSA key" in stored.stdout

    checked = cli(*base, "credentials", "check", "--profile", name)
    assert checked.returncode == 0, checked.stderr
    assert f"iss: {ORG_ID}" in checked.stdout and f"sub: {CALL_CENTER}" in checked.stdout

    accepted = cli(*base, "-v", "route", "--profile", name, "--call-id", "0LQ5g00000ABCDE", "--target", QUEUE, "--json")
    assert accepted.returncode == 0, accepted.stderr
    token_seen = simulator.requests[-1].claims["jti"]
    assert json.loads(accepted.stdout)["jti"] == token_seen

    simulator.script_fault(Fault(status=400, message="No such queue"))
    rejected = cli(*base, "-v", "route", "--profile", name, "--call-id", "c-2", "--target", QUEUE)
    assert rejected.returncode == 4 and "No such queue" in rejected.stderr
    simulator.script_fault(Fault(drop=True))
    unknown = cli(*base, "route", "--profile", name, "--call-id", "c-3", "--target", QUEUE)
    assert unknown.returncode == 6 and "may already be routing" in unknown.stderr

    wrong = cli(*base, "credentials", "set", "--profile", name, "--passphrase-env", "KEY_PASSPHRASE", stdin=pem,
                env={"KEY_PASSPHRASE": "not it"})
    assert wrong.returncode == 3 and "passphrase is wrong" in wrong.stderr

    # The secret scan: every file under the isolated user dirs and the config dir.
    key_body = "".join(pem.splitlines()[1:-1])[:64]
    written = [p for p in (tmp_path / "xdg").rglob("*") if p.is_file()] + [config]
    assert any(p.name == "journal.sqlite3" for p in written) and any(p.suffix == ".log" for p in written)
    outputs = [stored, checked, accepted, rejected, unknown, wrong]
    texts = [p.read_bytes().decode("utf-8", "replace") for p in written]
    texts += [r.stdout + r.stderr for r in outputs]
    for text in texts:
        assert key_body not in text and "PRIVATE KEY" not in text
        assert PASSPHRASE not in text
        assert "eyJ" not in text  # no JWT (header and claims both start with base64 of '{"')


def test_credentials_set_refuses_what_is_not_an_rsa_key(tmp_path, keyring_profile):
    name, config = keyring_profile
    not_a_key = tmp_path / "cert.pem"
    not_a_key.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    result = cli("--config", str(config), "credentials", "set", "--profile", name, "--key-file", str(not_a_key))
    assert result.returncode == 3 and "not a PEM private key" in result.stderr


def test_the_salesforce_api_key_is_kept_apart_from_the_routing_key(tmp_path, rsa_key, keyring_profile):
    name, config = keyring_profile
    with config.open("a", encoding="utf-8") as file:
        file.write('directory_source = "salesforce"\nsalesforce_consumer_key = "3MVG9.e2e"\n'
                   'salesforce_username = "panel@acme.example"\n')
    key_file = tmp_path / "api.pem"
    key_file.write_bytes(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    base = ("--config", str(config), "credentials")
    try:
        stored = cli(*base, "set", "--profile", name, "--purpose", "salesforce-api", "--key-file", str(key_file))
        assert stored.returncode == 0 and "(salesforce-api)" in stored.stdout, stored.stderr
        checked = cli(*base, "check", "--profile", name, "--purpose", "salesforce-api")
        assert checked.returncode == 0, checked.stderr
        assert "iss: 3MVG9.e2e" in checked.stdout and "aud: https://login.salesforce.com" in checked.stdout
        routing = cli(*base, "check", "--profile", name)  # no routing key was stored
        assert routing.returncode == 3 and "No private key is stored" in routing.stderr
        wrong = cli(*base, "check", "--profile", name, "--purpose", "ldap")
        assert wrong.returncode == 2 and "not a key purpose: use scrt or salesforce-api" in wrong.stderr
    finally:
        cli(*base, "delete", "--profile", name, "--purpose", "salesforce-api")


def test_profiles_add_writes_a_checked_profile_for_scripts(tmp_path):
    config = tmp_path / "config.toml"
    base = ("--config", str(config), "profiles", "add", "emea", "--base-url",
            "https://acme.my.salesforce-scrt.com/telephony/v1/", "--org-id", ORG_ID[:15], "--call-center", CALL_CENTER)
    added = cli(*base, "--set", "timeout_s=15", "--set", 'provider_name="Amazon Connect"')
    assert added.returncode == 0, added.stderr
    shown = cli("--config", str(config), "profiles", "show", "emea")
    import tomllib

    table = tomllib.loads(shown.stdout)["profiles"]["emea"]  # `show` prints valid TOML
    assert table["timeout_s"] == 15.0 and table["provider_name"] == "Amazon Connect" and table["training"] is False
    assert table["base_url"] == "https://acme.my.salesforce-scrt.com/telephony/v1"
    again = cli(*base)
    assert again.returncode == 2 and "already in" in again.stderr and "--replace" in again.stderr
    bad = cli(*base, "--replace", "--set", "timout_s=3", "--set", 'provider_name="Telefónica"')
    assert bad.returncode == 2 and "did you mean 'timeout_s'" in bad.stderr and "plain ASCII" in bad.stderr
    assert cli(*base, "--replace", "--set", "timeout_s").returncode == 2  # not KEY=VALUE: said, nothing written
    assert tomllib.loads(config.read_text())["profiles"]["emea"]["timeout_s"] == 15.0


def test_profiles_check_with_no_config_says_where_it_looked(tmp_path):
    result = cli("--config", str(tmp_path / "none.toml"), "profiles", "check")
    assert result.returncode == 3 and str(tmp_path / "none.toml") in result.stderr
    assert "profiles add NAME" in result.stderr


def test_every_command_handler_is_in_a_module_the_frozen_build_bundles():
    """Handlers are imported by name when their command runs: PyInstaller cannot see them, so the
    spec bundles HANDLER_MODULES, which must name every one."""
    import argparse
    import importlib

    from app.cli.parser import HANDLER_MODULES, build_parser

    def handlers(parser):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from handlers(sub)
        if "handler" in parser._defaults:
            yield parser._defaults["handler"]

    found = set(handlers(build_parser()))
    assert len(found) >= 10 and {name.partition(":")[0] for name in found} == set(HANDLER_MODULES)
    for name in found:  # and each resolves
        module, _, function = name.partition(":")
        assert callable(getattr(importlib.import_module(module), function))
