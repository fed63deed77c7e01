"""The Salesforce directory source against the simulator's REST side, over real loopback HTTP:
the JWT bearer login, the three queries, pagination, one token refresh on 401, limits."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.directory import PresenceState
from app.core.directory.salesforce import ApiUsage, DirectoryRefreshError, SalesforceDirectory, presence_state
from app.core.errors import CredentialError
from app.core.ids import IdKind
from app.simulator.faults import Fault
from app.simulator.salesforce import SalesforceApi
from app.simulator.server import Simulator
from tests.conftest import CALL_CENTER, ORG_ID, make_profile, raises

CONSUMER_KEY = "3MVG9SIMULATOR.consumer"
USERNAME = "panel-integration@acme.example"


@pytest.fixture(scope="module")
def api_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def start_org(rsa_key, api_key, size=300, **options):
    api = SalesforceApi(public_key=api_key.public_key(), consumer_key=CONSUMER_KEY, username=USERNAME,
                        size=size, **options)
    simulator = Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                          salesforce=api).start()
    return simulator, api


@pytest.fixture
def org(rsa_key, api_key):
    simulator, api = start_org(rsa_key, api_key, page_size=100)
    yield api
    simulator.stop()


def directory_for(api, key, **overrides):
    values = dict(directory_source="salesforce", salesforce_login_url=api.login_url,
                  salesforce_consumer_key=CONSUMER_KEY, salesforce_username=USERNAME)
    values.update(overrides)
    profile = make_profile("https://acme.my.salesforce-scrt.com/telephony/v1", **values)
    return SalesforceDirectory(profile, lambda: key, timeout_s=10)


def expected_agents(api):
    """What the presence query should hold: every generated agent not offline right now."""
    return {t.id for t in api.targets if t.kind is IdKind.AGENT}


def test_loads_queues_flows_and_present_agents_across_pages(run, org, api_key):
    directory = directory_for(org, api_key)
    progress = []
    targets = run(directory.load(lambda done, total: progress.append((done, total))))
    run(directory.aclose())

    by_kind = {kind: [t for t in targets if t.kind is kind] for kind in IdKind}
    generated = {kind: {t.id for t in org.targets if t.kind is kind} for kind in IdKind}
    assert {t.id for t in by_kind[IdKind.QUEUE]} == generated[IdKind.QUEUE]
    assert {t.id for t in by_kind[IdKind.FLOW]} == generated[IdKind.FLOW]
    agents = by_kind[IdKind.AGENT]
    assert 100 < len(agents) < len(generated[IdKind.AGENT])  # offline agents are absent, as in a real org
    assert len({t.id for t in agents}) == len(agents) and {t.id for t in agents} <= generated[IdKind.AGENT]
    assert all(t.presence is not None and t.presence.since is not None for t in agents)
    assert {t.presence.state for t in agents} >= {PresenceState.AVAILABLE, PresenceState.BUSY, PresenceState.AWAY}
    queue = by_kind[IdKind.QUEUE][0]
    assert queue.secondary == next(t for t in org.targets if t.id == queue.id).secondary  # DeveloperName
    assert progress[-1] == (len(targets), len(targets))  # determinate once totals are known
    assert directory.api_usage == ApiUsage(org.api_calls, org.api_limit) and org.api_calls >= 4  # pages counted


def test_an_expired_access_token_is_refreshed_once(run, org, api_key):
    directory = directory_for(org, api_key)
    first = run(directory.agents())
    org.expire_tokens()
    again = run(directory.agents())
    run(directory.aclose())
    assert {t.id for t in first} == {t.id for t in again}


def test_a_persistent_401_is_a_credential_error(run, org, api_key):
    directory = directory_for(org, api_key)
    run(directory.agents())
    org.script_fault(Fault(status=401, error_code="INVALID_SESSION_ID"), "query", times=2)
    with raises(CredentialError, match="refused a fresh access token"):
        run(directory.agents())
    run(directory.aclose())


def test_the_api_limit_is_explained_with_the_usage(run, rsa_key, api_key):
    simulator, api = start_org(rsa_key, api_key, api_limit=3, page_size=100)
    directory = directory_for(api, api_key)
    with raises(DirectoryRefreshError, match=r"used up its daily Salesforce API calls \(3 of 3"):
        run(directory.load())
    run(directory.aclose())
    simulator.stop()


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"salesforce_consumer_key": "wrong"}, "client identifier invalid"),
    ({"salesforce_username": "someone@else.example"}, "user hasn't approved this consumer"),
    ({"salesforce_login_url": "https://login.salesforce.com"}, "Cannot reach|audience is invalid"),
])
def test_login_refusals_name_the_settings_to_check(run, org, api_key, overrides, expected):
    directory = directory_for(org, api_key, **overrides)
    with raises((CredentialError, DirectoryRefreshError), match=expected):
        run(directory.load())
    run(directory.aclose())


def test_a_wrong_key_is_refused_at_login(run, org):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    expected = "invalid assertion.*credentials set --profile test --purpose salesforce-api"
    with raises(CredentialError, match=expected):
        run(directory_for(org, other).load())


def test_server_errors_and_slow_pages_keep_a_clear_message(run, org, api_key):
    directory = directory_for(org, api_key, )
    org.script_fault(Fault(status=500, message="Internal failure"), "page")
    with raises(DirectoryRefreshError, match="Salesforce answered 500 .*Internal failure.*keeps its last copy"):
        run(directory.load())
    run(directory.aclose())


def test_presence_changes_over_time(rsa_key, api_key, run):
    now = [1_800_000_000.0]
    simulator, api = start_org(rsa_key, api_key, presence_period_s=30, clock=lambda: now[0])
    directory = directory_for(api, api_key)
    before = {t.id: t.presence.status for t in run(directory.agents())}
    now[0] += 31
    after = {t.id: t.presence.status for t in run(directory.agents())}
    run(directory.aclose())
    simulator.stop()
    changed = sum(before.get(i) != after.get(i) for i in before.keys() | after.keys())
    assert 0 < changed < len(before)


def test_presence_labels_map_to_states():
    assert presence_state("Available", False) is PresenceState.AVAILABLE
    assert presence_state("On a call", False) is PresenceState.BUSY
    assert presence_state("Lunch", True) is PresenceState.AWAY


def test_the_assertion_carries_the_jwt_bearer_claims(api_key):
    from app.core.directory.salesforce import assertion_spec
    from tests.conftest import signed_token

    profile = make_profile("https://x.example", salesforce_consumer_key=CONSUMER_KEY, salesforce_username=USERNAME,
                           salesforce_login_url="https://test.salesforce.com")
    spec = assertion_spec(profile)
    token = signed_token(api_key, spec.issuer, spec.subject, audience=spec.audience)
    claims = jwt.decode(token, api_key.public_key(), algorithms=["RS256"], audience="https://test.salesforce.com")
    assert (claims["iss"], claims["sub"]) == (CONSUMER_KEY, USERNAME)
    assert 0 < claims["exp"] - time.time() <= 180
