import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import InputError
from app.core.ids import IdKind
from app.core.routing.request import MAX_TARGET_LABEL_LENGTH, RouteRequest, validate_call_id
from tests.conftest import raises, text

AGENT, QUEUE, FLOW = "005000000000001", "00G000000000001", "300SG000015iJ38YAE"


def test_flow_with_fallback_and_inputs_is_normalised():
    request = RouteRequest.build(" 0LQ5g00000ABCDE ", FLOW, target_label="VIP flow", fallback_queue=QUEUE,
                                 flow_inputs={" Input1 ": "one"})
    assert request.call_id == "0LQ5g00000ABCDE"
    assert request.target.kind is IdKind.FLOW
    assert request.fallback_queue.value == "00G000000000001EAA"
    assert request.flow_inputs == (("Input1", "one"),)
    assert request.body_fields() == {"routingTarget": FLOW, "fallbackQueue": "00G000000000001EAA"}


def test_label_defaults_to_the_id():
    assert RouteRequest.build("c1", AGENT).target_label == "005000000000001AAA"


def test_a_label_is_one_printable_line_of_bounded_length():
    """`--label` and directory files may hold anything; the outcome and the journal show one line."""
    assert RouteRequest.build("c1", QUEUE, target_label=" Billing\n(EMEA)\u202e ").target_label == "Billing (EMEA)"
    clipped = RouteRequest.build("c1", QUEUE, target_label="x" * 100_000).target_label
    assert len(clipped) == MAX_TARGET_LABEL_LENGTH and clipped.endswith("…")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"target": QUEUE, "fallback_queue": QUEUE},
     "fallback queue applies only when routing to an Omni-Channel flow"),
        ({"target": FLOW, "fallback_queue": AGENT}, r"not a queue ID \(00G…\)"),
        ({"target": AGENT, "flow_inputs": {"a": "b"}}, "Flow inputs apply only"),
        ({"target": FLOW, "flow_inputs": [("", "b")]}, "has no name"),
        ({"target": FLOW, "flow_inputs": [("Input1", "a"), ("input1", "b")]}, "given twice"),
        ({"target": FLOW, "flow_inputs": [("a\nb", "x")]}, "line breaks"),
        ({"target": FLOW, "flow_inputs": [("a", "bell\x07")]}, "control character"),
        ({"target": FLOW, "flow_inputs": [("a", "x" * 4001)]}, "at most 4000"),
        ({"target": FLOW, "flow_inputs": [(f"k{i}", "v") for i in range(51)]}, "at most 50"),
        ({"target": "301000000000001"}, "flow version ID"),
        ({"target": "0LQ000000000001"}, "not an agent"),
    ],
)
def test_invalid_requests_say_what_is_wrong(kwargs, expected):
    with raises(InputError, match=expected):
        RouteRequest.build("call-1", **kwargs)


def test_blank_fallback_means_none():
    assert RouteRequest.build("c", FLOW, fallback_queue="  ").fallback_queue is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", "empty"), ("  \t", "empty"), ("a\nb", "control character"), ("a\x00b", "control character"),
     ("x" * 256, "256 characters"), ("..", "not a call ID"), ("0LQ5g00000ABCDEAAA", "checksum")],
)
def test_bad_call_ids(raw, expected):
    with raises(InputError, match=expected):
        validate_call_id(raw)


@pytest.mark.parametrize("raw", ["6f1c2c58-6a0b-4c8e-9d1e-3f6e2a1b9c77", "a/b?c#d%e", "呼叫-42", "0LQ5g00000ABCDE"])
def test_vendor_and_salesforce_call_ids_are_accepted_as_given(raw):
    assert validate_call_id(f"  {raw} ") == raw


@pytest.mark.parametrize(("raw", "expected"), [
    ("abc def", "a contact ID has no spaces"),
    ("0LQ5g0000AlocEoGQIbil em", "starts like a Salesforce VoiceCall ID"),  # a search typed into the call ID
    ("0LQ5g0000AlocEoGQIbil", "starts like a Salesforce VoiceCall ID"),
    ("contact\u200b42", "invisible character"),
    ("contact\u202e24", "invisible character"),
    ("contact\u2028two", "invisible character"),
])
def test_call_ids_a_rep_could_not_mean_are_refused(raw, expected):
    with raises(InputError, match=expected):
        validate_call_id(raw)


def test_a_profile_sets_what_its_vendor_contact_ids_look_like(run, new_minter, tmp_path):
    from app.compose import open_desk
    from app.core.journal import Journal
    from app.core.profile import Profile, validate_profile

    def profile(pattern: str) -> Profile:
        return validate_profile(Profile("p", "https://x.example", "00D5g00000DEMO1EAP", "C",
                                        contact_id_pattern=pattern))

    desk = open_desk(profile("[0-9a-f-]{36}"), new_minter(), Journal(tmp_path / "j.sqlite3"))
    assert desk.check_call_id(" 6f1c2c58-6a0b-4c8e-9d1e-3f6e2a1b9c77") == "6f1c2c58-6a0b-4c8e-9d1e-3f6e2a1b9c77"
    assert desk.check_call_id("0LQ5g00000ABCDE") == "0LQ5g00000ABCDE"  # VoiceCall IDs are not the vendor's
    with raises(InputError, match="contact_id_pattern does not allow"):
        desk.check_call_id("contact-42")
    assert desk.check("contact-42", QUEUE).request is None
    run(desk.aclose())
    spaced = open_desk(profile("[a-z ]+"), new_minter(), Journal(tmp_path / "k.sqlite3"))
    assert spaced.check("abc def", QUEUE).request.call_id == "abc def"  # the profile allows spaces
    run(spaced.aclose())
    with raises(InputError, match="must be a regular expression"):
        profile("([")


@given(st.text(max_size=300))
def test_any_text_is_either_a_call_id_or_a_clear_input_error(raw):
    try:
        call_id = validate_call_id(raw)
    except InputError as error:
        assert text(error)
    else:
        assert call_id == call_id.strip() and 0 < len(call_id) <= 255
        call_id.encode("utf-8")  # always encodable into a URL
