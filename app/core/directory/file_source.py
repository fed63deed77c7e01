"""The directory from a file an admin distributes: CSV or JSON, one target per row.

CSV (UTF-8, with or without a BOM; a header row names the columns, in any order):

    kind,id,name,detail,presence
    queue,00GHs00000tBAocMAG,Billing (EMEA),Billing_EMEA,
    agent,005Hs00000O4AxuIAF,Zoë Müller,,Available

JSON: `{"targets": [{"kind": "queue", "id": "…", "name": "…", "detail": "…"}, …]}`.

`kind` is agent, queue or flow; `id` the 15- or 18-character ID (flows: the 300… flow
definition ID); `detail` the queue's developer name or the flow's API name; `presence`
(agents, optional) the status label, read as available / busy / away / offline by the
words in it. A bad row is reported with its line (CSV) or position (JSON) and skipped;
the rest load. `FileWatch` tells cheaply whether the file changed since it was read.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from app.core.directory.target import Presence, Target, state_for_label
from app.core.errors import ConfigError, InputError, PanelError, Problem
from app.core.ids import IdKind

COLUMNS = ("kind", "id", "name", "detail", "presence")
_KINDS = {"agent": IdKind.AGENT, "queue": IdKind.QUEUE, "flow": IdKind.FLOW}


@dataclass(frozen=True, slots=True)
class FileLoad:
    targets: list[Target]
    problems: list[PanelError] = field(default_factory=list)  # one per skipped row


def load_directory_file(path: Path) -> FileLoad:
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: Excel writes a BOM
    except FileNotFoundError:
        raise ConfigError(Problem.DIRECTORY,
            text=f"The directory file {path} does not exist. Check directory_file in the profile.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(Problem.DIRECTORY,
            text=f"The directory file {path} cannot be read ({error}). Save it as UTF-8.") from None
    if path.suffix.lower() == ".json":
        return _from_json(path, text)
    return _from_csv(path, text)


def _from_csv(path: Path, text: str) -> FileLoad:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("kind", "id", "name") if name not in header]
    if missing:
        raise ConfigError(Problem.DIRECTORY,
            text=f"The directory file {path} needs a header row with the columns kind, id, name "
                          f"(and optionally detail, presence); missing: {', '.join(missing)}.")
    reader.fieldnames = header
    targets, problems = [], []
    for row in reader:
        try:
            targets.append(_target(row))
        except InputError as error:
            problems.append(InputError(Problem.DIRECTORY_ROW, line=reader.line_num, details=(error,)))
    return FileLoad(targets, problems)


def _from_json(path: Path, text: str) -> FileLoad:
    try:
        rows = json.loads(text)["targets"]
        if not isinstance(rows, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ConfigError(Problem.DIRECTORY, text=f"The directory file {path} must be JSON of the form "
                          '{"targets": [{"kind": …, "id": …, "name": …}, …]}.') from None
    targets, problems = [], []
    for position, row in enumerate(rows, start=1):
        try:
            if not isinstance(row, dict):
                raise InputError(Problem.DIRECTORY, text="each target must be an object with kind, id and name")
            targets.append(_target(row))
        except InputError as error:
            problems.append(InputError(Problem.DIRECTORY_ROW, position=position, details=(error,)))
    return FileLoad(targets, problems)


def _target(row: dict) -> Target:
    value = {name: str(row.get(name) or "").strip() for name in COLUMNS}
    kind = _KINDS.get(value["kind"].lower())
    if kind is None:
        raise InputError(Problem.DIRECTORY, text=f"kind {value['kind']!r} must be agent, queue or flow")
    if kind is IdKind.AGENT:
        label = value["presence"]
        return Target.agent(value["id"], value["name"], Presence(label, state_for_label(label)) if label else None)
    return Target(kind, value["id"], value["name"], value["detail"])


class FileWatch:
    """Has the file changed since the last `changed()` call? (mtime and size: no reading, no threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen = self._signature()

    def _signature(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def changed(self) -> bool:
        now = self._signature()
        changed, self._seen = now != self._seen, now
        return changed
