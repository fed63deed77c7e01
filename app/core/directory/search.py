"""Searching the directory: every match, ranked, in a few milliseconds at 100,000 targets.

Rules (see `text.py` for folding):

* The query is split into folded words; a target matches when every word occurs
  somewhere in its label or search terms (`Target.search_terms`), in any order.
* Ranking: label equals the query, then label starts with it, then every query word
  starts a word of the label, then the rest; ties by folded label. A pasted Salesforce
  ID (15 or 18 characters) of a directory target comes first.
* The empty query lists everything, queues, then flows, then agents (`KIND_ORDER`), by label.
* Preferred targets (favorites, then recent targets: `set_preferred`) that match come
  before all others, in their given order; a pasted ID still comes first.
* `kind` keeps one kind; `available_only` drops agents that are not available (queues
  and flows are always routable, so they stay).
* No cap: a result holds every match and resolves rows only when asked for them.

How it stays fast in pure Python: each target gets one folded "haystack" string at build
time, " label words\\nterm\\twords\\n…" (label words separated by spaces, other terms'
words by tabs), and targets are stored sorted by it. So a query word matches when it is a
substring of the haystack (query words never hold whitespace, so no match spans two
fields), a word start in the label is " word" in the haystack, and all labels starting with
the query form one contiguous run of positions found by bisection. Matching is one list
comprehension over candidate positions; ranking is two bisections, one comprehension and
`compress`, with no Python call per target. Recent queries are kept: a query whose every
word contains a word of a recent query (one more letter typed, a word added) only filters
that query's matches, and a query typed before (backspace) costs nothing.
"""

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress
from operator import not_
from typing import overload

from app.core.directory.target import KIND_ORDER, Target
from app.core.directory.text import words
from app.core.ids import IdKind, InvalidIdError, looks_like_salesforce_id, parse_id

_HISTORY = 8  # recent queries kept per index: narrowing sources and instant backspace
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}

_Filter = tuple[IdKind | None, bool]
_Query = tuple[tuple[str, ...], IdKind | None, bool]


class SearchResult(Sequence[Target]):
    """Ranked matches: `indices` are positions in the index's `targets`, best first."""

    __slots__ = ("_targets", "indices")

    def __init__(self, targets: tuple[Target, ...], indices: tuple[int, ...]) -> None:
        self._targets = targets
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    @overload
    def __getitem__(self, position: int) -> Target: ...
    @overload
    def __getitem__(self, position: slice) -> list[Target]: ...
    def __getitem__(self, position: int | slice) -> Target | list[Target]:
        if isinstance(position, slice):
            return [self._targets[i] for i in self.indices[position]]
        return self._targets[self.indices[position]]

    def __iter__(self) -> Iterator[Target]:
        return map(self._targets.__getitem__, self.indices)

    def __repr__(self) -> str:
        return f"<SearchResult of {len(self.indices)} targets>"


def haystack(target: Target) -> str:
    """The folded text a target is searched in (format in the module docstring)."""
    terms = "".join("\n" + "\t".join(words(term)) for term in target.search_terms)
    return " " + " ".join(words(target.label)) + terms


class SearchIndex:
    """An immutable set of targets, searchable. Targets with the same ID: the last one wins."""

    def __init__(self, targets: Iterable[Target]) -> None:
        unique = list({target.id: target for target in targets}.values())
        hays = [haystack(target) for target in unique]
        # Ties (equal names) keep the input order, which every source makes stable; a key
        # tuple per target would cost ~10 MiB at 100k.
        order = sorted(range(len(unique)), key=hays.__getitem__)
        self._targets = tuple(unique[i] for i in order)
        self._hays = [hays[i] for i in order]
        # Positions ordered by ID, for lookups by bisection: a dict would cost ~5 MiB at 100k.
        ordered = self._targets
        self._by_id = array("l", sorted(range(len(ordered)), key=lambda p: ordered[p].id))
        everything = tuple(range(len(self._targets)))
        self._bases: dict[_Filter, tuple[int, ...]] = {(None, False): everything}
        self._listings: dict[_Filter, tuple[int, ...]] = {}
        self._history: OrderedDict[_Query, tuple[list[int], tuple[int, ...]]] = OrderedDict()
        self._preferred: tuple[int, ...] = ()

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every target, in the index's order (what `SearchResult.indices` point into)."""
        return self._targets

    def __len__(self) -> int:
        return len(self._targets)

    def get(self, target_id: str) -> Target | None:
        """The target with this ID (15 or 18 characters), or None."""
        try:
            position = self._position(parse_id(target_id).value)
        except InvalidIdError:
            return None
        return None if position is None else self._targets[position]

    def _position(self, target_id: str) -> int | None:
        """The position of the target with this 18-character ID, or None."""
        targets = self._targets
        at = bisect_left(self._by_id, target_id, key=lambda p: targets[p].id)
        if at < len(self._by_id) and targets[self._by_id[at]].id == target_id:
            return self._by_id[at]
        return None

    def set_preferred(self, target_ids: Sequence[str]) -> None:
        """Targets to list first when they match (favorites, then recents); unknown IDs are ignored."""
        positions = (self._position(target_id) for target_id in target_ids)
        self._preferred = tuple(dict.fromkeys(p for p in positions if p is not None))

    def search(self, query: str, kind: IdKind | str | None = None, available_only: bool = False) -> SearchResult:
        """Every target matching `query`, ranked (rules in the module docstring)."""
        kind = None if kind is None else IdKind(kind)
        terms = tuple(words(query))
        if not terms:
            return SearchResult(self._targets, self._first(self._preferred_matches(terms, kind, available_only),
                                                           self._listing(kind, available_only)))
        key = (terms, kind, available_only)
        entry = self._history.pop(key, None) or self._run(terms, kind, available_only)
        self._history[key] = entry
        if len(self._history) > _HISTORY:
            self._history.popitem(last=False)
        first = self._preferred_matches(terms, kind, available_only)
        pasted = self._pasted_id(query, kind, available_only)
        if pasted is not None:
            first = (pasted, *(i for i in first if i != pasted))
        return SearchResult(self._targets, self._first(first, entry[1]))

    @staticmethod
    def _first(first: tuple[int, ...], ranked: tuple[int, ...]) -> tuple[int, ...]:
        """`ranked` with the positions of `first` moved to the front (few: a set test per row)."""
        if not first:
            return ranked
        moved = set(first)
        return (*first, *(i for i in ranked if i not in moved))

    def _preferred_matches(self, terms: tuple[str, ...], kind: IdKind | None, available_only: bool) -> tuple[int, ...]:
        hays = self._hays
        return tuple(p for p in self._preferred if self._passes(p, kind, available_only)
                     and all(term in hays[p] for term in terms))

    # ---- filters ------------------------------------------------------------------------
    def _passes(self, position: int, kind: IdKind | None, available_only: bool) -> bool:
        target = self._targets[position]
        return (kind is None or target.kind is kind) and (not available_only or target.available)

    def _base(self, kind: IdKind | None, available_only: bool) -> tuple[int, ...]:
        """Positions passing the filters, ascending (built once per filter)."""
        base = self._bases.get((kind, available_only))
        if base is None:
            base = tuple(i for i in self._bases[None, False] if self._passes(i, kind, available_only))
            self._bases[kind, available_only] = base
        return base

    def _listing(self, kind: IdKind | None, available_only: bool) -> tuple[int, ...]:
        """The empty query's result: by kind (KIND_ORDER), then by label."""
        listing = self._listings.get((kind, available_only))
        if listing is None:
            targets = self._targets
            base = self._base(kind, available_only)  # sorted() is stable: label order holds within a kind
            listing = base if kind is not None else tuple(sorted(base, key=lambda i: _KIND_RANK[targets[i].kind]))
            self._listings[kind, available_only] = listing
        return listing

    # ---- matching and ranking -----------------------------------------------------------
    def _run(self, terms: tuple[str, ...], kind: IdKind | None,
             available_only: bool) -> tuple[list[int], tuple[int, ...]]:
        candidates: Sequence[int] = self._base(kind, available_only)
        pending = terms
        source = self._narrowest(terms, kind, available_only)
        if source is not None:
            candidates, pending = source[1], tuple(term for term in terms if term not in source[0])
        hays = self._hays
        for term in sorted(pending, key=len, reverse=True):  # longest first: it removes the most
            candidates = [i for i in candidates if term in hays[i]]
        matched = list(candidates)
        return matched, self._rank(terms, matched)

    def _narrowest(self, terms: tuple[str, ...], kind: IdKind | None,
                   available_only: bool) -> tuple[tuple[str, ...], list[int]] | None:
        """The smallest recent match set that surely holds every match of `terms`.

        Valid when each recent word is contained in some new word: whatever contains
        the new words then contains the old ones.
        """
        best: tuple[tuple[str, ...], list[int]] | None = None
        for (old_terms, old_kind, old_available), (matched, _ranked) in self._history.items():
            if (old_kind is kind and old_available == available_only
                    and (best is None or len(matched) < len(best[1]))
                    and all(any(old in term for term in terms) for old in old_terms)):
                best = (old_terms, matched)
        return best

    def _rank(self, terms: tuple[str, ...], matched: list[int]) -> tuple[int, ...]:
        hays = self._hays
        phrase = " " + " ".join(terms)
        # Labels equal to or starting with the phrase are one run, exact ones first: a
        # label's end ("\n" or nothing) sorts before its next word's " ".
        start = bisect_left(hays, phrase)
        end = bisect_left(hays, True, start, key=lambda hay: not hay.startswith(phrase))
        low, high = bisect_left(matched, start), bisect_left(matched, end)
        rest = matched[:low] + matched[high:]
        first, *others = [" " + term for term in terms]  # " word" = a word start in the label
        starts = [first in hays[i] for i in rest]
        for word_start in others:
            starts = [flag and word_start in hays[i] for flag, i in zip(starts, rest, strict=True)]
        return (*matched[low:high], *compress(rest, starts), *compress(rest, map(not_, starts)))

    def _pasted_id(self, query: str, kind: IdKind | None, available_only: bool) -> int | None:
        """The position of the target whose ID is the whole query, if it passes the filters."""
        text = query.strip()
        if not looks_like_salesforce_id(text):
            return None
        try:
            position = self._position(parse_id(text).value)
        except InvalidIdError:
            return None
        return position if position is not None and self._passes(position, kind, available_only) else None
