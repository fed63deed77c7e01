"""The admin's directory file, the offline cache, favorites and recents: real files, real SQLite."""

import json
import os
from datetime import UTC, datetime

import pytest

from app.compose import open_desk
from app.core.directory import PresenceState, generate_targets
from app.core.directory.cache import CachedDirectory, DirectoryCacheError, load_directory, save_directory
from app.core.directory.favorites import Favorites, FavoritesError
from app.core.directory.file_source import FileWatch, load_directory_file
from app.core.errors import ConfigError, Problem
from app.core.ids import IdKind, checksum_suffix
from app.core.journal import Journal
from app.core.resources import resource_path
from app.core.routing.request import RouteRequest
from app.simulator.faults import Fault
from tests.conftest import AGENT, QUEUE, make_profile, raises, text

QUEUE_15 = QUEUE[:15]
BAD_CHECKSUM = QUEUE[:-1] + ("A" if QUEUE[-1] != "A" else "B")


def test_the_bundled_examples_load_without_problems():
    csv_load = load_directory_file(resource_path("examples/directory.csv"))
    json_load = load_directory_file(resource_path("examples/directory.json"))
    assert csv_load.problems == [] and json_load.problems == []
    assert csv_load.targets == json_load.targets and len(csv_load.targets) == 12
    agents = {t.label: t for t in csv_load.targets if t.kind is IdKind.AGENT}
    assert agents["Zoë Müller"].presence.state is PresenceState.AVAILABLE
    assert agents["Łukasz Wójcik"].presence.state is PresenceState.BUSY
    assert agents["José Ñúñez"].presence.state is PresenceState.OFFLINE


def test_csv_with_bom_any_column_order_and_bad_rows_reported_by_line(tmp_path):
    path = tmp_path / "directory.csv"
    path.write_text(
        "\ufeffName,ID,Kind,Presence\n"
        f"Billing,{QUEUE_15},queue,\n"
        f'"Doe, Jane",{AGENT},agent,Lunch break\n'
        f"Broken,{BAD_CHECKSUM},queue,\n"
        f"Nobody,{AGENT},robot,\n"
        f",{QUEUE},queue,\n", encoding="utf-8")
    loaded = load_directory_file(path)
    assert [t.label for t in loaded.targets] == ["Billing", "Doe, Jane"]
    assert loaded.targets[0].id == QUEUE  # 15 characters become 18
    assert loaded.targets[1].presence.state is PresenceState.AWAY
    problems = [text(problem) for problem in loaded.problems]
    assert [problem.split(";")[0] for problem in problems] == ["line 4", "line 5", "line 6"]
    assert "must be agent, queue or flow" in problems[1] and "has no name" in problems[2]


def test_json_rows_are_reported_by_line_and_position(tmp_path):
    path = tmp_path / "directory.json"
    path.write_text(json.dumps({"targets": [{"kind": "queue", "id": QUEUE, "name": "Billing"}, "oops",
                                            {"kind": "flow", "id": QUEUE, "name": "Wrong"}]}), encoding="utf-8")
    loaded = load_directory_file(path)
    assert [t.label for t in loaded.targets] == ["Billing"]
    assert [problem.code for problem in loaded.problems] == [Problem.DIRECTORY_ROW] * 2
    assert text(loaded.problems[0]).startswith("line 1, target 2; it is not an object")
    assert "not a flow ID" in text(loaded.problems[1])


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("missing.csv", None, "does not exist"),
    ("no-header.csv", "a,b\n1,2\n", "missing: kind, id, name"),
    ("bad.json", "[1, 2]", 'must be JSON of the form'),
    ("latin1.csv", "kind,name,Caf\xe9\nqueue,x,y\n".encode("latin-1"), "Save it as UTF-8"),
])
def test_unusable_files_say_how_to_fix_them(tmp_path, name, text, expected):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    with raises(ConfigError, match=expected):
        load_directory_file(path)


def test_file_watch_notices_changes_and_removal(tmp_path):
    path = tmp_path / "directory.csv"
    path.write_text("kind,id,name\n", encoding="utf-8")
    watch = FileWatch(path)
    assert not watch.changed()
    path.write_text("kind,id,name\nqueue,{QUEUE},Billing\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse file systems
    assert watch.changed() and not watch.changed()
    path.unlink()
    assert watch.changed()


def test_cache_round_trips_targets_presence_and_time(tmp_path):
    targets = generate_targets(3000, seed=5)
    fetched = datetime(2026, 11, 24, 9, 42, tzinfo=UTC)
    path = tmp_path / "cache" / "emea.marshal"
    save_directory(path, CachedDirectory(targets, fetched, "salesforce"))
    cached = load_directory(path)
    assert cached.targets == targets and cached.fetched_at == fetched and cached.source == "salesforce"
    agents = [t for t in cached.targets if t.presence]
    assert all(a.presence.since is not None for a in agents)
    assert len(cached.targets.presences) == 5  # the statuses, stored once; agents hold a number each


def test_missing_cache_is_none_and_a_damaged_one_is_reported(tmp_path):
    path = tmp_path / "emea.marshal"
    assert load_directory(path) is None
    save_directory(path, CachedDirectory(generate_targets(100), datetime.now(UTC), "salesforce"))
    path.write_bytes(path.read_bytes()[:-40])
    with raises(DirectoryCacheError, match="damaged or from another version"):
        load_directory(path)
    path.write_bytes(b"\x00garbage")
    with raises(DirectoryCacheError, match="ignored"):
        load_directory(path)


def test_favorites_keep_their_order_and_survive_a_damaged_file(tmp_path):
    path = tmp_path / "favorites.json"
    favorites = Favorites.load(path)
    assert favorites.toggle(QUEUE_15) and favorites.toggle(AGENT)
    favorites.save()
    assert Favorites.load(path).ids == (QUEUE, AGENT)
    assert not favorites.toggle(QUEUE)
    favorites.save()
    assert Favorites.load(path).ids == (AGENT,)
    path.write_text("{not json", encoding="utf-8")
    with raises(FavoritesError, match="Starring a target writes a new one"):
        Favorites.load(path)


def test_recents_are_the_latest_accepted_targets_each_once(run, simulator, new_minter, tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    service = open_desk(make_profile(simulator.base_url), new_minter(), journal)
    other = "00G000000000003" + checksum_suffix("00G000000000003")
    for number, target in enumerate((QUEUE, AGENT, QUEUE, other)):
        run(service.transfer(RouteRequest.build(f"call-{number}", target)))
    simulator.script_fault(Fault(status=400, message="closed"))
    run(service.transfer(RouteRequest.build("call-9", AGENT)))  # failed: not a recent target
    run(service.aclose())
    assert Journal(tmp_path / "journal.sqlite3").recent_targets() == [other, QUEUE, AGENT]
