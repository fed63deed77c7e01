"""Trainer scenarios and class plans: each scenario makes the real client take its production path."""

import pytest

from app.core.errors import ConfigError
from app.core.routing.client import RouteClient
from app.core.routing.outcome import OutcomeStatus
from app.core.routing.request import RouteRequest
from app.simulator.report import describe, summary_line
from app.simulator.scenarios import SCENARIOS, ClassPlan, load_plan, save_plan
from tests.conftest import AGENT, FALLBACK, FLOW, QUEUE, make_profile, raises

CALL = "vendor-contact-42"

# What the panel's client makes of each scenario (DOMAIN.md's status table).
EXPECTED = {
    "success": (OutcomeStatus.ACCEPTED, 200),
    "rejected": (OutcomeStatus.REJECTED, 400),
    "credentials": (OutcomeStatus.AUTH_FAILED, 401),
    "throttled": (OutcomeStatus.THROTTLED, 429),
    "server-error": (OutcomeStatus.SERVER_ERROR, 500),
    "slow": (OutcomeStatus.ACCEPTED, 200),
    "dropped": (OutcomeStatus.OUTCOME_UNKNOWN, None),
}


def test_every_scenario_has_an_expected_client_path():
    assert set(EXPECTED) | {"flow-fails"} == set(SCENARIOS)


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_a_scenario_for_every_target_gives_its_outcome(scenario, simulator, new_minter, run):
    ClassPlan(every_target=scenario).apply(simulator)
    client = RouteClient(make_profile(simulator.base_url), new_minter())
    try:
        outcome = run(client.route(RouteRequest.build(CALL, QUEUE, target_label="Billing")))
    finally:
        run(client.aclose())
    status, http_status = EXPECTED[scenario]
    assert (outcome.status, outcome.http_status) == (status, http_status), outcome
    record = simulator.requests[-1]
    assert record.status == http_status
    if scenario == "throttled":
        assert outcome.attempts == 1 and outcome.retry_after_s == 30  # too long to wait: the rep is told
    if scenario == "slow":
        assert record.duration_ms >= 3900


def test_a_failing_flow_goes_to_its_fallback_queue_or_is_refused_without_one(simulator, new_minter, run):
    ClassPlan(every_target="flow-fails").apply(simulator)
    client = RouteClient(make_profile(simulator.base_url), new_minter())
    try:
        with_fallback = run(client.route(RouteRequest.build(CALL, FLOW, fallback_queue=FALLBACK)))
        assert with_fallback.accepted
        assert simulator.requests[-1].note == f"the flow failed; the call went to the fallback queue {FALLBACK}"
        without = run(client.route(RouteRequest.build(CALL, FLOW)))
        assert without.status is OutcomeStatus.REJECTED and "no fallbackQueue" in without.server_message
        to_a_queue = run(client.route(RouteRequest.build(CALL, QUEUE)))
        assert to_a_queue.accepted and simulator.requests[-1].note is None  # only flows can fail
    finally:
        run(client.aclose())


def test_a_target_rule_beats_the_plan_for_every_target(simulator, new_minter, run):
    plan = ClassPlan(every_target="rejected").with_rule(QUEUE, "success", "Billing")
    plan.apply(simulator)
    client = RouteClient(make_profile(simulator.base_url), new_minter())
    try:
        assert run(client.route(RouteRequest.build(CALL, QUEUE))).accepted
        assert run(client.route(RouteRequest.build(CALL, AGENT))).status is OutcomeStatus.REJECTED
        plan.without_rule(QUEUE).apply(simulator)  # applying replaces what was scripted
        assert run(client.route(RouteRequest.build(CALL, QUEUE))).status is OutcomeStatus.REJECTED
    finally:
        run(client.aclose())


def test_a_plan_survives_a_file_round_trip(tmp_path):
    plan = (ClassPlan(every_target="slow").with_rule(QUEUE[:15], "throttled", "Billing (EMEA)")
            .with_rule(FLOW, "flow-fails"))
    assert plan.targets[0].target_id == QUEUE  # kept in the 18-character form
    save_plan(plan, tmp_path / "monday.toml")
    assert load_plan(tmp_path / "monday.toml") == plan
    assert 'label = "Billing (EMEA)"' in (tmp_path / "monday.toml").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('every_target = "explode"\n', "Unknown scenario 'explode'"),
        ("every_target = [\n", "is not a class plan"),
        ('[targets.00G000000000001]\nscenario = "nope"\n', "Unknown scenario 'nope'"),
        ('[targets.0LQ5g00000ABCDE]\nscenario = "success"\n', "not an agent"),
        ('[targets.00G000000000001]\nlabel = "x"\n', 'needs scenario = "…"'),
        ('colour = "red"\n', "unknown keys colour"),
        ('[targets.00G000000000001]\nscenario = "flow-fails"\n', "is not a flow"),
    ],
)
def test_a_bad_plan_file_says_what_is_wrong(tmp_path, text, expected):
    path = tmp_path / "plan.toml"
    path.write_text(text)
    with raises(ConfigError, match=expected) as error:
        load_plan(path)
    assert str(path) in str(error.value)


def test_the_report_shows_the_wire_without_the_token(simulator, new_minter, run):
    ClassPlan(every_target="throttled").apply(simulator)
    client = RouteClient(make_profile(simulator.base_url, body_format="xml"), new_minter())
    try:
        outcome = run(client.route(RouteRequest.build(CALL, FLOW, fallback_queue=FALLBACK,
                                                      flow_inputs={"Reason": "<billing>"})))
    finally:
        run(client.aclose())
    record = simulator.requests[-1]
    page = describe(record, "http://127.0.0.1:1")
    assert page.startswith(f"POST http://127.0.0.1:1/telephony/v1/voiceCalls/{CALL}/routeVoiceCall")
    assert "Authorization: Bearer <redacted>" in page and "eyJ" not in page
    assert f"jti: {outcome.jti}" in page and "exp:" in page and "s after iat" in page
    assert "<value>&lt;billing&gt;</value>" in page and "Content-Type: application/xml" in page
    assert "Answer: 429 Too Many Requests" in page and "Retry-After: 30" in page
    assert "Trainer scenario: Throttled (Retry-After)" in page
    line = summary_line(record)
    assert "127.0.0.1" in line and f"call {CALL} → {FLOW}" in line and "429 Too Many Requests" in line


def test_the_report_survives_a_hostile_request(simulator):
    import base64

    import httpx

    def part(document: bytes) -> str:
        return base64.urlsafe_b64encode(document).rstrip(b"=").decode()

    header, claims = part(b'{"alg": "RS256"}'), part(b'{"exp": 1e300, "iat": -1e30}')
    token = f"{header}.{claims}.{part(b'sig')}"
    path = "/telephony/v1/voiceCalls/evil%1B%5B2J%07/routeVoiceCall"
    httpx.post(simulator.base_url.removesuffix("/telephony/v1") + path, headers={"Authorization": f"Bearer {token}"},
               content=b"{}")
    record = simulator.requests[-1]
    assert record.status == 401
    line = summary_line(record)
    assert "\x1b" not in line and "\x07" not in line and "evil\\x1b[2J\\x07" in line
    page = describe(record, "http://127.0.0.1:1")
    assert "(not a time)" in page and token not in page


def test_a_listener_sees_each_request_once_and_stops_when_removed(simulator, new_minter, run):
    seen = []
    assert simulator.add_listener(seen.append) == []
    client = RouteClient(make_profile(simulator.base_url), new_minter())
    try:
        run(client.route(RouteRequest.build(CALL, QUEUE)))
        simulator.remove_listener(seen.append)
        run(client.route(RouteRequest.build(CALL, QUEUE)))
    finally:
        run(client.aclose())
    assert seen == simulator.requests[:1] and len(simulator.requests) == 2
