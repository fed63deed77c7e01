"""The SCRT simulator over real HTTP on loopback: contract, token checks, bodies, faults, recording."""

import http.client
import json
import logging
import ssl
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from xml.sax.saxutils import escape

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.ids import InvalidIdError, checksum_suffix
from app.simulator.faults import Fault
from app.simulator.server import Simulator
from tests.conftest import raises

ORG_15 = "00D5g00000SIMUL"
ORG_ID = ORG_15 + checksum_suffix(ORG_15)
CALL_CENTER = "HVCC"
AUDIENCE = "https://scrt.salesforce.com"
AGENT = "005000000000001" + checksum_suffix("005000000000001")
QUEUE = "00G000000000001" + checksum_suffix("00G000000000001")
OTHER_QUEUE = "00G000000000002" + checksum_suffix("00G000000000002")
FLOW = "300SG000015iJ38YAE"
CALL = "0LQ5g00000ABCDE" + checksum_suffix("0LQ5g00000ABCDE")
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TLS = ssl.create_default_context()  # unused over plain HTTP, but httpx builds one per client (~20 ms) unless given


def http_client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=5, verify=TLS)


def mint(key=KEY, *, algorithm: str = "RS256", without: tuple[str, ...] = (), **claims) -> str:
    """A token as the panel mints it, with `claims` overriding and `without` removing claims."""
    now = int(time.time())
    payload = {"iss": ORG_ID, "sub": CALL_CENTER, "aud": AUDIENCE, "iat": now, "exp": now + 120,
               "jti": uuid.uuid4().hex, **claims}
    for name in without:
        del payload[name]
    return jwt.encode(payload, key, algorithm=algorithm, headers={"typ": "JWT"})


@pytest.fixture
def sim():
    with Simulator(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER) as simulator:
        yield simulator


@pytest.fixture
def client(sim):
    with http_client(sim.base_url) as http:
        yield http


def route(client: httpx.Client, body: object = None, *, call_id: str = CALL, shape: str = "seed",
          token: str | None = None, content: bytes | None = None, content_type: str = "application/json",
          headers: dict | None = None) -> httpx.Response:
    segment = quote(call_id, safe="")
    method, path = ("POST", f"/voiceCalls/{segment}/routeVoiceCall") if shape == "seed" else (
        "PATCH", f"/voiceCalls/route/{segment}")
    if content is None:
        content = json.dumps({"routingTarget": QUEUE} if body is None else body).encode()
    sent = {"Authorization": f"Bearer {token or mint()}", "Content-Type": content_type,
            "Telephony-Provider-Name": "Test Telephony", **(headers or {})}
    return client.request(method, path, content=content, headers={k: v for k, v in sent.items() if v is not None})


def xml_body(target: str, fallback: str | None = None, inputs: dict[str, str] | None = None) -> bytes:
    entities = {'"': "&quot;", "'": "&apos;", "\r": "&#13;"}
    parts = [f"<routingTarget>{target}</routingTarget>"]
    if fallback:
        parts.append(f"<fallbackQueue>{fallback}</fallbackQueue>")
    if inputs is not None:
        entries = "".join(f"<entry><key>{escape(k, entities)}</key><value>{escape(v, entities)}</value></entry>"
                          for k, v in inputs.items())
        parts.append(f"<flowInputParameters>{entries}</flowInputParameters>")
    return f'<?xml version="1.0" encoding="UTF-8"?><routeVoiceCall>{"".join(parts)}</routeVoiceCall>'.encode()


# --- the contract: shapes, paths, bodies -----------------------------------------------------------


@pytest.mark.parametrize("shape", ["seed", "connector"])
def test_routes_in_the_configured_shape_and_refuses_the_other_with_405(shape):
    other = "connector" if shape == "seed" else "seed"
    with Simulator(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER, route_shape=shape) as sim, \
            http_client(sim.base_url) as client:
        accepted = route(client, shape=shape)
        assert (accepted.status_code, accepted.json()) == (200, {"status": "Success"})
        refused = route(client, shape=other)
        assert refused.status_code == 405
        assert refused.headers["Allow"] == ("POST" if shape == "seed" else "PATCH")
        assert "Nothing was routed" in refused.json()["message"]
        ok, wrong = sim.requests
        assert (ok.route_shape, ok.call_id, ok.status) == (shape, CALL, 200)
        assert (wrong.route_shape, wrong.call_id, wrong.status, wrong.target) == (other, CALL, 405, None)


@pytest.mark.parametrize(("shape", "call_id"), [("seed", "route"), ("connector", "routeVoiceCall")])
def test_a_path_that_fits_both_shapes_is_read_in_the_accepted_one(shape, call_id):
    with Simulator(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER, route_shape=shape) as sim, \
            http_client(sim.base_url) as client:
        assert route(client, call_id=call_id, shape=shape).status_code == 200
        assert sim.requests[0].path.endswith("/voiceCalls/route/routeVoiceCall") and sim.requests[0].call_id == call_id


def test_wrong_method_on_the_right_path_is_405(client):
    response = client.put(f"/voiceCalls/{CALL}/routeVoiceCall", headers={"Authorization": f"Bearer {mint()}"})
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


@pytest.mark.parametrize("path", ["/voiceCalls/x/transfer", "/voiceCalls//routeVoiceCall",
                                  "/voiceCalls/x/routeVoiceCall/",
                                  "/other", "/../v2/voiceCalls/x/routeVoiceCall"])
def test_unknown_paths_are_404(client, path):
    response = client.post(path, json={"routingTarget": QUEUE}, headers={"Authorization": f"Bearer {mint()}"})
    assert response.status_code == 404 and response.json()["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize("call_id", ["a/b", "what?x=1", "frag#ment", "100%", "with space", "Ünïcødé-呼叫", "a%2Fb",
                                     "0LQ5g00000ABCDE", "5f0c7a8e-0d9a-4a63-9f0e-2b2f1c4b7e11"])
def test_call_ids_arrive_intact_as_one_path_segment(sim, client, call_id):
    assert route(client, call_id=call_id).status_code == 200
    assert sim.requests[0].call_id == call_id


def test_a_voice_call_id_with_a_wrong_checksum_is_400(client):
    response = route(client, call_id=CALL[:15] + "AAA")
    assert response.status_code == 400 and "checksum" in response.json()["message"]


def test_flow_with_fallback_and_inputs_as_an_object(sim, client):
    inputs = {"Input1": "one", "Note": "<&>\"' ✓ 日本"}
    body = {"routingTarget": FLOW, "fallbackQueue": QUEUE, "flowInputParameters": inputs}
    assert route(client, body).status_code == 200
    (received,) = sim.requests
    assert (received.target, received.fallback_queue, received.flow_inputs) == (FLOW, QUEUE, inputs)
    assert json.loads(received.body_text) == body


def test_flow_inputs_as_a_json_encoded_string(sim, client):
    inputs = {"Reason": "billing, \"urgent\""}
    assert route(client, {"routingTarget": FLOW, "flowInputParameters": json.dumps(inputs)}).status_code == 200
    assert sim.requests[0].flow_inputs == inputs


def test_xml_body_values_round_trip_exactly(sim, client):
    inputs = {"a<b": "</value><routingTarget>x</routingTarget>", "q": "<&>\"'\r\n ✓", "empty": ""}
    response = route(client, content=xml_body(FLOW, QUEUE, inputs), content_type="application/xml; charset=UTF-8")
    assert response.status_code == 200, response.text
    (received,) = sim.requests
    assert (received.target, received.fallback_queue, received.flow_inputs) == (FLOW, QUEUE, inputs)
    assert received.content_type == "application/xml; charset=UTF-8"


def test_fifteen_character_ids_and_a_chunked_body_are_accepted(sim, client):
    chunks = iter([b'{"routingTarget": "', QUEUE[:15].encode(), b'"}'])  # an iterator makes httpx send chunks
    response = client.post(f"/voiceCalls/{CALL}/routeVoiceCall", content=chunks,
                           headers={"Authorization": f"Bearer {mint()}", "Content-Type": "application/json"})
    assert response.status_code == 200 and sim.requests[0].target == QUEUE[:15]


BAD_BODIES = [
    ({}, "routingTarget is required"),
    ({"routingTarget": None}, "null"),
    ({"routingTarget": QUEUE, "fallbackQueue": None}, "null"),
    ({"routingTarget": "301000000000001"}, "flow version ID"),
    ({"routingTarget": CALL}, "voice call ID"),
    ({"routingTarget": QUEUE[:15] + "AAA"}, "checksum"),
    ({"routingTarget": f" {QUEUE}"}, "surrounding spaces"),
    ({"routingTarget": 5}, "must be a string"),
    ({"routingTarget": FLOW, "fallbackQueue": AGENT}, "not a queue"),
    ({"routingTarget": QUEUE, "fallbackQueue": OTHER_QUEUE}, "only when routingTarget is an Omni-Channel flow"),
    ({"routingTarget": AGENT, "flowInputParameters": {"a": "b"}}, "only when routingTarget is an Omni-Channel flow"),
    ({"routingTarget": FLOW, "flowInputParameters": {"a": 1}}, "must be a string"),
    ({"routingTarget": FLOW, "flowInputParameters": "not json"}, "not a JSON-encoded object"),
    ({"routingTarget": FLOW, "flowInputParameters": ["a"]}, "must be an object"),
    ({"routingTarget": QUEUE, "target": QUEUE}, "Unrecognized field 'target'"),
    ([QUEUE], "must be a JSON object"),
]


@pytest.mark.parametrize(("body", "reason"), BAD_BODIES)
def test_invalid_json_bodies_are_400_with_the_reason(sim, client, body, reason):
    sim.script_fault(Fault(status=503))  # never reached: faults apply only to valid requests
    response = route(client, body)
    assert response.status_code == 400 and reason in response.json()["message"], response.text
    assert sim.requests[0].reason == response.json()["message"]


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b'{"routingTarget": "a", "routingTarget": "b"}', "appears twice"),
    (b"{not json", "not valid UTF-8 JSON"),
    (b'{"routingTarget": "\xff"}', "not valid UTF-8 JSON"),
])
def test_unreadable_json_is_400(client, content, reason):
    response = route(client, content=content)
    assert response.status_code == 400 and reason in response.json()["message"]


@pytest.mark.parametrize(("content", "reason"), [
    (b'<!DOCTYPE r [<!ENTITY x "y">]><routeVoiceCall><routingTarget>&x;</routingTarget></routeVoiceCall>', "DOCTYPE"),
    (b"<routeVoiceCall><routingTarget>", "not well-formed"),
    (f"<route><routingTarget>{QUEUE}</routingTarget></route>".encode(), "must be <routeVoiceCall>"),
    (f"<routeVoiceCall><routingTarget>{QUEUE}<b/></routingTarget></routeVoiceCall>".encode(), "must hold text"),
    (f"<routeVoiceCall><routingTarget>{FLOW}</routingTarget><flowInputParameters><item/></flowInputParameters>"
     "</routeVoiceCall>".encode(), "<entry>"),
    (xml_body(FLOW, inputs={}).replace(b"</flowInputParameters>", b"<entry><key>k</key><value>1</value></entry>"
                                      b"<entry><key>k</key><value>2</value></entry></flowInputParameters>"), "twice"),
])
def test_invalid_xml_bodies_are_400(client, content, reason):
    response = route(client, content=content, content_type="application/xml")
    assert response.status_code == 400 and reason in response.json()["message"], response.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/json; charset=latin-1", None])
def test_other_content_types_are_415(client, content_type):
    assert route(client, content_type=content_type).status_code == 415


def test_a_required_provider_name_is_enforced():
    with Simulator(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                   required_provider_name="Amazon Connect") as sim, http_client(sim.base_url) as client:
        assert route(client).status_code == 400
        assert route(client, headers={"Telephony-Provider-Name": "Amazon Connect"}).status_code == 200


# --- the token ------------------------------------------------------------------------------------


def now() -> int:
    return int(time.time())


BAD_TOKENS = {
    "other key": (lambda: mint(OTHER_KEY), "does not verify against the certificate registered for call center HVCC"),
    "wrong iss": (lambda: mint(iss="00D5g00000OTHER"), "issuer (iss)"),
    "iss not an ID": (lambda: mint(iss="my org"), "issuer (iss)"),
    "wrong sub": (lambda: mint(sub="OtherCC"), "subject (sub)"),
    "wrong aud": (lambda: mint(aud="https://login.salesforce.com"), "audience (aud)"),
    "expired": (lambda: mint(iat=now() - 100, exp=now() - 30), "JWT expired"),
    "too long": (lambda: mint(exp=now() + 181), "lifetime (exp - iat) is 181 s"),
    "exp before iat": (lambda: mint(exp=now() - 1, iat=now()), "lifetime"),
    "issued in the future": (lambda: mint(iat=now() + 60, exp=now() + 120), "in the future"),
    "no exp": (lambda: mint(without=("exp",)), "numeric issue (iat) and expiry (exp)"),
    "string iat": (lambda: mint(iat=str(now())), "numeric issue (iat) and expiry (exp)"),
    "not yet valid": (lambda: mint(nbf=now() + 60), "not valid yet"),
    "no jti": (lambda: mint(without=("jti",)), "no token ID (jti)"),
    "HS256": (lambda: mint("a shared secret of at least 32 bytes!", algorithm="HS256"), "'HS256' is not accepted"),
    "none": (lambda: mint(None, algorithm="none"), "'none' is not accepted"),
    "not a JWT": (lambda: "opaque-token", "not a JWT"),
    "not base64 JSON": (lambda: "not.a.jwt", "not base64url-encoded JSON"),
    "crit header": (lambda: jwt.encode({"jti": "1"}, KEY, algorithm="RS256", headers={"crit": ["x"], "x": 1}),
                    "(crit) are not supported"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_every_token_failure_is_401_with_its_reason(sim, client, case):
    make, reason = BAD_TOKENS[case]
    sim.script_fault(Fault(status=500))  # never reached
    response = route(client, token=make())
    assert response.status_code == 401 and response.json()["errorCode"] == "INVALID_AUTH"
    assert reason in response.json()["message"], response.json()
    assert sim.requests[0].status == 401 and sim.requests[0].reason == response.json()["message"]


@pytest.mark.parametrize(("headers", "reason"), [({"Authorization": None}, "missing"),
                                                 ({"Authorization": "Basic dXNlcjpwYXNz"}, "not 'Bearer <JWT>'")])
def test_a_missing_or_non_bearer_authorization_is_401(client, headers, reason):
    response = route(client, headers=headers)
    assert response.status_code == 401 and reason in response.json()["message"]


def test_a_replayed_token_is_refused(sim, client):
    token = mint()
    assert route(client, token=token).status_code == 200
    replayed = route(client, token=token)
    assert replayed.status_code == 401 and "already used" in replayed.json()["message"]
    assert sim.requests[0].jti == sim.requests[1].jti


def test_claims_are_recorded_even_when_refused_but_never_the_token(sim, client, caplog):
    caplog.set_level(logging.INFO, logger="app.simulator")
    token = mint(OTHER_KEY)
    route(client, token=token)
    (received,) = sim.requests
    assert received.claims["sub"] == CALL_CENTER and received.token_header["alg"] == "RS256"
    assert received.headers["authorization"] == "Bearer <redacted>"
    assert token not in repr(received) and token.split(".")[2] not in repr(received)
    assert "eyJ" not in repr(received) and "eyJ" not in caplog.text
    (line,) = [r.getMessage() for r in caplog.records if r.name == "app.simulator"]
    assert f"status=401 jti={received.jti}" in line and "shape=seed" in line and repr(CALL) in line


def test_the_fifteen_character_org_id_and_a_small_clock_skew_are_accepted(client):
    assert route(client, token=mint(iss=ORG_15)).status_code == 200
    assert route(client, token=mint(iat=now() - 120, exp=now() - 2)).status_code == 200  # within 5 s leeway
    assert route(client, token=mint(iat=now() + 2, exp=now() + 60)).status_code == 200


def test_any_registered_key_verifies_for_certificate_rotation():
    with Simulator(public_keys=[OTHER_KEY.public_key(), KEY.public_key()], org_id=ORG_ID,
                   call_center=CALL_CENTER) as sim, http_client(sim.base_url) as client:
        assert route(client, token=mint(KEY)).status_code == 200
        assert route(client, token=mint(OTHER_KEY)).status_code == 200


@pytest.mark.parametrize("options", [{"leeway_s": 6}, {"org_id": QUEUE}, {"route_shape": "rest"}, {"public_keys": []}])
def test_invalid_settings_are_refused(options):
    settings = dict(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER) | options
    with pytest.raises((ValueError, TypeError)):
        Simulator(**settings)


# --- faults ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "read"), [
    ("message", lambda r: r.json() == {"message": "Target agent is offline", "errorCode": "AGENT_OFFLINE"}),
    ("errors_list", lambda r: r.json() == {"errors": ["Target agent is offline"]}),
    ("errors_string", lambda r: r.json() == {"errors": "Target agent is offline"}),
    ("array", lambda r: r.json() == [{"message": "Target agent is offline", "errorCode": "AGENT_OFFLINE"}]),
    ("oauth", lambda r: r.json() == {"error": "AGENT_OFFLINE", "error_description": "Target agent is offline"}),
    ("text", lambda r: r.text == "Target agent is offline" and r.headers["content-type"].startswith("text/plain")),
    ("html", lambda r: "<title>400 Target agent is offline</title>" in r.text
     and r.headers["content-type"].startswith("text/html")),
])
def test_a_scripted_status_in_every_error_shape(sim, client, shape, read):
    sim.script_fault(Fault(status=400, message="Target agent is offline", error_code="AGENT_OFFLINE",
                           error_shape=shape))
    response = route(client)
    assert response.status_code == 400 and read(response), response.text
    assert sim.requests[0].fault.error_shape == shape and sim.requests[0].target == QUEUE


def test_an_html_page_escapes_the_message(sim, client):
    sim.script_fault(Fault(status=502, message="<script>x</script>", error_shape="html"))
    assert "<script>" not in route(client).text


def test_retry_after_and_default_words(sim, client):
    sim.script_fault(Fault(status=429, retry_after="7"))
    response = route(client)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.json() == {"message": "Too Many Requests", "errorCode": "TOO_MANY_REQUESTS"}


def test_a_slow_answer_times_the_client_out_and_is_recorded_when_answered(sim, client):
    sim.script_fault(Fault(delay_s=0.4))
    with pytest.raises(httpx.ReadTimeout):
        client.post(f"/voiceCalls/{CALL}/routeVoiceCall", json={"routingTarget": QUEUE},
                    headers={"Authorization": f"Bearer {mint()}"}, timeout=0.1)
    assert sim.requests == []  # still waiting to answer
    deadline = time.monotonic() + 5
    while not sim.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    (received,) = sim.requests
    assert received.status == 200 and received.duration_ms >= 400


def test_a_slow_answer_within_the_deadline_succeeds(sim, client):
    sim.script_fault(Fault(status=503, delay_s=0.2))
    started = time.perf_counter()
    assert route(client).status_code == 503 and time.perf_counter() - started >= 0.2


def test_a_dropped_request_is_read_then_closed_without_an_answer(sim, client):
    sim.script_fault(Fault(drop=True), times=1)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        route(client, {"routingTarget": FLOW, "flowInputParameters": {"a": "b"}})
    (dropped,) = sim.requests
    assert dropped.status is None and dropped.flow_inputs == {"a": "b"} and dropped.reason
    assert route(client).status_code == 200  # the client reconnects; the fault was used up


def test_per_target_faults_come_before_global_ones_and_times_counts_down(sim, client):
    sim.script_fault(Fault(status=500), times=None)
    sim.script_fault(Fault(status=404), target=QUEUE[:15], times=2)  # the 15-character form names the same queue
    statuses = [route(client, {"routingTarget": target}).status_code for target in (QUEUE, AGENT, QUEUE, QUEUE)]
    assert statuses == [404, 500, 404, 500]
    sim.clear_faults()
    assert route(client).status_code == 200


def test_counted_faults_run_in_order_before_the_open_ended_one(sim, client):
    sim.script_fault(Fault(status=500))
    sim.script_fault(Fault(status=429), times=1)
    sim.script_fault(Fault(status=503), times=1)
    sim.script_fault(Fault(status=502))  # replaces the open-ended 500
    assert [route(client).status_code for _ in range(4)] == [429, 503, 502, 502]


def test_refused_requests_do_not_use_up_a_counted_fault(sim, client):
    sim.script_fault(Fault(status=503), times=1)
    assert route(client, token=mint(OTHER_KEY)).status_code == 401
    assert route(client, {"routingTarget": "301000000000001"}).status_code == 400
    assert [route(client).status_code for _ in range(2)] == [503, 200]


def test_counted_faults_are_used_exactly_once_under_concurrency(sim):
    sim.script_fault(Fault(status=503), times=5)

    def one(_: int) -> int:
        with http_client(sim.base_url) as client:
            return route(client).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(one, range(20)))
    assert sorted(statuses) == [200] * 15 + [503] * 5 and len(sim.requests) == 20


@pytest.mark.parametrize("fault", [
    lambda: Fault(status=200), lambda: Fault(error_shape="xml"), lambda: Fault(delay_s=-1),
    lambda: Fault(status=400, drop=True), lambda: Fault(retry_after="5"),
    lambda: Fault(status=429, retry_after="1\r\nX: y"),
])
def test_invalid_faults_are_refused(fault):
    with pytest.raises(ValueError):
        fault()


def test_a_fault_target_must_be_a_routing_target(sim):
    with raises(InvalidIdError, match="flow version"):
        sim.script_fault(Fault(status=400), target="301000000000001")
    with pytest.raises(ValueError):
        sim.script_fault(Fault(status=400), times=0)


# --- the server ------------------------------------------------------------------------------------


def test_keep_alive_serves_many_requests_on_one_connection(sim):
    connection = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    connection.connect()
    first_socket = connection.sock
    for _ in range(3):
        connection.request("POST", f"/telephony/v1/voiceCalls/{CALL}/routeVoiceCall", body=b'{"routingTarget": "%s"}'
                           % QUEUE.encode(), headers={"Authorization": f"Bearer {mint()}",
                                                      "Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b'{"status": "Success"}'
    assert connection.sock is first_socket  # http.client drops its socket when the server closes it
    connection.close()


def test_a_too_large_body_is_413_and_closes_the_connection(client):
    response = route(client, content=b" " * 1_000_001)
    assert response.status_code == 413 and response.headers["Connection"] == "close"


def test_records_are_copies_and_can_be_cleared(sim, client):
    route(client)
    records = sim.requests
    records.clear()
    assert len(sim.requests) == 1
    with pytest.raises(TypeError):
        sim.requests[0].claims["jti"] = "x"  # read-only
    sim.clear_requests()
    assert sim.requests == []


def test_the_record_keeps_the_newest_requests_up_to_its_limit():
    with Simulator(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER, record_limit=2) as sim, \
            http_client(sim.base_url) as client:
        for call_id in ("c-1", "c-2", "c-3"):
            route(client, call_id=call_id)
        assert [r.call_id for r in sim.requests] == ["c-2", "c-3"]


def test_stop_closes_open_connections_and_the_port(client):
    with (Simulator(public_keys=[KEY.public_key()], org_id=ORG_ID, call_center=CALL_CENTER) as sim,
          http_client(sim.base_url) as keep_alive):
            assert route(keep_alive).status_code == 200
            started = time.perf_counter()
            sim.stop()
            assert time.perf_counter() - started < 1
            with pytest.raises(httpx.TransportError):
                route(keep_alive)
    sim.stop()  # twice is harmless
