"""The transfer journal as CSV, for a supervisor's spreadsheet.

UTF-8 with a byte-order mark (so Excel reads non-Latin names right), one header row, the
csv module's quoting (commas, quotes and line breaks inside values survive). Flow input
values may hold customer data: with `include_flow_input_values=False` only their names
are written. Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
apostrophe: a label or a server message must not become a formula on a supervisor's PC.
"""

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from app.core.journal import JournalEntry

COLUMNS = ("time (UTC)", "profile", "call ID", "target kind", "target ID", "target", "fallback queue",
           "flow inputs", "outcome", "HTTP status", "message", "server message", "elapsed ms", "attempts",
           "token ID (jti)")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def export_csv(entries: Iterable[JournalEntry], path: Path, include_flow_input_values: bool = True) -> int:
    """Write the entries; returns how many rows were written."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for entry in entries:
            inputs = (dict(entry.flow_inputs) if include_flow_input_values
                      else [key for key, _value in entry.flow_inputs])
            writer.writerow(_cell(value) for value in (
                entry.at.isoformat(timespec="milliseconds"), entry.profile, entry.call_id, entry.target_kind,
                entry.target_id, entry.target_label, entry.fallback_queue or "",
                json.dumps(inputs, ensure_ascii=False) if entry.flow_inputs else "",
                entry.outcome, entry.http_status if entry.http_status is not None else "", entry.message,
                entry.server_message or "", entry.elapsed_ms, entry.attempts, entry.jti or "",
            ))
            count += 1
    return count
