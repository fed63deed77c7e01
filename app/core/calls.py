"""The call the panel shows: its ID, where it came from, and (in demo mode) who is calling."""

from dataclasses import dataclass
from enum import StrEnum


class CallSource(StrEnum):
    COMMAND_LINE = "command line"  # --call-id or a transfer-panel:// link at start
    SOFTPHONE = "softphone"  # handed over to the running panel by another launch
    DEMO = "demo"  # a simulated incoming call
    TYPED = "typed"  # typed or pasted by the rep


@dataclass(frozen=True, slots=True)
class IncomingCall:
    call_id: str
    source: CallSource
    caller: str = ""  # who is on the line (simulated demo calls only)
