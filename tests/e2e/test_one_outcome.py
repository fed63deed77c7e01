"""Every transfer that is attempted ends in one outcome and one journal row, whatever is raised;
what can never be sent is refused before, with the key and the fix; the CLI has the window's
double-send guard. Through the command line (real processes, and `main()` in process where a
bug has to be planted) and through the desk both front ends use."""

import json

import pytest

from app.compose import open_desk
from app.core.journal import Journal, RowState
from app.core.routing.outcome import Cause, OutcomeStatus
from app.core.routing.request import RouteRequest
from app.main import main
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE, make_profile
from tests.e2e.conftest import cli


def config_with(tmp_path, line: str):
    """A profile with one line replaced or added (a base_url line replaces the good one)."""
    base_url = 'base_url = "https://acme.my.salesforce-scrt.com/telephony/v1"'
    lines = [line if line.startswith("base_url") else base_url, f'org_id = "{ORG_ID}"',
             f'call_center = "{CALL_CENTER}"', "" if line.startswith("base_url") else line]
    config = tmp_path / "config.toml"
    config.write_text("[profiles.emea]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return config


@pytest.mark.parametrize(("line", "key", "fix"), [
    ('provider_name = "Telefónica"', "provider_name", "plain ASCII"),
    ('base_url = "https://acme.my.salesforce-scrt.com:99999/telephony/v1"', "base_url", "port that does not exist"),
    ('base_url = "https://acme.my.salesforce-scrt.com:abc/telephony/v1"', "base_url", "port that does not exist"),
    ('base_url = "https://acme.my.salesforce\tscrt.com/telephony/v1"', "base_url", "no spaces, tabs"),
    ('base_url = "https://acme.my.salesforce-scrt.com/tele phony/v1"', "base_url", "no spaces, tabs"),
    (f'base_url = "https://{"a" * 100_000}.example/v1"', "base_url", "not a host name"),
])
def test_what_can_never_be_sent_is_refused_at_load_with_the_key_and_the_fix(tmp_path, line, key, fix):
    config = config_with(tmp_path, line)
    checked = cli("--config", str(config), "profiles", "check")
    routed = cli("--config", str(config), "route", "--call-id", "0LQ5g00000ABCDE", "--target", QUEUE, "--json")
    assert checked.returncode == 3 and f"[profiles.emea] {key} = " in checked.stderr and fix in checked.stderr
    assert routed.returncode == 3 and json.loads(routed.stdout)["error"] == "config.invalid"
    assert fix in json.loads(routed.stdout)["problems"][0]


def test_a_profile_built_past_the_checks_still_ends_in_one_outcome_and_one_row(run, simulator, new_minter,
                                                                                 tmp_path):
    """The header that cannot be encoded (what used to crash every transfer): one outcome, one row."""
    profile = make_profile(simulator.base_url, provider_name="Telefónica")  # in code: no validation ran
    desk = open_desk(profile, new_minter(), Journal(tmp_path / "journal.sqlite3"))
    outcome = run(desk.transfer(RouteRequest.build("0LQ5g00000ABCDE", QUEUE, target_label="Billing")))
    run(desk.aclose())
    assert outcome.status is OutcomeStatus.INTERNAL_ERROR and outcome.params["error"] == "UnicodeEncodeError"
    assert not outcome.sent and outcome.exit_code == 5 and simulator.requests == []
    (row,) = Journal(tmp_path / "journal.sqlite3").recent()
    assert row.state is RowState.DONE and row.outcome.status is OutcomeStatus.INTERNAL_ERROR


def test_a_bad_port_past_the_checks_is_not_sent_with_one_row(run, new_minter, tmp_path):
    desk = open_desk(make_profile("https://127.0.0.1:99999/telephony/v1"), new_minter(),
                     Journal(tmp_path / "journal.sqlite3"))
    outcome = run(desk.transfer(RouteRequest.build("c-1", QUEUE)))
    run(desk.aclose())
    assert outcome.exit_code in (5, 6) and outcome.exit_code != 1
    assert len(Journal(tmp_path / "journal.sqlite3").recent()) == 1


@pytest.fixture
def bug_in_the_client(monkeypatch):
    """A bug planted where the request is sent: the route raises after its write-ahead row."""
    from app.core.routing.client import RouteClient

    async def broken(self, request, before_send=None):
        await before_send("jti-before-the-bug")
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(RouteClient, "route", broken)


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_any_exception_in_a_cli_route_is_one_outcome_one_row_and_exit_6(bug_in_the_client, capsys, json_flag):
    code = main(["route", "--demo", "--call-id", "0LQ5g00000ABCDE", "--target", QUEUE, "--label", "Billing",
                 *json_flag])
    printed = capsys.readouterr()
    assert code == 6  # it may have left: "outcome unknown", never the unexpected-error exit 1
    (row,) = Journal(_journal_path()).recent()
    assert row.outcome.status is OutcomeStatus.INTERNAL_ERROR and row.jti == "jti-before-the-bug"
    if json_flag:
        (line,) = printed.out.splitlines()  # exactly one JSON object, even for a bug
        assert json.loads(line)["status"] == "internal_error" and json.loads(line)["exit_code"] == 6
    else:
        assert "unexpected error (ZeroDivisionError)" in printed.err and "check the softphone" in printed.err


def _journal_path():
    from app.core.journal import default_journal_path

    return default_journal_path()


def test_the_cli_refuses_a_second_transfer_of_a_routed_call_unless_again():
    from app.core.ids import checksum_suffix

    first = cli("route", "--demo", "--call-id", "0LQ5g00000ABCDE", "--target", QUEUE, "--label", "Billing")
    full_form = "0LQ5g00000ABCDE" + checksum_suffix("0LQ5g00000ABCDE")
    again = cli("route", "--demo", "--call-id", full_form, "--target", QUEUE, "--json")
    assert first.returncode == 0, first.stderr
    refused = json.loads(again.stdout)  # the 18-character form of the same call
    assert again.returncode == 2 and refused["error"] == "transfer.already_routed"
    assert "Routing this call to Billing was already requested at" in refused["message"]
    assert "--again" in refused["message"]
    confirmed = cli("route", "--demo", "--call-id", "0LQ5g00000ABCDE", "--target", QUEUE, "--again")
    assert confirmed.returncode == 0, confirmed.stderr
    rows = Journal(_journal_path()).recent()
    assert [row.outcome.status for row in rows] == [OutcomeStatus.ACCEPTED] * 2  # the refusal sent nothing


def test_json_input_errors_are_one_object_with_every_problem():
    result = cli("route", "--demo", "--call-id", "a\tb", "--target", "301000000000001", "--json")
    (line,) = result.stdout.splitlines()
    refused = json.loads(line)
    assert result.returncode == 2 and refused["status"] == "refused" and refused["exit_code"] == 2
    assert "control character" in refused["message"] and "flow version" in refused["problems"][0]


def test_server_text_cannot_drive_the_terminal(simulator, rsa_key, keyring_profile, tmp_path):
    """A server's reason is printed with its escape sequences neutralised, as text and as JSON."""
    from cryptography.hazmat.primitives import serialization

    from app.simulator.faults import Fault

    name, config = keyring_profile
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    assert cli("--config", str(config), "credentials", "set", "--profile", name, "--key-file", str(key_file)
               ).returncode == 0
    hostile = "closed\x1b[2J\x1b]0;owned\x07 \u202eevil \u009b31m"
    simulator.script_fault(Fault(status=400, message=hostile), times=2)
    plain = cli("--config", str(config), "route", "--profile", name, "--call-id", "c-1", "--target", QUEUE)
    as_json = cli("--config", str(config), "route", "--profile", name, "--call-id", "c-2", "--target", QUEUE,
                  "--json")
    assert plain.returncode == as_json.returncode == 4
    for output in (plain.stderr, as_json.stdout):
        assert not any(char in output for char in "\x1b\x07\u202e\u009b") and "closed" in output
    assert "\\x1b[2J" in plain.stderr  # shown, harmless
    assert json.loads(as_json.stdout)["server_message"].startswith("closed\x1b[2J")  # JSON keeps the data


def test_a_row_left_sending_by_a_killed_panel_is_outcome_unknown_at_the_next_start(tmp_path):
    """What the window does at start (compose._load_history): the row a dead process left."""
    journal = Journal(tmp_path / "j.sqlite3")
    row = journal.begin("emea", RouteRequest.build("0LQ5g00000ABCDE", QUEUE), "jti-1")
    journal._db.execute("UPDATE transfers SET pid = 2147483000 WHERE id = ?", (row,))
    (closed,) = journal.close_interrupted()
    assert closed.outcome.cause is Cause.PANEL_CLOSED and closed.may_have_routed


def test_the_panel_command_refuses_a_call_id_with_a_space_before_anything_starts():
    result = cli("--call-id", "abc def")
    assert result.returncode == 2 and "a contact ID has no spaces" in result.stderr


def test_the_cli_refuses_a_busy_demo_agent_unless_even_if_unavailable():
    busy = "005Hs00000O4AxhIAF"  # Łukasz Wójcik, "On a call" in the demo directory
    refused = cli("route", "--demo", "--call-id", "0LQ5g00000BUSY1", "--target", busy)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Łukasz Wójcik is busy (On a call)" in refused.stderr and "--even-if-unavailable" in refused.stderr
    as_json = json.loads(cli("route", "--demo", "--call-id", "0LQ5g00000BUSY1", "--target", busy, "--json").stdout)
    assert as_json["error"] == "transfer.target_not_available" and as_json["exit_code"] == 2
    assert Journal(_journal_path()).recent() == []  # nothing was sent
    confirmed = cli("route", "--demo", "--call-id", "0LQ5g00000BUSY1", "--target", busy, "--even-if-unavailable")
    assert confirmed.returncode == 0, confirmed.stderr
    assert [row.target_id for row in Journal(_journal_path()).recent()] == [busy]
