"""The simulator's Salesforce REST side, spoken to directly over loopback HTTP."""

import httpx
import pytest

from app.simulator.faults import Fault
from app.simulator.salesforce import AGENTS_SOQL, QUEUES_SOQL, SalesforceApi
from app.simulator.server import Simulator
from tests.conftest import CALL_CENTER, ORG_ID, signed_token


@pytest.fixture
def api(rsa_key):
    api = SalesforceApi(public_key=rsa_key.public_key(), consumer_key="ck", username="u", size=5000,
                        page_size=2000)
    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER, salesforce=api):
        yield api


def login(api, rsa_key) -> httpx.Client:
    assertion = signed_token(rsa_key, "ck", "u", audience=api.login_url)
    client = httpx.Client(base_url=api.instance_url, timeout=10)
    answer = client.post("/services/oauth2/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
    assert answer.status_code == 200 and answer.json()["instance_url"] == api.instance_url
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client


def test_pages_add_up_to_total_size_with_unique_ids(api, rsa_key):
    client = login(api, rsa_key)
    page = client.get("/services/data/v62.0/query", params={"q": QUEUES_SOQL.lower()}).json()  # case-insensitive
    assert page["done"] and page["totalSize"] == len(page["records"]) > 0
    page = client.get("/services/data/v62.0/query", params={"q": AGENTS_SOQL}).json()
    ids, total = [], page["totalSize"]
    while True:
        ids += [record["UserId"] for record in page["records"]]
        assert record_shape_ok(page["records"][0])
        if page["done"]:
            break
        page = client.get(page["nextRecordsUrl"]).json()
    assert len(ids) == len(set(ids)) == total > 2000


def record_shape_ok(record) -> bool:
    return (record["attributes"]["type"] == "UserServicePresence" and record["User"]["Name"]
            and record["ServicePresenceStatus"]["MasterLabel"] and record["StatusStartDate"].endswith(".000+0000"))


def test_errors_come_in_salesforce_shapes(api, rsa_key):
    anonymous = httpx.Client(base_url=api.instance_url, timeout=10)
    refused = anonymous.get("/services/data/v62.0/query", params={"q": QUEUES_SOQL})
    assert refused.status_code == 401 and refused.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    grant = anonymous.post("/services/oauth2/token", data={"grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"

    client = login(api, rsa_key)
    unknown = client.get("/services/data/v62.0/query", params={"q": "SELECT Id FROM Account"})
    assert unknown.status_code == 400 and unknown.json()[0]["errorCode"] == "MALFORMED_QUERY"
    api.script_fault(Fault(status=503, message="Down for maintenance"), "query")
    failed = client.get("/services/data/v62.0/query", params={"q": QUEUES_SOQL})
    assert failed.status_code == 503 and failed.json()[0]["message"] == "Down for maintenance"
    assert failed.headers["Sforce-Limit-Info"] == f"api-usage={api.api_calls}/{api.api_limit}"
    assert client.get("/services/data/v62.0/query", params={"q": QUEUES_SOQL}).status_code == 200  # once only


def test_a_slow_fault_delays_the_real_answer(api, rsa_key):
    import time

    client = login(api, rsa_key)
    api.script_fault(Fault(delay_s=0.3), "query")
    started = time.perf_counter()
    page = client.get("/services/data/v62.0/query", params={"q": QUEUES_SOQL})
    assert time.perf_counter() - started >= 0.3
    assert page.status_code == 200 and page.json()["records"]


def test_records_of_the_token_call_keep_neither_token(rsa_key):
    api = SalesforceApi(public_key=rsa_key.public_key(), consumer_key="ck", username="u", size=10)
    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                   salesforce=api) as simulator:
        assertion = signed_token(rsa_key, "ck", "u", audience=api.login_url)
        answer = httpx.post(f"{api.instance_url}/services/oauth2/token", timeout=10, data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
        access_token = answer.json()["access_token"]
        (record,) = simulator.requests
    assert "assertion=<redacted>" in record.body_text and assertion not in record.body_text
    assert '"access_token": "<redacted>"' in record.response_body and access_token not in record.response_body
