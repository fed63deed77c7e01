"""Hostile and broken directory files and offline caches: every bad row is reported with its
line and the rest loads; a damaged cache is ignored, never fatal (issue 12, items 10 and 11)."""

import json
import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.directory import SearchIndex, generate_targets
from app.core.directory import file_source as source
from app.core.directory.cache import CachedDirectory, DirectoryCacheError, load_directory, save_directory
from app.core.directory.file_source import load_directory_file
from app.core.errors import ConfigError, Problem
from app.core.ids import checksum_suffix
from tests.conftest import raises, text
from tests.core.test_source_refresh import org, salesforce_source  # noqa: F401 (org: a fixture)


def sf_id(prefix: str, n: int) -> str:
    id15 = f"{prefix}{n:0{15 - len(prefix)}d}"
    return id15 + checksum_suffix(id15)


def csv_file(tmp_path, *rows: str):
    path = tmp_path / "directory.csv"
    path.write_text("kind,id,name,detail,presence\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def json_file(tmp_path, text: str):
    path = tmp_path / "directory.json"
    path.write_text(text, encoding="utf-8")
    return path


def labels(load) -> list[str]:
    return [target.label for target in load.targets]


def words(load) -> list[str]:
    return [text(problem) for problem in load.problems]


def test_a_field_longer_than_csvs_limit_skips_its_row_only(tmp_path):
    loaded = load_directory_file(csv_file(tmp_path, f"queue,{sf_id('00G', 1)},Billing,,",
                                          f"queue,{sf_id('00G', 2)},{'x' * 140_000},,",
                                          f"queue,{sf_id('00G', 3)},Sales,,"))
    assert labels(loaded) == ["Billing", "Sales"]
    assert words(loaded) == ["line 3; it is longer than 4,096 bytes (skipped)"] and loaded.skipped == 1


def test_an_unterminated_quote_is_reported_and_swallows_no_row(tmp_path):
    loaded = load_directory_file(csv_file(tmp_path, f'queue,{sf_id("00G", 1)},"Billing,,',
                                          f"queue,{sf_id('00G', 2)},Sales,,",
                                          f'agent,{sf_id("005", 3)},"Doe, Jane",,Available'))
    assert labels(loaded) == ["Sales", "Doe, Jane"]
    assert words(loaded) == ["line 2; a quote opens a field but does not close it on the same line (skipped)"]
    assert loaded.problems[0].details[0].code is Problem.DIRECTORY_ROW_OPEN_QUOTE


def test_a_line_that_is_not_utf8_is_reported_and_the_rest_loads(tmp_path):
    path = tmp_path / "directory.csv"
    text = f"kind,id,name\nqueue,{sf_id('00G', 1)},Caf\xe9\nqueue,{sf_id('00G', 2)},Sales\n"
    path.write_bytes(text.encode("latin-1"))
    loaded = load_directory_file(path)
    assert labels(loaded) == ["Sales"] and "save the file as UTF-8" in words(loaded)[0]


def test_deeply_nested_json_is_reported_per_target_without_recursion(tmp_path):
    deep = "[" * 200_000 + "]" * 200_000
    rows = [{"kind": "queue", "id": sf_id("00G", 1), "name": "Billing"}, "DEEP",
            {"kind": "queue", "id": sf_id("00G", 2), "name": "Nested", "detail": {"a": [1, {"b": 2}]}},
            {"kind": "queue", "id": sf_id("00G", 3), "name": "Sales"}]
    text = json.dumps({"targets": rows}, indent=1).replace('"DEEP"', deep)
    loaded = load_directory_file(json_file(tmp_path, text))
    assert labels(loaded) == ["Billing", "Sales"]
    assert [problem.split(";")[0] for problem in words(loaded)] == ["line 8, target 2", "line 9, target 3"]
    assert [problem.details[0].code for problem in loaded.problems] == [Problem.DIRECTORY_ROW_NOT_OBJECT,
                                                                         Problem.DIRECTORY_ROW_NESTED]


def test_a_deeply_nested_document_is_refused_with_the_format(tmp_path):
    with raises(ConfigError, match="must be JSON of the form"):
        load_directory_file(json_file(tmp_path, "[" * 500_000 + "]" * 500_000))
    with raises(ConfigError, match="must be JSON of the form"):
        load_directory_file(json_file(tmp_path, '{"other": ' + "[" * 500_000 + "]" * 500_000 + "}"))


def test_a_json_file_cut_short_keeps_the_rows_before_the_cut(tmp_path):
    rows = [{"kind": "queue", "id": sf_id("00G", n), "name": f"Queue {n}"} for n in range(1, 4)]
    text = json.dumps({"targets": rows}, indent=1)
    loaded = load_directory_file(json_file(tmp_path, text[:text.index("Queue 3") - 30]))
    assert labels(loaded) == ["Queue 1", "Queue 2"] and len(loaded.problems) == 1
    assert "the file ends inside it" in words(loaded)[0] and loaded.skipped == 1


def test_repeated_ids_are_merged_the_later_row_wins_and_both_lines_are_named(tmp_path):
    queue = sf_id("00G", 1)
    loaded = load_directory_file(csv_file(tmp_path, f"queue,{queue[:15]},Billing (old),,",
                                          f"queue,{sf_id('00G', 2)},Sales,,",
                                          f"queue,{queue},Billing,,"))
    assert sorted(labels(loaded)) == ["Billing", "Sales"]
    assert words(loaded) == [f"line 4: the ID {queue} is also on line 2; this later row is used"]
    assert loaded.skipped == 1


def test_problems_are_kept_up_to_a_limit_and_every_skipped_row_is_counted(tmp_path):
    loaded = load_directory_file(csv_file(tmp_path, *(f"robot,{sf_id('00G', n)},R{n},," for n in range(250))))
    assert len(loaded.problems) == source.MAX_PROBLEMS and loaded.skipped == 250
    assert words(loaded)[-1] == f"line {source.MAX_PROBLEMS + 1}; kind 'robot' must be agent, queue or flow (skipped)"


def test_a_file_too_large_or_not_a_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    with raises(ConfigError, match="directory files of up to"):
        load_directory_file(csv_file(tmp_path, *(f"queue,{sf_id('00G', n)},Queue,," for n in range(40))))
    os.mkfifo(tmp_path / "pipe.csv")  # reading a pipe would wait for a writer forever
    with raises(ConfigError, match="not a regular file"):
        load_directory_file(tmp_path / "pipe.csv")


_VALID_CSV = ("kind,id,name,detail,presence\n" + "".join(
    f'{kind},{sf_id(prefix, n)},"Name, {n}",Detail_{n},{"Lunch" if kind == "agent" else ""}\n'
    for n, (kind, prefix) in enumerate([("queue", "00G"), ("agent", "005"), ("flow", "300")] * 4))).encode()
_VALID_JSON = json.dumps({"targets": [
    {"kind": kind, "id": sf_id(prefix, n), "name": f"Name {n}", "detail": f"D{n}"}
    for n, (kind, prefix) in enumerate([("queue", "00G"), ("agent", "005"), ("flow", "300")] * 4)]},
    indent=1).encode()
_SPECIAL = st.sampled_from(list(b'"{}[],:\\\n\r \x00\xff\xef'))


@st.composite
def damaged(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["set", "insert", "delete", "cut", "repeat"]))
        byte = draw(st.one_of(_SPECIAL, st.integers(0, 255)))
        if action == "set" and at < len(data):
            data[at] = byte
        elif action == "insert":
            data[at:at] = bytes([byte]) * draw(st.integers(1, 3))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif action == "cut":
            del data[at:]
        else:
            data[at:at] = data[at:at + 40] * draw(st.integers(1, 50))
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_bytes=damaged(_VALID_CSV), json_bytes=damaged(_VALID_JSON))
def test_any_damage_to_a_directory_file_loads_what_is_good_or_says_why(tmp_path, csv_bytes, json_bytes):
    for name, data in (("fuzz.csv", csv_bytes), ("fuzz.json", json_bytes)):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            loaded = load_directory_file(path)
        except ConfigError:
            continue
        assert len(loaded.targets) <= data.count(b"\n") and all(text(problem) for problem in loaded.problems)
        assert len(loaded.problems) <= loaded.skipped + 1  # the one more: the JSON broke, nothing after it read
        assert all(len(target.id) == 18 and target.label.strip() for target in loaded.targets)
        SearchIndex(loaded.targets).search("name")


# ---- the offline cache -------------------------------------------------------------------------
_CACHE_TARGETS = generate_targets(60, seed=4)
_FETCHED = datetime(2026, 11, 24, 9, 42, tzinfo=UTC)


def _valid_cache(tmp_path) -> bytes:
    path = tmp_path / "valid.marshal"
    save_directory(path, CachedDirectory(_CACHE_TARGETS, _FETCHED, "salesforce"))
    return path.read_bytes()


@pytest.fixture(scope="module")
def valid_cache(tmp_path_factory) -> bytes:
    return _valid_cache(tmp_path_factory.mktemp("cache"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_randomly_damaged_cache_is_ignored_never_fatal(tmp_path, valid_cache, data):
    damage = data.draw(damaged(valid_cache))
    path = tmp_path / "fuzzed.marshal"
    path.write_bytes(damage)
    try:
        cached = load_directory(path)
    except DirectoryCacheError as error:
        assert error.code in (Problem.DIRECTORY_CACHE_DAMAGED, Problem.DIRECTORY_CACHE_UNREADABLE)
        assert "ignored" in text(error)
        return
    assert damage == valid_cache and cached.targets == _CACHE_TARGETS  # only the undamaged file loads


def test_a_damaged_cache_never_stops_the_start_and_the_next_refresh_replaces_it(run, org, tmp_path):  # noqa: F811
    api, api_key, _ = org
    cache_file = tmp_path / "cache" / "test.marshal"
    save_directory(cache_file, CachedDirectory(_CACHE_TARGETS, _FETCHED, "salesforce"))
    data = bytearray(cache_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache_file.write_bytes(bytes(data))
    feed = salesforce_source(api, api_key, cache_file)
    shown = run(feed.cached())
    assert len(shown.index) == 0 and "ignored and replaced at the next refresh" in text(shown.problems[0])
    fresh = run(feed.refresh())
    run(feed.aclose())
    assert SearchIndex(load_directory(cache_file).targets).targets == fresh.index.targets and len(fresh.index) > 100


def test_the_cache_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "cache" / "emea.marshal"
    save_directory(path, CachedDirectory(_CACHE_TARGETS, _FETCHED, "salesforce"))
    assert path.stat().st_mode & 0o777 == 0o600
