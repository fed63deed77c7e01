import sqlite3

import pytest

from app.core.journal import Journal
from app.core.routing import OutcomeStatus, RouteClient, RouteRequest
from app.core.transfer import TransferService
from app.simulator.faults import Fault
from tests.conftest import FALLBACK, FLOW, QUEUE, make_profile


@pytest.fixture
def service(simulator, new_minter, tmp_path, run):
    transfers = TransferService(RouteClient(make_profile(simulator.base_url), new_minter()),
                                Journal(tmp_path / "journal.sqlite3"))
    yield transfers
    run(transfers.aclose())


def test_every_outcome_is_one_row_with_what_was_asked(run, simulator, service, tmp_path):
    flow = RouteRequest.build("0LQ5g00000ABCDE", FLOW, target_label="VIP flow", fallback_queue=FALLBACK,
                              flow_inputs={"Reason": "billing, \"urgent\"", "Name": "Zoë"})
    accepted = run(service.transfer(flow))
    simulator.script_fault(Fault(status=400, message="Queue is closed"))
    rejected = run(service.transfer(RouteRequest.build("call-2", QUEUE, target_label="Billing (EMEA)")))

    newest, oldest = Journal(tmp_path / "journal.sqlite3").recent()
    assert (oldest.outcome, newest.outcome) == ("accepted", "rejected")
    assert oldest.call_id == "0LQ5g00000ABCDE" and oldest.target_kind == "flow" and oldest.target_id == FLOW
    assert oldest.target_label == "VIP flow" and oldest.fallback_queue == FALLBACK
    assert oldest.flow_inputs == (("Reason", 'billing, "urgent"'), ("Name", "Zoë"))
    assert oldest.http_status == 200 and oldest.jti == accepted.jti and oldest.attempts == 1
    assert oldest.elapsed_ms == pytest.approx(accepted.elapsed_ms, abs=0.1)
    assert newest.message == rejected.message and "Queue is closed" in newest.server_message
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
    with pytest.raises(sqlite3.DatabaseError, match="newer version"):
        Journal(tmp_path / "j.sqlite3")


def test_a_journal_failure_keeps_the_outcome_and_says_so(run, simulator, new_minter, tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    service = TransferService(RouteClient(make_profile(simulator.base_url), new_minter()), journal)
    journal._db.execute("DROP TABLE transfers")  # the disk-level failure cannot be produced portably
    outcome = run(service.transfer(RouteRequest.build("c", QUEUE, target_label="Billing")))
    assert outcome.status is OutcomeStatus.ACCEPTED
    assert "journal could not be written" in outcome.hint
    run(service.aclose())


def test_find_filters_by_outcome_text_and_time(run, simulator, service, tmp_path):
    from datetime import UTC, datetime, timedelta

    run(service.transfer(RouteRequest.build("call-100%_x", QUEUE, target_label="Billing (EMEA)")))
    simulator.script_fault(Fault(status=400, message="closed"))
    run(service.transfer(RouteRequest.build("call-2", FLOW, target_label="After-hours")))
    journal = Journal(tmp_path / "journal.sqlite3")
    assert [e.call_id for e in journal.find(outcome="rejected")] == ["call-2"]
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
    with pytest.raises(InputError, match="1 to 3650 days, not 0"):
        journal.set_retention_days(0)
    journal.close()
    assert Journal(tmp_path / "journal.sqlite3").retention_days() == 30


def test_csv_export_never_hands_a_spreadsheet_a_formula(run, service, tmp_path):
    import csv

    from app.core.journal_export import export_csv

    run(service.transfer(RouteRequest.build("-42", QUEUE, target_label='=HYPERLINK("http://x","Billing")')))
    journal = Journal(tmp_path / "journal.sqlite3")
    assert export_csv(journal.find(limit=None), tmp_path / "out.csv") == 1
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as file:
        row = list(csv.DictReader(file))[0]
    assert row["target"] == "'=HYPERLINK(\"http://x\",\"Billing\")" and row["call ID"] == "'-42"


def test_csv_export_round_trips_hard_text_and_can_leave_out_values(run, simulator, service, tmp_path):
    import csv
    import json

    from app.core.journal_export import COLUMNS, export_csv

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
    assert (record["call ID"], record["target"], record["fallback queue"]) == ("call,1", tricky, FALLBACK)
    assert json.loads(record["flow inputs"]) == {"Note": tricky, "Tier": "Gold"}
    with private.open(encoding="utf-8-sig", newline="") as file:
        _header, row = list(csv.reader(file))
    assert json.loads(dict(zip(header, row, strict=True))["flow inputs"]) == ["Note", "Tier"]
    assert "Gold" not in private.read_text(encoding="utf-8-sig") and "boss" in private.read_text(encoding="utf-8-sig")
