"""kill -9 after the request left (issue 12, item 6): the journal has the row, written before
the request went out; the next start (`Journal.close_interrupted`, what the window runs when it
opens) reports the rows left `sending` as "outcome unknown: the panel closed", once; and the
next `route` of the same call is refused without --again.

A few dozen kills, four processes at a time, each at a moment drawn at random after the server
received the request, against a server whose answer comes at once, a little later, or never
within the test: some processes die waiting, some while reading the answer or finishing the row.
"""

import base64
import json
import random
import signal
import subprocess
import sys
import time

from app.core.journal import Journal, RowState, default_journal_path
from app.core.routing.outcome import Cause, OutcomeStatus
from tests.conftest import QUEUE
from tests.reliability.hostile_server import HostileServer
from tests.reliability.processes import run_cli, write_profile

KILLS = 24
AT_ONCE = 4


def _jti_of(head: bytes) -> str:
    """The jti of the token in a request's head (decoded, not verified: the test reads what was sent)."""
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"authorization":
            payload = value.split()[1].split(b".")[1]
            return json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))["jti"]
    raise AssertionError("the request had no Authorization header")


def _wait_for_request(server: HostileServer, call_id: str, timeout_s: float = 30.0) -> bytes:
    marker = f"/voiceCalls/{call_id}/".encode()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := [head for head in list(server.heads) if marker in head]:
            return found[0]
        time.sleep(0.005)
    raise AssertionError(f"the request for {call_id} never arrived")


# The server's answer to the nth call: at once, a little later, later still, or never within the test.
ANSWER_DELAYS_S = (0.0, 0.05, 0.2, 300.0)


def _answer_delay(head: bytes) -> float:
    number = int(head.split(b"/voiceCalls/kill-")[1][:2])
    return ANSWER_DELAYS_S[number % len(ANSWER_DELAYS_S)]


def test_a_kill_9_after_the_request_left_leaves_a_row_the_next_start_reports_as_outcome_unknown(keyring_key,
                                                                                               tmp_path):
    moments = random.Random(9)
    calls = [f"kill-{number:02d}" for number in range(KILLS)]
    never_answered = set(calls[len(ANSWER_DELAYS_S) - 1::len(ANSWER_DELAYS_S)])
    with HostileServer("delayed_ok", answer_delay_s=_answer_delay) as server:
        config = write_profile(tmp_path / "config.toml", keyring_key, server.base_url, timeout_s=60)
        sent: dict[str, str] = {}  # call ID -> the jti the server received
        killed = set()
        for start in range(0, KILLS, AT_ONCE):
            batch = {call: subprocess.Popen(
                [sys.executable, "-m", "app", "--config", str(config), "route", "--profile", keyring_key,
                 "--call-id", call, "--target", QUEUE, "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for call in calls[start:start + AT_ONCE]}
            for call, child in batch.items():
                sent[call] = _jti_of(_wait_for_request(server, call))
                time.sleep(moments.uniform(0.0, 0.3))
                child.send_signal(signal.SIGKILL)
            killed |= {call for call, child in batch.items() if child.wait(30) == -signal.SIGKILL}
    assert never_answered <= killed

    journal = Journal(default_journal_path())
    rows = {entry.call_id: entry for entry in journal.recent(limit=1000)}
    assert sorted(rows) == calls  # one row per transfer: none missing, none doubled
    assert {call: entry.jti for call, entry in rows.items()} == sent  # the token that went out
    left_sending = {call for call, entry in rows.items() if entry.state is RowState.SENDING}
    assert never_answered <= left_sending
    for call, entry in rows.items():  # the others finished before their kill, with the server's 200
        assert call in left_sending or entry.outcome.status is OutcomeStatus.ACCEPTED

    reported = journal.close_interrupted()  # what the next window start does
    assert {entry.call_id for entry in reported} == left_sending
    assert all(entry.outcome.status is OutcomeStatus.OUTCOME_UNKNOWN and entry.outcome.cause is Cause.PANEL_CLOSED
               and entry.may_have_routed for entry in reported)
    assert journal.close_interrupted() == []  # told once
    journal.close()

    again = run_cli("--config", str(config), "route", "--profile", keyring_key, "--call-id", sorted(left_sending)[0],
                    "--target", QUEUE, "--json")
    assert again.returncode == 2 and again.outcome["error"] == "transfer.already_routed", again.stdout
