"""The directory from a file an admin distributes: CSV or JSON, one target per row.

CSV (UTF-8, with or without a BOM; a header row names the columns, in any order; one row
per line, so a field cannot hold a line break):

    kind,id,name,detail,presence
    queue,00GHs00000tBAocMAG,Billing (EMEA),Billing_EMEA,
    agent,005Hs00000O4AxuIAF,Zoë Müller,,Available

JSON: `{"targets": [{"kind": "queue", "id": "…", "name": "…", "detail": "…"}, …]}`.

`kind` is agent, queue or flow; `id` the 15- or 18-character ID (flows: the 300… flow
definition ID); `detail` the queue's developer name or the flow's API name; `presence`
(agents, optional) the status label, read as available / busy / away / offline by the
words in it.

Whatever the file holds, loading it is bounded and never stops at a bad row: a row that
cannot be used (a wrong ID, a quote left open, a line longer than `MAX_LINE_BYTES`, a JSON
target that is not a flat object, nested in any depth) is reported with its line and
skipped, and the rest loads. An ID that comes again replaces the earlier row, and that is
reported too. The file may hold up to `MAX_FILE_BYTES`; the first `MAX_PROBLEMS` problems
are kept word for word, the rest counted. Nothing here recurses, so no nesting is deep
enough to fail. The targets go straight into a `TargetTable` (no object per target kept),
so a 1,000,000-row file loads on a worker thread in small steps. `FileWatch` tells cheaply
whether the file changed since it was read.
"""

import csv
import json
import re
import stat
from array import array
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from app.core.directory.table import TableBuilder, TargetTable, sorted_pieces
from app.core.directory.target import Presence, checked_id, state_for_label
from app.core.errors import ConfigError, InputError
from app.core.ids import IdKind

COLUMNS = ("kind", "id", "name", "detail", "presence")
MAX_FILE_BYTES = 256 * 2**20  # ~3 million rows; a directory file beyond that is not one
MAX_LINE_BYTES = 4096  # a CSV line or a JSON target; names and IDs are far shorter
MAX_PROBLEMS = 100
_KINDS = {"agent": IdKind.AGENT, "queue": IdKind.QUEUE, "flow": IdKind.FLOW}
_BOM = b"\xef\xbb\xbf"
_USAGE_JSON = 'JSON of the form {"targets": [{"kind": …, "id": …, "name": …}, …]}'


@dataclass(frozen=True, slots=True)
class FileLoad:
    targets: TargetTable
    problems: list[str] = field(default_factory=list)  # one line per skipped or replaced row, then a count


class _Problems:
    """The problems of one load: the first MAX_PROBLEMS in words, then how many more."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.more = 0

    def add(self, line: int, text: str) -> None:
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(f"line {line}: {text}")
        else:
            self.more += 1

    def finished(self) -> list[str]:
        return self.lines + ([f"… and {self.more:,} more rows with problems"] if self.more else [])


def load_directory_file(path: Path) -> FileLoad:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would never end
            raise ConfigError(f"The directory file {path} is not a regular file. Check directory_file in the profile.")
        if info.st_size > MAX_FILE_BYTES:
            raise ConfigError(f"The directory file {path} holds {info.st_size / 2**20:,.0f} MiB; the panel reads "
                              f"directory files of up to {MAX_FILE_BYTES // 2**20} MiB. Check that it is the "
                              "directory, and leave out what the panel does not need.")
        with path.open("rb") as file:
            if path.suffix.lower() == ".json":
                return _from_json(path, _read_all(file, min(info.st_size, MAX_FILE_BYTES)))
            return _from_csv(path, file)
    except FileNotFoundError:
        raise ConfigError(f"The directory file {path} does not exist. Check directory_file in the profile.") from None
    except OSError as error:
        raise ConfigError(f"The directory file {path} cannot be read ({error}). Save it as UTF-8.") from None


def _read_all(file, size: int) -> bytearray:
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
def _lines(file):
    """(line number, bytes) of each line; a line longer than MAX_LINE_BYTES comes as None, unread."""
    number = 0
    while True:
        line = file.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # the rest of it, a piece at a time
                line = file.readline(1 << 20)
            yield number, None
            continue
        yield number, line


def _from_csv(path: Path, file) -> FileLoad:
    lines = _lines(file)
    needs = (f"The directory file {path} needs a header row with the columns kind, id, name (and optionally "
             "detail, presence)")
    try:
        header = [name.strip().lower() for name in _fields((next(lines, (1, b""))[1] or b"").removeprefix(_BOM))]
    except UnicodeDecodeError:
        raise ConfigError(f"The directory file {path} is not UTF-8 text. Save it as UTF-8.") from None
    except csv.Error as error:
        raise ConfigError(f"{needs}; its first line is not one: {_csv_problem(error)}.") from None
    missing = [name for name in ("kind", "id", "name") if name not in header]
    if missing:
        raise ConfigError(f"{needs}; missing: {', '.join(missing)}.")
    columns = [header.index(name) if name in header else None for name in COLUMNS]
    collected, problems = _Collector(), _Problems()
    for number, line in lines:
        if line is None:
            problems.add(number, f"the line is longer than {MAX_LINE_BYTES:,} bytes (row skipped)")
            continue
        try:
            fields = _fields(line)
        except csv.Error as error:
            problems.add(number, f"{_csv_problem(error)} (row skipped)")
            continue
        except UnicodeDecodeError:
            problems.add(number, "the line is not UTF-8 text; save the file as UTF-8 (row skipped)")
            continue
        if len(fields) > 1 or fields and fields[0].strip():  # not a blank line
            collected.add(number, [fields[at] if at is not None and at < len(fields) else "" for at in columns],
                          problems)
    return collected.load(problems)


def _fields(line: bytes) -> list[str]:
    text = line.decode("utf-8").rstrip("\r\n")
    if '"' not in text:
        return text.split(",")  # what csv makes of a line without quotes, ~10x faster
    return next(csv.reader((text,), strict=True), [])


def _csv_problem(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return "a quote opens a field but does not close it on the same line"
    return f"the line is not valid CSV ({error})"


# ---- JSON -------------------------------------------------------------------------------------
_SPACE = re.compile(rb"[ \t\r\n]*+")
_STRING = re.compile(rb'"(?:[^"\\\n]++|\\.)*+"')
_SCALAR = re.compile(rb'"(?:[^"\\\n]++|\\.)*+"|-?[0-9][0-9.eE+-]*+|true|false|null')
_FLAT_OBJECT = re.compile(rb'\{(?:[^{}\[\]"]++|"(?:[^"\\\n]++|\\.)*+")*+\}')
_STRUCTURE = re.compile(rb'"(?:[^"\\\n]++|\\.)*+"|[\[\]{}]')


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
        self.at = _SPACE.match(self.data, self.at).end()
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
            depth += {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}.get(token.group()[0], 0)
            if depth == 0:
                self.at = token.end()
                return True
        self.at = len(self.data)
        return False


def _from_json(path: Path, data: bytearray) -> FileLoad:
    document = _Json(data)
    unusable = ConfigError(f"The directory file {path} must be {_USAGE_JSON}.")
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
            problems.add(document.line(), "the JSON is broken here; nothing after it is read")
            break
    if not found:
        raise unusable
    return collected.load(problems)


def _targets(document: _Json, collected: "_Collector", problems: _Problems) -> bool:
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
                problems.add(line, f"target {position} is not valid JSON (skipped)")
            else:
                collected.add(line, [str(values.get(name) or "") for name in COLUMNS], problems, f"target {position}")
        else:
            if row is not None:
                reason = f"is longer than {MAX_LINE_BYTES:,} bytes"
                document.at = row.end()
            elif document.space() == ord("{"):
                reason = "holds lists or objects in it, or a string that does not end on its line"
                if not document.skip_value():
                    problems.add(line, f"target {position} {reason}, and the file ends inside it")
                    return False
            else:
                reason = "is not an object with kind, id and name"
                if not document.skip_value():
                    problems.add(line, "the JSON is broken here; nothing after it is read")
                    return False
            problems.add(line, f"target {position} {reason} (skipped)")
        if not document.expect(b","):
            if document.expect(b"]"):
                return True
            problems.add(document.line(), "the JSON is broken here (a comma or ] is missing); nothing after it "
                                          "is read")
            return False
    return True


# ---- rows ------------------------------------------------------------------------------------
class _Collector:
    """Valid rows into a table, with their lines, so a repeated ID can name both."""

    def __init__(self) -> None:
        self._builder = TableBuilder()
        self._lines = array("I")
        self._presences: dict[str, Presence] = {}  # one per status label

    def add(self, line: int, values: list[str], problems: _Problems, what: str = "") -> None:
        """One row's values in the order of COLUMNS; a problem instead when they cannot make a target."""
        kind_text, target_id, name, detail, status = (value.strip() for value in values)
        try:
            kind = _KINDS.get(kind_text.lower())
            if kind is None:
                raise InputError(f"kind {kind_text!r} must be agent, queue or flow")
            presence = self._presence(status) if kind is IdKind.AGENT else None
            target_id = checked_id(kind, target_id, name)  # what Target checks, without the object
        except InputError as error:
            problems.add(line, f"{what + ': ' if what else ''}{error} ({'skipped' if what else 'row skipped'})")
            return
        secondary = (presence.status if presence else "") if kind is IdKind.AGENT else detail  # as Target.agent does
        self._builder.add_fields(kind, target_id, name, secondary, presence)
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
                    problems.add(self._lines[later], f"the ID {table.id(later)} is also on line "
                                                     f"{self._lines[earlier]}; this later row is used")
            table = table.take([position for position in range(len(table)) if position not in replaced])
        return FileLoad(table, problems.finished())


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
