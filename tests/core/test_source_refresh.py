"""Directory sources: the offline copy first, full refresh, presence refresh, file changes."""

import os

import pytest

from app.core.directory.salesforce import DirectoryRefreshError
from app.core.directory.sources import FileSource, SourceNeeds, source_for
from app.core.ids import IdKind
from app.simulator.faults import Fault
from tests.conftest import QUEUE, make_profile, raises, text
from tests.core.test_directory_salesforce import CONSUMER_KEY, USERNAME, start_org


@pytest.fixture
def org(rsa_key):
    from cryptography.hazmat.primitives.asymmetric import rsa

    api_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = [1_800_000_000.0]
    simulator, api = start_org(rsa_key, api_key, page_size=100, presence_period_s=30, clock=lambda: now[0])
    yield api, api_key, now
    simulator.stop()


def salesforce_source(api, api_key, cache_file):
    profile = make_profile("https://x.example", directory_source="salesforce", salesforce_login_url=api.login_url,
                           salesforce_consumer_key=CONSUMER_KEY, salesforce_username=USERNAME)
    return source_for(profile, SourceNeeds(api_key=lambda: api_key, cache_file=cache_file))


def test_salesforce_refresh_saves_the_copy_the_next_start_shows_first(run, org, tmp_path):
    api, api_key, _ = org
    cache_file = tmp_path / "cache" / "test.marshal"
    feed = salesforce_source(api, api_key, cache_file)
    assert run(feed.cached()) is None
    fresh = run(feed.refresh())
    run(feed.aclose())
    assert cache_file.exists() and len(fresh.index) > 100 and fresh.source == "Salesforce"

    restarted = salesforce_source(api, api_key, cache_file)
    shown = run(restarted.cached())
    assert shown.index.targets == fresh.index.targets and shown.as_of == fresh.as_of

    api.script_fault(Fault(status=500, message="Internal failure"), "query")
    with raises(DirectoryRefreshError, match="keeps its last copy"):
        run(restarted.refresh())
    assert restarted._current is shown  # the failed refresh kept the copy
    assert run(restarted.cached()).index.targets == fresh.index.targets  # and did not overwrite the file
    run(restarted.aclose())


def test_presence_refresh_updates_agents_and_keeps_queues_and_flows(run, org, tmp_path):
    api, api_key, now = org
    feed = salesforce_source(api, api_key, None)
    first = run(feed.refresh())
    calls = api.api_calls
    now[0] += 31
    second = run(feed.poll())
    run(feed.aclose())
    kinds = lambda snapshot, kind: {t.id for t in snapshot.index.targets if t.kind is kind}  # noqa: E731
    assert kinds(first, IdKind.QUEUE) == kinds(second, IdKind.QUEUE) and kinds(second, IdKind.FLOW)
    statuses = lambda snapshot: {t.id: t.presence.status for t in snapshot.index.targets if t.presence}  # noqa: E731
    assert statuses(first) != statuses(second)
    # only the presence pages: not the queue and flow queries, nor the flows' variables
    assert calls - 3 == api.api_calls - calls
    inputs = lambda snapshot: {t.id: t.inputs for t in snapshot.index.targets if t.kind is IdKind.FLOW}  # noqa: E731
    assert inputs(second) == inputs(first) and any(inputs(second).values())  # kept with the flows


def test_a_file_source_reloads_only_when_the_file_changes(run, tmp_path):
    path = tmp_path / "directory.csv"
    path.write_text(f"kind,id,name,detail\nqueue,{QUEUE},Billing,Billing_Q\n", encoding="utf-8")
    feed = source_for(make_profile("https://x.example", directory_source="file", directory_file=str(path)),
                      SourceNeeds())
    assert isinstance(feed, FileSource)
    assert run(feed.cached()) is None
    first = run(feed.refresh())
    assert [t.label for t in first.index.targets] == ["Billing"] and first.source == "directory.csv"
    assert run(feed.poll()) is None
    path.write_text(f"kind,id,name\nqueue,{QUEUE},Billing (EMEA)\nrobot,x,y\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    changed = run(feed.poll())
    assert [t.label for t in changed.index.targets] == ["Billing (EMEA)"]
    assert changed.problems and text(changed.problems[0]).startswith("line 3")


def test_the_registry_gives_each_profile_its_source(tmp_path):
    from app.core.directory.sources import DemoSource, SalesforceSource

    def source(**keys):
        return source_for(make_profile("https://x.example", **keys), SourceNeeds(api_key=lambda: None))

    assert source() is None
    assert isinstance(source(directory_source="demo"), DemoSource)
    assert isinstance(source(directory_source="file", directory_file=str(tmp_path / "d.csv")), FileSource)
    assert isinstance(source(directory_source="salesforce", salesforce_consumer_key="ck", salesforce_username="u"),
                      SalesforceSource)


def test_the_demo_source_reads_the_bundled_directory_once(run):
    from app.core.directory.sources import DemoSource

    demo = DemoSource()
    snapshot = run(demo.refresh())
    assert len(snapshot.index) >= 300 and demo.poll_interval_s is None and run(demo.poll()) is None
