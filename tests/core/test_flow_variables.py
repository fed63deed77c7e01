"""A flow's input variables, where the directory knows them (issue 13, item 12): read from the org
(`FlowVariableView`, through the simulator over real loopback HTTP), listed in a directory file,
shipped with the demo, and kept in the offline cache."""

import hashlib
import json
import marshal
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.directory import SearchIndex, Target, cache, generate_targets, load_demo_directory
from app.core.directory.cache import CachedDirectory, load_directory, save_directory
from app.core.directory.file_source import load_directory_file
from app.core.directory.salesforce import FLOW_VERSIONS_PER_QUERY
from app.core.directory.target import FlowVariable
from app.core.errors import InputError, Problem
from app.core.ids import IdKind
from app.messages import Front, describe
from tests.conftest import raises
from tests.core.test_directory_salesforce import directory_for, start_org

QUEUE, FLOW, AGENT = "00GHs00000tBAoHMAW", "300Hs00000Ub631IAB", "005Hs00000O4AxgIAF"


def names(target: Target) -> list[str]:
    return [variable.name for variable in target.inputs]


@pytest.fixture(scope="module")
def api_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def org(rsa_key, api_key):
    simulator, api = start_org(rsa_key, api_key, size=3000, page_size=500)
    yield api
    simulator.stop()


def test_the_org_gives_each_flow_the_input_variables_of_its_active_version(run, org, api_key):
    directory = directory_for(org, api_key)
    targets = run(directory.load())
    run(directory.aclose())

    flows = {t.id: t for t in targets if t.kind is IdKind.FLOW}
    generated = {t.id: t for t in org.targets if t.kind is IdKind.FLOW}
    assert flows.keys() == generated.keys() and len(flows) == 30
    assert {flow_id: flow.inputs for flow_id, flow in flows.items()} == {
        flow_id: flow.inputs for flow_id, flow in generated.items()}  # names, types and descriptions
    assert sum(bool(flow.inputs) for flow in flows.values()) >= 10
    every = {variable.name for flow in flows.values() for variable in flow.inputs}
    assert "recordId" not in every and "RoutingTrace" not in every  # set by Omni-Channel; a collection
    with_types = next(flow for flow in flows.values() if "Priority" in names(flow))
    assert next(v for v in with_types.inputs if v.name == "Priority").data_type == "Number"


def test_the_versions_are_asked_for_in_batches(run, rsa_key, api_key):
    simulator, api = start_org(rsa_key, api_key, size=100 * (FLOW_VERSIONS_PER_QUERY + 50))  # 250 flows
    try:
        directory = directory_for(api, api_key)
        before = api.api_calls
        targets = run(directory.load())
        run(directory.aclose())
        flows = [t for t in targets if t.kind is IdKind.FLOW]
        assert len(flows) == FLOW_VERSIONS_PER_QUERY + 50
        assert all(t.inputs == g.inputs for t, g in zip(sorted(flows, key=lambda t: t.id), sorted(
            (t for t in api.targets if t.kind is IdKind.FLOW), key=lambda t: t.id), strict=True))
        # queues, flows, two batches of variables, and the agents' pages (2,000 records each)
        agent_pages = -(-sum(t.kind is IdKind.AGENT for t in targets) // 2000)
        assert api.api_calls - before == 2 + 2 + agent_pages
    finally:
        simulator.stop()


def test_a_refused_variables_query_loads_the_flows_without_them(run, org, api_key, caplog, monkeypatch):
    """An org that refuses the query (here: a form the simulator answers 400 MALFORMED_QUERY, as an org
    would one it does not take) still gives its queues, flows and agents."""
    from app.core.directory import salesforce

    monkeypatch.setattr(salesforce, "FLOW_INPUTS_SOQL",
                        salesforce.FLOW_INPUTS_SOQL.replace("FlowVersionViewId IN", "FlowVersionViewId NOT IN"))
    directory = directory_for(org, api_key)
    try:
        targets = run(directory.load())
    finally:
        run(directory.aclose())
    flows = [t for t in targets if t.kind is IdKind.FLOW]
    assert len(flows) == 30 and all(not flow.inputs for flow in flows)
    assert any(t.kind is IdKind.AGENT for t in targets)
    assert "input variables could not be read" in caplog.text


def test_a_directory_file_may_list_a_flows_inputs(tmp_path):
    path = tmp_path / "directory.csv"
    path.write_text(
        "kind,id,name,detail,inputs\n"
        f"flow,{FLOW},VIP Callback Flow,VIP_Callback_Flow,CustomerTier;CallbackNumber\n"
        f"flow,300Hs00000Ub632IAB,Language Selection,,CallerLanguage  Priority\n"  # spaces work too
        f"flow,300Hs00000Ub633IAB,Business Hours Check,,\n"
        f"queue,{QUEUE},Billing (EMEA),Billing_EMEA,Priority\n"  # not a flow: skipped, and said why
        f"flow,300Hs00000Ub634IAB,Overflow,,Tier;tier\n",  # the same input twice (names ignore case)
        encoding="utf-8")
    loaded = load_directory_file(path)
    flows = {t.label: names(t) for t in loaded.targets}
    assert flows == {"VIP Callback Flow": ["CustomerTier", "CallbackNumber"],
                     "Language Selection": ["CallerLanguage", "Priority"], "Business Hours Check": []}
    assert loaded.skipped == 2
    said = [describe(problem, Front.WINDOW) for problem in loaded.problems]
    assert "line 5" in said[0] and "not to a queue" in said[0]
    assert "line 6" in said[1] and "given twice" in said[1]

    json_path = tmp_path / "directory.json"
    row = {"kind": "flow", "id": FLOW, "name": "VIP", "inputs": "A;B"}  # in JSON, the same text
    json_path.write_text(json.dumps({"targets": [row]}), encoding="utf-8")
    assert names(load_directory_file(json_path).targets[0]) == ["A", "B"]


def test_only_flows_have_inputs():
    with raises(InputError, match="not to a queue") as caught:
        Target(IdKind.QUEUE, QUEUE, "Billing", inputs=(FlowVariable("X"),))
    assert caught.value.code is Problem.FLOW_INPUTS_NOT_FOR_KIND


def test_the_demo_flows_take_input_variables_and_search_finds_the_flow_not_its_variables():
    flows = {t.label: t for t in load_demo_directory() if t.kind is IdKind.FLOW}
    assert names(flows["VIP Callback Flow"]) == ["CustomerTier", "CallbackNumber"]
    assert flows["VIP Callback Flow"].inputs[0] == FlowVariable("CustomerTier", "String", "Gold, Silver or Bronze")
    assert not flows["Business Hours Check"].inputs
    index = SearchIndex(list(flows.values()))
    assert index.get(flows["VIP Callback Flow"].id).inputs == flows["VIP Callback Flow"].inputs
    assert len(index.search("customertier")) == 0  # a variable is not a name to search by


def test_the_offline_cache_keeps_flow_inputs_and_a_cache_of_another_version_is_no_cache(tmp_path):
    targets = generate_targets(3000, seed=5)
    path = tmp_path / "emea.marshal"
    save_directory(path, CachedDirectory(targets, datetime.now(UTC), "salesforce"))
    cached = load_directory(path)
    assert cached.targets == targets
    flows = [t for t in cached.targets if t.kind is IdKind.FLOW]
    assert any(flow.inputs for flow in flows) and [f.inputs for f in flows] == [
        t.inputs for t in targets if t.kind is IdKind.FLOW]
    # Copies survive what the sources do with a table: reorder it (an index), keep some kinds (a poll).
    index = SearchIndex(cached.targets)
    assert {t.id: t.inputs for t in index.targets.of_kinds(IdKind.FLOW)} == {f.id: f.inputs for f in flows}

    payload = marshal.dumps((cache.FORMAT - 1, 0.0, "salesforce", ()))  # what an older panel wrote
    path.write_bytes(cache.MAGIC + hashlib.blake2b(payload, digest_size=32).digest() + payload)
    assert load_directory(path) is None
