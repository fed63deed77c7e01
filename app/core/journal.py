"""The transfer journal: one SQLite row per transfer, from the CLI or the window, written ahead.

A row is written (state `sending`, with the token's `jti`) before the request leaves, and
finished with the outcome when it is known. A row still `sending` when no process is working
on it any more (the panel was killed, the PC lost power) becomes "outcome unknown: the panel
closed during the transfer" at the next start, and counts for the double-send guard like an
accepted request. Rows hold codes and parameters, never sentences (text is made when shown),
and never a token or a key. WAL mode lets a history view read while a transfer writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.core.errors import AlreadyRoutedError, InputError, JournalError, ParamValue, Problem
from app.core.ids import IdKind
from app.core.private_files import PRIVATE_FILE_MODE, private_dir, restrict
from app.core.routing.outcome import STATUS_TRAITS, Cause, OutcomeStatus, RouteOutcome, StatusGroup, parse_cause
from app.core.routing.request import RouteRequest

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfers (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                -- when the transfer started: ISO 8601, UTC
    profile TEXT NOT NULL,
    call_id TEXT NOT NULL,
    target_kind TEXT NOT NULL,       -- IdKind
    target_id TEXT NOT NULL,
    target_label TEXT NOT NULL,
    fallback_queue TEXT,
    flow_inputs TEXT NOT NULL,       -- JSON array of [key, value] pairs
    state TEXT NOT NULL,             -- 'sending' until the outcome is known, then 'done'
    pid INTEGER,                     -- the process sending it (tells a crashed sender from a running one)
    outcome TEXT,                    -- OutcomeStatus; NULL while sending
    cause TEXT,                      -- Cause or Problem code
    params TEXT NOT NULL DEFAULT '{}',  -- JSON object: what the outcome's words need
    http_status INTEGER,
    server_message TEXT,
    elapsed_ms REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    jti TEXT
);
CREATE INDEX IF NOT EXISTS transfers_at ON transfers (at);
CREATE INDEX IF NOT EXISTS transfers_call ON transfers (call_id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Version 1 kept a sentence per row; it becomes the row's `message` parameter.
_MIGRATE_FROM_1 = """
ALTER TABLE transfers RENAME TO transfers_v1;
DROP INDEX IF EXISTS transfers_at;
""" + _SCHEMA + """
INSERT INTO transfers (id, at, profile, call_id, target_kind, target_id, target_label, fallback_queue,
                       flow_inputs, state, outcome, params, http_status, server_message, elapsed_ms, attempts, jti)
SELECT id, at, profile, call_id, target_kind, target_id, target_label, fallback_queue, flow_inputs, 'done',
       outcome, json_object('message', message), http_status, server_message, elapsed_ms, attempts, jti
FROM transfers_v1;
DROP TABLE transfers_v1;
"""
DEFAULT_RETENTION_DAYS = 90  # three months, unless the rep or IT chose otherwise
RETENTION_RANGE_DAYS = (1, 3650)
LOCK_TIMEOUT_S = 5.0
# No transfer lasts longer: the deadline is at most 120 s. A row `sending` for longer has no sender.
INTERRUPTED_AFTER = timedelta(seconds=180)
_DAMAGED = "database disk image is malformed"  # SQLite's own words for it
_COLUMNS = ("id, at, profile, call_id, target_kind, target_id, target_label, fallback_queue, flow_inputs, state, "
            "outcome, cause, params, http_status, server_message, elapsed_ms, attempts, jti")
_TABLE_COLUMNS = {"transfers": frozenset(_COLUMNS.split(", ")) | {"pid"}, "settings": frozenset({"key", "value"})}


class RowState(StrEnum):
    SENDING = "sending"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    at: datetime
    profile: str
    call_id: str
    target_kind: IdKind
    target_id: str
    target_label: str
    fallback_queue: str | None
    flow_inputs: tuple[tuple[str, str], ...]
    state: RowState
    outcome: RouteOutcome | None  # None while sending
    jti: str | None  # the last token's ID, to match the server's logs

    @property
    def may_have_routed(self) -> bool:
        """Whether this transfer may have moved the call (the double-send guard asks before another)."""
        if self.outcome is None:
            return True
        return self.outcome.traits.may_have_routed and self.outcome.sent


def default_journal_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("transfer-panel", appauthor=False) / "journal.sqlite3"


class Journal:
    """Thread-safe: the window writes from a worker thread while the loop keeps running.
    Every SQLite error becomes a `JournalError`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            private_dir(path.parent)
            # Created private before SQLite opens it: SQLite gives its -wal and -shm files the database's mode.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE))
            self._db = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(path), reason=_reason(error)) from None
        # Damaged text reads as U+FFFD instead of failing the whole query the row is in.
        self._db.text_factory = lambda data: data.decode("utf-8", "replace")
        try:
            self._prepare()
            for file in (path, *_companions(path)):  # older versions left them as the umask said
                restrict(file)
        except (OSError, sqlite3.Error, JournalError, ValueError, TypeError) as error:
            self._db.close()
            if isinstance(error, JournalError):
                raise
            raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(path), reason=_reason(error)) from None

    def _prepare(self) -> None:
        """Check the file, then bring its schema up to date. Nothing is written before the checks
        pass, so a file found unusable is moved aside exactly as it was."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(self.path), reason="newer")
        # SQLite finds most damage only when a query reaches the damaged page: look at every page
        # now (milliseconds for a year of transfers), so a damaged file is moved aside at start
        # instead of failing the double-send guard's read in the middle of a transfer.
        if self._db.execute("PRAGMA integrity_check(1)").fetchone() != ("ok",):
            raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(self.path), reason=_DAMAGED)
        tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        migrate = version == 1 and "transfers" in tables
        for table, columns in _TABLE_COLUMNS.items():  # a damaged schema can still parse, with other names
            if table in tables and not (migrate and table == "transfers") and not columns <= self._columns(table):
                raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(self.path), reason=_DAMAGED)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes; WAL keeps it consistent
        if migrate:
            self._db.executescript(f"BEGIN; {_MIGRATE_FROM_1} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
        else:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _columns(self, table: str) -> set[str]:
        return {str(row[1]) for row in self._db.execute(f"PRAGMA table_info({table})")}

    @classmethod
    def open_or_replace(cls, path: Path, now: datetime | None = None) -> tuple[Journal, Path | None]:
        """Open the journal; one that cannot be used (damaged, locked for long, from a newer
        version, a folder in its place) is moved aside with a timestamp and a new one started.
        Returns the journal and where the old one went (None when nothing was moved)."""
        try:
            return cls(path), None
        except JournalError:
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
            aside = path.with_name(f"{path.stem}.unusable-{stamp}{path.suffix}")
            try:
                path.rename(aside)
                for companion in _companions(path):  # a damaged main file's WAL must not be replayed into the new one
                    companion.rename(aside.with_name(aside.name + companion.name.removeprefix(path.name)))
            except OSError as error:
                raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(path), reason=_reason(error)) from None
            return cls(path), aside

    # ---- writing a transfer ---------------------------------------------------------------
    def begin(self, profile: str, request: RouteRequest, jti: str | None,
              guard: Sequence[str] | None = None) -> int:
        """The write-ahead row of a transfer about to leave; returns its ID. With `guard` (every form
        of the call's ID), it is refused with `AlreadyRoutedError` instead when the call has a
        transfer that went, or may have gone, through: checked and written in one transaction, so
        two panels (or the window and `route`) cannot both pass."""
        return self._insert(profile, request, RowState.SENDING, None, jti, guard)

    def update_jti(self, row_id: int, jti: str) -> None:
        """A second attempt left with a new token."""
        self._write("UPDATE transfers SET jti = ? WHERE id = ?", (jti, row_id))

    def finish(self, row_id: int, outcome: RouteOutcome) -> None:
        self._write("UPDATE transfers SET state = 'done', pid = NULL, outcome = ?, cause = ?, params = ?,"
                    " http_status = ?, server_message = ?, elapsed_ms = ?, attempts = ?, jti = COALESCE(?, jti)"
                    " WHERE id = ?", (*_outcome_columns(outcome), row_id))

    def record(self, profile: str, request: RouteRequest, outcome: RouteOutcome) -> int:
        """The row of a transfer that ended before anything could leave (e.g. no key)."""
        return self._insert(profile, request, RowState.DONE, outcome, outcome.jti)

    def _insert(self, profile: str, request: RouteRequest, state: RowState, outcome: RouteOutcome | None,
                jti: str | None, guard: Sequence[str] | None = None) -> int:
        outcome_columns = _outcome_columns(outcome) if outcome is not None else (None, None, "{}", None, None, None, 0)
        row = (_stamp(datetime.now(UTC)), profile, request.call_id, request.target.kind.value, request.target.value,
               request.target_label, request.fallback_queue.value if request.fallback_queue else None,
               json.dumps(request.flow_inputs, ensure_ascii=False), state.value,
               os.getpid() if state is RowState.SENDING else None, *outcome_columns[:7], jti)
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")  # the guard's read and the row: one writer at a time
                try:
                    if guard and (previous := self._routed_before(guard)) is not None:
                        raise AlreadyRoutedError(
                            Problem.ALREADY_ROUTED, target_label=previous.target_label, at=previous.at.isoformat(),
                            status=previous.outcome.status.value if previous.outcome else RowState.SENDING.value)
                    cursor = self._db.execute(
                        "INSERT INTO transfers (at, profile, call_id, target_kind, target_id, target_label,"
                        " fallback_queue, flow_inputs, state, pid, outcome, cause, params, http_status, server_message,"
                        " elapsed_ms, attempts, jti) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        row)
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise JournalError(Problem.JOURNAL_UNWRITABLE, path=str(self.path), reason=_reason(error)) from None
        return cursor.lastrowid or 0

    def _routed_before(self, call_ids: Sequence[str]) -> JournalEntry | None:
        marks = ", ".join("?" * len(call_ids))
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM transfers WHERE call_id IN ({marks}) ORDER BY id DESC"
                                " LIMIT 20", tuple(call_ids)).fetchall()
        return next((entry for entry in map(_entry, rows) if entry.may_have_routed), None)

    def close_interrupted(self, now: datetime | None = None) -> list[JournalEntry]:
        """Rows left `sending` by a process that is gone become "outcome unknown: the panel closed
        during the transfer"; returns them (the window tells the rep once)."""
        now = now or datetime.now(UTC)
        rows = self._read("SELECT id, at, pid FROM transfers WHERE state = 'sending' ORDER BY id")
        gone = [row_id for row_id, at, pid in rows if not _sender_alive(pid, at, now)]
        for row_id in gone:
            self.finish(row_id, RouteOutcome(OutcomeStatus.OUTCOME_UNKNOWN, Cause.PANEL_CLOSED))
        if not gone:
            return []
        marks = ", ".join("?" * len(gone))
        return [_entry(row) for row in self._read(f"SELECT {_COLUMNS} FROM transfers WHERE id IN ({marks})"
                                                  " ORDER BY id", tuple(gone))]

    # ---- reading ----------------------------------------------------------------------------
    def recent(self, limit: int = 100) -> list[JournalEntry]:
        """The newest entries first."""
        return [_entry(row) for row in self._read(f"SELECT {_COLUMNS} FROM transfers ORDER BY id DESC LIMIT ?",
                                                  (limit,))]

    def find(self, *, group: StatusGroup | None = None, text: str = "", since: datetime | None = None,
             until: datetime | None = None, limit: int | None = 1000) -> list[JournalEntry]:
        """Entries newest first, filtered: an outcome group (transfers still being sent count as
        "unknown"), a text found in the call ID or the target (name or ID), a time range
        (timezone-aware); at most `limit` (None: all)."""
        clauses: list[str] = []
        params: list[Any] = []
        if group is not None:
            statuses = [status.value for status, traits in STATUS_TRAITS.items() if traits.group is group]
            sending = " OR state = 'sending'" if group is StatusGroup.UNKNOWN else ""
            clauses.append(f"(outcome IN ({', '.join('?' * len(statuses))}){sending})")
            params += statuses
        if text.strip():
            pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(call_id LIKE ? ESCAPE '\\' OR target_label LIKE ? ESCAPE '\\'"
                           " OR target_id LIKE ? ESCAPE '\\')")
            params += [pattern] * 3
        for bound, operator in ((since, ">="), (until, "<")):
            if bound is not None:
                clauses.append(f"at {operator} ?")
                params.append(_stamp(bound))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._read(f"SELECT {_COLUMNS} FROM transfers{where} ORDER BY id DESC LIMIT ?",
                          (*params, -1 if limit is None else limit))
        return [_entry(row) for row in rows]

    def recent_targets(self, limit: int = 10) -> list[str]:
        """IDs of the targets most recently routed to with success, newest first, each once
        (what a rep means by "recent": where calls actually went, not failed attempts)."""
        rows = self._read("SELECT target_id FROM transfers WHERE outcome = ?"
                          " GROUP BY target_id ORDER BY MAX(id) DESC LIMIT ?", (OutcomeStatus.ACCEPTED.value, limit))
        return [target_id for (target_id,) in rows]

    # ---- retention ----------------------------------------------------------------------------
    def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete finished entries older than `days` (the retention setting); returns how many went."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        return self._write("DELETE FROM transfers WHERE at < ? AND state = 'done'", (_stamp(cutoff),))

    def retention_days(self) -> int:
        """How long entries are kept (the history window's setting); purged at start and when changed."""
        rows = self._read("SELECT value FROM settings WHERE key = 'retention_days'")
        try:
            return int(rows[0][0]) if rows else DEFAULT_RETENTION_DAYS
        except ValueError:
            return DEFAULT_RETENTION_DAYS

    def set_retention_days(self, days: int) -> int:
        """Keep entries `days` days from now on and delete the older ones now; returns how many went."""
        low, high = RETENTION_RANGE_DAYS
        if not low <= days <= high:
            raise InputError(Problem.JOURNAL_RETENTION_RANGE, low=low, high=high, days=days)
        self._write("INSERT OR REPLACE INTO settings (key, value) VALUES ('retention_days', ?)", (str(days),))
        return self.purge_older_than(days)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- SQLite, with its errors turned into ours ------------------------------------------
    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise JournalError(Problem.JOURNAL_UNUSABLE, path=str(self.path), reason=_reason(error)) from None

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        with self._lock:
            try:
                return self._db.execute(sql, params).rowcount
            except sqlite3.Error as error:
                raise JournalError(Problem.JOURNAL_UNWRITABLE, path=str(self.path), reason=_reason(error)) from None


def _companions(path: Path) -> list[Path]:
    """The database's -wal and -shm files that exist."""
    return [file for suffix in ("-wal", "-shm") if (file := path.with_name(path.name + suffix)).exists()]


def _reason(error: Exception) -> str:
    """What went wrong, in SQLite's or the OS's words (never a value from a row)."""
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)[:200] or type(error).__name__


def _sender_alive(pid: object, at: object, now: datetime) -> bool:
    if not isinstance(pid, int) or now - _moment(at) > INTERRUPTED_AFTER:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return True  # no cheap liveness check: the age above decides
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):  # gone, or not a process ID at all
        return False
    except PermissionError:
        return True  # another user's process (a different panel): not ours to judge
    return True


def _outcome_columns(outcome: RouteOutcome) -> tuple[Any, ...]:
    return (outcome.status.value, outcome.cause.value if outcome.cause is not None else None,
            json.dumps(outcome.params, ensure_ascii=False), outcome.http_status, outcome.server_message,
            round(outcome.elapsed_ms, 1), outcome.attempts, outcome.jti)


def _stamp(moment: datetime) -> str:
    """How `at` is stored: UTC ISO 8601 to the millisecond, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    """A row as an entry. Each column is read defensively: a damaged value (SQLite checks pages,
    not values) gives that field's safe reading, never an exception, so one bad row cannot hide
    the others from the history or the double-send guard."""
    (row_id, at, profile, call_id, kind, target_id, label, fallback, inputs, state, status, cause, params,
     http_status, server_message, elapsed_ms, attempts, jti) = row[:18]
    outcome = None
    if status is not None:
        outcome = RouteOutcome(_status(status), parse_cause(cause) if isinstance(cause, str) else None,
                               _params(params), http_status if isinstance(http_status, int) else None,
                               _optional_text(server_message), _number(elapsed_ms), int(_number(attempts)), None,
                               _optional_text(jti))
    return JournalEntry(row_id, _moment(at), _text(profile), _text(call_id), _kind(kind), _text(target_id),
                        _text(label), _optional_text(fallback), _flow_inputs(inputs), _state(state, outcome), outcome,
                        _optional_text(jti))


_DAMAGED_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)  # sorts first and is long past every deadline


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else _DAMAGED_MOMENT
    except ValueError:
        return _DAMAGED_MOMENT
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float:
    if isinstance(value, int | float) and abs(value) < 1e12:
        return float(value)
    return 0.0


def _state(value: object, outcome: RouteOutcome | None) -> RowState:
    try:
        return RowState(str(value))
    except ValueError:  # damaged: a row with an outcome is finished; one without may still be on its way
        return RowState.DONE if outcome is not None else RowState.SENDING


def _flow_inputs(text: object) -> tuple[tuple[str, str], ...]:
    try:
        pairs = json.loads(text) if isinstance(text, str) else []
    except (ValueError, RecursionError):
        return ()
    if not isinstance(pairs, list):
        return ()
    return tuple((str(pair[0]), str(pair[1])) for pair in pairs if isinstance(pair, list) and len(pair) == 2)


def _status(value: object) -> OutcomeStatus:
    try:
        return OutcomeStatus(str(value))
    except ValueError:  # written by a version that knew more statuses, or damaged: treat it as the unsafe case
        return OutcomeStatus.OUTCOME_UNKNOWN


def _kind(value: object) -> IdKind:
    try:
        return IdKind(str(value))
    except ValueError:
        return IdKind.OTHER


def _params(text: object) -> dict[str, ParamValue]:
    try:
        params = json.loads(text) if isinstance(text, str) else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(params, dict):
        return {}
    return {str(k): v for k, v in params.items() if isinstance(v, str | int | float | bool) or v is None}
