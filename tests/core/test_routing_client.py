"""RouteClient over real HTTP on loopback to the simulator: every row of DOMAIN.md's status table."""

import json
import socket
import xml.etree.ElementTree as ET

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import InputError
from app.core.routing.client import RouteClient
from app.core.routing.outcome import OutcomeStatus
from app.core.routing.request import RouteRequest
from app.core.secrets import SecretMissingError
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.rsa_key import RsaKeySigner
from app.messages import outcome_text
from app.simulator.faults import Fault
from tests.conftest import AGENT, FALLBACK, FLOW, ORG_ID, QUEUE, make_profile, text


class Routed:
    """An outcome with the words the command line would print for it (`message`, `hint`)."""

    def __init__(self, outcome, label):
        self.outcome = outcome
        words = outcome_text(outcome, label)
        self.message, self.hint = words.headline, words.hint

    def __getattr__(self, name):
        return getattr(self.outcome, name)


def route(run, profile, new_minter, request, transport=None, waits=None):
    """Route once; a Retry-After is not waited for but noted in `waits` (a list), when given."""
    async def no_wait(seconds):
        waits.append(seconds)

    async def go():
        client = RouteClient(profile, new_minter(), transport=transport, **({"sleep": no_wait} if waits is not None
                                                                             else {}))
        try:
            return await client.route(request)
        finally:
            await client.aclose()

    return Routed(run(go()), request.target_label)


@pytest.mark.parametrize("shape", ["seed", "connector"])
@pytest.mark.parametrize("body_format", ["json", "xml"])
@pytest.mark.parametrize("flow_inputs_as", ["object", "string"])
def test_flow_with_fallback_and_inputs_in_every_shape_and_format(run, rsa_key, new_minter, shape, body_format,
                                                                 flow_inputs_as):
    from app.simulator.server import Simulator
    from tests.conftest import CALL_CENTER

    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                   route_shape=shape) as sim:
        profile = make_profile(sim.base_url, route_shape=shape, body_format=body_format, flow_inputs_as=flow_inputs_as)
        inputs = {"Input1": "one", "Note": "<&>\"' ✓ 日本"}
        request = RouteRequest.build("0LQ5g00000ABCDE", FLOW, target_label="VIP flow", fallback_queue=FALLBACK,
                                     flow_inputs=inputs)
        outcome = route(run, profile, new_minter, request)
        assert outcome.status is OutcomeStatus.ACCEPTED, outcome
        assert outcome.message == "Routing requested to VIP flow"
        assert outcome.http_status == 200 and outcome.attempts == 1 and outcome.jti
        (received,) = sim.requests
        assert received.call_id == "0LQ5g00000ABCDE"
        assert received.target == FLOW and received.fallback_queue == FALLBACK
        assert received.flow_inputs == inputs
        assert received.claims["jti"] == outcome.jti
        assert received.headers["Telephony-Provider-Name"] == "Test Telephony"


@pytest.mark.parametrize(("target", "label"), [(AGENT, "Zoë Müller"), (QUEUE, "Billing (EMEA)")])
def test_agent_and_queue(run, simulator, new_minter, target, label):
    request = RouteRequest.build("c-1", target, target_label=label)
    outcome = route(run, make_profile(simulator.base_url), new_minter, request)
    assert (outcome.status, outcome.message) == (OutcomeStatus.ACCEPTED, f"Routing requested to {label}")
    body = json.loads(simulator.requests[0].body_text)
    assert body == {"routingTarget": target}  # optional fields omitted, never null


@pytest.mark.parametrize("call_id", ["a/b", "what?x=1", "frag#ment", "100%", "with space", "Ünïcødé-呼叫", "../..",
                                     "a%2Fb"])
def test_call_id_arrives_intact_as_one_path_segment(run, simulator, new_minter, call_id):
    """Whatever a profile's contact_id_pattern lets through (here: anything visible, spaces too)."""
    import re

    from app.core.routing.request import check_transfer

    request = check_transfer(call_id, QUEUE, contact_id=re.compile(".+")).request
    outcome = route(run, make_profile(simulator.base_url), new_minter, request)
    assert outcome.status is OutcomeStatus.ACCEPTED, outcome
    assert simulator.requests[0].call_id == call_id


@pytest.mark.parametrize("shape", ["message", "errors_list", "errors_string", "array", "oauth", "text", "html"])
def test_rejected_shows_the_servers_words_whatever_the_error_shape(run, simulator, new_minter, shape):
    simulator.script_fault(Fault(status=400, message="Target agent is offline", error_shape=shape))
    request = RouteRequest.build("c-1", AGENT, target_label="Ana")
    outcome = route(run, make_profile(simulator.base_url), new_minter, request)
    assert outcome.status is OutcomeStatus.REJECTED and outcome.http_status == 400
    assert "Target agent is offline" in outcome.message
    assert outcome.attempts == 1 and not outcome.retry_safe and outcome.exit_code == 4


@pytest.mark.parametrize("status", [401, 403])
def test_scripted_auth_failure(run, simulator, new_minter, status):
    simulator.script_fault(Fault(status=status, message="Invalid token"))
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.AUTH_FAILED and outcome.exit_code == 3
    assert "org_id" in outcome.hint and len(simulator.requests) == 1


def test_token_for_the_wrong_org_is_refused_by_the_simulator(run, simulator, rsa_key):
    from tests.conftest import minter_for

    def other_org():
        return minter_for(rsa_key, issuer="00D5g00000OTHER")

    outcome = route(run, make_profile(simulator.base_url), other_org, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.AUTH_FAILED and outcome.http_status == 401


def test_404_hints_at_the_other_shape(run, simulator, new_minter):
    simulator.script_fault(Fault(status=404, message="Voice call not found"))
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.REJECTED and "Voice call not found" in outcome.message
    assert 'route_shape = "connector"' in outcome.hint


def test_405_is_wrong_shape_and_names_the_fix(run, simulator, new_minter):
    outcome = route(run, make_profile(simulator.base_url, route_shape="connector"), new_minter,
                    RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.WRONG_SHAPE and outcome.http_status == 405
    assert "nothing was routed" in outcome.message and 'route_shape = "seed"' in outcome.hint


@pytest.mark.parametrize("status", [429, 503])
def test_throttled_with_a_short_retry_after_is_retried_once(run, simulator, new_minter, status):
    simulator.script_fault(Fault(status=status, retry_after="3"), times=1)
    waits = []
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE), waits=waits)
    assert outcome.status is OutcomeStatus.ACCEPTED and outcome.attempts == 2 and waits == [3.0]
    first, second = simulator.requests
    assert first.claims["jti"] != second.claims["jti"]  # a fresh token per request


def test_throttled_twice_is_not_retried_a_second_time(run, simulator, new_minter):
    simulator.script_fault(Fault(status=429, retry_after="3"), times=2)
    waits = []
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE), waits=waits)
    assert outcome.status is OutcomeStatus.THROTTLED and outcome.attempts == 2 and len(simulator.requests) == 2
    assert waits == [3.0]  # waited once, not twice


def test_throttled_beyond_the_deadline_tells_the_rep_when(run, simulator, new_minter):
    simulator.script_fault(Fault(status=429, retry_after="60"))
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.THROTTLED and outcome.attempts == 1
    assert outcome.retry_after_s == 60 and "in 60 s" in outcome.hint and outcome.retry_safe


def test_503_without_retry_after_is_a_server_error_not_retried(run, simulator, new_minter):
    simulator.script_fault(Fault(status=503, message="Service Unavailable"))
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.SERVER_ERROR and outcome.attempts == 1 and not outcome.retry_safe


def test_500_is_a_server_error_with_manual_retry_only(run, simulator, new_minter):
    simulator.script_fault(Fault(status=500, message="Internal failure", error_shape="errors_list"))
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.SERVER_ERROR and "Internal failure" in outcome.message
    assert len(simulator.requests) == 1 and "check the softphone" in outcome.hint


def test_slow_answer_past_the_deadline_is_outcome_unknown_and_not_retried(run, simulator, new_minter):
    simulator.script_fault(Fault(delay_s=2.5))
    outcome = route(run, make_profile(simulator.base_url, timeout_s=1), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.OUTCOME_UNKNOWN and outcome.attempts == 1
    assert "may already be routing" in outcome.message and outcome.exit_code == 6
    assert len(simulator.requests) <= 1  # recorded when answered; never a second request


def test_dropped_connection_is_outcome_unknown_and_not_retried(run, simulator, new_minter):
    simulator.script_fault(Fault(drop=True))
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.OUTCOME_UNKNOWN and outcome.attempts == 1
    assert len(simulator.requests) == 1


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_not_sent_after_one_safe_retry(run, new_minter):
    outcome = route(run, make_profile(f"http://127.0.0.1:{closed_port()}/telephony/v1"), new_minter,
                    RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.NOT_SENT and outcome.attempts == 2
    assert "nothing was sent" in outcome.message and outcome.retry_safe and outcome.exit_code == 5


class FailFirstConnect(httpx.AsyncHTTPTransport):
    """A network edge that cannot be produced on loopback on demand: the first connect fails."""

    def __init__(self):
        super().__init__()
        self.failed = False

    async def handle_async_request(self, request):
        if not self.failed:
            self.failed = True
            raise httpx.ConnectError("simulated DNS failure", request=request)
        return await super().handle_async_request(request)


def test_a_failed_connect_is_retried_once_and_then_succeeds(run, simulator, new_minter):
    outcome = route(run, make_profile(simulator.base_url), new_minter, RouteRequest.build("c-1", QUEUE),
                    transport=FailFirstConnect())
    assert outcome.status is OutcomeStatus.ACCEPTED and outcome.attempts == 2 and len(simulator.requests) == 1


def test_missing_credentials_send_nothing(run, simulator):
    from app.core.errors import Problem

    def no_key():
        raise SecretMissingError(Problem.SECRET_MISSING, profile="test", backend="a test keyring", purpose="scrt")

    def minter():
        return TokenMinter(RsaKeySigner(no_key), TokenSpec(ORG_ID, "X"))

    outcome = route(run, make_profile(simulator.base_url), minter, RouteRequest.build("c-1", QUEUE))
    assert outcome.status is OutcomeStatus.CREDENTIALS and outcome.exit_code == 3
    assert outcome.cause is Problem.SECRET_MISSING and outcome.params["profile"] == "test"
    assert "No private key is stored for profile 'test'" in outcome.message and simulator.requests == []


def test_xml_body_escapes_every_value(run, rsa_key, new_minter):
    from app.simulator.server import Simulator
    from tests.conftest import CALL_CENTER

    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER) as sim:
        nasty = {"a<b": "</value><routingTarget>005000000000002AAA</routingTarget>", "q": "\"'&\r\n"}
        request = RouteRequest.build("c-1", FLOW, flow_inputs=nasty)
        outcome = route(run, make_profile(sim.base_url, body_format="xml"), new_minter, request)
        assert outcome.status is OutcomeStatus.ACCEPTED
        root = ET.fromstring(sim.requests[0].body_text)
        assert root.findtext("routingTarget") == FLOW and sim.requests[0].flow_inputs == nasty


# Fuzzing: whatever is typed, either the request is refused with a clear InputError before anything
# is sent, or it reaches the server exactly as typed and is accepted. Never a malformed request.
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
INPUTS = st.lists(st.tuples(TEXT, st.text(st.characters(codec="utf-8"), max_size=60)), max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call_id=TEXT, target=st.one_of(st.sampled_from([AGENT, QUEUE, FLOW, FLOW[:15]]), TEXT), inputs=INPUTS,
       body_format=st.sampled_from(["json", "xml"]))
def test_fuzzed_requests_are_refused_clearly_or_arrive_intact(run, simulator, new_minter, call_id, target, inputs,
                                                              body_format):
    try:
        request = RouteRequest.build(call_id, target, flow_inputs=inputs)
    except InputError as error:
        assert text(error)
        return
    simulator.clear_requests()
    outcome = route(run, make_profile(simulator.base_url, body_format=body_format), new_minter, request)
    assert outcome.status is OutcomeStatus.ACCEPTED, outcome
    (received,) = simulator.requests
    assert received.call_id == request.call_id
    assert received.target == request.target.value
    assert received.flow_inputs == (dict(request.flow_inputs) if request.flow_inputs else None)
