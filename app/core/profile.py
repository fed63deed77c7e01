"""Connection profiles and the TOML config files that hold them.

One `[profiles.<name>]` table per profile. The user's file is found, in order, at
`--config PATH`, at `$TRANSFER_PANEL_CONFIG`, or in the user config directory
(platformdirs). IT may also manage a site-wide file (platformdirs' site config directory,
or `$TRANSFER_PANEL_SITE_CONFIG`) with the same tables, each optionally with
`locked = true` (every key) or `locked = ["base_url", ...]`: the user's file then
completes or overrides its profiles except for locked keys, which always keep IT's value.
Every problem is reported with the key it concerns and how to fix it; unknown keys are
errors, so a typo never silently falls back to a default.
"""

import difflib
import ipaddress
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.core.errors import ConfigError
from app.core.ids import IdKind, InvalidIdError, parse_id

APP_NAME = "transfer-panel"
CONFIG_ENV_VAR = "TRANSFER_PANEL_CONFIG"
SITE_CONFIG_ENV_VAR = "TRANSFER_PANEL_SITE_CONFIG"
ROUTE_SHAPES = ("seed", "connector")
BODY_FORMATS = ("json", "xml")
FLOW_INPUTS_AS = ("object", "string")
DIRECTORY_SOURCES = ("none", "file", "salesforce")
_API_VERSION = re.compile(r"[1-9][0-9]\.0")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CALL_CENTER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything needed to reach one contact center's SCRT endpoint (secrets excepted)."""

    name: str
    base_url: str
    org_id: str
    call_center: str
    provider_name: str = ""
    route_shape: str = "seed"
    body_format: str = "json"
    flow_inputs_as: str = "object"
    timeout_s: float = 10.0
    # Where the directory comes from: nothing (paste IDs), an admin's file, or the org.
    directory_source: str = "none"
    directory_file: str = ""
    salesforce_login_url: str = "https://login.salesforce.com"
    salesforce_consumer_key: str = ""
    salesforce_username: str = ""
    salesforce_api_version: str = "62.0"
    presence_refresh_s: float = 30.0
    # A classroom profile: plain http:// to the trainer's simulator on another computer is
    # allowed, and the window says TRAINING. Never for a real contact center.
    training: bool = False

    def to_toml_table(self) -> dict[str, Any]:
        table = asdict(self)
        del table["name"]
        return table


_KEYS = tuple(f.name for f in fields(Profile) if f.name != "name")
_REQUIRED = ("base_url", "org_id", "call_center")


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    profiles: dict[str, Profile]
    locked: dict[str, frozenset[str]] = field(default_factory=dict)  # profile -> keys IT manages
    site_path: Path | None = None
    ignored: tuple[str, ...] = ()  # the user's values for locked keys, said once each

    def lock_reason(self, profile_name: str, key: str) -> str | None:
        """Why a key cannot be changed here, or None when it can."""
        if key in self.locked.get(profile_name, ()):
            return f"Set by your IT department in {self.site_path}; it cannot be changed here."
        return None

    def profile(self, name: str | None) -> Profile:
        """The named profile; with no name, the only one (or an error saying which exist)."""
        if name is None:
            if len(self.profiles) == 1:
                return next(iter(self.profiles.values()))
            if not self.profiles:
                raise ConfigError(
                    f"No profile is configured in {self.path}. Add a [profiles.<name>] table "
                    "(see the README's configuration reference) or use --demo."
                )
            raise ConfigError(
                f"{len(self.profiles)} profiles are configured ({', '.join(sorted(self.profiles))}): "
                "choose one with --profile NAME."
            )
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(
                f"There is no profile {name!r} in {self.path} (configured: {known})."
            ) from None


def default_config_path() -> Path:
    from platformdirs import user_config_path  # deferred: not needed for the first paint

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def site_config_path() -> Path:
    if env_path := os.environ.get(SITE_CONFIG_ENV_VAR):
        return Path(env_path).expanduser()
    from platformdirs import site_config_path as platform_site_config

    return platform_site_config(APP_NAME, appauthor=False) / "config.toml"


def resolve_config_path(cli_path: str | os.PathLike[str] | None = None) -> Path:
    if cli_path:
        return Path(cli_path).expanduser()
    if env_path := os.environ.get(CONFIG_ENV_VAR):
        return Path(env_path).expanduser()
    return default_config_path()


def _read_tables(path: Path, problems: list[str]) -> dict[str, Any]:
    """The `[profiles.*]` tables of one file ({} when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Cannot read the config file {path}: {error}.") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"The config file {path} is not valid TOML: {error}.") from None
    for key in document:
        if key != "profiles":
            problems.append(f"{path}: unknown top-level key {key!r}: profiles go in [profiles.<name>] tables")
    tables = document.get("profiles", {})
    if not isinstance(tables, dict) or not all(isinstance(table, dict) for table in tables.values()):
        problems.append(f"{path}: 'profiles' must hold [profiles.<name>] tables")
        return {}
    return tables


def _locked_keys(name: str, table: dict[str, Any], path: Path, problems: list[str]) -> frozenset[str]:
    locked = table.pop("locked", False)
    if locked is True:
        return frozenset(_KEYS)
    if locked is False:
        return frozenset()
    if isinstance(locked, list) and all(isinstance(key, str) for key in locked):
        unknown = [key for key in locked if key not in _KEYS]
        if unknown:
            problems.append(f"{path}: [profiles.{name}] locked names unknown keys: {', '.join(unknown)}")
        return frozenset(key for key in locked if key in _KEYS)
    problems.append(f"{path}: [profiles.{name}] locked must be true or a list of key names")
    return frozenset()


def load_config(path: Path, site_path: Path | None = None) -> Config:
    """Read and validate the user's config file merged over IT's site file (see the module
    docstring). Missing files are empty configurations."""
    site_path = site_path or site_config_path()
    problems: list[str] = []
    site_tables = _read_tables(site_path, problems)
    user_tables = _read_tables(path, problems)
    locked = {name: _locked_keys(name, table, site_path, problems) for name, table in site_tables.items()}
    profiles, ignored = {}, []
    for name in {**site_tables, **user_tables}:
        site_table, user_table = site_tables.get(name, {}), user_tables.get(name, {})
        keep = locked.get(name, frozenset())
        for key in sorted(keep & user_table.keys()):
            if user_table[key] != site_table.get(key):
                ignored.append(f"[profiles.{name}] {key} is set by your IT department ({site_path}); "
                               f"the value in {path} is ignored.")
        merged = {**site_table, **{k: v for k, v in user_table.items() if k not in keep}}
        profile, profile_problems = _parse_profile(name, merged)
        problems.extend(profile_problems)
        if profile is not None:
            profiles[name] = profile
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise ConfigError(f"The config file {path} has {len(problems)} problem(s):\n{listing}")
    return Config(path, profiles, {name: keys for name, keys in locked.items() if keys}, site_path, tuple(ignored))


def validate_profile(profile: Profile) -> Profile:
    """Check a profile built in code (the settings window) by the same rules as the file."""
    checked, problems = _parse_profile(profile.name, profile.to_toml_table())
    if problems:
        raise ConfigError("; ".join(problems))
    assert checked is not None
    return checked


def save_profile(path: Path, profile: Profile, locked: frozenset[str] = frozenset()) -> None:
    """Add or replace one profile in the user's config file, keeping the others. Keys IT
    locked are left out: the site file decides them."""
    import tomli_w  # deferred: only the settings window and tests write the file

    validate_profile(profile)
    document: dict[str, Any] = {"profiles": {}}
    if path.exists():
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        document.setdefault("profiles", {})
    document["profiles"][profile.name] = {k: v for k, v in profile.to_toml_table().items() if k not in locked}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text(tomli_w.dumps(document), encoding="utf-8")
    temporary.replace(path)  # atomic: a crash never leaves a half-written config


def _parse_profile(name: str, table: Any) -> tuple[Profile | None, list[str]]:
    where = f"[profiles.{name}]"
    if not _PROFILE_NAME.fullmatch(name):
        return None, [f"{where}: profile names use letters, digits, '-' and '_' (at most 64)"]
    if not isinstance(table, dict):
        return None, [f"{where} must be a table of keys"]
    problems = []
    for key in table:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(_KEYS)}"
            problems.append(f"{where} unknown key {key!r}: {hint}")
    for key in _REQUIRED:
        if key not in table:
            problems.append(f"{where} {key} is missing: {_HINTS[key]}")
    values = {key: table[key] for key in _KEYS if key in table}
    for key, value in values.items():
        if problem := _check_value(key, value, training=values.get("training") is True):
            problems.append(f"{where} {key} = {value!r}: {problem}")
    problems.extend(f"{where} {problem}" for problem in _directory_problems(values))
    if problems:
        return None, problems
    values["org_id"] = parse_id(values["org_id"]).value
    values["base_url"] = values["base_url"].rstrip("/")
    for key in ("timeout_s", "presence_refresh_s"):
        if key in values:
            values[key] = float(values[key])
    if "salesforce_login_url" in values:
        values["salesforce_login_url"] = values["salesforce_login_url"].rstrip("/")
    return Profile(name=name, **values), []


_HINTS = {
    "base_url": "the SCRT base URL, e.g. https://<MyDomain>.my.salesforce-scrt.com/telephony/v1",
    "org_id": "the 15- or 18-character org ID (00D…) from Setup > Company Information",
    "call_center": "the Call Center's API name, e.g. HVCC",
    "salesforce_login_url": "https://login.salesforce.com, https://test.salesforce.com or your My Domain URL",
}


def _directory_problems(values: dict[str, Any]) -> list[str]:
    """Keys the chosen directory source needs together."""
    source = values.get("directory_source", "none")
    if source == "file" and not values.get("directory_file"):
        return ["directory_file is missing: the path of the JSON or CSV directory file "
                "(directory_source = \"file\" needs it)"]
    if source == "salesforce":
        return [f"{key} is missing: {hint} (directory_source = \"salesforce\" needs it)"
                for key, hint in (("salesforce_consumer_key", "the connected app's consumer key"),
                                  ("salesforce_username", "the integration user's username"))
                if not values.get(key)]
    return []


def _check_value(key: str, value: Any, training: bool = False) -> str | None:
    """Why a value is unacceptable, or None when it is fine."""
    if key == "training":
        return None if isinstance(value, bool) else "must be true or false (no quotes)"
    if key in _SECONDS_RANGES:
        low, high = _SECONDS_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number of seconds"
        return None if low <= value <= high else f"must be between {low} and {high} seconds"
    if not isinstance(value, str):
        return "must be a string in quotes"
    if key == "base_url" and training:
        return _check_training_url(value)
    if key in ("base_url", "salesforce_login_url"):
        return _check_base_url(value, _HINTS[key])
    if key == "org_id":
        try:
            org_id = parse_id(value, "org_id")
        except InvalidIdError as error:
            return str(error)
        return None if org_id.kind is IdKind.ORGANIZATION else "must be an organization ID (00D…)"
    if key == "call_center":
        return None if _CALL_CENTER_NAME.fullmatch(value) else f"must be an API name: {_HINTS[key]}"
    if key in ("provider_name", "directory_file", "salesforce_consumer_key", "salesforce_username"):
        limit = 1000 if key == "directory_file" else 255
        return None if value.isprintable() and len(value) <= limit else f"must be printable, at most {limit} characters"
    if key == "salesforce_api_version":
        return None if _API_VERSION.fullmatch(value) else "must be an API version such as \"62.0\""
    choices = {"route_shape": ROUTE_SHAPES, "body_format": BODY_FORMATS, "flow_inputs_as": FLOW_INPUTS_AS,
               "directory_source": DIRECTORY_SOURCES}[key]
    return None if value in choices else f"must be one of {', '.join(choices)}"


_SECONDS_RANGES = {"timeout_s": (1, 120), "presence_refresh_s": (10, 3600)}


def _check_base_url(url: str, hint: str, plain_http_anywhere: bool = False) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"must be a full URL: {hint}"
    if parts.query or parts.fragment:
        return "must not have a query (?…) or fragment (#…)"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not plain_http_anywhere:
        return ("must use https:// (plain http is allowed only to this computer, e.g. a local simulator, "
                "or in a profile with training = true for a classroom simulator)")
    return None


_SALESFORCE_DOMAINS = (".salesforce.com", ".salesforce-scrt.com", ".force.com", ".sfdc.net")


def _check_training_url(url: str) -> str | None:
    """A training profile talks to a classroom simulator: never Salesforce, plain http only in a closed network."""
    if problem := _check_base_url(url, "the trainer's simulator, e.g. http://192.168.1.20:8765/telephony/v1",
                                  plain_http_anywhere=True):
        return problem
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(_SALESFORCE_DOMAINS):
        return "is Salesforce: a profile with training = true must point at a training simulator"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # the trainer PC's name on the training network
    if address.is_global:
        return ("is a public address: a training simulator belongs on a closed network "
                "(a private address such as 192.168.x.x or 10.x.x.x)")
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
