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
from app.messages import SENDING_LABEL, Front, outcome_text

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
            outcome = entry.outcome
            message = outcome_text(outcome, entry.target_label, Front.WINDOW).headline if outcome else SENDING_LABEL
            writer.writerow(_cell(value) for value in (
                entry.at.isoformat(timespec="milliseconds"), entry.profile, entry.call_id, entry.target_kind.value,
                entry.target_id, entry.target_label, entry.fallback_queue or "",
                json.dumps(inputs, ensure_ascii=False) if entry.flow_inputs else "",
                outcome.status.value if outcome else entry.state.value,
                outcome.http_status if outcome and outcome.http_status is not None else "", message,
                (outcome.server_message if outcome else None) or "", outcome.elapsed_ms if outcome else "",
                outcome.attempts if outcome else "", entry.jti or "",
            ))
            count += 1
    return count
