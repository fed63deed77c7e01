"""A damaged journal file (issue 12, item 7) is never a traceback: the window moves a file it
cannot use aside, exactly as it was, and carries on; the CLI exits 3 naming the file and the
way on. A hypothesis fuzzer damages a journal with history in it the ways disks, sync tools
and crashes do."""

import os
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.errors import JournalError
from app.core.journal import Journal, RowState
from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome
from app.core.routing.request import RouteRequest
from app.main import main
from tests.conftest import FLOW, QUEUE
from tests.reliability.processes import run_cli

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

def _a_used_journal() -> bytes:
    """A journal with history in it: finished rows, rows still sending, a retention setting."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.sqlite3"
        journal = Journal(path)
        for number in range(40):
            request = RouteRequest.build(f"c-{number}", FLOW, target_label=f"Billing {number}",
                                         flow_inputs=[("Reason", "billing ✓")])
            row = journal.begin("emea", request, f"jti-{number}")
            if number % 4:
                journal.finish(row, RouteOutcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED, {"n": number}, 200))
        journal.set_retention_days(30)
        journal._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        journal.close()
        return path.read_bytes()


USED_JOURNAL = _a_used_journal()

# Damage as a disk, a sync tool or a crash leaves it: bytes overwritten here and there, the file cut
# short, or something else entirely in its place.
overwrites = st.lists(st.tuples(st.integers(0, len(USED_JOURNAL) - 1), st.integers(0, 255)), min_size=1, max_size=30)
damaged_journals = st.one_of(
    overwrites.map(lambda changes: _overwrite(USED_JOURNAL, changes)),
    st.integers(0, len(USED_JOURNAL) - 1).map(lambda length: USED_JOURNAL[:length]),
    st.binary(min_size=1, max_size=5000),
)


def _damaged_state_of(call: str) -> bytes:
    """The used journal with the state of `call`'s row ("sending") damaged in place."""
    row = USED_JOURNAL.index(f"{call}flow".encode())  # the row's text: call ID, target kind, ...
    state = USED_JOURNAL.index(b"sending", row)
    return USED_JOURNAL[:state] + b"sendinX" + USED_JOURNAL[state + len(b"sendinX"):]


def _overwrite(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    damaged = bytearray(data)
    for offset, value in changes:
        damaged[offset] = value
    return bytes(damaged)


@FUZZ
@given(damaged=damaged_journals)
# SQLite checks pages, not values: these damaged files open, and each once stopped the window.
@example(damaged=_damaged_state_of("c-36"))  # a row's state
@example(damaged=re.sub(rb"(\d{4}-\d\d-\d\d)T", b"\\1\xff", USED_JOURNAL))  # timestamps, not even UTF-8
@example(damaged=USED_JOURNAL.replace(b"server_message TEXT", b"server_messagX TEXT", 1))  # the schema
def test_the_window_carries_on_whatever_the_journal_file_holds(damaged):
    """What the window does at start (compose: open_or_replace, close_interrupted, retention, recent
    targets), then what it does all day (history, the double-send guard, a transfer's rows)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.sqlite3"
        path.write_bytes(damaged)
        journal, aside = Journal.open_or_replace(path)
        journal.close_interrupted()
        journal.purge_older_than(journal.retention_days())
        journal.recent_targets()
        journal.find()
        journal.find(text="Billing")
        row = journal.begin("emea", RouteRequest.build("c-new", QUEUE), "jti-new", guard=["c-new"])
        journal.finish(row, RouteOutcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED))
        assert journal.recent(1)[0].jti == "jti-new" and journal.recent(1)[0].state is RowState.DONE
        journal.close()
        if aside is not None:
            assert aside.read_bytes() == damaged  # moved, never deleted: IT may want it
        Journal(path).close()  # and the next start opens it as it is


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged=damaged_journals)
@example(damaged=_damaged_state_of("c-36"))
def test_the_cli_routes_refuses_or_exits_3_naming_the_journal_whatever_it_holds(damaged, capsys):
    """A route of a call the journal has a row for (c-36: still sending, so the double-send guard
    reads that row and refuses, exit 2), or 0 when the row was lost, or 3 for a file it cannot use."""
    from app.core.journal import default_journal_path

    path = default_journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.write_bytes(damaged)
    code = main(["route", "--demo", "--call-id", "c-36", "--target", QUEUE])
    printed = capsys.readouterr()
    assert code in (0, 2, 3), printed.err
    if code == 2:
        assert "to route it again anyway, add --again" in printed.err
    if code == 3:
        assert f"The transfer history {path} cannot be used" in printed.err
        assert "moves the file aside" in printed.err


@pytest.mark.parametrize("damage", ["random bytes", "cut short", "a folder"])
def test_a_journal_the_cli_cannot_use_is_exit_3_with_a_way_on_and_no_traceback(damage):
    from app.core.journal import default_journal_path

    path = default_journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "random bytes":
        path.write_bytes(os.urandom(8192))
    elif damage == "cut short":
        path.write_bytes(USED_JOURNAL[:5000])
    else:
        path.mkdir()
    run = run_cli("route", "--demo", "--target", QUEUE)
    assert run.returncode == 3 and "Traceback" not in run.stderr
    assert "cannot be used" in run.stderr and "moves the file aside" in run.stderr


def test_a_journal_locked_by_another_process_for_long_is_a_clear_error_not_a_hang(tmp_path):
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")  # a tool that takes the file out of WAL and holds it
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(JournalError):
            Journal(path)
    finally:
        holder.close()
