"""The transfer journal: one SQLite row per routing attempt, from the CLI or the window.

Rows hold what was asked and how it ended, and the token's `jti` to match server logs;
never a token or a key. WAL mode lets a history view read while a transfer writes.
"""

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.errors import InputError
from app.core.routing import OutcomeStatus, RouteOutcome, RouteRequest

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfers (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                -- ISO 8601, UTC
    profile TEXT NOT NULL,
    call_id TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_label TEXT NOT NULL,
    fallback_queue TEXT,
    flow_inputs TEXT NOT NULL,       -- JSON array of [key, value] pairs
    outcome TEXT NOT NULL,
    http_status INTEGER,
    message TEXT NOT NULL,
    server_message TEXT,
    elapsed_ms REAL NOT NULL,
    attempts INTEGER NOT NULL,
    jti TEXT
);
CREATE INDEX IF NOT EXISTS transfers_at ON transfers (at);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
DEFAULT_RETENTION_DAYS = 90  # three months, unless the rep or IT chose otherwise
RETENTION_RANGE_DAYS = (1, 3650)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    at: datetime
    profile: str
    call_id: str
    target_kind: str
    target_id: str
    target_label: str
    fallback_queue: str | None
    flow_inputs: tuple[tuple[str, str], ...]
    outcome: str
    http_status: int | None
    message: str
    server_message: str | None
    elapsed_ms: float
    attempts: int
    jti: str | None


def default_journal_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("transfer-panel", appauthor=False) / "journal.sqlite3"


class Journal:
    """Thread-safe: the window appends from a worker thread while the loop keeps running."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes; WAL keeps it consistent
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > _SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"the journal {path} was written by a newer version of the panel"
            )
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    def append(self, profile: str, request: RouteRequest, outcome: RouteOutcome) -> int:
        row = (
            _stamp(datetime.now(UTC)),
            profile,
            request.call_id,
            request.target.kind.value,
            request.target.value,
            request.target_label,
            request.fallback_queue.value if request.fallback_queue else None,
            json.dumps(request.flow_inputs, ensure_ascii=False),
            outcome.status.value,
            outcome.http_status,
            outcome.message,
            outcome.server_message,
            round(outcome.elapsed_ms, 1),
            outcome.attempts,
            outcome.jti,
        )
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO transfers (at, profile, call_id, target_kind, target_id, target_label,"
                " fallback_queue, flow_inputs, outcome, http_status, message, server_message,"
                " elapsed_ms, attempts, jti) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return cursor.lastrowid or 0

    def recent(self, limit: int = 100) -> list[JournalEntry]:
        """The newest entries first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM transfers ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_entry(row) for row in rows]

    def find(self, *, outcome: str | None = None, text: str = "", since: datetime | None = None,
             until: datetime | None = None, limit: int | None = 1000) -> list[JournalEntry]:
        """Entries newest first, filtered: an outcome, a text found in the call ID or the target
        (name or ID), a time range (timezone-aware); at most `limit` (None: all)."""
        clauses, params = [], []
        if outcome:
            clauses.append("outcome = ?")
            params.append(outcome)
        if text.strip():
            pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(call_id LIKE ? ESCAPE '\\' OR target_label LIKE ? ESCAPE '\\' OR target_id LIKE ? ESCAPE '\\')")
            params += [pattern] * 3
        for bound, operator in ((since, ">="), (until, "<")):
            if bound is not None:
                clauses.append(f"at {operator} ?")
                params.append(_stamp(bound))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM transfers{where} ORDER BY id DESC LIMIT ?",
                                    (*params, -1 if limit is None else limit)).fetchall()
        return [_entry(row) for row in rows]

    def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete entries older than `days` (the retention setting); returns how many went."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        with self._lock:
            return self._db.execute("DELETE FROM transfers WHERE at < ?", (_stamp(cutoff),)).rowcount

    def retention_days(self) -> int:
        """How long entries are kept (the history window's setting); purged at start and when changed."""
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key = 'retention_days'").fetchone()
        return int(row[0]) if row is not None else DEFAULT_RETENTION_DAYS

    def set_retention_days(self, days: int) -> int:
        """Keep entries `days` days from now on and delete the older ones now; returns how many went."""
        low, high = RETENTION_RANGE_DAYS
        if not low <= days <= high:
            raise InputError(f"Keep transfers for {low} to {high} days, not {days}.")
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('retention_days', ?)", (str(days),))
        return self.purge_older_than(days)

    def recent_targets(self, limit: int = 10) -> list[str]:
        """IDs of the targets most recently routed to with success, newest first, each once
        (what a rep means by "recent": where calls actually went, not failed attempts)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT target_id FROM transfers WHERE outcome = ?"
                " GROUP BY target_id ORDER BY MAX(id) DESC LIMIT ?", (OutcomeStatus.ACCEPTED.value, limit)
            ).fetchall()
        return [target_id for (target_id,) in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _stamp(moment: datetime) -> str:
    """How `at` is stored: UTC ISO 8601 to the millisecond, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _entry(row: tuple) -> JournalEntry:
    values = list(row)
    values[1] = datetime.fromisoformat(values[1])
    values[8] = tuple(tuple(pair) for pair in json.loads(values[8]))
    return JournalEntry(*values)
