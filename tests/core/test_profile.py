import dataclasses

import pytest

from app.core.config_files import load_config, resolve_config_path, save_profile
from app.core.errors import ConfigError, InputError
from app.core.profile import Profile
from tests.conftest import raises, text

GOOD = """
[profiles.emea]
base_url = "https://acme.my.salesforce-scrt.com/telephony/v1/"
org_id = "00D5g00000DEMO1"
call_center = "HVCC"
provider_name = "Amazon Connect"
route_shape = "connector"
body_format = "xml"
flow_inputs_as = "string"
timeout_s = 8
"""


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_a_full_profile_and_normalises(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    profile = config.profile("emea")
    assert profile.base_url == "https://acme.my.salesforce-scrt.com/telephony/v1"
    assert profile.org_id == "00D5g00000DEMO1EAP"
    assert (profile.route_shape, profile.body_format, profile.flow_inputs_as, profile.timeout_s) == (
        "connector", "xml", "string", 8.0)
    assert config.profile(None) is profile  # the only one is the default


def test_defaults(tmp_path):
    profile = load_config(write(tmp_path, GOOD.split("provider_name")[0])).profile("emea")
    assert (profile.route_shape, profile.body_format, profile.flow_inputs_as, profile.timeout_s) == (
        "seed", "json", "object", 10.0)


def test_missing_file_is_an_empty_config_that_says_what_to_do(tmp_path):
    config = load_config(tmp_path / "absent.toml")
    with raises(ConfigError, match="No profile is configured"):
        config.profile(None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('base_url = "http://acme.my.salesforce-scrt.com/telephony/v1"', "must use https://"),
        ('base_url = "acme.my.salesforce-scrt.com"', "must be a full URL"),
        ('base_url = "https://user:pw@acme.example/x"', "user name or password"),
        ('org_id = "005000000000001"', r"organization ID \(00D…\)"),
        ('org_id = "00D5g00000DEMO1EAQ"', "checksum"),
        ('call_center = "has space"', "API name"),
        ('route_shape = "rest"', "seed, connector"),
        ('body_format = "yaml"', "json, xml"),
        ('flow_inputs_as = "dict"', "object, string"),
        ("timeout_s = 0", "between 1 and 120"),
        ('timeout_s = "10"', "number of seconds"),
        ('timout_s = 5', "unknown key 'timout_s': did you mean 'timeout_s'"),
        ('training = "yes"', "must be true or false"),
    ],
)
def test_each_bad_value_names_the_key_and_the_fix(tmp_path, line, expected):
    key = line.split(" =")[0]
    kept = "\n".join(line for line in GOOD.splitlines() if not line.startswith(key + " "))
    with raises(ConfigError, match=expected) as raised:
        load_config(write(tmp_path, kept + "\n" + line + "\n"))
    assert "[profiles.emea]" in text(raised.value)


def test_plain_http_is_allowed_to_loopback_only(tmp_path):
    for host in ("127.0.0.1:8765", "localhost", "[::1]:9000"):
        text = GOOD.replace("https://acme.my.salesforce-scrt.com", f"http://{host}")
        assert load_config(write(tmp_path, text)).profile("emea").base_url.startswith("http://")


def test_a_training_profile_may_reach_a_classroom_simulator_over_plain_http(tmp_path):
    classroom = GOOD.replace("https://acme.my.salesforce-scrt.com", "http://192.168.10.5:8765")
    with raises(ConfigError, match="training = true"):
        load_config(write(tmp_path, classroom))
    profile = load_config(write(tmp_path, classroom + "training = true\n")).profile("emea")
    assert profile.training and profile.base_url.startswith("http://192.168.10.5:8765")
    by_name = GOOD.replace("https://acme.my.salesforce-scrt.com", "http://trainer-pc:8765")
    assert load_config(write(tmp_path, by_name + "training = true\n")).profile("emea").training


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://acme.my.salesforce-scrt.com/telephony/v1", "is Salesforce"),
        ("http://8.8.8.8:8765/telephony/v1", "is a public address"),
    ],
)
def test_a_training_profile_never_points_at_salesforce_or_the_internet(tmp_path, base_url, expected):
    text = GOOD.replace("https://acme.my.salesforce-scrt.com/telephony/v1/", base_url) + "training = true\n"
    with raises(ConfigError, match=expected):
        load_config(write(tmp_path, text))


def test_all_problems_are_reported_at_once(tmp_path):
    broken = '[profiles.a]\nbase_url = "ftp://x"\n[profiles.b]\norg_id = 5\nextra = 1\n[other]\n'
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, broken))
    message = text(raised.value)
    for fragment in ("[profiles.a] base_url", "[profiles.a] org_id is missing", "[profiles.b] unknown key 'extra'",
                     "[profiles.b] org_id = 5", "unknown top-level key 'other'"):
        assert fragment in message


def test_invalid_toml_is_reported_with_its_position(tmp_path):
    with raises(ConfigError, match="not valid TOML.*line 2"):
        load_config(write(tmp_path, "[profiles.a]\nbase_url = \n"))


def test_choosing_among_several_profiles(tmp_path):
    config = load_config(write(tmp_path, GOOD + GOOD.replace("emea", "amer")))
    with raises(ConfigError, match=r"2 profiles are configured \(amer, emea\)"):
        config.profile(None)
    with raises(ConfigError, match="no profile 'apac'.*amer, emea"):
        config.profile("apac")


def test_save_profile_round_trips_and_keeps_others(tmp_path):
    path = write(tmp_path, GOOD)
    added = Profile("amer", "https://amer.my.salesforce-scrt.com/telephony/v1", "00D5g00000DEMO1EAP", "HVCC_US")
    save_profile(path, added)
    config = load_config(path)
    assert config.profile("amer") == added and "emea" in config.profiles
    with raises(InputError, match="must use https"):
        save_profile(path, Profile("bad", "http://example.com", "00D5g00000DEMO1EAP", "X"))


def test_config_path_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSFER_PANEL_CONFIG", str(tmp_path / "env.toml"))
    assert resolve_config_path(tmp_path / "cli.toml") == tmp_path / "cli.toml"
    assert resolve_config_path(None) == tmp_path / "env.toml"
    monkeypatch.delenv("TRANSFER_PANEL_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert resolve_config_path(None) == tmp_path / "xdg" / "transfer-panel" / "config.toml"


def test_salesforce_directory_keys_load_and_normalise(tmp_path):
    profile = load_config(write(tmp_path, GOOD + """directory_source = "salesforce"
salesforce_login_url = "https://test.salesforce.com/"
salesforce_consumer_key = "3MVG9-consumer"
salesforce_username = "panel@acme.example"
presence_refresh_s = 45
""")).profile("emea")
    assert (profile.directory_source, profile.salesforce_login_url, profile.presence_refresh_s) == (
        "salesforce", "https://test.salesforce.com", 45.0)
    assert profile.salesforce_api_version == "62.0"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('directory_source = "ldap"', "must be one of none, demo, file, salesforce"),
        ('directory_source = "file"', "directory_file is missing"),
        ('directory_source = "salesforce"\nsalesforce_username = "u@x"', "salesforce_consumer_key is missing"),
        ('salesforce_login_url = "http://login.salesforce.com"', "must use https://"),
        ('salesforce_api_version = "v62"', 'such as "62.0"'),
        ("presence_refresh_s = 2", "between 10 and 3600 seconds"),
    ],
)
def test_directory_keys_are_checked_with_the_fix(tmp_path, lines, expected):
    with raises(ConfigError, match=expected.replace("(", r"\(")):
        load_config(write(tmp_path, GOOD + lines + "\n"))


SITE = """
[profiles.emea]
base_url = "https://acme.my.salesforce-scrt.com/telephony/v1"
org_id = "00D5g00000DEMO1"
call_center = "HVCC"
timeout_s = 15
locked = ["base_url", "org_id"]

[profiles.apac]
base_url = "https://acme-apac.my.salesforce-scrt.com/telephony/v1"
org_id = "00D5g00000DEMO1"
call_center = "APAC"
locked = true
"""


def test_it_managed_profiles_merge_with_the_users_and_locked_keys_win(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    user = write(tmp_path, '[profiles.emea]\nbase_url = "https://evil.example/telephony/v1"\ntimeout_s = 30\n'
                           'provider_name = "Amazon Connect"\n\n[profiles.mine]\nbase_url = "https://x.example"\n'
                           'org_id = "00D5g00000DEMO1"\ncall_center = "Mine"\n')
    config = load_config(user, site)
    emea = config.profile("emea")
    assert emea.base_url == "https://acme.my.salesforce-scrt.com/telephony/v1"  # locked: IT's value
    assert (emea.timeout_s, emea.provider_name) == (30.0, "Amazon Connect")  # not locked: the user's
    assert config.profile("apac").call_center == "APAC" and config.profile("mine").call_center == "Mine"
    assert config.is_locked("emea", "base_url") and not config.is_locked("emea", "timeout_s")
    assert config.is_locked("apac", "timeout_s")  # locked = true: every key
    assert config.ignored == (("emea", "base_url"),)


def test_saving_leaves_locked_keys_to_the_site_file(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    user = tmp_path / "user.toml"
    config = load_config(user, site)
    edited = dataclasses.replace(config.profile("emea"), timeout_s=20.0)
    save_profile(user, edited, config.locked["emea"], site)
    assert "base_url" not in user.read_text(encoding="utf-8")
    assert load_config(user, site).profile("emea").timeout_s == 20.0


@pytest.mark.parametrize(("lock", "expected"), [
    ('locked = ["base_urll"]', "locked names unknown keys: base_urll"),
    ('locked = "yes"', "locked must be true or a list of key names"),
])
def test_bad_locks_are_reported_with_the_site_file(tmp_path, lock, expected):
    site = tmp_path / "site.toml"
    site.write_text(GOOD + lock + "\n", encoding="utf-8")
    with raises(ConfigError, match=expected):
        load_config(tmp_path / "none.toml", site)


def test_the_keys_a_profile_uses_follow_its_choices():
    from app.core.profile import KEYS, keys_that_apply

    plain = keys_that_apply(Profile("emea", "https://x.example", "00D5g00000DEMO1EAP", "HVCC"))
    assert "directory_file" not in plain and "salesforce_username" not in plain and "openbao_url" not in plain
    assert {"timeout_s", "contact_id_pattern", "flow_inputs_as", "signing", "directory_source"} <= plain
    rich = keys_that_apply(Profile("emea", "https://x.example", "00D5g00000DEMO1EAP", "HVCC", body_format="xml",
                                   directory_source="salesforce", signing="openbao", openbao_auth="oidc"))
    assert rich == frozenset(KEYS) - {"directory_file", "flow_inputs_as"}
    assert "directory_file" in keys_that_apply(Profile("e", "https://x.example", "00D5g00000DEMO1EAP", "H",
                                                       directory_source="file"))
