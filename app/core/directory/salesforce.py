"""The directory from the org itself: Salesforce's REST API (DOMAIN.md section 4).

Logs in with the OAuth 2.0 JWT bearer flow (its own key, stored in the keyring under
`SecretPurpose.SALESFORCE_API`), runs the three SOQL queries, follows `nextRecordsUrl`
page by page, and fetches a new access token once when a page answers 401. Each page is
turned into `Target`s on a worker thread, so a 100,000-entry refresh never stalls the
window's event loop. `api_usage` holds the last `Sforce-Limit-Info` figures.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from app.core.directory.target import Presence, PresenceState, Target, building_in_bulk, state_for_label
from app.core.errors import CredentialError, PanelError, Problem
from app.core.ids import InvalidIdError
from app.core.profile import Profile
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.rsa_key import RsaKeySigner

AGENTS_SOQL = ("SELECT UserId, User.Name, ServicePresenceStatus.MasterLabel, IsAway, StatusStartDate "
               "FROM UserServicePresence WHERE IsCurrentState = true")
QUEUES_SOQL = ("SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue' AND Id IN "
               "(SELECT QueueId FROM QueueSobject WHERE SobjectType = 'VoiceCall')")
FLOWS_SOQL = ("SELECT DurableId, ApiName, Label FROM FlowDefinitionView "
              "WHERE ProcessType = 'RoutingFlow' AND IsActive = true")
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")

ProgressCallback = Callable[[int, int | None], None]  # (records so far, total if known)


class DirectoryRefreshError(PanelError):
    """The directory could not be refreshed; the last good copy stays in use."""


@dataclass(frozen=True, slots=True)
class ApiUsage:
    used: int
    limit: int

    def __str__(self) -> str:
        return f"{self.used:,} of {self.limit:,} API calls used today"


def presence_state(label: str, is_away: bool) -> PresenceState:
    """Salesforce flags away statuses itself; the label's words tell busy from available."""
    return PresenceState.AWAY if is_away else state_for_label(label)


def assertion_spec(profile: Profile) -> TokenSpec:
    """The JWT bearer flow's assertion: the consumer key, the username, the login URL."""
    return TokenSpec(issuer=profile.salesforce_consumer_key, subject=profile.salesforce_username,
                     audience=profile.salesforce_login_url)


class SalesforceDirectory:
    """Loads agents with presence, voice queues and routing flows from one org."""

    def __init__(self, profile: Profile, key_source: Callable[[], Any], *,
                 timeout_s: float = 30.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        from app.core.tls import build_ssl_context

        self.profile = profile
        self.api_usage: ApiUsage | None = None
        self._assertions = TokenMinter(RsaKeySigner(key_source), assertion_spec(profile))
        self._session: tuple[str, str] | None = None  # (access token, instance URL)
        self._http = httpx.AsyncClient(verify=build_ssl_context(), timeout=timeout_s,
                                       transport=transport, follow_redirects=False)

    async def load(self, progress: ProgressCallback | None = None) -> list[Target]:
        """Every agent with a current presence, voice queue and routing flow."""
        counted = 0

        def report(done_in_query: int, total_in_query: int | None) -> None:
            if progress is not None:
                progress(counted + done_in_query, None if total_in_query is None else counted + total_in_query)

        targets: list[Target] = []
        with building_in_bulk():
            for soql, convert in ((QUEUES_SOQL, _queues), (FLOWS_SOQL, _flows), (AGENTS_SOQL, _agents)):
                targets += await self._query(soql, convert, report)
                counted = len(targets)
        return targets

    async def agents(self) -> list[Target]:
        """Only the agents with their current presence: the cheap periodic refresh."""
        with building_in_bulk():
            return await self._query(AGENTS_SOQL, _agents, None)

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._assertions.aclose()

    # -- queries ------------------------------------------------------------------------

    async def _query(self, soql: str, convert: Callable[[list[dict[str, Any]]], list[Target]],
                     progress: ProgressCallback | None) -> list[Target]:
        loop = asyncio.get_running_loop()
        path: str | None = f"/services/data/v{self.profile.salesforce_api_version}/query"
        params: dict[str, str] | None = {"q": soql}
        targets: list[Target] = []
        done = 0
        while path:
            body = await self._get(path, params)
            page_targets, count, total, path = await loop.run_in_executor(None, _read_page, body, convert)
            targets += page_targets
            done += count
            if progress is not None:
                progress(done, total)
            params = None
        return targets

    async def _get(self, path: str, params: dict[str, str] | None) -> bytes:
        for _ in range(2):  # a 401 gets one fresh login
            token, instance = await self._login()
            try:
                response = await self._http.get(instance + path, params=params,
                                                 headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as error:
                raise DirectoryRefreshError(Problem.DIRECTORY,
                    text=f"Cannot reach Salesforce at {instance} ({type(error).__name__}). "
                    "Check the network; the directory keeps its last copy.") from None
            self._note_usage(response)
            if response.status_code == 200:
                return response.content  # decoded on a worker thread: 2,000 records take ~6 ms
            if response.status_code != 401:
                raise self._api_error(response)
            self._session = None  # the access token expired: one new login, then give up
        raise CredentialError(Problem.DIRECTORY,
            text="Salesforce refused a fresh access token for the directory (401). "
                              "Check the integration user's permissions.")

    def _note_usage(self, response: httpx.Response) -> None:
        if match := _USAGE.search(response.headers.get("Sforce-Limit-Info", "")):
            self.api_usage = ApiUsage(int(match[1]), int(match[2]))

    def _api_error(self, response: httpx.Response) -> PanelError:
        code, message = _rest_error(response)
        if code == "REQUEST_LIMIT_EXCEEDED":
            usage = f" ({self.api_usage})" if self.api_usage else ""
            return DirectoryRefreshError(Problem.DIRECTORY,
                text=f"The org has used up its daily Salesforce API calls{usage}. The directory keeps "
                "its last copy; it refreshes again when the limit resets, or ask your admin to "
                "raise the refresh interval.")
        return DirectoryRefreshError(Problem.DIRECTORY,
            text=f"Salesforce answered {response.status_code} to the directory "
                                     f"query: {message or code or 'no details'}. The directory "
                                     "keeps its last copy.")

    # -- login --------------------------------------------------------------------------

    async def _login(self) -> tuple[str, str]:
        if self._session is not None:
            return self._session
        login_url = self.profile.salesforce_login_url
        assertion = (await self._assertions.mint()).token
        try:
            response = await self._http.post(f"{login_url}/services/oauth2/token",
                                             data={"grant_type": JWT_BEARER, "assertion": assertion})
        except httpx.HTTPError as error:
            raise DirectoryRefreshError(Problem.DIRECTORY, text=f"Cannot reach the Salesforce login at {login_url} "
                                        f"({type(error).__name__}). Check the network.") from None
        answer = _json_or_empty(response)
        if response.status_code != 200 or "access_token" not in answer:
            reason = answer.get("error_description") or answer.get("error") or f"HTTP {response.status_code}"
            raise CredentialError(Problem.DIRECTORY,
                text=f"Salesforce refused the directory login for {self.profile.salesforce_username}: "
                f"{reason}. Check salesforce_consumer_key, salesforce_username and that the "
                "connected app holds the certificate of the key stored with "
                f"`transfer-panel credentials set --profile {self.profile.name} --purpose salesforce-api`.")
        self._session = (answer["access_token"], answer.get("instance_url", login_url).rstrip("/"))
        return self._session


def _json_or_empty(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _rest_error(response: httpx.Response) -> tuple[str, str]:
    """(errorCode, message) of a REST error body: a list of {message, errorCode} objects."""
    try:
        errors = response.json()
        first = errors[0] if isinstance(errors, list) else errors
        return str(first.get("errorCode", "")), str(first.get("message", ""))
    except (ValueError, IndexError, AttributeError, KeyError):
        return "", ""


# -- records to targets (run on a worker thread; bad rows are skipped, never fatal) -------

def _read_page(body: bytes, convert: Callable[[list[dict[str, Any]]], list[Target]]
               ) -> tuple[list[Target], int, int | None, str | None]:
    """(targets, records read, totalSize, next page's path or None) of one query page."""
    try:
        page = json.loads(body)
        records = page["records"]
        if not isinstance(records, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise DirectoryRefreshError(Problem.DIRECTORY, text="Salesforce sent an answer that is not a query result. "
                                    "The directory keeps its last copy.") from None
    next_path = None if page.get("done", True) else page.get("nextRecordsUrl")
    return convert(records), len(records), page.get("totalSize"), next_path


def _agents(records: list[dict[str, Any]]) -> list[Target]:
    presences: dict[tuple[str, bool, str], Presence] = {}  # shared, like the other sources
    targets = []
    for record in records:
        try:
            label = (record.get("ServicePresenceStatus") or {}).get("MasterLabel") or "Unknown status"
            away, since_text = bool(record.get("IsAway")), record.get("StatusStartDate") or ""
            presence = presences.get((label, away, since_text))
            if presence is None:
                presence = Presence(label, presence_state(label, away), _timestamp(since_text))
                presences[label, away, since_text] = presence
            targets.append(Target.agent(record["UserId"], record["User"]["Name"], presence))
        except (KeyError, TypeError, ValueError, InvalidIdError):
            continue
    return targets


def _queues(records: list[dict[str, Any]]) -> list[Target]:
    return _each(records, lambda r: Target.queue(r["Id"], r["Name"], r.get("DeveloperName") or ""))


def _flows(records: list[dict[str, Any]]) -> list[Target]:
    return _each(records, lambda r: Target.flow(r["DurableId"], r["Label"], r.get("ApiName") or ""))


def _each(records: list[dict[str, Any]], build: Callable[[dict[str, Any]], Target]) -> list[Target]:
    targets = []
    for record in records:
        try:
            targets.append(build(record))
        except (KeyError, TypeError, ValueError, InvalidIdError):
            continue
    return targets


def _timestamp(text: str) -> datetime | None:
    """Salesforce's `2026-11-24T09:42:00.000+0000`; None when absent or unreadable."""
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z") if text else None
    except ValueError:
        return None
