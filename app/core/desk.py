"""The application layer of a transfer: the one place its rules live, for the window and the CLI.

`TransferDesk.check` says whether what the rep entered is a valid request (the problems per
field when not); `transfer` refuses a second request for a call that already has one which
went (or may have gone) through, unless the rep confirmed, and a request to an agent the
directory knows is busy, away or offline (`caution`), unless the rep confirmed that too; and
otherwise sends it. Every
transfer that is attempted, whatever is raised on the way, ends in exactly one `RouteOutcome`
and one journal row, and the row is written before the request leaves (`Journal.begin`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TypeVar

from app.core.directory.target import Target
from app.core.errors import AlreadyRoutedError, JournalError, Problem, TargetUnavailableError
from app.core.ids import InvalidIdError, parse_id
from app.core.journal import Journal
from app.core.profile import Profile, contact_id_matcher
from app.core.routing.client import RouteClient
from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome, outcome_of_error
from app.core.routing.request import (
    CallKind,
    CheckedTransfer,
    RouteRequest,
    call_kind,
    check_transfer,
    validate_call_id,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
DirectoryLookup = Callable[[str], Target | None]  # what the directory knows of a target ID (None: nothing)


class TransferDesk:
    """Checks and sends the transfers of one profile; owns its client and journal."""

    def __init__(self, profile: Profile, client: RouteClient, journal: Journal,
                 directory: DirectoryLookup | None = None) -> None:
        self.profile = profile
        self.journal = journal
        self._directory = directory
        self._contact_id = contact_id_matcher(profile)
        self._client = client
        self._in_flight: set[str] = set()
        # One writer thread: rows keep their order and SQLite never blocks the event loop.
        self._journal_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")

    # ---- checking --------------------------------------------------------------------------
    def check(self, call_id: str, target: str, *, target_label: str = "", fallback_queue: str | None = None,
              flow_inputs: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> CheckedTransfer:
        """The request, or the problems per field (nothing is sent either way)."""
        return check_transfer(call_id, target, target_label=target_label, fallback_queue=fallback_queue,
                              flow_inputs=flow_inputs, contact_id=self._contact_id)

    def check_call_id(self, text: str) -> str:
        """The call ID as it will be sent, or the InputError saying why it cannot be one."""
        return validate_call_id(text, self._contact_id)

    def set_directory(self, directory: DirectoryLookup | None) -> None:
        """Where presence is looked up from now on (the window's directory is refreshed while it runs)."""
        self._directory = directory

    def caution(self, target: str, target_label: str = "") -> TargetUnavailableError | None:
        """Why the rep should think twice before routing to `target`: the directory knows it as an agent
        who is busy, away or offline. None for queues, flows, available agents and unknown presence."""
        known = self._directory(target) if self._directory is not None else None
        state = known.confirm_first if known is not None else None
        if known is None or state is None or known.presence is None:
            return None
        named = target_label if target_label not in ("", target, known.id) else known.label  # a label, not the ID
        return TargetUnavailableError(Problem.TARGET_NOT_AVAILABLE, target=known.id, target_label=named,
                                      status=known.presence.status, state=state.value)

    # ---- sending ---------------------------------------------------------------------------
    async def transfer(self, request: RouteRequest, *, again: bool = False, even_if_unavailable: bool = False,
                       on_start: Callable[[], None] | None = None) -> RouteOutcome:
        """Send `request`. Raises `AlreadyRoutedError` (nothing sent, no row) when one for the call
        is on its way right now, or, unless `again`, when the journal knows a transfer of the call
        that went or may have gone through (checked as the write-ahead row is written: from any
        front end, any process). Raises `TargetUnavailableError` (nothing sent, no row) when the
        target is an agent the directory knows as busy, away or offline, unless `even_if_unavailable`.
        `on_start` is called before signing starts (the window shows its progress from then on)."""
        call_ids = same_call_ids(request.call_id)
        if call_ids[0] in self._in_flight:
            raise AlreadyRoutedError(Problem.TRANSFER_IN_FLIGHT, call_id=request.call_id)
        if not even_if_unavailable and (caution := self.caution(request.target.value, request.target_label)):
            raise caution
        self._in_flight.add(call_ids[0])
        try:
            if on_start is not None:
                on_start()
            return await self._send(request, None if again else call_ids)
        finally:
            self._in_flight.discard(call_ids[0])

    async def _send(self, request: RouteRequest, guard: list[str] | None) -> RouteOutcome:
        row: int | None = None

        async def write_ahead(jti: str) -> None:
            nonlocal row
            if row is None:
                row = await self._in_journal_thread(self.journal.begin, self.profile.name, request, jti, guard)
            else:
                await self._in_journal_thread(self.journal.update_jti, row, jti)

        try:
            outcome = await self._client.route(request, before_send=write_ahead)
        except AlreadyRoutedError:  # the journal's guard: nothing was sent and no row is kept
            raise
        except JournalError as error:  # the row could not be written: the request did not leave
            log.error("journal: %s; the transfer was not sent", error)
            outcome = outcome_of_error(error, OutcomeStatus.NOT_SENT)
        except asyncio.CancelledError:  # the panel is quitting with the request out
            if row is not None:
                self._finish_now(row, RouteOutcome(OutcomeStatus.OUTCOME_UNKNOWN, Cause.CANCELLED))
            raise
        except Exception as error:
            log.exception("the transfer to %s ended in an unexpected error", request.target)
            outcome = RouteOutcome(OutcomeStatus.INTERNAL_ERROR, Cause.INTERNAL,
                                   {"error": type(error).__name__, "sent": row is not None})
        try:
            if row is None:
                await self._in_journal_thread(self.journal.record, self.profile.name, request, outcome)
            else:
                await self._in_journal_thread(self.journal.finish, row, outcome)
        except JournalError as error:
            log.error("journal: %s; the outcome below is not in the history", error)
            outcome = replace(outcome, params={**outcome.params, "journal_failed": True})
        log.info("route call=%s target=%s outcome=%s cause=%s http=%s attempts=%d jti=%s %.0f ms",
                 request.call_id, request.target, outcome.status.value, outcome.cause, outcome.http_status,
                 outcome.attempts, outcome.jti, outcome.elapsed_ms)
        return outcome

    def _finish_now(self, row: int, outcome: RouteOutcome) -> None:
        try:
            self.journal.finish(row, outcome)
        except JournalError as error:
            log.error("journal: %s", error)

    async def _in_journal_thread(self, work: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._journal_thread, work, *args)

    async def aclose(self) -> None:
        await self._client.aclose()
        self._journal_thread.shutdown(wait=True)
        self.journal.close()


def same_call_ids(call_id: str) -> list[str]:
    """Every form the journal may hold this call's ID in: a VoiceCall ID as 15 and 18 characters
    (the first one given is the 18-character form), a contact ID as it is."""
    if call_kind(call_id) is CallKind.VOICE_CALL:
        try:
            full = parse_id(call_id).value
            return [full, full[:15]]
        except InvalidIdError:
            pass
    return [call_id]
