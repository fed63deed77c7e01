"""The directory from the org itself: Salesforce's REST API (DOMAIN.md section 4).

Logs in with the OAuth 2.0 JWT bearer flow (its own key, stored in the keyring under
`SecretPurpose.SALESFORCE_API`), runs the three SOQL queries, follows `nextRecordsUrl`
page by page, and fetches a new access token once when a page answers 401. Each page is
turned into `Target`s on a worker thread, so a 100,000-entry refresh never stalls the
window's event loop. `api_usage` holds the last `Sforce-Limit-Info` figures.

The flows' input variables come from `FlowVariableView` (API 46.0+), which answers only
a query filtered by flow version (`FlowVersionViewId`): the active versions of all flows,
`FLOW_VERSIONS_PER_QUERY` to a query. Variables a rep cannot set as text are left out:
collections, records and Apex types, and `recordId`, which Omni-Channel fills in with the
work item. Not tried against a live org: whether it takes the versions as one `IN (…)`
list. When the query is refused, the flows load without their variables (logged) and the
form lets the rep type them, as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import httpx

from app.core.directory.target import (
    FlowVariable,
    Presence,
    PresenceState,
    Target,
    building_in_bulk,
    state_for_label,
)
from app.core.errors import CredentialError, InputError, PanelError, Problem
from app.core.ids import IdKind, InvalidIdError, parse_id
from app.core.profile import Profile
from app.core.routing.request import validate_flow_inputs
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.rsa_key import RsaKeySigner

AGENTS_SOQL = ("SELECT UserId, User.Name, ServicePresenceStatus.MasterLabel, IsAway, StatusStartDate "
               "FROM UserServicePresence WHERE IsCurrentState = true")
QUEUES_SOQL = ("SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue' AND Id IN "
               "(SELECT QueueId FROM QueueSobject WHERE SobjectType = 'VoiceCall')")
FLOWS_SOQL = ("SELECT DurableId, ApiName, Label, ActiveVersionId FROM FlowDefinitionView "
              "WHERE ProcessType = 'RoutingFlow' AND IsActive = true")
FLOW_INPUTS_SOQL = ("SELECT FlowVersionViewId, ApiName, DataType, IsCollection, Description FROM FlowVariableView "
                    "WHERE IsInput = true AND FlowVersionViewId IN ({versions})")
FLOW_VERSIONS_PER_QUERY = 200  # ~4,400 characters of IDs: the query's URL stays far below the REST limit
# Flow data types a rep can give as text; the others (sObject, Apex) hold records or objects.
_TEXT_DATA_TYPES = frozenset({"String", "Number", "Currency", "Boolean", "Date", "DateTime", "Picklist",
                              "Multipicklist"})
_SET_BY_OMNI_CHANNEL = frozenset({"recordid"})  # the work item's ID, folded
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")

ProgressCallback = Callable[[int, int | None], None]  # (records so far, total if known)
log = logging.getLogger(__name__)


class DirectoryRefreshError(PanelError):
    """The directory could not be refreshed; the last good copy stays in use."""


@dataclass(frozen=True, slots=True)
class ApiUsage:
    used: int
    limit: int


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

        with building_in_bulk():
            targets = await self._query(QUEUES_SOQL, _queues, report)
            counted = len(targets)
            flows = await self._query(FLOWS_SOQL, _flows, report)
            targets += await self._with_inputs(flows)
            counted = len(targets)
            targets += await self._query(AGENTS_SOQL, _agents, report)
        return targets

    async def agents(self) -> list[Target]:
        """Only the agents with their current presence: the cheap periodic refresh."""
        with building_in_bulk():
            return await self._query(AGENTS_SOQL, _agents, None)

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._assertions.aclose()

    async def _with_inputs(self, flows: list[tuple[Target, str]]) -> list[Target]:
        """The flows, each with the input variables of its active version (see the module's docstring)."""
        versions = sorted({version for _flow, version in flows if version})
        variables: dict[str, list[FlowVariable]] = {}
        try:
            for at in range(0, len(versions), FLOW_VERSIONS_PER_QUERY):
                chosen = ", ".join(f"'{version}'" for version in versions[at:at + FLOW_VERSIONS_PER_QUERY])
                for version, variable in await self._query(FLOW_INPUTS_SOQL.format(versions=chosen), _variables,
                                                           None):
                    variables.setdefault(version, []).append(variable)
        except DirectoryRefreshError as error:
            log.warning("the flows' input variables could not be read (%s); the flows load without them", error)
            variables = {}
        return [replace(flow, inputs=_settable(variables.get(version, ()))) if version in variables else flow
                for flow, version in flows]

    # -- queries ------------------------------------------------------------------------

    async def _query[T](self, soql: str, convert: Callable[[list[dict[str, Any]]], list[T]],
                        progress: ProgressCallback | None) -> list[T]:
        loop = asyncio.get_running_loop()
        path: str | None = f"/services/data/v{self.profile.salesforce_api_version}/query"
        params: dict[str, str] | None = {"q": soql}
        targets: list[T] = []
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
                raise DirectoryRefreshError(Problem.SALESFORCE_UNREACHABLE, instance=instance,
                                            error=type(error).__name__) from None
            self._note_usage(response)
            if response.status_code == 200:
                return response.content  # decoded on a worker thread: 2,000 records take ~6 ms
            if response.status_code != 401:
                raise self._api_error(response)
            self._session = None  # the access token expired: one new login, then give up
        raise CredentialError(Problem.SALESFORCE_TOKEN_REFUSED)

    def _note_usage(self, response: httpx.Response) -> None:
        if match := _USAGE.search(response.headers.get("Sforce-Limit-Info", "")):
            self.api_usage = ApiUsage(int(match[1]), int(match[2]))

    def _api_error(self, response: httpx.Response) -> PanelError:
        code, message = _rest_error(response)
        if code == "REQUEST_LIMIT_EXCEEDED":
            if self.api_usage:
                return DirectoryRefreshError(Problem.SALESFORCE_API_LIMIT, used=self.api_usage.used,
                                             limit=self.api_usage.limit)
            return DirectoryRefreshError(Problem.SALESFORCE_API_LIMIT)
        return DirectoryRefreshError(Problem.SALESFORCE_ANSWERED, status=response.status_code,
                                     message=message or code or "–")

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
            raise DirectoryRefreshError(Problem.SALESFORCE_LOGIN_UNREACHABLE, url=login_url,
                                        error=type(error).__name__) from None
        answer = _json_or_empty(response)
        if response.status_code != 200 or "access_token" not in answer:
            reason = answer.get("error_description") or answer.get("error") or f"HTTP {response.status_code}"
            raise CredentialError(Problem.SALESFORCE_LOGIN_REFUSED, username=self.profile.salesforce_username,
                                  reason=reason, profile=self.profile.name)
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

def _read_page[T](body: bytes, convert: Callable[[list[dict[str, Any]]], list[T]]
                  ) -> tuple[list[T], int, int | None, str | None]:
    """(targets, records read, totalSize, next page's path or None) of one query page."""
    try:
        page = json.loads(body)
        records = page["records"]
        if not isinstance(records, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise DirectoryRefreshError(Problem.SALESFORCE_NOT_A_QUERY) from None
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


def _flows(records: list[dict[str, Any]]) -> list[tuple[Target, str]]:
    """(flow, the ID of its active version, "" when there is none that can be asked about)."""
    return _each(records, lambda r: (Target.flow(r["DurableId"], r["Label"], r.get("ApiName") or ""),
                                     _version_id(r.get("ActiveVersionId"))))


def _version_id(value: object) -> str:
    """A flow version ID fit to put in a query (it came from the org, but is checked all the same)."""
    try:
        version = parse_id(value) if isinstance(value, str) else None
    except InvalidIdError:
        return ""
    return version.value if version is not None and version.kind is IdKind.FLOW_VERSION else ""


def _variables(records: list[dict[str, Any]]) -> list[tuple[str, FlowVariable]]:
    """(flow version ID, variable) of each input variable a rep can set as text."""
    return [(version, variable) for version, variable in _each(records, _variable) if variable is not None]


def _variable(record: dict[str, Any]) -> tuple[str, FlowVariable | None]:
    version, name, data_type = _version_id(record["FlowVersionViewId"]), str(record["ApiName"]), record["DataType"]
    if (not version or record.get("IsCollection") or data_type not in _TEXT_DATA_TYPES
            or name.casefold() in _SET_BY_OMNI_CHANNEL):
        return version, None
    return version, FlowVariable(name, data_type, str(record.get("Description") or ""))


def _settable(variables: Iterable[FlowVariable]) -> tuple[FlowVariable, ...]:
    """The variables whose names the transfer's own rules accept as flow input names, each once."""
    kept: list[FlowVariable] = []
    for variable in variables:
        try:
            validate_flow_inputs(tuple((v.name, "") for v in (*kept, variable)))
        except InputError:
            continue
        kept.append(variable)
    return tuple(kept)


def _each[T](records: list[dict[str, Any]], build: Callable[[dict[str, Any]], T]) -> list[T]:
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
