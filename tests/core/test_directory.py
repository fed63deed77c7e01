"""The core directory: the bundled demo set, folding, ranking, filters, and narrowing."""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.directory import SearchIndex, Target, generate_targets, load_demo_directory
from app.core.directory.demo import DEMO_AGENTS, demo_document
from app.core.directory.text import fold, words
from app.core.errors import InputError
from app.core.ids import IdKind, checksum_suffix
from app.core.resources import resource_path
from tests.conftest import raises


def sf_id(prefix: str, n: int) -> str:
    id15 = f"{prefix}{n:0{15 - len(prefix)}d}"
    return id15 + checksum_suffix(id15)


def queue(n: int, label: str, developer: str = "") -> Target:
    return Target.queue(sf_id("00G", n), label, developer)


@pytest.fixture(scope="module")
def demo_index() -> SearchIndex:
    return SearchIndex(load_demo_directory())


def labels(result) -> list[str]:
    return [target.label for target in result]


def test_bundled_demo_directory_is_what_the_generator_writes():
    bundled = json.loads(resource_path("demo/directory.json").read_text(encoding="utf-8"))
    assert bundled == demo_document()  # rerun `python -m app.core.directory.make_demo` if not


def test_demo_directory_has_agents_queues_and_flows_with_valid_ids(demo_index):
    kinds = [target.kind for target in demo_index.targets]
    assert kinds.count(IdKind.AGENT) == DEMO_AGENTS
    assert kinds.count(IdKind.QUEUE) >= 10 and kinds.count(IdKind.FLOW) >= 3
    assert all(len(target.id) == 18 for target in demo_index.targets)
    assert any(not target.label.isascii() for target in demo_index.targets)  # several languages
    assert "Billing (EMEA)" in labels(demo_index.search("bill em"))


def test_folding_ignores_case_accents_and_punctuation():
    assert fold("Zoë MÜLLER") == "zoe muller"
    assert fold("Straße") == "strasse"
    assert words("Billing_EMEA (Tier-2)") == ["billing", "emea", "tier", "2"]
    assert words("Łukasz Øster") == ["lukasz", "oster"]


def test_matching_is_accent_insensitive_both_ways_and_multi_word_in_any_order():
    index = SearchIndex([queue(1, "Zoë Support"), queue(2, "Zoe Sales"), queue(3, "Support Billing")])
    assert set(labels(index.search("zoe"))) == {"Zoë Support", "Zoe Sales"}
    assert set(labels(index.search("ZOË"))) == {"Zoë Support", "Zoe Sales"}
    assert labels(index.search("support zo")) == ["Zoë Support"]
    assert labels(index.search("bill sup")) == ["Support Billing"]
    assert labels(index.search("zoe nothing")) == []


def test_ranking_exact_then_prefix_then_word_prefix_then_substring():
    index = SearchIndex([
        queue(1, "Rebilling"), queue(2, "Tier 2 Billing"), queue(3, "Billing (EMEA)"), queue(4, "Billing"),
    ])
    assert labels(index.search("billing")) == ["Billing", "Billing (EMEA)", "Tier 2 Billing", "Rebilling"]


def test_secondary_terms_match_but_presence_does_not():
    index = SearchIndex([queue(1, "Payments", "Billing_Payments"), generate_targets(1, seed=3)[0]])
    assert labels(index.search("billing")) == ["Payments"]
    assert index.search("available").indices == ()


def test_kind_filter_available_only_and_empty_query_listing(demo_index):
    assert {t.kind for t in demo_index.search("", kind="flow")} == {IdKind.FLOW}
    available = demo_index.search("", available_only=True)
    assert all(target.available for target in available)
    assert any(target.kind is IdKind.QUEUE for target in available)  # queues are always routable
    listing = demo_index.search("")
    assert len(listing) == len(demo_index)  # no cap
    assert listing[0].kind is IdKind.QUEUE and listing[-1].kind is IdKind.AGENT


def test_a_pasted_id_finds_its_target_first_in_15_or_18_characters(demo_index):
    target = demo_index.search("", kind="agent")[42]
    assert demo_index.search(target.id)[0] == target
    assert demo_index.search(target.id[:15])[0] == target
    assert demo_index.get(target.id[:15]) == target


def test_targets_refuse_wrong_kinds_and_blank_names():
    with raises(InputError, match="not a queue ID"):
        Target.queue(sf_id("005", 1), "Someone")
    with raises(InputError, match="has no name"):
        Target.queue(sf_id("00G", 1), "  ")


def test_generated_directories_are_deterministic_and_sized():
    now = datetime(2026, 11, 24, tzinfo=UTC)
    first, again = generate_targets(2000, seed=7, now=now), generate_targets(2000, seed=7, now=now)
    assert first == again and len({t.id for t in first}) == 2000


_GENERATED = SearchIndex(generate_targets(1500, seed=11))
_ALPHABET = "aeinorstlu émb"


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(st.text(_ALPHABET, max_size=6), min_size=1, max_size=6),
       kind=st.sampled_from([None, "agent", "queue"]), available=st.booleans())
def test_narrowing_from_recent_queries_equals_a_full_rescan(steps, kind, available):
    """Typing on (each query extends the last) gives what a fresh index computes from scratch."""
    query = ""
    for step in steps:
        query += step
        narrowed = _GENERATED.search(query, kind, available)
        fresh = SearchIndex(_GENERATED.targets).search(query, kind, available)
        assert narrowed.indices == fresh.indices


def test_favorites_then_recents_come_first_among_matches_and_in_the_listing():
    index = SearchIndex([queue(1, "Billing"), queue(2, "Billing (EMEA)"), queue(3, "Tier 2 Billing"),
                         queue(4, "Sales")])
    favorite, recent = sf_id("00G", 3), sf_id("00G", 2)
    index.set_preferred([favorite, recent, sf_id("00G", 99)])  # an unknown ID is ignored
    assert labels(index.search("billing")) == ["Tier 2 Billing", "Billing (EMEA)", "Billing"]
    assert labels(index.search("sales")) == ["Sales"]  # preferences never add non-matches
    assert labels(index.search(""))[:2] == ["Tier 2 Billing", "Billing (EMEA)"]
    assert labels(index.search(sf_id("00G", 1)))[0] == "Billing"  # a pasted ID still comes first
    index.set_preferred([])
    assert labels(index.search("billing"))[0] == "Billing"


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.text(_ALPHABET, max_size=5), min_size=1, max_size=5),
       preferred=st.lists(st.integers(0, 1499), max_size=8), kind=st.sampled_from([None, "agent", "flow"]))
def test_with_preferences_results_are_a_reordering_of_the_plain_search(steps, preferred, kind):
    ids = [_GENERATED.targets[i].id for i in preferred]
    plain = SearchIndex(_GENERATED.targets)
    query = ""
    for step in steps:
        query += step
        _GENERATED.set_preferred(ids)
        with_preferences = _GENERATED.search(query, kind)
        expected = plain.search(query, kind).indices
        assert sorted(with_preferences.indices) == sorted(expected)
        head = [i for i in with_preferences.indices[:len(set(preferred))] if i in set(preferred)]
        # in the given order within each standing (available first)
        assert head == sorted((i for i in dict.fromkeys(preferred) if i in set(expected)),
                              key=lambda i: standing(_GENERATED.targets[i]))
    _GENERATED.set_preferred([])


def test_bulk_builds_hold_off_full_collections_only_and_restore_them_whatever_order_they_end_in():
    import gc
    import sys

    from app.core.directory.target import BULK_SWITCH_INTERVAL_S, building_in_bulk

    before, interval = gc.get_threshold(), sys.getswitchinterval()
    try:
        refresh, cache_load = building_in_bulk(), building_in_bulk()
        refresh.__enter__()
        cache_load.__enter__()
        paused = gc.get_threshold()
        assert gc.isenabled() and paused[:2] == before[:2] and paused[2] >= 1_000_000  # young collections go on
        assert sys.getswitchinterval() == BULK_SWITCH_INTERVAL_S < interval
        refresh.__exit__(None, None, None)  # the first build ends while the other goes on
        assert gc.get_threshold() == paused and sys.getswitchinterval() == BULK_SWITCH_INTERVAL_S
        cache_load.__exit__(None, None, None)
        assert gc.get_threshold() == before and sys.getswitchinterval() == interval
        with pytest.raises(ValueError), building_in_bulk():
            raise ValueError("a damaged page")
        assert gc.get_threshold() == before and sys.getswitchinterval() == interval
    finally:
        gc.set_threshold(*before)  # a failure here must not leave the rest of the session paused
        sys.setswitchinterval(interval)


def standing(target: Target) -> int:
    """0: can take a call now (queues, flows, available agents, presence unknown); 1: busy or away; 2: offline."""
    state = target.presence.state.value if target.presence else "available"
    return {"available": 0, "busy": 1, "away": 1, "offline": 2}[state]


def reference_search(targets: list[Target], query: str, kind=None, available_only=False, preferred=()) -> list[str]:
    """The search rules of app/core/directory/search.py written the plain way: IDs, best first."""
    from app.core.directory.search import haystack
    from app.core.directory.target import KIND_ORDER

    last = {target.id: at for at, target in enumerate(targets)}  # the same ID again: the last stays, in its place
    unique = [target for at, target in enumerate(targets) if last[target.id] == at]
    hays = {target.id: haystack(target) for target in unique}
    by_id = {target.id: target for target in unique}

    def ranked(terms: list[str], kind: str | None) -> list[Target]:
        kept = [t for t in unique if (kind is None or t.kind.value == kind) and (not available_only or t.available)]
        if not terms:
            return sorted(kept, key=lambda t: (KIND_ORDER.index(t.kind), standing(t), hays[t.id]))
        phrase = " " + " ".join(terms)
        matching = [t for t in kept if all(term in hays[t.id] for term in terms)]
        return sorted(matching, key=lambda t: (
            0 if hays[t.id].startswith(phrase) else 1 if all(" " + term in hays[t.id] for term in terms) else 2,
            standing(t), hays[t.id]))

    terms = words(query)
    kind_words = {"agent": "agent", "agents": "agent", "queue": "queue", "queues": "queue", "flow": "flow",
                  "flows": "flow"}
    named = next((term for term in terms if term in kind_words), None)
    if named is not None and kind in (None, kind_words[named]):
        others = list(terms)
        others.remove(named)
        found = ranked(others, kind_words[named])
        if kind is None:  # then the other kinds' targets holding the word itself, in the singular
            literal = [kind_words[named] if term == named else term for term in terms]
            found += [t for t in ranked(literal, None) if t.kind.value != kind_words[named]]
    else:
        found = ranked(terms, kind)
    ids = [t.id for t in found]
    kept = [t for t in unique if (kind is None or t.kind.value == kind) and (not available_only or t.available)]
    first = sorted((i for i in dict.fromkeys(preferred) if i in ids), key=lambda i: standing(by_id[i]))
    pasted = query.strip()
    if terms and len(pasted) in (15, 18):
        pasted_id = next((t.id for t in kept if t.id[:15] == pasted[:15] and len(pasted) == 15 or t.id == pasted), None)
        if pasted_id:
            first = [pasted_id, *(i for i in first if i != pasted_id)]
    return first + [i for i in ids if i not in first]


_ORACLE_TARGETS = generate_targets(1200, seed=23)
_ORACLE_TARGETS += _ORACLE_TARGETS[5:40:7]  # some IDs twice: the later copy stays
_ORACLE_TARGETS += [queue(1, "B"), queue(2, "b c"), queue(3, "Ba"), queue(4, "---"), queue(5, "Bill\x1fing")]
_ORACLE = SearchIndex(_ORACLE_TARGETS)
_LETTERS = "abilemnorstuzéø田中ß 民-"


@settings(max_examples=150, deadline=None)
@given(typed=st.lists(st.text(_LETTERS, min_size=1, max_size=4), min_size=1, max_size=5),
       kind=st.sampled_from([None, "agent", "queue", "flow"]), available=st.booleans(),
       preferred=st.lists(st.integers(0, len(_ORACLE_TARGETS) - 1), max_size=6))
def test_every_query_as_typed_matches_the_rules_written_plainly(typed, kind, available, preferred):
    """Key by key, each result is what the plain rules give: posting lists, scans, narrowing and
    the recent-query shortcuts change nothing."""
    ids = [_ORACLE_TARGETS[i].id for i in preferred]
    _ORACLE.set_preferred(ids)
    query = ""
    try:
        for piece in typed:
            for char in piece:
                query += char
                found = [target.id for target in _ORACLE.search(query, kind, available)]
                assert found == reference_search(_ORACLE_TARGETS, query, kind, available, ids), query
            query = query[:-1]  # a backspace
            found = [target.id for target in _ORACLE.search(query, kind, available)]
            assert found == reference_search(_ORACLE_TARGETS, query, kind, available, ids), query
    finally:
        _ORACLE.set_preferred([])


_WORDS = ["queue ", "queues ", "flow", "flows ", "agent ", "agents", "bil", "l em", "tech ", "ov", "zo", "a", " ", "e"]


@settings(max_examples=120, deadline=None)
@given(pieces=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4),
       kind=st.sampled_from([None, "agent", "queue", "flow"]), available=st.booleans())
def test_kind_words_typed_key_by_key_match_the_rules_written_plainly(pieces, kind, available):
    query = ""
    for char in "".join(pieces):
        query += char
        found = [target.id for target in _ORACLE.search(query, kind, available)]
        assert found == reference_search(_ORACLE_TARGETS, query, kind, available), query


def test_a_pasted_id_of_a_target_comes_first_even_when_its_name_matches_too():
    target = _ORACLE_TARGETS[100]
    assert _ORACLE.search(target.id)[0] == target
    assert _ORACLE.search(target.id[:15].lower()).indices == ()  # IDs are case-sensitive


def test_a_table_finds_one_target_by_its_id_and_nothing_across_two_ids():
    from app.core.directory.table import TargetTable

    targets = load_demo_directory()
    table = TargetTable.of(targets)
    assert table.find(targets[7].id) == targets[7] and table.find(targets[-1].id) == targets[-1]
    straddling = targets[0].id[9:] + targets[1].id[:9]  # the end of one ID and the start of the next
    assert table.find(straddling) is None and table.find("005000000000000AAA") is None


def test_a_search_in_small_steps_gives_what_the_plain_rules_give_and_a_dropped_one_changes_nothing(monkeypatch):
    """`searching` goes by pieces of the blob and of positions (here tiny, so every piece boundary is
    crossed); a search dropped halfway, as a newer keystroke drops it in the window, leaves the index as it was."""
    from app.core.directory import search as search_module

    monkeypatch.setattr(search_module, "_STEP_BYTES", 512)
    monkeypatch.setattr(search_module, "_STEP_POSITIONS", 7)
    index = SearchIndex(_ORACLE_TARGETS)
    cases = [("er", None, False), ("er a", None, False), ("bil em", None, False), ("e", "agent", True),
             ("queue b", None, False), ("ov", "flow", False), ("zz", None, False)]
    for query, kind, available in cases:
        dropped = index.searching(query, kind, available)
        for _ in range(3):
            next(dropped)
        del dropped
        steps = index.searching(query, kind, available)
        taken = 0
        while True:
            try:
                next(steps)
                taken += 1
            except StopIteration as done:
                result = done.value
                break
        assert taken > 3, query
        assert [t.id for t in result] == reference_search(_ORACLE_TARGETS, query, kind, available), query
        assert [t.id for t in index.search(query, kind, available)] == [t.id for t in result], query


def test_a_directory_built_by_tiny_pieces_is_the_one_built_at_once(monkeypatch):
    """Building goes by pieces of 16,384 values (so no C call holds the GIL long); with pieces of 3 every
    boundary is crossed: the same targets, in the same order, found the same way."""
    from array import array

    from app.core.directory import table as table_module

    monkeypatch.setattr(table_module, "_SORT_PIECE", 3)
    assert table_module.filled(array("i"), range(9)) == array("i", range(9))  # ends on a piece's end
    assert table_module.filled(bytearray(), iter(b"abcdefghij")) == bytearray(b"abcdefghij")
    assert table_module.joined([b"a", b"bc", b"", b"d", b"ef"]) == b"abcdef"
    items = list(range(10))
    table_module.let_go(items)
    assert items == []
    by_pieces = SearchIndex(_ORACLE_TARGETS)
    assert list(by_pieces.targets) == list(_ORACLE.targets)
    for query, kind, available in [("", None, False), ("e", "agent", True), ("er", None, False),
                                   ("bil em", None, False), ("queue b", None, False)]:
        assert ([t.id for t in by_pieces.search(query, kind, available)]
                == [t.id for t in _ORACLE.search(query, kind, available)]), query
