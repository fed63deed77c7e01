"""The directory from a file an admin distributes: CSV or JSON, one target per row.

CSV (UTF-8, with or without a BOM; a header row names the columns, in any order; one row
per line, so a field cannot hold a line break):

    kind,id,name,detail,presence,inputs
    queue,00GHs00000tBAocMAG,Billing (EMEA),Billing_EMEA,,
    flow,300Hs00000Ub631IAB,VIP Callback Flow,VIP_Callback_Flow,,CustomerTier;CallbackNumber
    agent,005Hs00000O4AxuIAF,Zoë Müller,,Available,

JSON: `{"targets": [{"kind": "queue", "id": "…", "name": "…", "detail": "…"}, …]}`.

`kind` is agent, queue or flow; `id` the 15- or 18-character ID (flows: the 300… flow
definition ID); `detail` the queue's developer name or the flow's API name; `presence`
(agents, optional) the status label, read as available / busy / away / offline by the
words in it; `inputs` (flows, optional) the flow's input variables, API names separated
by ";" (or spaces), which the transfer form offers as flow input names.

Whatever the file holds, loading it is bounded and never stops at a bad row: a row that
cannot be used (a wrong ID, a quote left open, a line longer than `MAX_LINE_BYTES`, a JSON
target that is not a flat object, nested in any depth) is reported with its line and
skipped, and the rest loads. An ID that comes again replaces the earlier row, and that is
reported too. The file may hold up to `MAX_FILE_BYTES`; the first `MAX_PROBLEMS` problems
are kept, the rest counted (`FileLoad.skipped` counts every row left out). Nothing here recurses, so no nesting is deep
enough to fail. The targets go straight into a `TargetTable` (no object per target kept),
so a 1,000,000-row file loads on a worker thread in small steps. `FileWatch` tells cheaply
whether the file changed since it was read.
"""

from __future__ import annotations

import csv
import json
import re
import stat
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from itertools import pairwise
from pathlib import Path

from app.core.directory.table import TableBuilder, TargetTable, sorted_pieces
from app.core.directory.target import FlowVariable, Presence, checked_id, state_for_label
from app.core.errors import ConfigError, InputError, PanelError, Problem
from app.core.ids import IdKind
from app.core.routing.request import validate_flow_inputs

COLUMNS = ("kind", "id", "name", "detail", "presence", "inputs")
MAX_FILE_BYTES = 256 * 2**20  # ~3 million rows; a directory file beyond that is not one
MAX_LINE_BYTES = 4096  # a CSV line or a JSON target; names and IDs are far shorter
MAX_PROBLEMS = 100
_KINDS = {"agent": IdKind.AGENT, "queue": IdKind.QUEUE, "flow": IdKind.FLOW}
_BOM = b"\xef\xbb\xbf"
_INPUT_SEPARATORS = re.compile(r"[;,\s]+")


@dataclass(frozen=True, slots=True)
class FileLoad:
    targets: TargetTable
    problems: list[PanelError] = field(default_factory=list)  # the first MAX_PROBLEMS skipped or replaced rows
    skipped: int = 0  # rows left out: skipped, or replaced by a later row with the same ID (all of them)


class _Problems:
    """The problems of one load: the first MAX_PROBLEMS kept, the rows left out counted."""

    def __init__(self) -> None:
        self.kept: list[PanelError] = []
        self.skipped = 0

    def skipped_row(self, line: int, reason: InputError, position: int | None = None) -> None:
        """A row left out (`position`: a JSON target's), and why."""
        self.skipped += 1
        self._add(lambda: InputError(Problem.DIRECTORY_ROW, line=line, position=position, details=(reason,)))

    def replaced(self, line: int, target_id: str, earlier_line: int) -> None:
        self.skipped += 1
        self._add(lambda: InputError(Problem.DIRECTORY_DUPLICATE_ID, line=line, id=target_id,
                                     earlier_line=earlier_line))

    def broken(self, line: int) -> None:
        """The JSON breaks here: nothing after it is read."""
        self._add(lambda: InputError(Problem.DIRECTORY_JSON_BROKEN, line=line))

    def _add(self, make: Callable[[], PanelError]) -> None:
        if len(self.kept) < MAX_PROBLEMS:  # past it only counted: a million bad rows make no million errors
            self.kept.append(make())


def load_directory_file(path: Path) -> FileLoad:
    where = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would never end
            raise ConfigError(Problem.DIRECTORY_FILE_NOT_REGULAR, path=where)
        if info.st_size > MAX_FILE_BYTES:
            raise ConfigError(Problem.DIRECTORY_FILE_TOO_BIG, path=where, size_mib=round(info.st_size / 2**20),
                              limit_mib=MAX_FILE_BYTES // 2**20)
        with path.open("rb") as file:
            # All of it first: reading a line at a time gave up the GIL at every buffer refill, and
            # the window's thread, waiting for it, lost it again each time (stalls of 100-500 ms).
            data = _read_all(file, min(info.st_size, MAX_FILE_BYTES))
        return _from_json(where, data) if path.suffix.lower() == ".json" else _from_csv(where, data)
    except FileNotFoundError:
        raise ConfigError(Problem.DIRECTORY_FILE_MISSING, path=where) from None
    except OSError as error:
        raise ConfigError(Problem.DIRECTORY_FILE_UNREADABLE, path=where,
                          reason=error.strerror or type(error).__name__) from None


def _read_all(file: BufferedReader, size: int) -> bytearray:
    """The whole file, read in pieces into one buffer (the read itself lets other threads run)."""
    data = bytearray(size)
    view, done = memoryview(data), 0
    while done < size:
        count = file.readinto(view[done:done + (1 << 20)])
        if not count:
            break
        done += count
    del view
    del data[done:]
    return data


# ---- CSV --------------------------------------------------------------------------------------
def _lines(data: bytearray) -> Iterator[tuple[int, bytearray | None]]:
    """(line number, bytes) of each line; a line longer than MAX_LINE_BYTES comes as None."""
    at, number, size = 0, 0, len(data)
    while at < size:
        number += 1
        end = data.find(b"\n", at)
        end = size if end < 0 else end + 1
        yield number, data[at:end] if end - at - (data[end - 1] == ord("\n")) <= MAX_LINE_BYTES else None
        at = end


def _from_csv(path: str, data: bytearray) -> FileLoad:
    lines = _lines(data)
    try:
        header = [name.strip().lower() for name in _fields((next(lines, (1, b""))[1] or b"").removeprefix(_BOM))]
    except UnicodeDecodeError:
        raise ConfigError(Problem.DIRECTORY_FILE_NOT_UTF8, path=path) from None
    except csv.Error as error:
        raise ConfigError(Problem.DIRECTORY_FILE_BAD_HEADER, path=path, details=(_csv_problem(error),)) from None
    missing = [name for name in ("kind", "id", "name") if name not in header]
    if missing:
        raise ConfigError(Problem.DIRECTORY_FILE_NO_HEADER, path=path, missing=", ".join(missing))
    columns = [header.index(name) if name in header else None for name in COLUMNS]
    collected, problems = _Collector(), _Problems()
    for number, line in lines:
        if line is None:
            problems.skipped_row(number, InputError(Problem.DIRECTORY_ROW_TOO_LONG, limit=MAX_LINE_BYTES))
            continue
        try:
            fields = _fields(line)
        except csv.Error as error:
            problems.skipped_row(number, _csv_problem(error))
            continue
        except UnicodeDecodeError:
            problems.skipped_row(number, InputError(Problem.DIRECTORY_ROW_NOT_UTF8))
            continue
        if len(fields) > 1 or fields and fields[0].strip():  # not a blank line
            collected.add(number, [fields[at] if at is not None and at < len(fields) else "" for at in columns],
                          problems)
    return collected.load(problems)


def _fields(line: bytes | bytearray) -> list[str]:
    text = line.decode("utf-8").rstrip("\r\n")
    if '"' not in text:
        return text.split(",")  # what csv makes of a line without quotes, ~10x faster
    return next(csv.reader((text,), strict=True), [])


def _csv_problem(error: csv.Error) -> InputError:
    if "unexpected end of data" in str(error):
        return InputError(Problem.DIRECTORY_ROW_OPEN_QUOTE)
    return InputError(Problem.DIRECTORY_ROW_NOT_CSV, error=str(error))


# ---- JSON -------------------------------------------------------------------------------------
_SPACE = re.compile(rb"[ \t\r\n]*+")
_STRING = re.compile(rb'"(?:[^"\\\n]++|\\.)*+"')
_SCALAR = re.compile(rb'"(?:[^"\\\n]++|\\.)*+"|-?[0-9][0-9.eE+-]*+|true|false|null')
_FLAT_OBJECT = re.compile(rb'\{(?:[^{}\[\]"]++|"(?:[^"\\\n]++|\\.)*+")*+\}')
_STRUCTURE = re.compile(rb'"(?:[^"\\\n]++|\\.)*+"|[\[\]{}]')
_DEPTH_CHANGE = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class _Json:
    """Walks the document without recursion: the top-level object by hand, each target as a
    flat object (one regular expression, then `json.loads` on its few bytes)."""

    def __init__(self, data: bytearray) -> None:
        self.data = data
        self.at = len(_BOM) if data.startswith(_BOM) else 0
        self._line, self._line_at = 1, 0

    def line(self) -> int:
        """The line of the current position (counted on from the last call: linear overall)."""
        self._line += self.data.count(b"\n", self._line_at, self.at)
        self._line_at = self.at
        return self._line

    def space(self) -> int:
        """The next byte that is not white space (-1: the end)."""
        spaces = _SPACE.match(self.data, self.at)  # always a match, if only an empty one
        self.at = spaces.end() if spaces else self.at
        return self.data[self.at] if self.at < len(self.data) else -1

    def expect(self, char: bytes) -> bool:
        if self.space() == char[0]:
            self.at += 1
            return True
        return False

    def skip_value(self) -> bool:
        """Past one value of any depth (brackets counted, strings skipped); False at the file's end."""
        if self.space() not in (ord("["), ord("{")):
            match = _SCALAR.match(self.data, self.at)
            if match is None:
                return False
            self.at = match.end()
            return True
        depth = 0
        for token in _STRUCTURE.finditer(self.data, self.at):
            depth += _DEPTH_CHANGE.get(token.group()[0], 0)
            if depth == 0:
                self.at = token.end()
                return True
        self.at = len(self.data)
        return False


def _from_json(path: str, data: bytearray) -> FileLoad:
    document = _Json(data)
    unusable = ConfigError(Problem.DIRECTORY_FILE_NOT_JSON_FORM, path=path)
    if not document.expect(b"{"):
        raise unusable
    collected, problems, found = _Collector(), _Problems(), False
    while not document.expect(b"}"):
        key = _STRING.match(data, document.at) if document.space() == ord('"') else None
        if key is None:
            raise unusable
        document.at = key.end()
        if not document.expect(b":"):
            raise unusable
        if key.group() == b'"targets"' and document.space() == ord("["):
            document.at += 1
            found = True
            if not _targets(document, collected, problems):
                break  # the file ends inside the list: what came before it loads
        elif not document.skip_value():
            raise unusable
        if not document.expect(b","):
            if document.expect(b"}"):
                break
            problems.broken(document.line())
            break
    if not found:
        raise unusable
    return collected.load(problems)


def _targets(document: _Json, collected: _Collector, problems: _Problems) -> bool:
    """The rows of the "targets" list; False when the file ends (or breaks) before the list does."""
    data, position = document.data, 0
    while not document.expect(b"]"):
        position += 1
        line = document.line()
        row = _FLAT_OBJECT.match(data, document.at)
        if row is not None and row.end() - row.start() <= MAX_LINE_BYTES:
            document.at = row.end()
            try:
                values = json.loads(row.group())
            except ValueError:
                problems.skipped_row(line, InputError(Problem.DIRECTORY_ROW_NOT_JSON), position)
            else:
                collected.add(line, [str(values.get(name) or "") for name in COLUMNS], problems, position)
        elif row is not None:
            document.at = row.end()
            problems.skipped_row(line, InputError(Problem.DIRECTORY_ROW_TOO_LONG, limit=MAX_LINE_BYTES), position)
        elif document.space() == ord("{"):
            if not document.skip_value():
                problems.skipped_row(line, InputError(Problem.DIRECTORY_ROW_CUT_SHORT), position)
                return False
            problems.skipped_row(line, InputError(Problem.DIRECTORY_ROW_NESTED), position)
        else:
            if not document.skip_value():
                problems.broken(line)
                return False
            problems.skipped_row(line, InputError(Problem.DIRECTORY_ROW_NOT_OBJECT), position)
        if not document.expect(b","):
            if document.expect(b"]"):
                return True
            problems.broken(document.line())
            return False
    return True


# ---- rows ------------------------------------------------------------------------------------
class _Collector:
    """Valid rows into a table, with their lines, so a repeated ID can name both."""

    def __init__(self) -> None:
        self._builder = TableBuilder()
        self._lines = array("I")
        self._presences: dict[str, Presence] = {}  # one per status label

    def add(self, line: int, values: list[str], problems: _Problems, position: int | None = None) -> None:
        """One row's values in the order of COLUMNS (`position`: a JSON target's); a problem
        instead when they cannot make a target."""
        kind_text, target_id, name, detail, status, inputs_text = (value.strip() for value in values)
        try:
            kind = _KINDS.get(kind_text.lower())
            if kind is None:
                raise InputError(Problem.DIRECTORY_ROW_BAD_KIND, kind=kind_text)
            presence = self._presence(status) if kind is IdKind.AGENT else None
            target_id = checked_id(kind, target_id, name)  # what Target checks, without the object
            inputs = _flow_variables(kind, inputs_text)
        except InputError as error:
            problems.skipped_row(line, error, position)
            return
        secondary = (presence.status if presence else "") if kind is IdKind.AGENT else detail  # as Target.agent does
        self._builder.add_fields(kind, target_id, name, secondary, presence, (), inputs)
        self._lines.append(line)

    def _presence(self, status: str) -> Presence | None:
        presence = self._presences.get(status)
        if presence is None and status:
            presence = self._presences[status] = Presence(status, state_for_label(status))
        return presence

    def load(self, problems: _Problems) -> FileLoad:
        table = self._builder.build()
        by_id = sorted_pieces(range(len(table)), table.id)  # stable: equal IDs in file order
        replaced = {earlier for earlier, later in pairwise(by_id) if table.id(earlier) == table.id(later)}
        if replaced:
            for earlier, later in pairwise(by_id):
                if earlier in replaced:
                    problems.replaced(self._lines[later], table.id(later), self._lines[earlier])
            table = table.take([position for position in range(len(table)) if position not in replaced])
        return FileLoad(table, problems.kept, problems.skipped)


def _flow_variables(kind: IdKind, text: str) -> tuple[FlowVariable, ...]:
    """A flow's input variables as the file lists them; InputError when they cannot be sent as
    flow inputs (the transfer's own rules), or are given for an agent or a queue."""
    names = [name for name in _INPUT_SEPARATORS.split(text) if name]
    if names and kind is not IdKind.FLOW:
        raise InputError(Problem.FLOW_INPUTS_NOT_FOR_KIND, kind=kind.value)
    return tuple(FlowVariable(name) for name, _value in validate_flow_inputs(tuple((name, "") for name in names)))


class FileWatch:
    """Has the file changed since the last `changed()` call? (mtime and size: no reading, no threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen = self._signature()

    def _signature(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def changed(self) -> bool:
        now = self._signature()
        changed, self._seen = now != self._seen, now
        return changed
