"""A config file that is damaged, hostile or not a file at all (issue 12, item 9) loads or is a
ConfigError with its message (exit 3), never a traceback or a hang; what loads can be sent."""

import os
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.config_files import load_config
from app.core.errors import ConfigError
from app.core.routing.wire import route_method_and_path
from app.messages import describe
from tests.conftest import CALL_CENTER, ORG_ID
from tests.reliability.processes import run_cli

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

VALID_CONFIG = (f'[profiles.emea]\nbase_url = "https://acme.my.salesforce-scrt.com/telephony/v1"\n'
                f'org_id = "{ORG_ID}"\ncall_center = "{CALL_CENTER}"\nprovider_name = "Acme"\ntimeout_s = 10\n')
toml_pieces = st.sampled_from(["[", "]", "{", "}", "=", '"', "'", "\n", ",", ".", "profiles", "emea", "base_url",
                               "org_id", "timeout_s", "locked", "true", "1e999", "-0", "\\u0000", "\x00", "\t",
                               "https://", ":99999", "\u202e", "é", "[[", "]]", '"""', "#"])
configs = st.one_of(
    st.lists(toml_pieces, max_size=60).map("".join),
    st.tuples(st.integers(0, len(VALID_CONFIG)), st.lists(toml_pieces, max_size=8).map("".join)).map(
        lambda cut: VALID_CONFIG[: cut[0]] + cut[1] + VALID_CONFIG[cut[0]:]),
    st.text(max_size=300).map(lambda value: VALID_CONFIG.replace("Acme", value.replace("\\", "\\\\")
                                                                 .replace('"', '\\"'))),
    st.text(max_size=300).map(lambda value: VALID_CONFIG.replace("acme.my.salesforce-scrt.com", value)),
    st.binary(max_size=500),
)


@FUZZ
@given(content=configs)
@example(content=VALID_CONFIG.replace("acme.my.salesforce-scrt.com", "["))  # urlsplit raises on it
def test_a_config_file_loads_or_is_a_config_error_and_what_loads_can_be_sent(content, tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    try:
        config = load_config(path)
    except ConfigError as error:
        assert describe(error)  # the message itself can be made
        return
    for profile in config.profiles.values():  # what passed the checks can be put on the wire
        method, route = route_method_and_path(profile.route_shape, "0LQ5g00000ABCDE")
        headers = {"Telephony-Provider-Name": profile.provider_name} if profile.provider_name else {}
        httpx.Request(method, profile.base_url + route, headers=headers)


@pytest.mark.parametrize("kind", ["device", "fifo", "nested arrays", "nested tables", "binary", "huge"])
def test_a_config_path_that_is_not_a_config_file_is_exit_3_with_the_reason(kind, tmp_path):
    path = tmp_path / "config.toml"
    expected = {"device": "not a regular file", "fifo": "not a regular file", "nested arrays": "too deeply",
                "nested tables": "too deeply", "binary": "not UTF-8", "huge": "KiB: that is not a config file"}[kind]
    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "nested arrays":
        path.write_text("a = " + "[" * 100_000 + "]" * 100_000)
    elif kind == "nested tables":
        path.write_text("a = " + "{b = " * 50_000 + "1" + "}" * 50_000)
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe" + os.urandom(1000))
    else:
        path.write_bytes(b"# " + b"x" * (2 * 1024 * 1024))
    run = run_cli("--config", str(path), "profiles", "check", timeout_s=15)
    assert run.returncode == 3 and "Traceback" not in run.stderr
    assert expected in run.stderr, run.stderr
