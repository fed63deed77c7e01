"""Call links and hand-over messages: what a softphone (or anyone) may send."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import InputError
from app.core.handover import (
    DesktopSession,
    call_id_from_url,
    decode_handover,
    desktop_session,
    encode_handover,
    loggable,
)
from tests.conftest import raises


@pytest.mark.parametrize(("url", "call_id"), [
    ("transfer-panel://call/0LQ5g00000ABCDE", "0LQ5g00000ABCDE"),
    ("TRANSFER-PANEL://CALL/0LQ5g00000ABCDE/", "0LQ5g00000ABCDE"),
    ("  transfer-panel://call/contact%2F7f3a%3F1  ", "contact/7f3a?1"),  # a vendor ID with / and ?
    ("transfer-panel://call/Z%C3%B6e-42", "Zöe-42"),
])
def test_call_links_give_the_call_id(url, call_id):
    assert call_id_from_url(url) == call_id


@pytest.mark.parametrize(("url", "expected"), [
    ("https://call/0LQ5g00000ABCDE", "is not a call link"),
    ("transfer-panel://evil.example/call/0LQ5g00000ABCDE", "is not a call link"),
    ("transfer-panel://call/a/b", "is not a call link"),
    ("transfer-panel://call/../../etc/passwd", "is not a call link"),
    ("transfer-panel://call/x?run=calc.exe", "is not a call link"),
    ("transfer-panel://user:pw@call/x", "is not a call link"),
    ("transfer-panel://call/", "is not a call link"),
    ("transfer-panel://call/%0Aevil", "space or control character"),
    ("transfer-panel://call/ev%00il", "control character"),
    ("transfer-panel://call/%FF%FE", "not valid percent-encoded UTF-8"),
    ("transfer-panel://call/0LQ5g00000ABCDEAAA", "checksum"),
    ("transfer-panel://call/" + "x" * 5000, "characters long"),
    ("transfer-panel://[::1/x", "is not a call link"),
])
def test_bad_and_hostile_links_are_refused_with_the_reason(url, expected):
    with raises(InputError, match=expected):
        call_id_from_url(url)


@given(st.text(max_size=300))
def test_any_text_is_either_a_valid_call_id_or_an_input_error(text):
    for candidate in (text, "transfer-panel://call/" + text):
        try:
            call_id = call_id_from_url(candidate)
        except InputError:
            continue
        assert call_id and call_id == call_id.strip() and "\n" not in call_id


def test_messages_round_trip_and_junk_is_refused():
    assert decode_handover(encode_handover("0LQ5g00000ABCDE")) == "0LQ5g00000ABCDE"
    assert decode_handover(encode_handover(None)) is None
    for junk in (b"", b"\xff", b"[1]", b'{"call_id": 5}', b'{"call_id": "a\\u0000b"}', b"x" * 5000,
                 b"[" * 4000, b'{"call_id": ' + b'{"a": ' * 800):  # nested deeper than Python's recursion limit
        with pytest.raises(InputError):
            decode_handover(junk)


def test_links_are_logged_with_their_control_and_formatting_characters_escaped():
    assert loggable("transfer-panel://call/x\x1b[31m\r\nforged\u202egpj.exe") == (
        "transfer-panel://call/x\\x1b[31m\\r\\nforged\\u202egpj.exe")
    assert loggable("Zoë 呼叫") == "Zoë 呼叫"
    assert loggable("x" * 1000) == "x" * 200 + "… (1000 characters)"


@given(st.text(max_size=300))
def test_nothing_logged_of_a_link_can_break_a_log_line(text):
    assert loggable(text).isprintable()


# ---- which desktop session a launch belongs to (one panel per session) ----------------------------
@pytest.mark.parametrize(("environ", "tag", "has_display"), [
    ({"DISPLAY": ":0"}, "display-0", True),
    ({"DISPLAY": ":0.0", "XDG_SESSION_ID": "2"}, "display-0", True),  # the screen number is one display's
    ({"DISPLAY": "unix:0"}, "display-0", True),
    ({"DISPLAY": ":1"}, "display-1", True),  # a second display of the same user
    ({"DISPLAY": "localhost:10.0"}, "display-localhost-10", True),  # ssh -X
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "display-0", True),  # the panel runs on XWayland
    ({"WAYLAND_DISPLAY": "wayland-1"}, "wayland-1", True),
    ({"WAYLAND_DISPLAY": "/run/user/1000/wayland-0"}, "wayland-0", True),
    ({"WAYLAND_DISPLAY": "kiosk"}, "wayland-kiosk", True),
    ({"XDG_SESSION_ID": "c2"}, "session-c2", False),  # a login without a display (ssh)
    ({}, "", False),  # cron, a service
])
def test_the_desktop_session_comes_from_the_display_else_the_login(environ, tag, has_display):
    assert desktop_session(environ) == DesktopSession(tag, has_display)


def test_a_session_name_that_a_file_name_cannot_hold_is_rewritten_and_kept_apart():
    odd, other = desktop_session({"DISPLAY": "../../etc/x y:0"}), desktop_session({"DISPLAY": "../../etc/x_y:0"})
    assert odd.tag != other.tag and odd.has_display
    long = desktop_session({"XDG_SESSION_ID": "s" * 300})
    assert len(long.tag) <= 40


@given(st.dictionaries(st.sampled_from(["DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_ID"]), st.text(max_size=300)))
def test_any_environment_gives_a_short_file_name_part(environ):
    tag = desktop_session(environ).tag
    assert len(tag) <= 40 and all(char.isascii() and (char.isalnum() or char in "._-") for char in tag)
    assert tag not in (".", "..")
