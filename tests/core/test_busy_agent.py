"""Routing to an agent the directory shows as busy, away or offline needs the rep's word (issue 13, item 9).

The rule lives in the desk both front ends use: nothing is sent and no journal row is written until the
rep (or `--even-if-unavailable`) confirms; queues, flows, available agents and agents the directory does
not know go straight through. Real HTTP to the simulator, a real journal file, a real directory file."""

import pytest

from app.compose import cli_directory, open_desk
from app.core.errors import TargetUnavailableError
from app.core.ids import checksum_suffix
from app.core.journal import Journal
from app.core.routing.outcome import OutcomeStatus
from app.core.routing.request import RouteRequest
from app.messages import Front, describe
from tests.conftest import QUEUE, make_profile, raises

BUSY, AWAY, OFFLINE, AVAILABLE = "005Hs00000O4AxhIAF", "005Hs00000O4AxsIAF", "005Hs00000O4AxkIAF", "005Hs00000O4AxgIAF"
UNKNOWN_AGENT = "005Hs00000O4ZZZ" + checksum_suffix("005Hs00000O4ZZZ")


@pytest.fixture
def directory_file(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("kind,id,name,detail,presence\n"
                    f"agent,{BUSY},Łukasz Wójcik,,On a call\n"
                    f"agent,{AWAY},Mia Lunch,,Lunch\n"
                    f"agent,{OFFLINE},José Ñúñez,,Offline\n"
                    f"agent,{AVAILABLE},Zoë Müller,,Available\n"
                    f"queue,{QUEUE},Billing (EMEA),Billing_EMEA,\n", encoding="utf-8")
    return path


@pytest.fixture
def desk(simulator, new_minter, tmp_path, run, directory_file):
    profile = make_profile(simulator.base_url, directory_source="file", directory_file=str(directory_file))
    desk = open_desk(profile, new_minter(), Journal(tmp_path / "journal.sqlite3"), cli_directory(profile))
    yield desk
    run(desk.aclose())


@pytest.mark.parametrize(("agent", "state", "said"), [
    (BUSY, "busy", "Łukasz Wójcik is busy (On a call): the call may wait until they are free, or routing may fail."),
    (AWAY, "away", "Mia Lunch is away (Lunch): the call may wait until they are free, or routing may fail."),
    (OFFLINE, "offline", "José Ñúñez is offline: routing the call to them will likely fail."),
])
def test_an_unavailable_agent_is_refused_until_confirmed(run, simulator, desk, agent, state, said):
    request = RouteRequest.build("0LQ5g00000ABCDE", agent)
    with raises(TargetUnavailableError) as refused:
        run(desk.transfer(request))
    assert refused.value.params["state"] == state and refused.value.exit_code == 2
    assert describe(refused.value, Front.WINDOW) == said
    assert "--even-if-unavailable" in describe(refused.value, Front.CLI)
    assert simulator.requests == [] and desk.journal.recent() == []  # nothing sent, no row
    outcome = run(desk.transfer(request, even_if_unavailable=True))
    assert outcome.status is OutcomeStatus.ACCEPTED and len(simulator.requests) == 1
    assert [row.target_id for row in desk.journal.recent()] == [agent]


@pytest.mark.parametrize("target", [AVAILABLE, QUEUE, UNKNOWN_AGENT])
def test_queues_available_and_unknown_agents_go_straight_through(run, simulator, desk, target):
    assert desk.caution(target) is None
    assert run(desk.transfer(RouteRequest.build("0LQ5g00000ABCDE", target))).status is OutcomeStatus.ACCEPTED


def test_the_caution_names_the_label_the_rep_saw_and_follows_the_directory(desk):
    caution = desk.caution(BUSY, "Łukasz W.")
    assert caution is not None and caution.params["target_label"] == "Łukasz W."
    desk.set_directory(None)  # no directory (the window between two): presence unknown
    assert desk.caution(BUSY) is None


def test_an_unreadable_directory_file_routes_as_without_one(tmp_path):
    profile = make_profile("https://example.invalid/telephony/v1", directory_source="file",
                           directory_file=str(tmp_path / "missing.csv"))
    lookup = cli_directory(profile)
    assert lookup is not None and lookup(BUSY) is None


def test_a_salesforce_directory_is_not_read_by_the_command_line():
    assert cli_directory(make_profile("https://example.invalid/telephony/v1", directory_source="salesforce")) is None
