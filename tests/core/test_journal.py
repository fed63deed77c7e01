"""The transfer journal: what a row holds, reading it back, retention, export; opening it safely."""

import sqlite3

import pytest

from app.compose import open_desk
from app.core.errors import JournalError
from app.core.ids import IdKind
from app.core.journal import Journal, RowState
from app.core.routing.outcome import Cause, OutcomeStatus, StatusGroup
from app.core.routing.request import RouteRequest
from app.messages import outcome_text
from app.simulator.faults import Fault
from tests.conftest import FALLBACK, FLOW, QUEUE, make_profile, raises


@pytest.fixture
def service(simulator, new_minter, tmp_path, run):
    desk = open_desk(make_profile(simulator.base_url), new_minter(), Journal(tmp_path / "journal.sqlite3"))
    yield desk
    run(desk.aclose())


def test_every_outcome_is_one_row_with_what_was_asked(run, simulator, service, tmp_path):
    flow = RouteRequest.build("0LQ5g00000ABCDE", FLOW, target_label="VIP flow", fallback_queue=FALLBACK,
                              flow_inputs={"Reason": "billing, \"urgent\"", "Name": "Zoë"})
    accepted = run(service.transfer(flow))
    simulator.script_fault(Fault(status=400, message="Queue is closed"))
    rejected = run(service.transfer(RouteRequest.build("call-2", QUEUE, target_label="Billing (EMEA)")))

    newest, oldest = Journal(tmp_path / "journal.sqlite3").recent()
    assert (oldest.outcome.status, newest.outcome.status) == (OutcomeStatus.ACCEPTED, OutcomeStatus.REJECTED)
    assert oldest.state is RowState.DONE and oldest.target_kind is IdKind.FLOW and oldest.target_id == FLOW
    assert oldest.call_id == "0LQ5g00000ABCDE" and oldest.target_label == "VIP flow"
    assert oldest.fallback_queue == FALLBACK
    assert oldest.flow_inputs == (("Reason", 'billing, "urgent"'), ("Name", "Zoë"))
    assert oldest.outcome.http_status == 200 and oldest.jti == accepted.jti and oldest.outcome.attempts == 1
    assert oldest.outcome.elapsed_ms == pytest.approx(accepted.elapsed_ms, abs=0.1)
    # the row keeps codes and parameters: the words are made again when shown, and say the same
    assert newest.outcome.cause is Cause.ANSWER_REJECTED and "Queue is closed" in newest.outcome.server_message
    assert outcome_text(newest.outcome, newest.target_label) == outcome_text(rejected, "Billing (EMEA)")
    assert newest.at >= oldest.at


def test_rows_hold_no_token(run, simulator, service, tmp_path):
    run(service.transfer(RouteRequest.build("c", QUEUE)))
    raw = (tmp_path / "journal.sqlite3").read_bytes() + (tmp_path / "journal.sqlite3-wal").read_bytes()
    assert b"eyJ" not in raw  # every JWT starts with the base64 of '{"'


def test_journal_is_wal_and_survives_reopening(tmp_path):
    Journal(tmp_path / "j.sqlite3").close()
    with sqlite3.connect(tmp_path / "j.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert Journal(tmp_path / "j.sqlite3").recent() == []


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "j.sqlite3") as db:
        db.execute("PRAGMA user_version=99")
    with raises(JournalError, match="newer version of the panel"):
        Journal(tmp_path / "j.sqlite3")


def test_find_filters_by_outcome_text_and_time(run, simulator, service, tmp_path):
    from datetime import UTC, datetime, timedelta

    run(service.transfer(RouteRequest.build("call-100%_x", QUEUE, target_label="Billing (EMEA)")))
    simulator.script_fault(Fault(status=400, message="closed"))
    run(service.transfer(RouteRequest.build("call-2", FLOW, target_label="After-hours")))
    journal = Journal(tmp_path / "journal.sqlite3")
    assert [e.call_id for e in journal.find(group=StatusGroup.REJECTED)] == ["call-2"]
    assert [e.call_id for e in journal.find(group=StatusGroup.ROUTED)] == ["call-100%_x"]
    assert journal.find(group=StatusGroup.NOT_SENT) == []
    assert [e.call_id for e in journal.find(text="billing")] == ["call-100%_x"]
    assert [e.call_id for e in journal.find(text="100%_")] == ["call-100%_x"]  # % and _ are literal
    assert journal.find(text="0%x") == []
    assert len(journal.find(since=datetime.now(UTC) - timedelta(minutes=5))) == 2
    assert journal.find(until=datetime.now(UTC) - timedelta(minutes=5)) == []


def test_retention_purge_deletes_only_old_rows(run, service, tmp_path):
    from datetime import UTC, datetime, timedelta

    run(service.transfer(RouteRequest.build("c-1", QUEUE)))
    journal = Journal(tmp_path / "journal.sqlite3")
    assert journal.purge_older_than(90) == 0
    assert journal.purge_older_than(90, now=datetime.now(UTC) + timedelta(days=91)) == 1
    assert journal.recent() == []


def test_the_retention_setting_persists_and_purges_when_changed(run, service, tmp_path):
    from app.core.errors import InputError

    run(service.transfer(RouteRequest.build("old", QUEUE)))
    run(service.transfer(RouteRequest.build("new", QUEUE)))
    journal = Journal(tmp_path / "journal.sqlite3")
    assert journal.retention_days() == 90
    journal._db.execute("UPDATE transfers SET at = '2026-01-01T00:00:00.000+00:00' WHERE call_id = 'old'")
    assert journal.set_retention_days(30) == 1
    assert [e.call_id for e in journal.recent()] == ["new"]
    with raises(InputError, match="1 to 3650 days, not 0"):
        journal.set_retention_days(0)
    journal.close()
    assert Journal(tmp_path / "journal.sqlite3").retention_days() == 30


def test_csv_export_never_hands_a_spreadsheet_a_formula(run, service, tmp_path):
    import csv

    from app.journal_export import export_csv

    run(service.transfer(RouteRequest.build("-42", QUEUE, target_label='=HYPERLINK("http://x","Billing")')))
    journal = Journal(tmp_path / "journal.sqlite3")
    assert export_csv(journal.find(limit=None), tmp_path / "out.csv") == 1
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as file:
        row = list(csv.DictReader(file))[0]
    assert row["target"] == "'=HYPERLINK(\"http://x\",\"Billing\")" and row["call ID"] == "'-42"


def test_csv_export_round_trips_hard_text_and_can_leave_out_values(run, simulator, service, tmp_path):
    import csv
    import json

    from app.journal_export import COLUMNS, export_csv

    tricky = 'Zoë, "the boss"\nline two; 田中'
    run(service.transfer(RouteRequest.build("call,1", FLOW, target_label=tricky, fallback_queue=FALLBACK,
                                            flow_inputs={"Note": tricky, "Tier": "Gold"})))
    entries = Journal(tmp_path / "journal.sqlite3").recent()
    full, private = tmp_path / "full.csv", tmp_path / "private.csv"
    assert export_csv(entries, full) == 1
    export_csv(entries, private, include_flow_input_values=False)

    assert full.read_bytes().startswith("\ufeff".encode())  # Excel reads it as UTF-8
    with full.open(encoding="utf-8-sig", newline="") as file:
        header, row = list(csv.reader(file))
    assert tuple(header) == COLUMNS
    record = dict(zip(header, row, strict=True))
    shown_label = " ".join(tricky.split())  # a label is one line
    assert (record["call ID"], record["target"], record["fallback queue"]) == ("call,1", shown_label, FALLBACK)
    assert json.loads(record["flow inputs"]) == {"Note": tricky, "Tier": "Gold"}
    with private.open(encoding="utf-8-sig", newline="") as file:
        _header, row = list(csv.reader(file))
    assert json.loads(dict(zip(header, row, strict=True))["flow inputs"]) == ["Note", "Tier"]
    assert "Gold" not in private.read_text(encoding="utf-8-sig") and "boss" in private.read_text(encoding="utf-8-sig")


def test_every_status_is_in_exactly_one_history_filter():
    from app.core.routing.outcome import STATUS_TRAITS
    from app.messages import GROUP_LABELS, STATUS_LABELS

    assert set(STATUS_TRAITS) == set(OutcomeStatus) == set(STATUS_LABELS)
    assert {traits.group for traits in STATUS_TRAITS.values()} == set(StatusGroup) == set(GROUP_LABELS)


def test_rows_left_sending_by_a_panel_that_is_gone_become_outcome_unknown(tmp_path):
    from datetime import UTC, datetime, timedelta

    journal = Journal(tmp_path / "j.sqlite3")
    request = RouteRequest.build("0LQ5g00000ABCDE", QUEUE, target_label="Billing")
    ours = journal.begin("p", request, "jti-ours")
    gone = journal.begin("p", request, "jti-gone")
    journal._db.execute("UPDATE transfers SET pid = 2147483000 WHERE id = ?", (gone,))  # no such process
    (closed,) = journal.close_interrupted()
    assert closed.id == gone and closed.jti == "jti-gone" and closed.outcome.cause is Cause.PANEL_CLOSED
    assert closed.outcome.status is OutcomeStatus.OUTCOME_UNKNOWN and closed.may_have_routed
    assert "closed during the transfer to Billing" in outcome_text(closed.outcome, closed.target_label).headline
    # this process's own row is still being sent; after the longest deadline it is not any more
    assert journal.recent()[-1].state is RowState.SENDING and journal.recent()[-1].id == ours
    later = datetime.now(UTC) + timedelta(minutes=10)
    assert [entry.id for entry in journal.close_interrupted(now=later)] == [ours]
    assert journal.close_interrupted(now=later) == []  # told once


def test_a_version_1_journal_is_migrated_keeping_its_sentences(tmp_path):
    path = tmp_path / "j.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE transfers (id INTEGER PRIMARY KEY, at TEXT NOT NULL, profile TEXT NOT NULL,
              call_id TEXT NOT NULL, target_kind TEXT NOT NULL, target_id TEXT NOT NULL, target_label TEXT NOT NULL,
              fallback_queue TEXT, flow_inputs TEXT NOT NULL, outcome TEXT NOT NULL, http_status INTEGER,
              message TEXT NOT NULL, server_message TEXT, elapsed_ms REAL NOT NULL, attempts INTEGER NOT NULL,
              jti TEXT);
            CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO settings VALUES ('retention_days', '30');
            PRAGMA user_version=1;
        """)
        db.execute("INSERT INTO transfers VALUES (7, '2026-11-30T10:00:00.000+00:00', 'emea', 'c-1', 'queue', ?, "
                   "'Billing', NULL, '[]', 'accepted', 200, 'Routing requested to Billing', NULL, 41.5, 1, 'j1')",
                   (QUEUE,))
    journal = Journal(path)
    (entry,) = journal.recent()
    assert entry.id == 7 and entry.outcome.status is OutcomeStatus.ACCEPTED and entry.jti == "j1"
    assert outcome_text(entry.outcome, entry.target_label).headline == "Routing requested to Billing"
    assert journal.retention_days() == 30 and journal.recent_targets() == [QUEUE]


@pytest.mark.parametrize("damage", ["random bytes", "newer schema", "folder"])
def test_an_unusable_journal_is_moved_aside_and_a_new_one_started(tmp_path, damage):
    path = tmp_path / "journal.sqlite3"
    if damage == "random bytes":
        path.write_bytes(b"\x13\x37" * 3000)
    elif damage == "newer schema":
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA user_version=99")
    else:
        path.mkdir()
    with pytest.raises(JournalError):
        Journal(path)
    journal, aside = Journal.open_or_replace(path)
    assert aside is not None and aside.exists() and aside.name.startswith("journal.unusable-")
    assert journal.recent() == [] and journal.path == path


def test_journal_files_are_readable_by_their_owner_only(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        Journal(tmp_path / "data" / "journal.sqlite3").close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "data" / "journal.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_the_guard_is_checked_as_the_row_is_written_so_two_panels_cannot_both_send(tmp_path):
    """The window and a `route` (two processes, two connections) on one journal: the second write-ahead
    of the same call is refused while the first is still being sent; with no guard (--again) it goes."""
    from app.core.errors import AlreadyRoutedError
    from app.core.ids import checksum_suffix

    window, cli = Journal(tmp_path / "j.sqlite3"), Journal(tmp_path / "j.sqlite3")
    request = RouteRequest.build("0LQ5g00000ABCDE", QUEUE, target_label="Billing")
    both_forms = ["0LQ5g00000ABCDE" + checksum_suffix("0LQ5g00000ABCDE"), "0LQ5g00000ABCDE"]
    window.begin("emea", request, "jti-1", both_forms)
    with raises(AlreadyRoutedError, match="to Billing at .* may have gone through"):
        cli.begin("emea", request, "jti-2", both_forms)
    assert len(cli.recent()) == 1  # the refusal wrote nothing
    cli.begin("emea", request, "jti-3")  # confirmed by the rep: no guard
    assert [entry.jti for entry in window.recent()] == ["jti-3", "jti-1"]
