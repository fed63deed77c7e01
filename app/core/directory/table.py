"""Targets stored column by column: a few large objects instead of 100,000 small ones.

A directory of 100,000 `Target` objects costs ~40 MiB in small objects (the targets, their
IDs, labels and presences), and each of them is one more object for every full garbage
collection to visit. A `TargetTable` holds the same values in seven objects:

* `kinds`: one byte per target, b"a", b"q" or b"f";
* `ids`: every 18-character ID, one after the other, in one ASCII string;
* `texts`: UTF-8, per target its label, then "\\x1f" and its secondary text, then "\\x1f"
  and each extra search term; `text_ends[i]` is where target i's text ends;
* `presence_codes[i]`: 0 for no presence, else 1 + the index of the agent's (status label,
  state) in `presences`; `since[i]`: the presence's start as a POSIX timestamp (NaN: unknown);
* `flow_inputs`: the input variables of the flows that have known ones, by flow ID (a few
  hundred entries at most: flows are about 1% of a directory).

It is a `Sequence[Target]`: `table[i]` builds that target when asked (a row being painted,
a route), so a search result costs nothing per target it does not show. Values are stored
as they were validated (a "\\x1f" in a text, which would split it, is stored as a space).
"""

from __future__ import annotations

import heapq
import math
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import accumulate, islice, pairwise
from typing import Any, overload

from app.core.directory.target import FlowVariable, Presence, PresenceState, Target, restore_target
from app.core.ids import IdKind

KIND_CODES = {IdKind.AGENT: ord("a"), IdKind.QUEUE: ord("q"), IdKind.FLOW: ord("f")}
_KIND_OF_CODE = {code: kind for kind, code in KIND_CODES.items()}
ID_LENGTH = 18
SEPARATOR = "\x1f"
_UNKNOWN = math.nan
_SORT_PIECE = 16_384  # a sort of this many strings holds the GIL ~5 ms
# kinds, IDs, texts, text ends, presence codes, presences (status, state), since, flow inputs
# (flow ID, ((name, data type, description), …)): see `columns`
Columns = tuple[bytes, str, bytes, bytes, bytes, tuple[tuple[str, str], ...], bytes,
                tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]]
FlowInputs = dict[str, tuple[FlowVariable, ...]]


class TargetTable(Sequence[Target]):
    __slots__ = ("kinds", "ids", "texts", "text_ends", "presence_codes", "presences", "since", "flow_inputs")

    def __init__(self, kinds: bytes, ids: str, texts: bytes, text_ends: array[int], presence_codes: array[int],
                 presences: tuple[tuple[str, PresenceState], ...], since: array[float],
                 flow_inputs: FlowInputs | None = None) -> None:
        self.kinds = kinds
        self.ids = ids
        self.texts = texts
        self.text_ends = text_ends
        self.presence_codes = presence_codes
        self.presences = presences
        self.since = since
        self.flow_inputs: FlowInputs = flow_inputs or {}  # shared by the tables `take` makes: keyed by ID

    @classmethod
    def of(cls, targets: Iterable[Target]) -> TargetTable:
        builder = TableBuilder()
        for target in targets:
            builder.add(target)
        return builder.build()

    def __len__(self) -> int:
        return len(self.kinds)

    @overload
    def __getitem__(self, position: int) -> Target: ...
    @overload
    def __getitem__(self, position: slice) -> list[Target]: ...
    def __getitem__(self, position: int | slice) -> Target | list[Target]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("target position out of range")
        start = self.text_ends[position - 1] if position else 0
        label, secondary, *extra = self.texts[start:self.text_ends[position]].decode().split(SEPARATOR)
        id_start = position * ID_LENGTH
        kind, target_id = _KIND_OF_CODE[self.kinds[position]], self.ids[id_start:id_start + ID_LENGTH]
        return restore_target(kind, target_id, label, secondary,
                              self.presence(position) if self.presence_codes[position] else None, tuple(extra),
                              self.flow_inputs.get(target_id, ()) if kind is IdKind.FLOW else ())

    def __iter__(self) -> Iterator[Target]:
        return map(self.__getitem__, range(len(self)))

    def __repr__(self) -> str:
        return f"<TargetTable of {len(self)} targets>"

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of equal targets (another table, a list)."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(map(operator.eq, self, other))

    # ---- single columns (no Target built) ------------------------------------------------
    def kind(self, position: int) -> IdKind:
        return _KIND_OF_CODE[self.kinds[position]]

    def id(self, position: int) -> str:
        start = position * ID_LENGTH
        return self.ids[start:start + ID_LENGTH]

    def find(self, target_id: str) -> Target | None:
        """The target with this 18-character ID: a scan of the ID column, building only that Target."""
        at = self.ids.find(target_id)
        while at != -1 and at % ID_LENGTH:  # a match across two IDs is none
            at = self.ids.find(target_id, at + 1)
        return None if at == -1 or len(target_id) != ID_LENGTH else self[at // ID_LENGTH]

    def fields(self, position: int) -> list[str]:
        """[label, secondary, *extra terms] of one target."""
        start = self.text_ends[position - 1] if position else 0
        return self.texts[start:self.text_ends[position]].decode().split(SEPARATOR)

    def label(self, position: int) -> str:
        return self.fields(position)[0]

    def presence(self, position: int) -> Presence | None:
        code = self.presence_codes[position]
        if not code:
            return None
        status, state = self.presences[code - 1]
        since = self.since[position]
        return Presence(status, state, None if math.isnan(since) else datetime.fromtimestamp(since, UTC))

    # ---- new tables ------------------------------------------------------------------------
    def take(self, positions: Sequence[int]) -> TargetTable:
        """A table of these targets, in this order (built on a worker thread in pieces: see `_gathered`)."""
        ends, texts = self.text_ends, self.texts
        starts = array("I", (0,)) + ends[:-1] if len(ends) else array("I")
        pieces = [texts[starts[p]:ends[p]] for p in positions]
        taken = TargetTable(
            bytes(_gathered(bytearray(), self.kinds, positions)),
            "".join([self.ids[p * ID_LENGTH:(p + 1) * ID_LENGTH] for p in positions]),
            joined(pieces),
            filled(array("I"), accumulate(map(len, pieces))),
            _gathered(array("I"), self.presence_codes, positions),
            self.presences,
            _gathered(array("d"), self.since, positions),
            self.flow_inputs,
        )
        let_go(pieces)
        return taken

    def copy(self) -> TargetTable:
        """The same table in new small objects (the large columns are shared: they are immutable)."""
        return TargetTable(self.kinds, self.ids, self.texts, array("I", self.text_ends),
                           array("I", self.presence_codes),
                           tuple((status.encode().decode(), state) for status, state in self.presences),
                           array("d", self.since), dict(self.flow_inputs))

    def of_kinds(self, *kinds: IdKind) -> TargetTable:
        """The targets of these kinds, in table order."""
        wanted = {KIND_CODES[kind] for kind in kinds}
        return self.take([p for p, code in enumerate(self.kinds) if code in wanted])

    # ---- the offline cache ----------------------------------------------------------------
    def columns(self) -> Columns:
        """Plain values (bytes, str, tuples) that `from_columns` turns back into this table."""
        return (self.kinds, self.ids, self.texts, self.text_ends.tobytes(), self.presence_codes.tobytes(),
                tuple((status, state.value) for status, state in self.presences), self.since.tobytes(),
                tuple((flow_id, tuple((v.name, v.data_type, v.description) for v in variables))
                      for flow_id, variables in self.flow_inputs.items()))

    @classmethod
    def from_columns(cls, columns: Columns) -> TargetTable:
        """The table of `columns()`; ValueError when they do not describe one (a damaged file)."""
        kinds, ids, texts, ends_bytes, codes_bytes, presence_rows, since_bytes, input_rows = columns
        if not (isinstance(kinds, bytes) and isinstance(ids, str) and isinstance(texts, bytes)
                and isinstance(presence_rows, tuple) and isinstance(input_rows, tuple)):
            raise ValueError("column types")
        count = len(kinds)
        text_ends, presence_codes, since = array("I"), array("I"), array("d")
        text_ends.frombytes(ends_bytes)
        presence_codes.frombytes(codes_bytes)
        since.frombytes(since_bytes)
        if kinds.translate(None, b"aqf") or len(ids) != count * ID_LENGTH or (count and not (ids.isascii()
                                                                                            and ids.isalnum())):
            raise ValueError("kinds or IDs")
        if not len(text_ends) == len(presence_codes) == len(since) == count:
            raise ValueError("columns of different lengths")
        if count and (text_ends[-1] != len(texts) or any(a > b for a, b in pairwise(text_ends))):
            raise ValueError("text offsets")
        presences = tuple((str(status), PresenceState(state)) for status, state in presence_rows)
        if count and max(presence_codes) > len(presences):
            raise ValueError("presence codes")
        texts.decode()  # UTF-8 throughout (UnicodeDecodeError is a ValueError)
        flow_inputs = {str(flow_id): tuple(FlowVariable(str(name), str(data_type), str(description))
                                           for name, data_type, description in variables)
                       for flow_id, variables in input_rows}
        return cls(kinds, ids, texts, text_ends, presence_codes, presences, since, flow_inputs)


class TableBuilder:
    """Collects targets into a `TargetTable` without keeping an object per target."""

    def __init__(self) -> None:
        self._kinds = bytearray()
        self._ids = bytearray()
        self._texts = bytearray()
        self._ends = array("I")
        self._codes = array("I")
        self._since = array("d")
        self._presences: dict[tuple[str, PresenceState], int] = {}
        self._flow_inputs: FlowInputs = {}

    def __len__(self) -> int:
        return len(self._kinds)

    def add(self, target: Target) -> None:
        self.add_fields(target.kind, target.id, target.label, target.secondary, target.presence, target.extra,
                        target.inputs)

    def add_fields(self, kind: IdKind, target_id: str, label: str, secondary: str, presence: Presence | None,
                   extra: tuple[str, ...] = (), inputs: tuple[FlowVariable, ...] = ()) -> None:
        """One target's values, validated by the caller (as `Target` does): an 18-character ID."""
        if inputs:
            self._flow_inputs[target_id] = inputs
        elif kind is IdKind.FLOW:  # a later row of the same flow without inputs replaces the earlier one
            self._flow_inputs.pop(target_id, None)
        self._kinds.append(KIND_CODES[kind])
        self._ids += target_id.encode("ascii")
        text = SEPARATOR.join((label, secondary, *extra)) if extra else f"{label}{SEPARATOR}{secondary}"
        if text.count(SEPARATOR) != 1 + len(extra):
            text = SEPARATOR.join(part.replace(SEPARATOR, " ") for part in (label, secondary, *extra))
        self._texts += text.encode()
        self._ends.append(len(self._texts))
        if presence is None:
            self._codes.append(0)
            self._since.append(_UNKNOWN)
            return
        key = (presence.status, presence.state)
        code = self._presences.get(key)
        if code is None:
            code = self._presences[key] = len(self._presences) + 1
        self._codes.append(code)
        self._since.append(presence.since.timestamp() if presence.since is not None else _UNKNOWN)

    def build(self) -> TargetTable:
        return TargetTable(bytes(self._kinds), self._ids.decode("ascii"), bytes(self._texts), self._ends,
                           self._codes, tuple(self._presences), self._since, self._flow_inputs)


def _gathered[Column: (bytearray, array[int], array[float])](into: Column, column: Sequence[Any],
                                                              positions: Sequence[int]) -> Column:
    """`into` extended with `column[p]` for each position, in pieces (see `filled`)."""
    return filled(into, map(column.__getitem__, positions))


def filled[Column: (bytearray, array[int], array[float])](into: Column, values: Iterable[Any]) -> Column:
    """`into` extended with `values`, _SORT_PIECE at a time: one C loop over a million values holds
    the GIL for 50 ms, and the window's thread waits that long (building runs on a worker thread)."""
    values = iter(values)
    while True:
        before = len(into)
        into.extend(islice(values, _SORT_PIECE))
        if len(into) - before < _SORT_PIECE:
            return into


def joined(pieces: list[bytes]) -> bytes:
    """`b"".join(pieces)`, joined _SORT_PIECE at a time, then once (a copy of the whole: ~50 ms at 60 MB);
    one join of a million pieces holds the GIL for ~110 ms."""
    return b"".join([b"".join(pieces[at:at + _SORT_PIECE]) for at in range(0, len(pieces), _SORT_PIECE)])


def let_go(items: list[Any]) -> None:
    """Empty a list of many objects from its end, _SORT_PIECE at a time: freeing a million at once
    (`del`, or the list going out of scope) holds the GIL for 30 ms."""
    while items:
        del items[-_SORT_PIECE:]


def sorted_pieces(items: Sequence[int], key: Callable[[int], Any]) -> list[int]:
    """`sorted(items, key=key)`, stable, sorted in pieces and merged: one sort of 100,000
    strings is a single C call of ~50 ms that holds the GIL, stalling the window's thread."""
    pieces = [sorted(items[at:at + _SORT_PIECE], key=key) for at in range(0, len(items), _SORT_PIECE)]
    if len(pieces) <= 1:
        return pieces[0] if pieces else []
    return list(heapq.merge(*pieces, key=key))  # ties: the earlier piece first, so still stable
