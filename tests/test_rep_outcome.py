"""What a rep reads after a transfer (`app.messages.rep_outcome`): one line of what happened and what
to do with the caller, then details for IT that apply to this transfer. The command line keeps its
full text (scripts parse it)."""

import pytest

from app.core.errors import Problem
from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome
from app.core.routing.request import RouteRequest
from app.messages import Front, TransferFacts, outcome_text, rep_outcome, sibling_queue

CALL = "0LQ5g00000Xy7Qk"
EMEA, AMERICAS, APAC = "00GHs00000tBAoHMAW", "00GHs00000tBAoIMAW", "00GHs00000tBAoJMAW"
RETENTIONS, FLOW, AGENT = "00GHs00000tBAoNMAW", "300Hs00000Ub630IAB", "005Hs00000O4AxgIAF"
QUEUES = [("Billing (Americas)", AMERICAS), ("Billing (APAC)", APAC), ("Billing (EMEA)", EMEA),
          ("Billing Disputes", "00GHs00000tBAoKMAW"), ("Retentions", RETENTIONS)]
SHAPE = {"route_shape": "seed", "other_shape": "connector", "profile": "emea"}
REJECTED = RouteOutcome(OutcomeStatus.REJECTED, Cause.ANSWER_REJECTED, SHAPE, 400,
                        "The routing target is not available for voice calls. (INVALID_ROUTING_TARGET)", 52.0, 1)


def facts(target: str, label: str, **request) -> TransferFacts:
    return TransferFacts.of(RouteRequest.build(CALL, target, target_label=label, **request), QUEUES)


def test_a_rejected_queue_offers_the_same_queue_of_another_region():
    said = rep_outcome(REJECTED, facts(EMEA, "Billing (EMEA)"))

    assert said.line == ("Salesforce refused to route the call to Billing (EMEA). Tell the caller you are "
                         "connecting them; try Billing (Americas) or ask your supervisor.")
    assert said.details == ("HTTP 400 Bad Request · 52 ms", "Salesforce said: The routing target is not available "
                            "for voice calls. (INVALID_ROUTING_TARGET)")
    assert said.for_it[0] == f"Check that queue {EMEA} supports voice calls and has a routing configuration."
    assert not any("flow" in hint for hint in said.for_it)  # a queue has no flow inputs to check


def test_an_agent_or_an_unqualified_queue_has_no_alternative_but_the_supervisor():
    for target, label in ((AGENT, "Zoë Müller"), (RETENTIONS, "Retentions")):
        said = rep_outcome(REJECTED, facts(target, label))
        assert said.now == "Tell the caller you are connecting them, and ask your supervisor where to send the call."
        assert not any("flow" in hint for hint in said.for_it)


def test_a_rejected_flow_offers_its_fallback_queue_and_checks_its_inputs():
    with_all = rep_outcome(REJECTED, facts(FLOW, "After-hours Routing", fallback_queue=RETENTIONS,
                                           flow_inputs={"Tier": "Gold", "Language": "pt"}))
    assert with_all.now == "Tell the caller you are connecting them; try Retentions or ask your supervisor."
    assert "Check the 2 flow input(s): each name must be an input variable of the flow." in with_all.for_it
    assert f"Check that the fallback queue {RETENTIONS} supports voice calls." in with_all.for_it

    bare = rep_outcome(REJECTED, facts(FLOW, "After-hours Routing"))
    assert bare.now.endswith("ask your supervisor where to send the call.")
    assert not any("input" in hint or "fallback" in hint for hint in bare.for_it)
    assert f"Check that {FLOW} is an active Omni-Channel flow (its 300… flow definition ID)." in bare.for_it


def test_a_fallback_queue_the_directory_does_not_know_is_named_by_its_id():
    said = rep_outcome(REJECTED, TransferFacts.of(RouteRequest.build(
        CALL, FLOW, target_label="After-hours Routing", fallback_queue=RETENTIONS)))  # no directory
    assert f"try {RETENTIONS} or ask your supervisor" in said.now


def test_sibling_queues_share_the_name_before_a_qualifier_in_parentheses():
    assert sibling_queue(EMEA, "Billing (EMEA)", QUEUES) == "Billing (Americas)"  # the first, in list order
    assert sibling_queue(AMERICAS, "Billing (Americas)", QUEUES) == "Billing (APAC)"  # never itself
    assert sibling_queue(EMEA, "billing  (emea) ", QUEUES) == "Billing (Americas)"  # case and spaces aside
    assert sibling_queue(EMEA, "Billing (EMEA)", [("Billing (EMEA)", EMEA), ("Billing Disputes", RETENTIONS)]) == ""
    assert sibling_queue(RETENTIONS, "Retentions", QUEUES) == ""  # no qualifier: no guess
    assert sibling_queue(EMEA, "(EMEA)", [("(APAC)", APAC)]) == ""  # a qualifier alone names no queue
    assert sibling_queue(EMEA, "Billing (EMEA)", []) == ""


def test_credentials_refused_is_one_line_and_the_causes_wait_in_the_details():
    refused = RouteOutcome(OutcomeStatus.AUTH_FAILED, Cause.ANSWER_AUTH, SHAPE, 401,
                           "The token has expired or its signature does not match the call center's certificate. "
                           "(INVALID_AUTH)", 30.0, 1)
    said = rep_outcome(refused, facts(EMEA, "Billing (EMEA)"))
    assert said.happened == "Nothing was routed: Salesforce refused this panel's credentials."
    assert said.now.startswith("Stay with the caller; ask your supervisor")
    assert "Billing (Americas)" not in said.line  # no other target gets through either
    assert said.details[0] == "HTTP 401 Unauthorized · 30 ms" and "(INVALID_AUTH)" in said.details[1]
    assert "org_id and call_center" in said.for_it[0] and "clock" in said.for_it[0]


@pytest.mark.parametrize(("cause", "rep_does"), [
    (Problem.OPENBAO_NOT_SIGNED_IN, "Sign in (Sign in… at the top of the panel), then transfer again."),
    (Problem.OPENBAO_SIGN_IN_EXPIRED, "Sign in (Sign in… at the top of the panel), then transfer again."),
    (Problem.KEYRING_LOCKED, "Unlock it (your desktop's keyring or password app), then transfer again."),
    (Problem.SECRET_MISSING, "Stay with the caller; ask your supervisor to transfer the call: this panel cannot "
                             "transfer until IT fixes it."),
])
def test_no_token_says_what_the_rep_can_do_and_keeps_the_fix_for_it(cause, rep_does):
    outcome = RouteOutcome(OutcomeStatus.CREDENTIALS, cause, {"profile": "emea", "backend": "SecretService"})
    said = rep_outcome(outcome, facts(EMEA, "Billing (EMEA)"))
    assert said.happened.startswith("Nothing was sent: ") and said.now == rep_does
    assert said.details == (outcome_text(outcome, "Billing (EMEA)", Front.WINDOW).headline,)  # the whole fix


def test_a_signer_that_cannot_answer_now_means_try_again():
    outcome = RouteOutcome(OutcomeStatus.NOT_SENT, Problem.OPENBAO_UNREACHABLE,
                           {"url": "https://bao.example", "error": "ConnectError"})
    said = rep_outcome(outcome, facts(EMEA, "Billing (EMEA)"))
    assert said.line == ("Nothing was sent: the panel could not sign the transfer. Tell the caller it will take a "
                         "moment, then try again; if it keeps failing, ask your supervisor.")
    assert "https://bao.example" in said.details[0]


def test_throttled_says_when_to_try_again_and_that_nothing_was_routed():
    outcome = RouteOutcome(OutcomeStatus.THROTTLED, Cause.ANSWER_THROTTLED, SHAPE, 429, "Too many", 12.0, 2,
                           retry_after_s=30.0)
    said = rep_outcome(outcome, facts(EMEA, "Billing (EMEA)"))
    assert said.line == ("Salesforce is busy: nothing was routed. Tell the caller it will take a moment; try again "
                         "in 30 s.")
    assert said.details[0] == "HTTP 429 Too Many Requests · 12 ms · 2 attempts"


def test_an_accepted_transfer_shows_no_body_and_a_failed_journal_is_said():
    accepted = RouteOutcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED, {**SHAPE, "journal_failed": True}, 200,
                            '{"status": "Success"}', 48.0, 1)
    said = rep_outcome(accepted, facts(EMEA, "Billing (EMEA)"))
    assert said.line == ("Routing requested to Billing (EMEA). Tell the caller you are connecting them; the softphone "
                         "shows when the call moves.")
    assert not any("Success" in line for line in said.details)
    assert said.details[-1] == "The transfer history could not be written: this transfer is missing from it."


@pytest.mark.parametrize("cause", list(Cause))
def test_every_cause_has_a_short_line_even_without_its_parameters(cause):
    """A row written by another version may lack parameters: still words, never an exception."""
    for status in OutcomeStatus:
        said = rep_outcome(RouteOutcome(status, cause), facts(EMEA, "Billing (EMEA)"))
        assert said.happened and said.now and "\n" not in said.line
        assert len(said.happened) <= 80 and len(said.now) <= 120, said.line  # a rep reads it mid-call


def test_a_row_from_before_outcomes_were_codes_keeps_its_sentence():
    said = rep_outcome(RouteOutcome(OutcomeStatus.REJECTED, None, {"message": "Rejected: old words"}),
                       facts(EMEA, "Billing (EMEA)"))
    assert said.happened == "Rejected: old words"


def test_the_command_line_keeps_its_full_text():
    """Scripts parse these: the window's words changed, the CLI's did not."""
    text = outcome_text(REJECTED, "Billing (EMEA)", Front.CLI)
    assert text.headline == ("Salesforce rejected routing to Billing (EMEA) (400): The routing target is not "
                             "available for voice calls. (INVALID_ROUTING_TARGET).")
    assert text.hint == "Check the target and the flow inputs; sending the same request again will not help."
