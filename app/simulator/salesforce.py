"""The Salesforce REST side of the simulator: the directory's token and SOQL queries.

`SalesforceApi` answers, on the simulator's own port:

* `POST /services/oauth2/token`: the OAuth 2.0 JWT bearer flow. The assertion must be
  RS256, signed by the registered key, `iss` the consumer key, `sub` the username,
  `aud` the login URL (the simulator's own URL unless set), expiring within 5 minutes.
  Errors in OAuth's shape (`{"error", "error_description"}`).
* `GET /services/data/vNN.N/query?q=…`: exactly the three queries of DOMAIN.md section 4
  (flows with their `ActiveVersionId`), and the flows' input variables from
  `FlowVariableView`, which, as in a real org, answers only a query filtered by
  `FlowVersionViewId` (here: `IN (…)` of version IDs), over an org generated from
  `generate_targets(size, seed)`, in pages (`nextRecordsUrl`,
  `GET …/query/<locator>-<offset>`). Every answer carries `Sforce-Limit-Info`; past the
  daily limit, 403 `REQUEST_LIMIT_EXCEEDED`. Unknown token: 401 `INVALID_SESSION_ID`.

Each flow's active version (`301…`) has the generated flow's input variables, plus those a
real routing flow has that a rep cannot set: `recordId` (the work item, set by
Omni-Channel) and a collection.

Presence changes over time: every `presence_period_s` a deterministic quarter of the
agents changes status, and offline agents are absent from the presence query, as in a
real org. Faults are scripted per endpoint ("token", "query" for a first page, "page"
for the following ones) with the simulator's `Fault`.
"""

import json
import re
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote_plus, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from app.core.directory import Target, generate_targets
from app.core.directory.salesforce import (  # DOMAIN.md §4
    AGENTS_SOQL,
    FLOW_INPUTS_SOQL,
    FLOWS_SOQL,
    JWT_BEARER,
    QUEUES_SOQL,
)
from app.core.ids import IdKind, checksum_suffix
from app.simulator.faults import Fault
from app.simulator.responses import Answer, error_answer

ENDPOINTS = ("token", "query", "page")
_JSON = "application/json;charset=UTF-8"
_QUERY_PATH = re.compile(r"/services/data/v(\d+\.\d)/query(?:/(01g[A-Za-z0-9]+)-(\d+))?$")
_STATUSES = ("Available", "Busy", "On a call", "Away", "Offline")  # the demo generator's labels


def _normalised(soql: str) -> str:
    return " ".join(soql.split()).casefold()


_QUERIES = {_normalised(AGENTS_SOQL): "agents", _normalised(QUEUES_SOQL): "queues",
            _normalised(FLOWS_SOQL): "flows"}
_VARIABLES_QUERY = _normalised(FLOW_INPUTS_SOQL.partition("{versions}")[0])  # then the version IDs, then ")"
_KEPT_VARIABLE_QUERIES = 16  # the pages of the latest variable queries, for their next pages
_QUOTED_ID = re.compile(r"\s*'([A-Za-z0-9]{15,18})'\s*")


def version_id(flow_id: str) -> str:
    """The ID of the active version (301…) of a simulated flow (300…)."""
    id15 = "301" + flow_id[3:15]
    return id15 + checksum_suffix(id15)


@dataclass(slots=True)
class _Scripted:
    fault: Fault
    endpoint: str
    remaining: int | None


class SalesforceApi:
    """Answers the directory's REST calls; thread-safe (the simulator serves on many threads)."""

    def __init__(self, *, public_key: RSAPublicKey, consumer_key: str, username: str, size: int = 300,
                 seed: int = 0, page_size: int = 2000, api_limit: int = 15_000,
                 presence_period_s: float = 30.0, login_audience: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._public_key = public_key
        self.consumer_key = consumer_key
        self.username = username
        self.page_size = page_size
        self.api_limit = api_limit
        self.presence_period_s = presence_period_s
        self._login_audience = login_audience
        self._clock = clock
        self.targets: list[Target] = generate_targets(size, seed=seed)
        self.instance_url = ""  # set by the simulator when it starts
        self.api_calls = 0
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._faults: list[_Scripted] = []
        self._pages: dict[tuple[str, int], list[bytes]] = {}  # (query, presence epoch) -> pages

    @property
    def login_url(self) -> str:
        return self._login_audience or self.instance_url

    # -- scripting -------------------------------------------------------------------------

    def script_fault(self, fault: Fault, endpoint: str = "query", times: int | None = 1) -> None:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}, not {endpoint!r}")
        with self._lock:
            self._faults.append(_Scripted(fault, endpoint, times))

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (the next query answers 401)."""
        with self._lock:
            self._tokens.clear()

    # -- requests --------------------------------------------------------------------------

    def handles(self, raw_path: str) -> bool:
        return raw_path.startswith("/services/")

    def handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        path = urlsplit(raw_path).path
        if path == "/services/oauth2/token":
            if method != "POST":
                return _rest_error(405, "Use POST for the token endpoint", "METHOD_NOT_ALLOWED")
            return self._answer("token", lambda: self._token(body))
        match = _QUERY_PATH.fullmatch(path)
        if match is None or method != "GET":
            return _rest_error(404, f"The requested resource does not exist: {method} {path}", "NOT_FOUND")
        if not self._authorised(headers.get("Authorization", "")):
            return _rest_error(401, "Session expired or invalid", "INVALID_SESSION_ID")
        with self._lock:
            self.api_calls += 1
            over_limit = self.api_calls > self.api_limit
        if over_limit:
            return self._with_usage(_rest_error(403, "TotalRequests Limit exceeded.", "REQUEST_LIMIT_EXCEEDED"))
        version, locator, offset = match.groups()
        if locator:
            return self._with_usage(self._answer("page", lambda: self._page(locator, int(offset))))
        soql = unquote_plus(" ".join(parse_qs(urlsplit(raw_path).query).get("q", [""])))
        return self._with_usage(self._answer("query", lambda: self._first_page(soql, version)))

    def _answer(self, endpoint: str, normal: Callable[[], Answer]) -> Answer:
        """The normal answer, unless a fault scripted for this endpoint says otherwise."""
        with self._lock:
            entry = next((e for e in self._faults if e.endpoint == endpoint), None)
            if entry is not None and entry.remaining is not None:
                entry.remaining -= 1
                if entry.remaining == 0:
                    self._faults.remove(entry)
        if entry is None:
            return normal()
        fault = entry.fault
        if fault.drop:
            return fault.answer()
        if fault.status is None:  # slow: the real answer, late
            answer = normal()
            return Answer(answer.status, answer.content_type, answer.body, answer.headers, fault.delay_s)
        shape = "oauth" if endpoint == "token" else "array"
        code = fault.error_code or ("invalid_grant" if endpoint == "token" else "UNKNOWN_EXCEPTION")
        answer = error_answer(fault.status, fault.message or "Scripted fault", code, shape)
        return Answer(answer.status, answer.content_type, answer.body, answer.headers, fault.delay_s)

    def _with_usage(self, answer: Answer) -> Answer:
        usage = ("Sforce-Limit-Info", f"api-usage={min(self.api_calls, self.api_limit)}/{self.api_limit}")
        return Answer(answer.status, answer.content_type, answer.body, (*answer.headers, usage),
                      answer.delay_s, answer.reason)

    # -- OAuth -----------------------------------------------------------------------------

    def _token(self, body: bytes) -> Answer:
        form = parse_qs(body.decode("utf-8", "replace"))
        if form.get("grant_type", [""])[0] != JWT_BEARER:
            return _oauth_error("unsupported_grant_type", "grant type not supported")
        try:
            claims = jwt.decode(form.get("assertion", [""])[0], self._public_key, algorithms=["RS256"],
                                audience=self.login_url, issuer=self.consumer_key,
                                options={"require": ["iss", "sub", "aud", "exp"]})
        except jwt.InvalidIssuerError:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        except jwt.InvalidAudienceError:
            return _oauth_error("invalid_grant", "audience is invalid")
        except jwt.ExpiredSignatureError:
            return _oauth_error("invalid_grant", "expired authorization code")
        except jwt.InvalidTokenError as error:
            return _oauth_error("invalid_grant", f"invalid assertion: {error}")
        if claims["sub"] != self.username:
            return _oauth_error("invalid_grant", "user hasn't approved this consumer")
        if claims["exp"] - self._clock() > 300:
            return _oauth_error("invalid_grant", "the assertion must expire within 5 minutes")
        token = f"00DSIM!{secrets.token_urlsafe(32)}"
        with self._lock:
            self._tokens.add(token)
        return _json(200, {"access_token": token, "instance_url": self.instance_url, "token_type": "Bearer",
                           "id": f"{self.login_url}/id/00DSIM/005SIM", "scope": "api",
                           "issued_at": str(int(self._clock() * 1000))})

    def _authorised(self, authorization: str) -> bool:
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            return scheme.lower() == "bearer" and token in self._tokens

    # -- queries ---------------------------------------------------------------------------

    def _first_page(self, soql: str, version: str) -> Answer:
        query = _QUERIES.get(_normalised(soql))
        spaced = " ".join(soql.split())  # as `_normalised`, keeping the IDs' case
        if query is None and spaced.casefold().startswith(_VARIABLES_QUERY):
            return self._variables_page(spaced[len(_VARIABLES_QUERY):], version)  # an ASCII prefix: same length
        if query is None:
            return _rest_error(400, f"The simulator knows only the panel's directory queries, not: {soql[:200]}",
                               "MALFORMED_QUERY")
        epoch = int(self._clock() // self.presence_period_s) if query == "agents" else 0
        return self._serve(self._paginated(query, epoch, version), 0)

    def _page(self, locator: str, offset: int) -> Answer:
        query, epoch, version = _decode_locator(locator)
        if query is None or offset % self.page_size:
            return _rest_error(400, f"Invalid query locator {locator}-{offset}", "INVALID_QUERY_LOCATOR")
        if query == "variables":  # kept when first asked: the version IDs are not in the locator
            with self._lock:
                pages = self._pages.get((f"variables@{version}", epoch))
            if pages is None:
                return _rest_error(400, f"Invalid query locator {locator}-{offset}", "INVALID_QUERY_LOCATOR")
            return self._serve(pages, offset // self.page_size)
        return self._serve(self._paginated(query, epoch, version), offset // self.page_size)

    def _variables_page(self, versions_text: str, version: str) -> Answer:
        """The input variables of the flow versions listed as `'301…', …)`, in pages like any query."""
        listed, _close, rest = versions_text.rpartition(")")
        quoted = listed.split(",")
        versions = [match[1] for text in quoted if (match := _QUOTED_ID.fullmatch(text))]
        if rest.strip() or not versions or len(versions) != len(quoted):
            return _rest_error(400, "FlowVariableView needs a filter on FlowVersionViewId: IN ('301…', …)",
                               "MALFORMED_QUERY")
        flows = {version_id(t.id): t for t in self.targets if t.kind is IdKind.FLOW}
        base = f"/services/data/v{version}/sobjects/FlowVariableView"
        records = []
        for flow_version in dict.fromkeys(versions):
            flow = flows.get(flow_version)
            if flow is None:
                continue
            variables = [("recordId", "String", False, "The work item (set by Omni-Channel)"),
                         *((v.name, v.data_type, False, v.description) for v in flow.inputs),
                         ("RoutingTrace", "String", True, "Steps taken (a collection)")]
            records += [{"attributes": {"type": "FlowVariableView", "url": f"{base}/{flow_version}.{name}"},
                         "FlowVersionViewId": flow_version, "ApiName": name, "DataType": data_type,
                         "IsCollection": collection, "Description": description}
                        for name, data_type, collection, description in variables]
        key = zlib.crc32(",".join(sorted(set(versions))).encode())
        pages = self._paged(records, "variables", key, version)
        with self._lock:
            kept = [k for k in self._pages if k[0].startswith("variables@")]
            for old in kept[:max(0, len(kept) - _KEPT_VARIABLE_QUERIES + 1)]:  # a client asking anything: bounded
                del self._pages[old]
            self._pages[(f"variables@{version}", key)] = pages
        return self._serve(pages, 0)

    @staticmethod
    def _serve(pages: list[bytes], index: int) -> Answer:
        if not 0 <= index < len(pages):
            return _rest_error(400, "Invalid query locator: past the last page", "INVALID_QUERY_LOCATOR")
        return Answer(200, _JSON, pages[index])

    def _paginated(self, query: str, epoch: int, version: str) -> list[bytes]:
        """Every page of one query, serialised once (a 100k org's pages are served many times)."""
        key = (f"{query}@{version}", epoch)
        with self._lock:
            pages = self._pages.get(key)
        if pages is not None:
            return pages
        pages = self._paged(self._records(query, epoch, version), query, epoch, version)
        with self._lock:
            if query == "agents":  # keep only the current presence epoch
                self._pages = {k: v for k, v in self._pages.items() if not k[0].startswith("agents@")}
            self._pages[key] = pages
        return pages

    def _paged(self, records: list[dict], query: str, epoch: int, version: str) -> list[bytes]:
        """The records as pages of a query result, serialised."""
        size, total = self.page_size, len(records)
        locator = _encode_locator(query, epoch, version)
        pages = []
        for start in range(0, max(total, 1), size):
            page = {"totalSize": total, "done": start + size >= total, "records": records[start:start + size]}
            if not page["done"]:
                page["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{start + size}"
            pages.append(json.dumps(page, ensure_ascii=False).encode())
        return pages

    def _records(self, query: str, epoch: int, version: str) -> list[dict]:
        base = f"/services/data/v{version}/sobjects"
        if query == "queues":
            return [{"attributes": {"type": "Group", "url": f"{base}/Group/{t.id}"}, "Id": t.id, "Name": t.label,
                     "DeveloperName": t.secondary} for t in self.targets if t.kind is IdKind.QUEUE]
        if query == "flows":
            return [{"attributes": {"type": "FlowDefinitionView", "url": f"{base}/FlowDefinitionView/{t.id}"},
                     "DurableId": t.id, "ApiName": t.secondary, "Label": t.label, "ActiveVersionId": version_id(t.id)}
                    for t in self.targets if t.kind is IdKind.FLOW]
        period_start = datetime.fromtimestamp(epoch * self.presence_period_s, UTC)
        records = []
        for number, target in enumerate(t for t in self.targets if t.kind is IdKind.AGENT):
            label, away, since = self._presence(target, epoch, period_start)
            if label == "Offline":
                continue
            records.append({
                "attributes": {"type": "UserServicePresence", "url": f"{base}/UserServicePresence/0Pj{number:012d}"},
                "UserId": target.id,
                "User": {"attributes": {"type": "User", "url": f"{base}/User/{target.id}"}, "Name": target.label},
                "ServicePresenceStatus": {"attributes": {"type": "ServicePresenceStatus"}, "MasterLabel": label},
                "IsAway": away,
                "StatusStartDate": since.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            })
        return records

    @staticmethod
    def _presence(target: Target, epoch: int, period_start: datetime) -> tuple[str, bool, datetime]:
        """The agent's generated status, changed in a deterministic quarter of agents per epoch."""
        status = target.presence.status if target.presence else "Offline"
        since = target.presence.since if target.presence and target.presence.since else period_start
        changed = zlib.crc32(f"{target.id}:{epoch}".encode())
        if changed % 4 == 0:
            status, since = _STATUSES[(changed >> 2) % len(_STATUSES)], period_start - timedelta(seconds=changed % 29)
        return status, status == "Away", since


def _encode_locator(query: str, epoch: int, version: str) -> str:
    return f"01g{query[0]}{epoch:x}v{version.replace('.', '')}"


def _decode_locator(locator: str) -> tuple[str | None, int, str]:
    match = re.fullmatch(r"01g([aqfv])([0-9a-f]+)v(\d+)(\d)", locator)
    if match is None:
        return None, 0, ""
    query = {"a": "agents", "q": "queues", "f": "flows", "v": "variables"}[match[1]]
    return query, int(match[2], 16), f"{match[3]}.{match[4]}"


def _json(status: int, document: object) -> Answer:
    return Answer(status, _JSON, json.dumps(document).encode())


def _oauth_error(error: str, description: str) -> Answer:
    return error_answer(400, description, error, "oauth")


def _rest_error(status: int, message: str, error_code: str) -> Answer:
    return error_answer(status, message, error_code, "array")
