"""The TOML files that hold profiles: where they are, reading them (bounded), merging IT's over
the user's, and writing the user's.

One `[profiles.<name>]` table per profile. The user's file is found, in order, at
`--config PATH`, at `$TRANSFER_PANEL_CONFIG`, or in the user config directory
(platformdirs). IT may also manage a site-wide file (platformdirs' site config directory,
or `$TRANSFER_PANEL_SITE_CONFIG`) with the same tables, each optionally with
`locked = true` (every key) or `locked = ["base_url", ...]`: the user's file then
completes or overrides its profiles except for locked keys, which always keep IT's value.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError, InputError, PanelError, Problem
from app.core.private_files import write_private_file
from app.core.profile import KEYS, Profile, parse_profile, validate_profile

APP_NAME = "transfer-panel"
CONFIG_ENV_VAR = "TRANSFER_PANEL_CONFIG"
SITE_CONFIG_ENV_VAR = "TRANSFER_PANEL_SITE_CONFIG"
MAX_CONFIG_BYTES = 1024 * 1024  # a config with every key of 100 profiles is about 100 KiB


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    profiles: dict[str, Profile]
    locked: dict[str, frozenset[str]] = field(default_factory=dict)  # profile -> keys IT manages
    site_path: Path | None = None
    ignored: tuple[tuple[str, str], ...] = ()  # (profile, key): the user's value for a locked key, not used

    def is_locked(self, profile_name: str, key: str) -> bool:
        """Whether IT's site file decides this key (it cannot be changed here)."""
        return key in self.locked.get(profile_name, ())

    def profile(self, name: str | None) -> Profile:
        """The named profile; with no name, the only one (or an error saying which exist)."""
        if name is None:
            if len(self.profiles) == 1:
                return next(iter(self.profiles.values()))
            if not self.profiles:
                raise ConfigError(Problem.CONFIG_NO_PROFILE, path=str(self.path))
            raise ConfigError(Problem.CONFIG_CHOOSE_PROFILE, count=len(self.profiles),
                              names=", ".join(sorted(self.profiles)))
        try:
            return self.profiles[name]
        except KeyError:
            raise ConfigError(Problem.CONFIG_UNKNOWN_PROFILE, path=str(self.path), name=name[:80],
                              known=", ".join(sorted(self.profiles))) from None


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


def read_document(path: Path) -> dict[str, Any] | None:
    """A config file as TOML (None when it does not exist). Bounded: only a regular file of at most
    `MAX_CONFIG_BYTES` is read, and nesting too deep for the parser is refused, not a crash."""
    try:
        # Without O_NONBLOCK, opening a FIFO waits for a writer forever; a regular file ignores it.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)),
                       "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise ConfigError(Problem.CONFIG_UNREADABLE, path=str(path), reason="not a regular file")
            data = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(Problem.CONFIG_UNREADABLE, path=str(path), reason="it is a folder") from None
    except OSError as error:
        raise ConfigError(Problem.CONFIG_UNREADABLE, path=str(path), reason=error.strerror or type(error).__name__
                          ) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(Problem.CONFIG_TOO_BIG, path=str(path), limit_kib=MAX_CONFIG_BYTES // 1024)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(Problem.CONFIG_UNREADABLE, path=str(path), reason="not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(Problem.CONFIG_NOT_TOML, path=str(path), detail=str(error)) from None
    except RecursionError:
        raise ConfigError(Problem.CONFIG_TOO_DEEP, path=str(path)) from None


def _read_tables(path: Path, problems: list[PanelError]) -> dict[str, Any]:
    """The `[profiles.*]` tables of one file ({} when it does not exist)."""
    document = read_document(path)
    if document is None:
        return {}
    problems += [InputError(Problem.CONFIG_UNKNOWN_TOP_KEY, file=str(path), key=key[:80])
                 for key in document if key != "profiles"]
    tables = document.get("profiles", {})
    if not isinstance(tables, dict) or not all(isinstance(table, dict) for table in tables.values()):
        problems.append(InputError(Problem.CONFIG_PROFILES_NOT_TABLES, file=str(path)))
        return {}
    return tables


def _locked_keys(name: str, table: dict[str, Any], path: Path, problems: list[PanelError]) -> frozenset[str]:
    locked = table.pop("locked", False)
    if locked is True:
        return frozenset(KEYS)
    if locked is False:
        return frozenset()
    if isinstance(locked, list) and all(isinstance(key, str) for key in locked):
        if unknown := [key for key in locked if key not in KEYS]:
            problems.append(InputError(Problem.CONFIG_LOCKED_UNKNOWN, file=str(path), profile=name,
                                       keys=", ".join(unknown)[:200]))
        return frozenset(key for key in locked if key in KEYS)
    problems.append(InputError(Problem.CONFIG_LOCKED_INVALID, file=str(path), profile=name))
    return frozenset()


def load_config(path: Path, site_path: Path | None = None) -> Config:
    """Read and validate the user's config file merged over IT's site file (see the module
    docstring). Missing files are empty configurations; every problem is reported at once."""
    site_path = site_path or site_config_path()
    problems: list[PanelError] = []
    site_tables = _read_tables(site_path, problems)
    user_tables = _read_tables(path, problems)
    locked = {name: _locked_keys(name, table, site_path, problems) for name, table in site_tables.items()}
    profiles, ignored = {}, []
    for name in {**site_tables, **user_tables}:
        site_table, user_table = site_tables.get(name, {}), user_tables.get(name, {})
        keep = locked.get(name, frozenset())
        ignored += [(name, key) for key in sorted(keep & user_table.keys()) if user_table[key] != site_table.get(key)]
        merged = {**site_table, **{k: v for k, v in user_table.items() if k not in keep}}
        profile, profile_problems = parse_profile(name, merged)
        problems.extend(profile_problems)
        if profile is not None:
            profiles[name] = profile
    if problems:
        raise ConfigError(Problem.CONFIG_INVALID, path=str(path), count=len(problems), details=tuple(problems))
    return Config(path, profiles, {name: keys for name, keys in locked.items() if keys}, site_path, tuple(ignored))


def save_profile(path: Path, profile: Profile, locked: frozenset[str] = frozenset()) -> None:
    """Add or replace one profile in the user's config file, keeping the others. Keys IT
    locked are left out: the site file decides them. A file that cannot be read as TOML is
    not overwritten (that would lose what the user or IT wrote in it)."""
    import tomli_w  # deferred: only the settings window and tests write the file

    validate_profile(profile)
    document = read_document(path) or {}
    tables = document.setdefault("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(Problem.CONFIG_PROFILES_NOT_TABLES, file=str(path))
    tables[profile.name] = {k: v for k, v in profile.to_toml_table().items() if k not in locked}
    try:
        write_private_file(path, tomli_w.dumps(document).encode("utf-8"))
    except OSError as error:
        raise ConfigError(Problem.CONFIG_NOT_SAVED, path=str(path), reason=error.strerror or type(error).__name__
                          ) from None
