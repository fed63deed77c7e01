"""Connection profiles: what one contact center needs (secrets excepted), and every rule a value obeys.

A profile is checked key by key (`parse_profile`): unknown keys are errors, so a typo never
silently falls back to a default, and a value that could never be sent (a header that is not
ASCII, a port that does not exist, a control character in a URL) is refused here, with the key
and the fix, instead of failing every transfer later. Finding, reading and writing the files
that hold profiles is `config_files`' job.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from app.core.errors import InputError, PanelError, ParamValue, Problem
from app.core.ids import IdKind, InvalidIdError, parse_id


class RouteShape(StrEnum):
    SEED = "seed"  # POST {base}/voiceCalls/{id}/routeVoiceCall
    CONNECTOR = "connector"  # PATCH {base}/voiceCalls/route/{id}

    @property
    def other(self) -> RouteShape:
        return RouteShape.CONNECTOR if self is RouteShape.SEED else RouteShape.SEED


class BodyFormat(StrEnum):
    JSON = "json"
    XML = "xml"


class FlowInputsAs(StrEnum):
    OBJECT = "object"  # {"Input1": "one"}, as Salesforce's examples send them
    STRING = "string"  # the same object JSON-encoded into a string, as the reference table types it


class DirectoryOrigin(StrEnum):
    """Where the directory comes from (`directory_source`; see `app.core.directory.sources`)."""

    NONE = "none"  # the rep pastes IDs
    DEMO = "demo"  # the bundled demo directory (a classroom profile may want it)
    FILE = "file"  # an admin's JSON or CSV file
    SALESFORCE = "salesforce"  # the org's REST API


class SigningMethod(StrEnum):
    """Who signs the tokens (`signing`)."""

    KEYRING = "keyring"  # the Call Center's key in this PC's OS keyring
    OPENBAO = "openbao"  # OpenBao / HashiCorp Vault Transit holds the key; the rep signs in to it


class OpenBaoAuth(StrEnum):
    """How a rep signs in to OpenBao (`openbao_auth`); each method's mount is its own name."""

    OIDC = "oidc"  # the system browser at the company's identity provider
    USERPASS = "userpass"  # a password, asked each time, never stored
    APPROLE = "approle"  # kiosks and scripts: `openbao_role` holds the RoleID
    CERT = "cert"  # a client certificate
    TOKEN = "token"  # a token IT made

    @property
    def needs_role(self) -> bool:
        return self in (OpenBaoAuth.OIDC, OpenBaoAuth.APPROLE, OpenBaoAuth.CERT)


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything needed to reach one contact center's SCRT endpoint (secrets excepted)."""

    name: str
    base_url: str
    org_id: str
    call_center: str
    provider_name: str = ""
    route_shape: RouteShape = RouteShape.SEED
    body_format: BodyFormat = BodyFormat.JSON
    flow_inputs_as: FlowInputsAs = FlowInputsAs.OBJECT
    timeout_s: float = 10.0
    directory_source: DirectoryOrigin = DirectoryOrigin.NONE
    directory_file: str = ""
    salesforce_login_url: str = "https://login.salesforce.com"
    salesforce_consumer_key: str = ""
    salesforce_username: str = ""
    salesforce_api_version: str = "62.0"
    presence_refresh_s: float = 30.0
    # What a telephony vendor's contact ID looks like (a regular expression the whole ID must
    # match); empty: one word, no spaces. E.g. "[0-9a-f-]{36}" for Amazon Connect's UUIDs.
    contact_id_pattern: str = ""
    # A classroom profile: plain http:// to the trainer's simulator on another computer is
    # allowed, and the window says TRAINING. Never for a real contact center.
    training: bool = False
    # Who signs the tokens: the Call Center's key in this PC's keyring, or OpenBao / HashiCorp
    # Vault Transit, which holds the key (no key on the PC; the rep signs in to OpenBao instead).
    signing: SigningMethod = SigningMethod.KEYRING
    openbao_url: str = ""
    openbao_transit_mount: str = "transit"
    openbao_key: str = ""
    openbao_auth: OpenBaoAuth = OpenBaoAuth.OIDC
    openbao_role: str = ""
    openbao_namespace: str = ""
    openbao_ca_file: str = ""  # else the OS trust store

    def __post_init__(self) -> None:
        # Code (tests, the settings form) may pass plain strings: the profile holds enums.
        for key, choice in CHOICES.items():
            object.__setattr__(self, key, choice(getattr(self, key)))

    def to_toml_table(self) -> dict[str, Any]:
        table = asdict(self)
        del table["name"]
        return {key: str(value) if isinstance(value, StrEnum) else value for key, value in table.items()}


KEYS = tuple(f.name for f in fields(Profile) if f.name != "name")
REQUIRED_KEYS = ("base_url", "org_id", "call_center")
# The keys that take one of a few words (their enum), and the keys that take seconds (their range).
CHOICES: dict[str, type[StrEnum]] = {"route_shape": RouteShape, "body_format": BodyFormat,
                                     "flow_inputs_as": FlowInputsAs, "directory_source": DirectoryOrigin,
                                     "signing": SigningMethod, "openbao_auth": OpenBaoAuth}
SECONDS_RANGES = {"timeout_s": (1, 120), "presence_refresh_s": (10, 3600)}
_TEXT_LIMITS = {"directory_file": 1000, "salesforce_consumer_key": 255, "salesforce_username": 255,
                "openbao_ca_file": 1000}
_OPENBAO_NAME_KEYS = ("openbao_transit_mount", "openbao_key", "openbao_role")
_OPENBAO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")  # a mount, key or role name (or a RoleID)
_OPENBAO_NAMESPACE = re.compile(r"[A-Za-z0-9_.-]{1,64}(/[A-Za-z0-9_.-]{1,64}){0,7}/?")
_API_VERSION = re.compile(r"[1-9][0-9]\.0")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CALL_CENTER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")
_HEADER_TEXT = re.compile(r"[\x20-\x7e]{0,255}")  # what an HTTP header value can carry as is
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_SALESFORCE_DOMAINS = (".salesforce.com", ".salesforce-scrt.com", ".force.com", ".sfdc.net")


def keys_that_apply(profile: Profile) -> frozenset[str]:
    """The keys this profile uses: the others are ignored with its choices (a directory file with no
    file source, OpenBao's keys with a key in the keyring). The settings form shows these."""
    unused: set[str] = set()
    if profile.directory_source is not DirectoryOrigin.FILE:
        unused.add("directory_file")
    if profile.directory_source is not DirectoryOrigin.SALESFORCE:
        unused.update(key for key in KEYS if key.startswith("salesforce_") or key == "presence_refresh_s")
    if profile.signing is not SigningMethod.OPENBAO:
        unused.update(key for key in KEYS if key.startswith("openbao_"))
    elif not profile.openbao_auth.needs_role:
        unused.add("openbao_role")
    if profile.body_format is BodyFormat.XML:
        unused.add("flow_inputs_as")  # XML bodies always carry flow inputs as entries
    return frozenset(KEYS) - unused


def validate_profile(profile: Profile) -> Profile:
    """Check a profile built in code (the settings window) by the same rules as the file;
    raises the first problem as an `InputError` naming the key."""
    checked, problems = parse_profile(profile.name, profile.to_toml_table())
    if problems:
        raise problems[0]
    assert checked is not None
    return checked


def parse_profile(name: str, table: Any) -> tuple[Profile | None, list[PanelError]]:
    """A `[profiles.<name>]` table as read from TOML: the profile, or every problem in it."""
    if not _PROFILE_NAME.fullmatch(name):
        return None, [InputError(Problem.PROFILE_BAD_NAME, profile=name[:80])]
    if not isinstance(table, dict):
        return None, [InputError(Problem.PROFILE_NOT_TABLE, profile=name)]
    problems: list[PanelError] = []
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            problems.append(InputError(Problem.PROFILE_UNKNOWN_KEY, profile=name, key=str(key)[:80],
                                       suggestion=close[0] if close else None))
    problems += [InputError(Problem.PROFILE_MISSING_KEY, profile=name, key=key)
                 for key in REQUIRED_KEYS if key not in table]
    values = {key: table[key] for key in KEYS if key in table}
    training = values.get("training") is True
    for key, value in values.items():
        if (problem := _value_problem(key, value, training)) is not None:
            code, params = problem
            error = InputError(code, profile=name, key=key, value=_shown(value))
            error.params.update(params)
            problems.append(error)
        if key == "org_id" and isinstance(value, str):
            try:
                parse_id(value, key)
            except InvalidIdError as error:
                problems.append(InputError(Problem.VALUE_BAD_ID, profile=name, key=key, value=_shown(value),
                                           details=(error,)))
    problems += [InputError(Problem.PROFILE_NEEDS_KEY, profile=name, key=key, by=by, source=source)
                 for key, by, source in _missing_for_directory(values) + _missing_for_signing(values)]
    if problems:
        return None, problems
    values["org_id"] = parse_id(values["org_id"]).value
    for key in ("base_url", "salesforce_login_url", "openbao_url"):
        if key in values:
            values[key] = values[key].rstrip("/")
    for key in SECONDS_RANGES:
        if key in values:
            values[key] = float(values[key])
    for key, choice in CHOICES.items():
        if key in values:
            values[key] = choice(values[key])
    return Profile(name=name, **values), []


def _shown(value: Any) -> ParamValue:
    """A value as a problem quotes it (bounded: a pasted book is not repeated back)."""
    if isinstance(value, bool | int | float):
        return value
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:79] + "…"


Needed = tuple[str, str, str]  # the missing key, the key that needs it, and that key's value


def _missing_for_directory(values: dict[str, Any]) -> list[Needed]:
    """Keys the chosen directory source needs together."""
    source = values.get("directory_source", DirectoryOrigin.NONE)
    if source == DirectoryOrigin.FILE:
        needed = ["directory_file"]
    elif source == DirectoryOrigin.SALESFORCE:
        needed = ["salesforce_consumer_key", "salesforce_username"]
    else:
        needed = []
    return [(key, "directory_source", str(source)) for key in needed if not values.get(key)]


def _missing_for_signing(values: dict[str, Any]) -> list[Needed]:
    """Keys that signing through OpenBao needs together (the role only for the methods that use one)."""
    if values.get("signing", SigningMethod.KEYRING) != SigningMethod.OPENBAO:
        return []
    missing = [(key, "signing", str(SigningMethod.OPENBAO)) for key in ("openbao_url", "openbao_key")
               if not values.get(key)]
    auth = values.get("openbao_auth", OpenBaoAuth.OIDC)
    if auth in [str(method) for method in OpenBaoAuth if method.needs_role] and not values.get("openbao_role"):
        missing.append(("openbao_role", "openbao_auth", str(auth)))
    return missing


Finding = tuple[Problem, dict[str, ParamValue]]


def _value_problem(key: str, value: Any, training: bool) -> Finding | None:
    """Why a value is unacceptable (a code and what its message needs), or None."""
    if key == "training":
        return None if isinstance(value, bool) else (Problem.VALUE_NOT_BOOL, {})
    if key in SECONDS_RANGES:
        low, high = SECONDS_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return Problem.VALUE_NOT_SECONDS, {}
        return None if low <= value <= high else (Problem.VALUE_OUT_OF_RANGE, {"low": low, "high": high})
    if not isinstance(value, str):
        return Problem.VALUE_NOT_STRING, {}
    if key in CHOICES:
        choices = [str(choice) for choice in CHOICES[key]]
        return None if value in choices else (Problem.VALUE_NOT_A_CHOICE, {"choices": ", ".join(choices)})
    if key == "base_url":
        return _training_url_problem(value) if training else url_problem(value, key)
    if key == "salesforce_login_url":
        return url_problem(value, key)
    if key == "openbao_url":  # needed only with signing = "openbao" (_missing_for_signing)
        return url_problem(value, key) if value else None
    if key in _OPENBAO_NAME_KEYS:
        optional = key != "openbao_transit_mount"  # the key and the role are checked by _missing_for_signing
        return None if _OPENBAO_NAME.fullmatch(value) or (optional and not value) else (
            Problem.VALUE_NOT_OPENBAO_NAME, {"limit": 128})
    if key == "openbao_namespace":
        return None if not value or _OPENBAO_NAMESPACE.fullmatch(value) else (Problem.VALUE_NOT_NAMESPACE, {})
    if key == "org_id":
        try:
            org_id = parse_id(value, "org_id")
        except InvalidIdError:
            return None  # the ID's own problem is reported with its details (parse_profile)
        return None if org_id.kind is IdKind.ORGANIZATION else (Problem.VALUE_NOT_ORG_ID, {})
    if key == "call_center":
        return None if _CALL_CENTER_NAME.fullmatch(value) else (Problem.VALUE_NOT_API_NAME, {})
    if key == "provider_name":  # sent as the Telephony-Provider-Name header
        return None if _HEADER_TEXT.fullmatch(value) else (Problem.VALUE_NOT_HEADER_TEXT, {"limit": 255})
    if key in _TEXT_LIMITS:
        limit = _TEXT_LIMITS[key]
        return None if value.isprintable() and len(value) <= limit else (Problem.VALUE_NOT_PRINTABLE, {"limit": limit})
    if key == "salesforce_api_version":
        return None if _API_VERSION.fullmatch(value) else (Problem.VALUE_NOT_API_VERSION, {})
    if key == "contact_id_pattern":
        return _pattern_problem(value)
    raise AssertionError(f"no rule for profile key {key}")  # every key of Profile has one (tested)


_MAX_PATTERN = 200


def _pattern_problem(pattern: str) -> Finding | None:
    if len(pattern) > _MAX_PATTERN:
        return Problem.VALUE_NOT_PATTERN, {"limit": _MAX_PATTERN, "reason": "too long"}
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return Problem.VALUE_NOT_PATTERN, {"limit": _MAX_PATTERN, "reason": str(getattr(error, "msg", error))[:80]}
    return None


def contact_id_matcher(profile: Profile) -> re.Pattern[str]:
    """The profile's rule for the vendor's contact IDs (validated when the profile was read)."""
    from app.core.routing.request import DEFAULT_CONTACT_ID

    return re.compile(profile.contact_id_pattern) if profile.contact_id_pattern else DEFAULT_CONTACT_ID


def url_problem(url: str, key: str, plain_http_anywhere: bool = False) -> Finding | None:
    """Why `url` cannot be a base URL the panel sends to, or None. Every URL that passes can be
    requested: printable ASCII only, a host name or address, a port that exists."""
    if len(url) > 2000 or not re.fullmatch(r"[\x21-\x7e]+", url):
        return Problem.VALUE_URL_HOST, {}
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return Problem.VALUE_URL_HOST, {}
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return Problem.VALUE_NOT_URL, {"example": key}
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return Problem.VALUE_URL_QUERY, {}
    if parts.username is not None or parts.password is not None:
        return Problem.VALUE_URL_CREDENTIALS, {}
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        return Problem.VALUE_URL_PORT, {}
    if not _valid_host(parts.hostname):
        return Problem.VALUE_URL_HOST, {}
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not plain_http_anywhere:
        return Problem.VALUE_URL_PLAIN_HTTP, {}
    return None


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def _training_url_problem(url: str) -> Finding | None:
    """A training profile talks to a classroom simulator: never Salesforce, plain http only in a closed network."""
    if problem := url_problem(url, "training_url", plain_http_anywhere=True):
        return problem
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(_SALESFORCE_DOMAINS):
        return Problem.VALUE_TRAINING_SALESFORCE, {}
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # the trainer PC's name on the training network
    return (Problem.VALUE_TRAINING_PUBLIC, {}) if address.is_global else None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
