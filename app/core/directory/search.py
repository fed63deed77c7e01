"""Searching the directory: every match, ranked, in a few milliseconds at 100,000 targets.

Rules (see `text.py` for folding):

* The query is split into folded words; a target matches when every word occurs
  somewhere in its label, its search terms (`Target.search_terms`) or the other spellings
  of these (`other_spellings`: "mueller" for Müller, "olga" for Ольга), in any order.
* Ranking: label equals the query, then label starts with it, then every query word
  starts a word of the label, then the rest. Within each of these tiers, what can take
  the call now comes first (queues, flows, available agents and agents whose presence is
  unknown), then busy or away agents, offline agents last (`STANDING`); then by folded
  label. A pasted Salesforce ID (15 or 18 characters) of a directory target comes first.
* The empty query lists everything, queues, then flows, then agents (`KIND_ORDER`), the
  agents by the same standing, each by label.
* Preferred targets (favorites, then recent targets: `set_preferred`) that match come
  before all others, in their given order within each standing; a pasted ID still comes first.
* A word naming a kind (`KIND_WORDS`: "flow", "queues", "agent"…) lists that kind's
  targets matching the other words ("queue bill": the billing queues), then the targets
  of other kinds that hold the word itself ("Queue Overflow", a flow). With another kind
  filter on, it is an ordinary word.
* `kind` keeps one kind; `available_only` drops agents that are not available (queues
  and flows are always routable, so they stay).
* No cap: a result holds every match and builds targets only for the rows asked for.

How it stays fast in pure Python. Each target gets one folded "haystack",
" label words\\nterm\\twords\\n…" (label words separated by spaces, other terms' words by
tabs), and the index keeps its targets (a `TargetTable`) sorted by it. So a query word
matches where it is a substring of the haystack (query words hold no whitespace, so no
match spans two fields), a word start in the label is " word", and all labels starting
with the query are one run of positions, found by bisection. The haystacks are one UTF-8
blob, each followed by "\\x01" and its position written in bytes 0x10-0x1f (which no
query word holds): a regular expression finds every haystack holding a word and returns
their positions, in C, without an object per target.

* A first letter looks at no target: per folded character the index keeps, ascending, the
  positions where it starts a label word and those where it only occurs elsewhere (posting
  lists), each by standing. The result is the run of labels starting with it, the other
  word starts, the rest, each by standing: views of the lists, nothing copied.
* Later letters: one scan of the blob for the longest word, or, when a recent query's
  matches surely hold every match (each of its words is contained in a new word) and they
  are few, a substring test per match of that query. Then the ranking: two bisections,
  word-start tests, and each tier split by standing (skipped when every target stands
  alike). Results of recent queries are kept, so backspace costs nothing.
* A result is a list of ascending parts; favorites, recents and a pasted ID are cut out of
  them by bisection and put first.
* The index is built on a worker thread in steps that each hold the GIL briefly (sorts go
  by pieces of 16,384, merged lazily), so the window's event loop keeps turning.
* `searching` is the same search in steps of a few milliseconds (a scan goes by pieces of
  the blob, a test or filter by pieces of positions), for a caller that keeps an event loop
  turning: at a million targets a two-letter query takes ~150 ms, too long to hold a window.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Generator, Iterable, Iterator, Sequence
from itertools import accumulate, chain, compress, pairwise
from operator import itemgetter, not_
from typing import overload

from app.core.directory.table import KIND_CODES, TargetTable, filled, joined, let_go, sorted_pieces
from app.core.directory.target import KIND_ORDER, PresenceState, Target
from app.core.directory.text import folded_words, other_spellings, words
from app.core.ids import IdKind, InvalidIdError, looks_like_salesforce_id, parse_id

_HISTORY = 8  # recent queries kept per index: narrowing sources and instant backspace
_FOLD_PIECE = 2_000  # names folded in one go: a few milliseconds of C
_SCAN_ABOVE = 4_000  # candidates from which one scan of the blob beats a test per candidate
_STEP_BYTES = 4 << 20  # blob scanned in one step of `searching`: ~3 ms
_STEP_POSITIONS = 32_768  # positions tested or filtered in one step: ~3 ms
_WHITESPACE = frozenset(" \t\n")
_TERMS = re.compile("\x1f[^\x1e]*")  # a text's search terms after its label, in `folded_words`
_NOTHING = memoryview(array("i"))
_KIND_MASKS = {kind: bytes(int(byte == code) for byte in range(256)) for kind, code in KIND_CODES.items()}
_OTHER_KIND_MASKS = {kind: bytes(int(byte != code) for byte in range(256)) for kind, code in KIND_CODES.items()}
# How soon a target can take the call, best first; queues, flows and agents of unknown presence stand at 0.
STANDING = {PresenceState.AVAILABLE: 0, PresenceState.BUSY: 1, PresenceState.AWAY: 1, PresenceState.OFFLINE: 2}
_STANDINGS = range(max(STANDING.values()) + 1)
_STANDING_MASKS = [bytes(int(byte == standing) for byte in range(256)) for standing in _STANDINGS]
# Words that name a kind (folded, as `words` makes them), singular and plural; the singular is the kind's value.
KIND_WORDS = {"agent": IdKind.AGENT, "agents": IdKind.AGENT, "queue": IdKind.QUEUE, "queues": IdKind.QUEUE,
              "flow": IdKind.FLOW, "flows": IdKind.FLOW}
_END = b"\x01"  # ends a haystack in the blob; its position follows: 8 hex digits written as bytes 0x10-0x1f
_TO_CODE = bytes.maketrans(b"0123456789abcdef", bytes(range(0x10, 0x20)))
_FROM_CODE = bytes.maketrans(bytes(range(0x10, 0x20)), b"0123456789abcdef")

Part = Sequence[int]  # ascending positions in the index's table: a range, a memoryview or a list
_Query = tuple[tuple[str, ...], IdKind | None, bool]
# Positions by standing: one array, each standing's positions ascending, and where standings 1 and 2 start.
_ByStanding = tuple[memoryview, int, int]
_NO_POSITIONS: _ByStanding = (_NOTHING, 0, 0)
type Steps[T] = Generator[None, None, T]  # work that yields between steps and returns its result


class SearchResult(Sequence[Target]):
    """Ranked matches: positions in the index's `targets`, best first, kept as ascending parts."""

    __slots__ = ("_table", "_parts", "_ends")

    def __init__(self, table: TargetTable, parts: Iterable[Part]) -> None:
        self._table = table
        self._parts = [part for part in parts if len(part)]
        self._ends = list(accumulate(map(len, self._parts)))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def position(self, row: int) -> int:
        """Where the target of this row is in the index's `targets`."""
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError("result row out of range")
        part = bisect_right(self._ends, row)
        return self._parts[part][row - (self._ends[part - 1] if part else 0)]

    def positions(self) -> Iterator[int]:
        return chain.from_iterable(self._parts)

    @property
    def indices(self) -> tuple[int, ...]:
        """Every position, best first."""
        return tuple(self.positions())

    @overload
    def __getitem__(self, row: int) -> Target: ...
    @overload
    def __getitem__(self, row: slice) -> list[Target]: ...
    def __getitem__(self, row: int | slice) -> Target | list[Target]:
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        return self._table[self.position(row)]

    def __iter__(self) -> Iterator[Target]:
        return map(self._table.__getitem__, self.positions())

    def __repr__(self) -> str:
        return f"<SearchResult of {len(self)} targets>"


def haystack(target: Target) -> str:
    """The folded text a target is searched in (format in the module docstring)."""
    return _haystacks_of([_search_text(target.kind, target.label, target.secondary, target.extra)])[0]


def _search_text(kind: IdKind, label: str, secondary: str, extra: Sequence[str]) -> str:
    """The label, then each of `Target.search_terms`, separated by "\\x1f" (see `folded_words`)."""
    terms = extra if kind is IdKind.AGENT or not secondary else (secondary, *extra)
    text = "\x1f".join((label, *terms))
    if "\x1e" in text or text.count("\x1f") != len(terms):  # in a name: a separator, as `words` makes it
        text = "\x1f".join(field.replace("\x1e", " ").replace("\x1f", " ") for field in (label, *terms))
    return text


def _haystacks_of(search_texts: list[str]) -> list[str]:
    """The haystacks of these search texts, each with its `other_spellings` as one more term."""
    search_texts = [f"{text}\x1f{spelled}" if (spelled := other_spellings(text)) else text for text in search_texts]
    folded = _TERMS.sub(lambda terms: terms[0].replace(" ", "\t").replace("\x1f", "\n"), folded_words(search_texts))
    return [" " + hay for hay in folded.split("\x1e")]


class SearchIndex:
    """An immutable set of targets, searchable. Targets with the same ID: the last one wins (in its place)."""

    def __init__(self, targets: Iterable[Target]) -> None:
        table = targets if isinstance(targets, TargetTable) else TargetTable.of(targets)
        hays = _haystacks(table)
        order = sorted_pieces(range(len(table)), hays.__getitem__)
        if any(position != at for at, position in enumerate(order)):
            table, hays = table.take(order), [hays[position] for position in order]
        # Positions ordered by ID, for lookups by bisection: a dict would cost ~5 MiB at 100k.
        by_id = sorted_pieces(range(len(table)), table.id)
        if replaced := _replaced(table, by_id, order):  # the same ID again: the one given last stays
            kept = [position for position in range(len(table)) if position not in replaced]
            table, hays = table.take(kept), [hays[position] for position in kept]
            by_id = sorted_pieces(range(len(table)), table.id)
        standing = _standings(table)
        starts, others = _posting_lists(hays, standing)
        records = [hay.encode() + _END + f"{position:08x}".encode().translate(_TO_CODE)
                   for position, hay in enumerate(hays)]
        let_go(hays)
        let_go(order)
        self._blob = joined(records)
        record_starts = filled(array("I"), chain((0,), accumulate(map(len, records))))
        let_go(records)
        kinds = table.kinds
        of_kind = {kind: [p for p, code in enumerate(kinds) if code == KIND_CODES[kind]] for kind in KIND_ORDER}
        self._routable = _routable(table)
        available_agents = [p for p in of_kind[IdKind.AGENT] if self._routable[p]]
        # The small objects that stay are made last, once the build's temporary ones are gone:
        # made among them, they kept the allocator's 1 MiB arenas alive (~6 MiB at 100k).
        self._table = table.copy()
        self._by_id = filled(array("i"), by_id)
        self._record_starts = array("I", record_starts)
        # Where `searching` scans in steps: record starts ~_STEP_BYTES apart, from the blob's start to its end.
        self._blob_pieces = sorted({*(record_starts[bisect_left(record_starts, at)]
                                      for at in range(0, len(self._blob), _STEP_BYTES)), len(self._blob)})
        self._standing = standing
        self._alike = standing.count(0) == len(standing)  # nothing to reorder by standing
        self._starts, self._others = _settled(starts), _settled(others)
        self._by_standing = _by_standing(range(len(standing)), standing)
        self._of_kind = {kind: memoryview(array("i", positions)) for kind, positions in of_kind.items()}
        self._agents_by_standing = _by_standing(of_kind[IdKind.AGENT], standing)
        self._available_agents = memoryview(array("i", available_agents))
        self._other_kinds: dict[IdKind, bytes] = {}
        self._masks: dict[tuple[IdKind | None, bool], bytes] = {}
        self._history: OrderedDict[_Query, tuple[Sequence[int], list[Part]]] = OrderedDict()
        self._preferred: tuple[int, ...] = ()

    @property
    def targets(self) -> TargetTable:
        """Every target, in the index's order (what `SearchResult.position` points into)."""
        return self._table

    def __len__(self) -> int:
        return len(self._table)

    def get(self, target_id: str) -> Target | None:
        """The target with this ID (15 or 18 characters), or None."""
        try:
            position = self._position(parse_id(target_id).value)
        except InvalidIdError:
            return None
        return None if position is None else self._table[position]

    def labels_and_ids(self, kind: IdKind) -> tuple[list[str], list[str]]:
        """The labels and IDs of every target of `kind`, in label order (as the empty query lists
        them, without preferred targets first), read from the table: no `Target` is built."""
        table, positions = self._table, self._of_kind[kind]
        return [table.label(p) for p in positions], [table.id(p) for p in positions]

    def _position(self, target_id: str) -> int | None:
        """The position of the target with this 18-character ID, or None."""
        at = bisect_left(self._by_id, target_id, key=self._table.id)
        if at < len(self._by_id) and self._table.id(self._by_id[at]) == target_id:
            return self._by_id[at]
        return None

    def set_preferred(self, target_ids: Sequence[str]) -> None:
        """Targets to list first when they match (favorites, then recents); unknown IDs are ignored."""
        positions = (self._position(target_id) for target_id in target_ids)
        self._preferred = tuple(dict.fromkeys(p for p in positions if p is not None))

    def search(self, query: str, kind: IdKind | str | None = None, available_only: bool = False) -> SearchResult:
        """Every target matching `query`, ranked (rules in the module docstring)."""
        return finished(self.searching(query, kind, available_only))

    def searching(self, query: str, kind: IdKind | str | None = None,
                  available_only: bool = False) -> Steps[SearchResult]:
        """`search` in steps of a few milliseconds: it yields between them and returns the result.
        Drop it to cancel; the index is unchanged by a search left unfinished."""
        kind = None if kind is None else IdKind(kind)
        terms = tuple(words(query))
        named = _kind_named(terms)
        if named is not None and kind in (None, named[0]):
            named_kind, others, literal = named
            parts = yield from self._matches(others, named_kind, available_only)
            first = self._preferred_matches(others, named_kind, available_only)
            if kind is None:  # then the other kinds' targets that hold the word itself
                other_kinds = self._other_kinds_mask(named_kind)
                parts = list(parts)  # not the kept list
                for part in (yield from self._matches(literal, None, available_only)):
                    parts.append((yield from _kept(part, other_kinds)))
                first += tuple(p for p in self._preferred_matches(literal, None, available_only)
                               if other_kinds[p] and p not in first)
        else:
            parts = yield from self._matches(terms, kind, available_only)
            first = self._preferred_matches(terms, kind, available_only)
        first = tuple(sorted(first, key=self._standing.__getitem__))  # stable: the given order within a standing
        pasted = self._pasted_id(query, kind, available_only) if terms else None
        if pasted is not None:
            first = (pasted, *(p for p in first if p != pasted))
        return SearchResult(self._table, _put_first(first, parts))

    def _matches(self, terms: tuple[str, ...], kind: IdKind | None, available_only: bool) -> Steps[list[Part]]:
        if not terms:
            return self._listing(kind, available_only)
        return (yield from self._ranked(terms, kind, available_only))

    # ---- filters ------------------------------------------------------------------------
    def _mask(self, kind: IdKind | None, available_only: bool) -> bytes | None:
        """One byte per position, 1 where the filters keep it; None without filters."""
        if kind is None and not available_only:
            return None
        mask = self._masks.get((kind, available_only))
        if mask is None:
            size = len(self._table)
            mask = b"\x01" * size if kind is None else self._table.kinds.translate(_KIND_MASKS[kind])
            if available_only:
                mask = (int.from_bytes(mask) & int.from_bytes(self._routable)).to_bytes(size)
            self._masks[kind, available_only] = mask
        return mask

    def _other_kinds_mask(self, kind: IdKind) -> bytes:
        """One byte per position, 1 where the target is not of `kind`."""
        mask = self._other_kinds.get(kind)
        if mask is None:
            mask = self._other_kinds[kind] = self._table.kinds.translate(_OTHER_KIND_MASKS[kind])
        return mask

    def _listing(self, kind: IdKind | None, available_only: bool) -> list[Part]:
        """The empty query's result: by kind (KIND_ORDER), agents by standing, then by label."""
        parts: list[Part] = []
        for each in (KIND_ORDER if kind is None else (kind,)):
            if each is not IdKind.AGENT:
                parts.append(self._of_kind[each])
            elif available_only:
                parts.append(self._available_agents)
            else:
                parts += _standing_views(self._agents_by_standing)
        return parts

    def _preferred_matches(self, terms: tuple[str, ...], kind: IdKind | None, available_only: bool) -> tuple[int, ...]:
        mask, encoded = self._mask(kind, available_only), [term.encode() for term in terms]
        return tuple(p for p in self._preferred if (mask is None or mask[p]) and finished(self._tested([p], encoded)))

    # ---- matching and ranking -----------------------------------------------------------
    def _ranked(self, terms: tuple[str, ...], kind: IdKind | None, available_only: bool) -> Steps[list[Part]]:
        mask = self._mask(kind, available_only)
        if len(terms) == 1 and len(terms[0]) == 1:
            return (yield from self._first_letter(terms[0], mask))
        key = (terms, kind, available_only)
        entry = self._history.pop(key, None)
        if entry is None:
            matched = yield from self._matching(terms, kind, available_only, mask)
            entry = (matched, (yield from self._rank(terms, matched)))
        self._history[key] = entry
        if len(self._history) > _HISTORY:
            self._history.popitem(last=False)
        return entry[1]

    def _first_letter(self, char: str, mask: bytes | None) -> Steps[list[Part]]:
        """A one-letter query from the posting lists: the labels starting with it, other word starts, the rest,
        each by standing."""
        start, end = self._label_run(f" {char}".encode())
        starts = _standing_views(self._starts.get(char, _NO_POSITIONS))
        runs: list[Part] = [range(start, end)]
        if not self._alike:
            runs = [view[bisect_left(view, start):bisect_left(view, end)]
                    for view in _standing_views(self._by_standing)]
        parts: list[Part] = [*runs, *(view[:bisect_left(view, start)] for view in starts),
                             *(view[bisect_left(view, end):] for view in starts),
                             *_standing_views(self._others.get(char, _NO_POSITIONS))]
        if not self._alike:  # the word starts before and after the run are one tier: by standing, then position
            count = len(_STANDINGS)
            before, after = parts[count:2 * count], parts[2 * count:3 * count]
            parts[count:3 * count] = [part for pair in zip(before, after, strict=True) for part in pair]
        if mask is None:
            return parts
        kept: list[Part] = []
        for part in parts:
            kept.append((yield from _kept(part, mask)))
        return kept

    def _matching(self, terms: tuple[str, ...], kind: IdKind | None, available_only: bool,
                  mask: bytes | None) -> Steps[Sequence[int]]:
        """The positions passing the filters whose haystack holds every term, ascending."""
        source = self._narrowest(terms, kind, available_only)
        if source is not None:
            pending = [term.encode() for term in terms if term not in source[0]]
            # A recent match set, unless it is large and a new word is long enough for a scan to find fewer.
            if len(source[1]) <= _SCAN_ABOVE or max(map(len, pending), default=0) < 3:
                return (yield from self._tested(source[1], pending))
        encoded = sorted((term.encode() for term in terms), key=len, reverse=True)
        if len(encoded[0]) > 1:
            candidates: Sequence[int] = yield from self._scan(encoded[0])
            encoded = encoded[1:]
        else:  # single letters only: the posting lists of the rarest
            rarest = min({char for term in terms for char in term}, key=self._count)
            candidates = sorted(chain(self._starts.get(rarest, _NO_POSITIONS)[0],
                                      self._others.get(rarest, _NO_POSITIONS)[0]))
        if mask is not None:
            candidates = yield from _kept(candidates, mask)
        return (yield from self._tested(candidates, encoded)) if encoded else candidates

    def _count(self, char: str) -> int:
        return len(self._starts.get(char, _NO_POSITIONS)[0]) + len(self._others.get(char, _NO_POSITIONS)[0])

    def _tested(self, candidates: Sequence[int], words: Iterable[bytes]) -> Steps[Sequence[int]]:
        """The candidates whose haystack holds every one of `words`: a substring test each, longest word first."""
        blob, starts = self._blob, self._record_starts
        find = blob.find
        for word in sorted(words, key=len, reverse=True):
            kept: list[int] = []
            for begin in range(0, len(candidates), _STEP_POSITIONS):
                kept += [i for i in candidates[begin:begin + _STEP_POSITIONS]
                         if find(word, starts[i], starts[i + 1]) >= 0]
                yield
            candidates = kept
        return candidates

    def _word_starts(self, term: str) -> Steps[Sequence[int]]:
        """The positions where `term` starts a label word (in no order): a posting list for one letter, else a scan."""
        if len(term) == 1:
            return self._starts.get(term, _NO_POSITIONS)[0]
        return (yield from self._scan(b" " + term.encode()))

    def _scan(self, word: bytes) -> Steps[array[int]]:
        """Every position whose haystack holds `word` (folded, UTF-8), ascending: a pass in C per piece of the blob."""
        pattern, found = _plain_pattern(word), []
        for begin, end in pairwise(self._blob_pieces):
            found += pattern.findall(self._blob, begin, end)
            yield
        return _positions(b"".join(found))

    def _narrowest(self, terms: tuple[str, ...], kind: IdKind | None,
                   available_only: bool) -> tuple[tuple[str, ...], Sequence[int]] | None:
        """The smallest recent match set that surely holds every match of `terms`.

        Valid when each recent word is contained in some new word: whatever contains
        the new words then contains the old ones.
        """
        best: tuple[tuple[str, ...], Sequence[int]] | None = None
        for (old_terms, old_kind, old_available), (matched, _ranked) in self._history.items():
            if (old_kind is kind and old_available == available_only
                    and (best is None or len(matched) < len(best[1]))
                    and all(any(old in term for term in terms) for old in old_terms)):
                best = (old_terms, matched)
        return best

    def _label_run(self, phrase: bytes) -> tuple[int, int]:
        """The positions whose label starts with `phrase` (b" word…"), exact labels first: a
        label's end (b"\\x01" or b"\\n") sorts before its next word's b" "."""
        blob, starts = self._blob, self._record_starts

        def record(position: int) -> bytes:
            return blob[starts[position]:starts[position + 1]]

        everyone = range(len(self._table))
        start = bisect_left(everyone, phrase, key=record)
        return start, bisect_left(everyone, True, start, key=lambda position: not record(position).startswith(phrase))

    def _rank(self, terms: tuple[str, ...], matched: Sequence[int]) -> Steps[list[Part]]:
        start, end = self._label_run(b" " + " ".join(terms).encode())
        low, high = bisect_left(matched, start), bisect_left(matched, end)
        rest = _without(matched, low, high)
        heads = [b" " + term.encode() for term in terms]  # " word" = a word start in the label
        if len(rest) > _SCAN_ABOVE:  # the word starts found at once beat a test per match
            word_starts = []
            for term in terms:
                word_starts.append((yield from self._word_starts(term)))
            word_starts.sort(key=len)
            at_word_start = set(word_starts[0]).intersection(*word_starts[1:])
            yield
            starts: list[bool] = []
            for begin in range(0, len(rest), _STEP_POSITIONS):
                starts += map(at_word_start.__contains__, rest[begin:begin + _STEP_POSITIONS])
                yield
        else:
            find, bounds = self._blob.find, self._record_starts
            starts = [find(heads[0], bounds[i], bounds[i + 1]) >= 0 for i in rest]
            for head in heads[1:]:
                starts = [flag and find(head, bounds[i], bounds[i + 1]) >= 0
                          for flag, i in zip(starts, rest, strict=True)]
        tiers = [matched[low:high], list(compress(rest, starts)), list(compress(rest, map(not_, starts)))]
        if self._alike:
            return tiers
        parts = []
        for tier in tiers:
            yield
            parts += self._split_by_standing(tier)
        return parts

    def _split_by_standing(self, part: Part) -> list[Part]:
        """The part's positions by standing, each ascending (the part itself when all stand alike)."""
        if len(part) < 2:
            return [part]
        codes = bytes(itemgetter(*part)(self._standing))  # a gather in C: half the time of map()
        if codes.count(0) == len(codes):
            return [part]
        return [list(compress(part, codes.translate(mask))) for mask in _STANDING_MASKS]

    def _pasted_id(self, query: str, kind: IdKind | None, available_only: bool) -> int | None:
        """The position of the target whose ID is the whole query, if it passes the filters."""
        text = query.strip()
        if not looks_like_salesforce_id(text):
            return None
        try:
            position = self._position(parse_id(text).value)
        except InvalidIdError:
            return None
        mask = self._mask(kind, available_only)
        return position if position is not None and (mask is None or mask[position]) else None


def finished[T](steps: Steps[T]) -> T:
    """The result of work in steps, done at once."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result


def _kept(part: Part, mask: bytes) -> Steps[list[int]]:
    """The positions of `part` where `mask` holds 1, by pieces."""
    kept: list[int] = []
    for begin in range(0, len(part), _STEP_POSITIONS):
        piece = part[begin:begin + _STEP_POSITIONS]
        kept += compress(piece, map(mask.__getitem__, piece))
        yield
    return kept


def _without(matched: Sequence[int], low: int, high: int) -> Sequence[int]:
    """`matched` but its [low:high]; an array stays an array (no int object per position)."""
    if isinstance(matched, array):
        return matched[:low] + matched[high:]
    return [*matched[:low], *matched[high:]]


# ---- building -------------------------------------------------------------------------------
def _plain_pattern(word: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(word) + rb"[^\x01]*\x01([\x10-\x1f]{8})")


def _positions(codes: bytes) -> array[int]:
    """The positions written in the blob's codes (8 hex digits each, as bytes 0x10-0x1f)."""
    positions = array("I", bytes.fromhex(codes.translate(_FROM_CODE).decode()))
    if sys.byteorder == "little":  # fromhex wrote them big-endian
        positions.byteswap()
    return positions


def _haystacks(table: TargetTable) -> list[str]:
    """Every target's haystack, folded a few thousand at a time; equal ones (namesakes) are one string."""
    interned: dict[str, str] = {}
    hays: list[str] = []
    for start in range(0, len(table), _FOLD_PIECE):
        texts = []
        for position in range(start, min(len(table), start + _FOLD_PIECE)):
            label, secondary, *extra = table.fields(position)
            texts.append(_search_text(table.kind(position), label, secondary, extra))
        hays += [interned.setdefault(hay, hay) for hay in _haystacks_of(texts)]
    return hays


def _replaced(table: TargetTable, by_id: list[int], given_at: list[int]) -> set[int]:
    """The positions of targets whose ID comes again later in the input (`given_at[p]`: p's place in it)."""
    replaced = set()
    for one, other in pairwise(by_id):
        if table.id(one) == table.id(other):
            replaced.add(min(one, other, key=given_at.__getitem__))
    return replaced


def _settled(postings: dict[str, list[array[int]]]) -> dict[str, _ByStanding]:
    """Posting lists by standing in fresh objects (see the end of `SearchIndex.__init__`)."""
    settled = {}
    for char, by_standing in postings.items():
        first, second = len(by_standing[0]), len(by_standing[0]) + len(by_standing[1])
        settled[char.encode().decode()] = (memoryview(filled(array("i"), chain.from_iterable(by_standing))),
                                           first, second)
    return settled


def _by_standing(positions: Iterable[int], standing: bytes) -> _ByStanding:
    """These ascending positions grouped by standing (each group ascending)."""
    groups: list[list[int]] = [[] for _ in _STANDINGS]
    for position in positions:
        groups[standing[position]].append(position)
    first, second = len(groups[0]), len(groups[0]) + len(groups[1])
    return memoryview(filled(array("i"), chain.from_iterable(groups))), first, second


def _standing_views(by_standing: _ByStanding) -> list[memoryview]:
    """The ascending positions of each standing, best first."""
    view, first, second = by_standing
    return [view[:first], view[first:second], view[second:]]


def _posting_lists(hays: list[str], standing: bytes) -> tuple[dict[str, list[array[int]]],
                                                                 dict[str, list[array[int]]]]:
    """Per folded character and standing: the positions where it starts a label word, and where it only
    occurs elsewhere."""
    starts: dict[str, list[array[int]]] = {}
    others: dict[str, list[array[int]]] = {}
    for position, hay in enumerate(hays):
        group = standing[position]
        label_end = hay.find("\n")
        initials = {word[0] for word in (hay if label_end < 0 else hay[:label_end]).split()}
        for char in initials:
            (starts.get(char) or starts.setdefault(char, _new_lists()))[group].append(position)
        for char in set(hay).difference(initials, _WHITESPACE):
            (others.get(char) or others.setdefault(char, _new_lists()))[group].append(position)
    return starts, others


def _new_lists() -> list[array[int]]:
    return [array("i") for _ in _STANDINGS]


def _standings(table: TargetTable) -> bytes:
    """One byte per position: its `STANDING` (0 for queues, flows and agents of unknown presence)."""
    by_code = bytes([0, *(STANDING[state] for _status, state in table.presences)])
    return bytes(filled(bytearray(), map(by_code.__getitem__, table.presence_codes)))


def _kind_named(terms: tuple[str, ...]) -> tuple[IdKind, tuple[str, ...], tuple[str, ...]] | None:
    """The kind the first kind word names, the other words, and the words with that one in the singular
    ("queues over" finds "Queue Overflow" too); None without a kind word."""
    for at, term in enumerate(terms):
        if term in KIND_WORDS:
            kind = KIND_WORDS[term]
            return kind, terms[:at] + terms[at + 1:], (*terms[:at], kind.value, *terms[at + 1:])
    return None


def _routable(table: TargetTable) -> bytes:
    """One byte per position: 1 for queues, flows and available agents."""
    available = bytes([0, *(state is PresenceState.AVAILABLE for _status, state in table.presences)])
    agents = bytes(filled(bytearray(), map(available.__getitem__, table.presence_codes)))
    others = int.from_bytes(table.kinds.translate(_KIND_MASKS[IdKind.QUEUE])) | int.from_bytes(
        table.kinds.translate(_KIND_MASKS[IdKind.FLOW]))
    return (int.from_bytes(agents) | others).to_bytes(len(table))


def _put_first(first: tuple[int, ...], parts: list[Part]) -> list[Part]:
    """`parts` with the positions of `first` cut out of them (by bisection: parts ascend) and put first."""
    if not first:
        return parts
    cut = sorted(first)
    pieces: list[Part] = [first]
    for part in parts:
        at = 0
        for position in cut:
            found = bisect_left(part, position, at)
            if found < len(part) and part[found] == position:
                pieces.append(part[at:found])
                at = found + 1
        pieces.append(part[at:] if at else part)
    return pieces
