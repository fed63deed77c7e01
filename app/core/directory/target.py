"""What a call can be routed to: an agent, a queue or an Omni-Channel flow.

A `Target` is an immutable value built by a directory source (demo, later a file or
Salesforce). It is kept small (slots, no per-target dicts) because a BPO directory holds
up to 100,000 of them; sources share equal strings and `Presence` values between targets.
"""

import gc
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.errors import InputError, Problem
from app.core.ids import ROUTING_TARGET_KINDS, IdKind, InvalidIdError, parse_id

# The empty-query listing shows queues and flows first: a handful of them would
# otherwise sit below tens of thousands of agents.
KIND_ORDER: tuple[IdKind, ...] = (IdKind.QUEUE, IdKind.FLOW, IdKind.AGENT)


_ID_FIELD = {kind: f"{kind.value} ID" for kind in ROUTING_TARGET_KINDS}  # names the ID in errors


class PresenceState(StrEnum):
    """What an agent's presence status means for routing, whatever the org calls it."""

    AVAILABLE = "available"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"


# Orgs name their statuses freely; the words in a label say what it means for routing.
_STATE_WORDS = (
    (re.compile(r"offline|signed out|logged out", re.IGNORECASE), PresenceState.OFFLINE),
    (re.compile(r"away|break|lunch|meeting|training", re.IGNORECASE), PresenceState.AWAY),
    (re.compile(r"busy|call|wrap|occupied|do not disturb|dnd", re.IGNORECASE), PresenceState.BUSY),
)


def state_for_label(label: str) -> PresenceState:
    """What a status label means: "Lunch" is away, "On a call" busy; anything else available."""
    return next((state for words, state in _STATE_WORDS if words.search(label)), PresenceState.AVAILABLE)


@dataclass(frozen=True, slots=True)
class Presence:
    """An agent's Omni-Channel presence: the org's status label, its meaning, since when."""

    status: str  # the label the org gave it: "Available", "On a call", "Lunch"...
    state: PresenceState
    since: datetime | None = None  # timezone-aware start of the status, if known

    @property
    def available(self) -> bool:
        return self.state is PresenceState.AVAILABLE


@dataclass(frozen=True, slots=True)
class FlowVariable:
    """An input variable of a flow: a key its `flowInputParameters` may set, as the directory describes it."""

    name: str  # the variable's API name: the key that is sent
    data_type: str = ""  # Salesforce's DataType ("String", "Number", "Boolean"…); "" when the source does not say
    description: str = ""  # what the org's admin wrote about it


@dataclass(frozen=True, slots=True)
class Target:
    """One routing target. `id` is always the validated 18-character form.

    `secondary` is the row's second line: the presence status for agents, the
    DeveloperName for queues, the ApiName for flows. `extra` holds more terms search
    should match (e.g. a name in another script). `inputs`: a flow's input variables where
    the source knows them (empty otherwise). Prefer the `agent`, `queue` and `flow`
    constructors, which fill `secondary` consistently.
    """

    kind: IdKind
    id: str
    label: str
    secondary: str = ""
    presence: Presence | None = None
    extra: tuple[str, ...] = ()
    inputs: tuple[FlowVariable, ...] = ()

    def __post_init__(self) -> None:
        kind = self.kind if type(self.kind) is IdKind else IdKind(self.kind)
        target_id = checked_id(kind, self.id, self.label, self.presence is not None)
        if self.inputs and kind is not IdKind.FLOW:
            raise InputError(Problem.FLOW_INPUTS_NOT_FOR_KIND, kind=kind.value)
        # Frozen: normalise through object.__setattr__ (a 15-character ID, a str kind).
        if kind is not self.kind:
            object.__setattr__(self, "kind", kind)
        if target_id != self.id:
            object.__setattr__(self, "id", target_id)

    @classmethod
    def agent(cls, id: str, name: str, presence: Presence | None = None, extra: tuple[str, ...] = ()) -> "Target":
        return cls(IdKind.AGENT, id, name, presence.status if presence else "", presence, extra)

    @classmethod
    def queue(cls, id: str, name: str, developer_name: str = "", extra: tuple[str, ...] = ()) -> "Target":
        return cls(IdKind.QUEUE, id, name, developer_name, None, extra)

    @classmethod
    def flow(cls, id: str, label: str, api_name: str = "", extra: tuple[str, ...] = (),
             inputs: tuple[FlowVariable, ...] = ()) -> "Target":
        return cls(IdKind.FLOW, id, label, api_name, None, extra, inputs)

    @property
    def available(self) -> bool:
        """Routable right now: queues and flows always are; agents when their presence says so."""
        return self.kind is not IdKind.AGENT or (self.presence is not None and self.presence.available)

    @property
    def confirm_first(self) -> PresenceState | None:
        """Whether the rep is asked before a transfer here: an agent known to be busy, away or offline may
        not take the call now (it waits, or routing fails). The state to name; None for queues, flows,
        available agents and agents whose presence is unknown."""
        if self.kind is not IdKind.AGENT or self.presence is None or self.presence.available:
            return None
        return self.presence.state

    @property
    def search_terms(self) -> tuple[str, ...]:
        """What search matches besides the label. An agent's presence is not among them:
        it changes by the minute and "ava" would otherwise find every available agent."""
        if self.kind is IdKind.AGENT:
            return self.extra
        return (self.secondary, *self.extra) if self.secondary else self.extra


def checked_id(kind: IdKind, target_id: str, label: str, has_presence: bool = False) -> str:
    """The 18-character ID of a target with these values; InputError when they cannot make one.

    What `Target` checks, for sources that store targets without making `Target` objects.
    """
    if kind not in ROUTING_TARGET_KINDS:
        raise InputError(Problem.TARGET_KIND, kind=kind.value)
    sf_id = parse_id(target_id, _ID_FIELD[kind])
    if sf_id.kind is not kind:
        raise InvalidIdError(Problem.TARGET_ID_OF_OTHER_KIND, kind=kind.value, id=sf_id.value, prefix=sf_id.prefix,
                             id_kind=sf_id.kind.value)
    if not label.strip():
        raise InputError(Problem.TARGET_NO_NAME, kind=kind.value, id=sf_id.value)
    if has_presence and kind is not IdKind.AGENT:
        raise InputError(Problem.TARGET_PRESENCE_NOT_AGENT, label=label, kind=kind.value)
    return sf_id.value


def restore_target(kind: IdKind, id: str, label: str, secondary: str, presence: Presence | None,
                   extra: tuple[str, ...], inputs: tuple[FlowVariable, ...] = ()) -> Target:
    """Rebuild a `Target` this app validated and stored itself (a `TargetTable`, the offline cache).

    Skips `__post_init__`'s checks, which are most of the cost of loading 100,000 targets;
    a damaged value can still not be sent, as `RouteRequest` parses every ID it routes to.
    """
    target = _new(Target)
    _set_kind(target, kind)
    _set_id(target, id)
    _set_label(target, label)
    _set_secondary(target, secondary)
    _set_presence(target, presence)
    _set_extra(target, extra)
    _set_inputs(target, inputs)
    return target


# The slots' own setters: what object.__setattr__ finds after a look-up by name, ~2x faster.
_new = object.__new__
_set_kind, _set_id, _set_label, _set_secondary, _set_presence, _set_extra, _set_inputs = (
    Target.__dict__[name].__set__ for name in ("kind", "id", "label", "secondary", "presence", "extra", "inputs"))


class _Pause:
    """What the builds in progress changed, to be put back when the last one ends."""

    lock = threading.Lock()
    depth = 0
    threshold: tuple[int, int, int] = gc.get_threshold()
    switch_interval = sys.getswitchinterval()


BULK_SWITCH_INTERVAL_S = 0.001


@contextmanager
def building_in_bulk() -> Iterator[None]:
    """While a directory is built in bulk on a worker thread: hold off Python's full garbage
    collections, and hand the GIL to the window's thread sooner.

    100,000 new long-lived objects trigger full collections that find nothing to free and
    stall the window's event loop for 50-200 ms each. The young collections go on, a few
    hundred new objects each: with the collector switched off altogether, the first one
    afterwards had all of them to look at, a stall of 30-45 ms on the window's thread.
    Targets hold no cycles; reference counting frees everything as usual.

    A thread running Python keeps the GIL until another has waited the switch interval
    (5 ms) for it; on a busy machine the window's thread then waited 25-45 ms between two
    5 ms timer ticks. 1 ms while building keeps that near the interval.

    When the last build ends, the memory its temporary objects took is given back to the
    operating system (glibc keeps freed blocks otherwise: ~10 MiB after a 100k build).

    Builds that overlap (a refresh, its index, the cache) share one setting, whatever order
    they end in.
    """
    with _Pause.lock:
        if _Pause.depth == 0:
            _Pause.threshold = gc.get_threshold()
            _Pause.switch_interval = sys.getswitchinterval()
            young, middle, _full = _Pause.threshold
            gc.set_threshold(young, middle, 1_000_000)  # a full collection after a million middle ones
            sys.setswitchinterval(min(BULK_SWITCH_INTERVAL_S, _Pause.switch_interval))
        _Pause.depth += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.depth -= 1
            if _Pause.depth == 0:
                gc.set_threshold(*_Pause.threshold)
                sys.setswitchinterval(_Pause.switch_interval)
                _give_back_free_memory()


def _give_back_free_memory() -> None:
    """glibc's malloc_trim (Linux); elsewhere the allocator does without."""
    if sys.platform == "linux":
        import ctypes

        with suppress(OSError, AttributeError):  # not glibc (musl): nothing to do
            ctypes.CDLL(None).malloc_trim(0)
