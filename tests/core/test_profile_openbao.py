"""The profile keys of signing through OpenBao / Vault Transit."""

import pytest

from app.core.config_files import load_config
from app.core.errors import ConfigError, Problem
from app.core.profile import OpenBaoAuth, SigningMethod
from tests.conftest import raises

BASE = """
[profiles.emea]
base_url = "https://acme.my.salesforce-scrt.com/telephony/v1"
org_id = "00D5g00000DEMO1"
call_center = "HVCC"
"""
OPENBAO = BASE + """signing = "openbao"
openbao_url = "https://openbao.example.com:8200/"
openbao_key = "scrt-hvcc"
openbao_role = "reps"
"""


def load(tmp_path, text, site=""):
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    (tmp_path / "site.toml").write_text(site, encoding="utf-8")
    return load_config(tmp_path / "config.toml", tmp_path / "site.toml")


def test_keyring_signing_is_the_default(tmp_path):
    profile = load(tmp_path, BASE).profile("emea")
    assert (profile.signing, profile.openbao_transit_mount, profile.openbao_auth) == (
        SigningMethod.KEYRING, "transit", OpenBaoAuth.OIDC)


def test_an_openbao_profile_loads_and_normalises(tmp_path):
    profile = load(tmp_path, OPENBAO + 'openbao_namespace = "emea/cc"\nopenbao_auth = "userpass"\n').profile("emea")
    assert (profile.signing, profile.openbao_url, profile.openbao_key, profile.openbao_namespace) == (
        "openbao", "https://openbao.example.com:8200", "scrt-hvcc", "emea/cc")
    assert profile.signing is SigningMethod.OPENBAO and profile.openbao_auth is OpenBaoAuth.USERPASS


@pytest.mark.parametrize(("lines", "expected"), [
    ('signing = "vault"', "signing = 'vault': must be one of keyring, openbao"),
    ('signing = "openbao"', "openbao_url is missing: the OpenBao or Vault address, e.g. "
                            "https://openbao.example.com:8200 \\(signing = \"openbao\" needs it\\)"),
    ('signing = "openbao"', "openbao_key is missing: the name of the Transit key"),
    ('signing = "openbao"', "openbao_role is missing: the oidc role IT set up for the panel \\(openbao_auth = "
                            "\"oidc\" needs it\\)"),
    ('signing = "openbao"\nopenbao_auth = "cert"', "openbao_role is missing: the cert role"),
    ('signing = "openbao"\nopenbao_url = "https://bao.example.com:99999"', "openbao_url = .* has a port that does "
                                                                         "not exist"),
    ('signing = "openbao"\nopenbao_url = "http://openbao.example.com"', "must use https://"),
    ('openbao_auth = "ldap"', "must be one of oidc, userpass, approle, cert, token"),
    ('openbao_key = "a/b"', "must be an OpenBao name"),
    ('openbao_transit_mount = ""', "must be an OpenBao name"),
    ('openbao_namespace = "/root"', "must be a namespace path"),
])
def test_each_bad_openbao_key_names_the_key_and_the_fix(tmp_path, lines, expected):
    with raises(ConfigError, match=expected):
        load(tmp_path, BASE + lines + "\n")


def test_the_problems_are_codes_with_the_key():
    from app.core.profile import parse_profile

    _, problems = parse_profile("emea", {"base_url": "https://acme.my.salesforce-scrt.com/telephony/v1",
                                         "org_id": "00D5g00000DEMO1", "call_center": "HVCC", "signing": "openbao",
                                         "openbao_url": "https://bao.example", "openbao_key": "k",
                                         "openbao_namespace": "/root"})
    assert [(problem.code, problem.params["key"]) for problem in problems] == [
        (Problem.VALUE_NOT_NAMESPACE, "openbao_namespace"), (Problem.PROFILE_NEEDS_KEY, "openbao_role")]


def test_userpass_and_token_need_no_role(tmp_path):
    for auth in ("userpass", "token"):
        text = OPENBAO.replace('openbao_role = "reps"\n', f'openbao_auth = "{auth}"\n')
        assert load(tmp_path, text).profile("emea").openbao_auth == auth


def test_it_can_lock_the_openbao_keys(tmp_path):
    site = ('[profiles.emea]\nsigning = "openbao"\nopenbao_url = "https://bao.corp"\n'
            'locked = ["signing", "openbao_url"]\n')
    config = load(tmp_path, OPENBAO.replace("https://openbao.example.com:8200/", "https://elsewhere.example"), site)
    profile = config.profile("emea")
    assert (profile.signing, profile.openbao_url) == ("openbao", "https://bao.corp")
    assert config.is_locked("emea", "openbao_url")
    assert ("emea", "openbao_url") in config.ignored
