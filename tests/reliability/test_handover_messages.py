"""What another launch (or another program on the same socket) sends (issue 12, item 12): a
hand-over message is a call ID, None, or an InputError the socket can answer with."""

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.errors import InputError
from app.core.handover import decode_handover, encode_handover
from app.messages import describe

messages = st.one_of(
    st.binary(max_size=5000),
    st.integers(1, 4000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 2000).map(lambda depth: b'{"call_id": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"),
    st.text(max_size=200).map(encode_handover),
    st.text(max_size=200).map(lambda text: ('{"call_id": "' + text + '"}').encode("utf-8", "surrogatepass")),
)


@settings(max_examples=300, deadline=None)
@given(message=messages)
@example(message=b"[" * 4000)  # json.loads raises RecursionError
def test_a_hand_over_message_is_a_call_id_or_an_input_error(message):
    try:
        call_id = decode_handover(message)
    except InputError as error:
        assert describe(error)
        return
    assert call_id is None or (call_id == call_id.strip()
                               and not any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in call_id))


def test_nested_json_in_a_hand_over_message_is_refused_as_malformed():
    for message in (b"[" * 4000, b'{"call_id": ' + b"[" * 4000):
        with pytest.raises(InputError) as refused:
            decode_handover(message)
        assert describe(refused.value) == "The message from the other launch is not one this panel sends."
