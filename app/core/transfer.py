"""One transfer end to end: route the request, then journal it. The CLI and the window share this."""

import asyncio
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from app.core.journal import Journal
from app.core.routing import RouteClient, RouteOutcome, RouteRequest

log = logging.getLogger(__name__)


class TransferService:
    def __init__(self, client: RouteClient, journal: Journal) -> None:
        self.client = client
        self.journal = journal
        # One writer thread: journal rows keep their order and never block the event loop.
        self._journal_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")

    async def transfer(self, request: RouteRequest) -> RouteOutcome:
        outcome = await self.client.route(request)
        log.info(
            "route call=%s target=%s outcome=%s http=%s attempts=%d jti=%s %.0f ms",
            request.call_id, request.target, outcome.status.value, outcome.http_status,
            outcome.attempts, outcome.jti, outcome.elapsed_ms,
        )
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                self._journal_writer, self.journal.append, self.client.profile.name, request, outcome
            )
        except sqlite3.Error as error:
            log.error("journal write failed: %s", error)
            # The routing outcome stands; the rep must still learn the history is incomplete.
            outcome = replace(
                outcome,
                hint=f"{outcome.hint} The transfer journal could not be written ({error}).".strip(),
            )
        return outcome

    async def aclose(self) -> None:
        await self.client.aclose()
        self._journal_writer.shutdown(wait=True)
        self.journal.close()
