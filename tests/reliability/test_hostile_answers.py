"""`transfer-panel route` against servers that misbehave (issue 12, items 1-4): each case ends in
exactly one outcome and one journal row, bounded in time by the profile's deadline and in memory.

Each run is a real process (its peak RSS measured by the kernel) with a real key from the OS
keyring, over real loopback HTTP to `HostileServer`. See conftest.py for the time bound.
"""

import pytest

from tests.conftest import QUEUE
from tests.reliability.conftest import PEAK_RSS_BOUND_MIB, WALL_BOUND_S
from tests.reliability.hostile_server import MODES, HostileServer
from tests.reliability.processes import journal_rows, run_cli, write_profile

# What each misbehaviour must end in: (outcome status, exit code). A 2xx status line means the
# server accepted the routing request, whatever its body does afterwards.
EXPECTED = {
    "gzip_bomb": ("accepted", 0),
    "huge_body": ("accepted", 0),
    "endless_chunked": ("accepted", 0),
    "cut_off_body": ("accepted", 0),
    "drip": ("accepted", 0),
    "slow_headers": ("outcome_unknown", 6),
    "endless_headers": ("outcome_unknown", 6),
    "early_hints": ("outcome_unknown", 6),
    "nested_json_200": ("accepted", 0),
    "nested_json_400": ("rejected", 4),
    "retry_after_superscript": ("throttled", 5),
    "huge_html": ("server_error", 4),
    "drop_after_receive": ("outcome_unknown", 6),
}


def test_every_mode_of_the_hostile_server_has_an_expected_ending():
    assert set(EXPECTED) == set(MODES)


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_a_hostile_answer_ends_in_one_outcome_and_one_row_on_time_in_bounded_memory(mode, keyring_key, tmp_path):
    status, exit_code = EXPECTED[mode]
    with HostileServer(mode) as server:
        config = write_profile(tmp_path / "config.toml", keyring_key, server.base_url)
        run = run_cli("--config", str(config), "route", "--profile", keyring_key, "--call-id", "0LQ5g00000ABCDE",
                      "--target", QUEUE, "--json")
        received = server.received
    assert "Traceback" not in run.stderr, run.stderr
    outcome = run.outcome
    assert (outcome["status"], run.returncode) == (status, exit_code), run.stdout + run.stderr
    assert received == 1 and outcome["attempts"] == 1  # nothing here may be retried: the server saw it
    (row,) = journal_rows()
    assert row["state"] == "done" and row["outcome"] == status and row["jti"] == outcome["jti"]
    assert run.wall_s < WALL_BOUND_S, f"{run.wall_s:.1f} s for a {outcome['elapsed_ms']:.0f} ms transfer"
    assert run.peak_rss_mib < PEAK_RSS_BOUND_MIB


@pytest.mark.parametrize("mode", ["huge_html", "nested_json_400", "nested_json_200"])
def test_an_answer_is_parsed_off_the_event_loop(mode, run, new_minter, tmp_path, monkeypatch):
    """In the window the event loop is the GUI thread: a page that takes long to read must not freeze it."""
    import threading

    from app.compose import open_desk
    from app.core.journal import Journal
    from app.core.routing import client
    from app.core.routing.request import RouteRequest
    from tests.conftest import make_profile

    parsed_on = []

    def spy(content_type: str, body: str) -> str | None:
        parsed_on.append(threading.current_thread())
        return server_message(content_type, body)

    server_message = client.server_message
    monkeypatch.setattr(client, "server_message", spy)
    with HostileServer(mode) as server:
        desk = open_desk(make_profile(server.base_url, timeout_s=3), new_minter(), Journal(tmp_path / "j.sqlite3"))
        outcome = run(desk.transfer(RouteRequest.build("0LQ5g00000ABCDE", QUEUE)))
        run(desk.aclose())
    assert outcome.status.value == EXPECTED[mode][0]
    assert parsed_on and threading.main_thread() not in parsed_on  # the loop runs on the main thread here
