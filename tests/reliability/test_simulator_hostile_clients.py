"""The simulator against hostile clients (issue 12, item 13), over raw sockets: a body limit no
chunk size can get around, what it keeps bounded in bytes as well as in records, and malformed
input (nested JSON in the token or the body, junk lengths and chunk sizes) answered with 400,
never a dropped connection."""

import base64
import json
import socket

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.simulator.server import Simulator
from app.simulator.transport import MAX_BODY_BYTES
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE, signed_token

PATH = "/telephony/v1/voiceCalls/0LQ5g00000ABCDE/routeVoiceCall"


@pytest.fixture(scope="module")
def sim(rsa_key):
    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER) as simulator:
        yield simulator


@pytest.fixture
def token(rsa_key):
    """A fresh token (the simulator refuses a replayed one before it reads the body)."""
    return signed_token(rsa_key)


def exchange(sim: Simulator, head: bytes, body: bytes = b"", *, end: bool = True,
             timeout_s: float = 10) -> tuple[int | None, bytes]:
    """Send one raw request; the final answer's status (None: the connection closed with no answer)
    and its bytes. With `end`, the request ends after `body` (the write side is shut); without, the
    connection stays open as if more were coming, and the answer (and the close) must come all the same."""
    with socket.create_connection(("127.0.0.1", sim.port), timeout=timeout_s) as connection:
        try:
            connection.sendall(head + body)
            if end:
                connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the simulator answered and closed before reading it all: fine, the answer is what counts
        answer = bytearray()
        try:
            while chunk := connection.recv(65536):  # until the simulator closes (it does after refusing)
                answer += chunk
        except ConnectionResetError:
            pass
    while answer.startswith(b"HTTP/1.1 1"):  # 100 Continue comes before the answer
        del answer[: answer.index(b"\r\n\r\n") + 4]
    if not answer.startswith(b"HTTP/1."):
        return None, bytes(answer)
    return int(answer.split(b" ", 2)[1]), bytes(answer)


def request_head(token: str, *headers: str) -> bytes:
    lines = [f"POST {PATH} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}",
             "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")  # as http.server decodes it


def test_a_negative_chunk_size_does_not_get_around_the_body_limit(sim, token):
    """`-1` used to be read as "the rest of the stream": any amount of memory, no limit."""
    status, answer = exchange(sim, request_head(token, "Transfer-Encoding: chunked"), b"-1\r\n" + b"x" * 65536,
                              end=False, timeout_s=5)  # the client goes on sending: the answer comes first
    assert status == 400 and b"chunk" in answer.lower()


@pytest.mark.parametrize("size", [b"-1", b"+10", b"0x10", b" 1 0", b"1_0", b"\xc2\xb2", b"ffffffffffffffffff"])
def test_a_chunk_size_that_is_not_plain_hex_is_400(sim, token, size):
    status, _ = exchange(sim, request_head(token, "Transfer-Encoding: chunked"), size + b"\r\n{}\r\n0\r\n\r\n")
    assert status in (400, 413)


@pytest.mark.parametrize("length", ["\u00b2", "-5", "+5", "1e3", "99999999999999999999999"])
def test_a_content_length_that_is_not_plain_digits_is_answered(sim, token, length):
    status, _ = exchange(sim, request_head(token, f"Content-Length: {length}"), b"{}")
    assert status in (400, 413)


def _nested(depth: int) -> bytes:
    """JSON nested `depth` deep (5,000 is well past Python's parser and fits in a header line)."""
    return b'{"a":' * depth + b"1" + b"}" * depth


def _token_with_header(header: bytes, token: str) -> str:
    encoded = base64.urlsafe_b64encode(header).rstrip(b"=").decode()
    return encoded + token[token.index("."):]


@pytest.mark.parametrize("where", ["token header", "token claims", "body", "flow inputs string"])
def test_nested_json_is_answered_with_400_not_a_dropped_connection(sim, token, where):
    body = json.dumps({"routingTarget": QUEUE}).encode()
    if where == "token header":
        token = _token_with_header(_nested(5_000), token)
    elif where == "token claims":
        parts = token.split(".")
        token = ".".join([parts[0], base64.urlsafe_b64encode(_nested(5_000)).rstrip(b"=").decode(), parts[2]])
    elif where == "body":
        body = _nested(5_000)
    else:
        body = json.dumps({"routingTarget": "300SG000015iJ38YAE",
                           "flowInputParameters": _nested(5_000).decode()}).encode()
    status, answer = exchange(sim, request_head(token, f"Content-Length: {len(body)}"), body)
    assert status == 400, answer[:300]
    assert b"nest" in answer.lower()


def test_what_the_simulator_keeps_is_bounded_in_bytes_not_only_in_records(rsa_key, token):
    """Without a token: 1 MB posts were each kept whole, up to 10,000 of them (~10 GB)."""
    from app.simulator import records

    limit = 1024 * 1024
    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                   record_bytes_limit=limit) as sim:
        big = b'{"routingTarget": "' + b"x" * (MAX_BODY_BYTES - 100) + b'"}'
        for _ in range(40):
            status, _ = exchange(sim, request_head("not-a-token", f"Content-Length: {len(big)}"), big)
            assert status == 401
        kept = sim.requests
        assert 1 <= len(kept) < 40 and sum(request.kept_bytes for request in kept) <= limit  # the oldest went
        assert all(len(request.body_text) <= records.MAX_KEPT_BODY_CHARS + 100 for request in kept)
        assert kept[-1].body_text.endswith(f"… (cut: {len(big)} bytes in all)")
        status, _ = exchange(sim, request_head(token, "Content-Length: 2"), b"{}")
        assert status == 400 and sim.requests[-1].status == 400  # the newest is always kept


# Junk the simulator may meet from a broken or hostile client; every one gets an answer.
junk_headers = st.lists(st.sampled_from([
    "Content-Length: 5", "Content-Length: abc", "Content-Length: \u00b2", "Content-Length: -1",
    "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Content-Type: application/xml",
    "Content-Type: text/plain", "Content-Type: application/json; charset=latin-1", "Authorization: Bearer",
    "Authorization: Bearer a.b.c", "Authorization: Basic eA==", "Telephony-Provider-Name: \u00e9", "X: \x01",
    "Expect: 100-continue", "Connection: close",
]), max_size=6)
junk_bodies = st.one_of(st.binary(max_size=300), st.sampled_from([
    b"0\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n", b"-1\r\nabc", b"zz\r\n", b"{" * 3000, b"[" * 3000,
    b"<routeVoiceCall>" * 2000, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    b'{"routingTarget": null}', b'{"routingTarget": "' + "\u202e".encode() + b'"}',
]))
junk_paths = st.sampled_from([PATH, "/telephony/v1/voiceCalls/%ZZ/routeVoiceCall", "/", "*",
                              "/telephony/v1/voiceCalls/" + "a" * 5000 + "/routeVoiceCall",
                              "/telephony/v1/voiceCalls/%C0%AF/routeVoiceCall", "/telephony/v1/voiceCalls/route/x"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["POST", "PATCH", "GET", "BREW"]), path=junk_paths, headers=junk_headers,
       body=junk_bodies)
@example(method="POST", path=PATH, headers=["Content-Length: \u00b2"], body=b"")
def test_a_malformed_request_is_answered_never_dropped(sim, token, method, path, headers, body):
    head = "\r\n".join([f"{method} {path} HTTP/1.1", "Host: x", f"Authorization: Bearer {token}", *headers])
    status, answer = exchange(sim, (head + "\r\n\r\n").encode("latin-1"), body)
    assert status is not None and 200 <= status < 600, answer[:200]


def test_the_request_inspector_describes_a_refused_request_with_nested_json(sim, token):
    from app.simulator.report import describe

    body = _nested(5_000)
    status, _ = exchange(sim, request_head(token, f"Content-Length: {len(body)}"), body)
    assert status == 400
    assert "Body (application/json)" in describe(sim.requests[-1], "127.0.0.1")  # it used to raise RecursionError


def test_the_directory_token_call_answers_an_assertion_of_nested_json(rsa_key):
    from urllib.parse import urlencode

    from app.simulator.salesforce import JWT_BEARER, SalesforceApi

    api = SalesforceApi(public_key=rsa_key.public_key(), consumer_key="ck", username="u", size=10)
    with Simulator(public_keys=[rsa_key.public_key()], org_id=ORG_ID, call_center=CALL_CENTER,
                   salesforce=api) as sim:
        header = base64.urlsafe_b64encode(_nested(5_000)).rstrip(b"=").decode()
        body = urlencode({"grant_type": JWT_BEARER, "assertion": f"{header}.e30.c2ln"}).encode()
        head = ("POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                f"\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        status, answer = exchange(sim, head, body)
    assert status == 400 and b"invalid_grant" in answer
