"""Invisible and bidi characters in a call ID (issue 12, item 9) are refused from the command line
and from a call link, before anything is sent or written: exit 2 with the reason."""

import pytest

from app.core.journal import Journal, default_journal_path
from tests.conftest import QUEUE
from tests.reliability.processes import run_cli

INVISIBLE = {"zero-width space": "\u200b", "right-to-left override": "\u202e", "line separator": "\u2028",
             "paragraph separator": "\u2029", "byte order mark": "\ufeff", "left-to-right isolate": "\u2066",
             "soft hyphen": "\u00ad"}
REASON = "The call ID contains an invisible character"


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_the_cli_refuses_an_invisible_character_in_a_call_id(name):
    call_id = f"0LQ5g00000{INVISIBLE[name]}ABCDE"
    routed = run_cli("route", "--demo", "--call-id", call_id, "--target", QUEUE)
    assert routed.returncode == 2 and REASON in routed.stderr
    journal = Journal(default_journal_path())
    assert journal.recent() == []  # refused before anything was written: the desk checks first
    journal.close()


@pytest.mark.parametrize("name", ["right-to-left override", "zero-width space", "line separator"])
def test_a_call_link_with_an_invisible_character_is_refused_before_the_window_opens(name):
    encoded = "".join(f"%{byte:02X}" for byte in INVISIBLE[name].encode())
    opened = run_cli(f"transfer-panel://call/abc{encoded}def", timeout_s=30)
    assert opened.returncode == 2 and REASON in opened.stderr
