"""The TOML files that hold profiles: where they are, reading them (bounded), merging IT's over
the user's, placing each problem on its line, and writing the user's (only what reads back valid).

One `[profiles.<name>]` table per profile. The user's file is found, in order, at
`--config PATH`, at `$TRANSFER_PANEL_CONFIG`, or in the user config directory
(platformdirs). IT may also manage a site-wide file (platformdirs' site config directory,
or `$TRANSFER_PANEL_SITE_CONFIG`) with the same tables, each optionally with
`locked = true` (every key) or `locked = ["base_url", ...]`: the user's file then
completes or overrides its profiles except for locked keys, which always keep IT's value.
"""

from __future__ import annotations

import os
import re
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


def read_text(path: Path) -> str | None:
    """A config file's text (None when it does not exist): a regular file of at most `MAX_CONFIG_BYTES`,
    UTF-8. Anything else is a ConfigError saying what it is."""
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
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(Problem.CONFIG_UNREADABLE, path=str(path), reason="not UTF-8 text") from None


def parse_document(text: str, path: Path) -> dict[str, Any]:
    """A config file's text as TOML; ConfigError (with the `line` where the parser stopped) if it is not."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = re.search(r"at line ([0-9]+)", str(error))
        raise ConfigError(Problem.CONFIG_NOT_TOML, path=str(path), detail=str(error),
                          line=int(position[1]) if position else None) from None
    except RecursionError:
        raise ConfigError(Problem.CONFIG_TOO_DEEP, path=str(path)) from None


# ---- where a key is written: line numbers for the problems of a file -----------------------------
_KEY_PART_PATTERN = r"[A-Za-z0-9_-]+|\"[^\"\\]*\"|'[^']*'"  # a bare or quoted part of a dotted key
_KEY_PART = re.compile(_KEY_PART_PATTERN)
_KEY = re.compile(rf"\s*(?P<path>(?:{_KEY_PART_PATTERN})(?:\s*\.\s*(?:{_KEY_PART_PATTERN}))*)\s*=")
_TABLE_HEADER = re.compile(r"\s*\[(?!\[)(?P<path>[^\]]*)\]\s*(#.*)?")


def _lines(text: str) -> list[str]:
    """`text` split after each line feed (what TOML and its parser's line numbers count as a line)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _key_path(text: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART.findall(text))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Where each table and key is written (1-based lines): ("profiles", "emea") for a table header,
    ("profiles", "emea", "timeout_s") for a key in it. A help for reading problems, never a decision:
    what this line scanner cannot place (a key inside an inline table, a line of a multi-line string
    that looks like a key) has no line, or a wrong one that the parser's own checks never rely on."""
    places: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = ""
    for number, line in enumerate((line.rstrip("\r\n") for line in _lines(text)), start=1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = ""
            continue
        if header := _TABLE_HEADER.fullmatch(line):
            table = _key_path(header["path"])
            places.setdefault(table, number)
        elif key := _KEY.match(line):
            places.setdefault(table + _key_path(key["path"]), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes
    return places


# ---- reading: every problem at once, placed in its file ------------------------------------------
@dataclass(frozen=True, slots=True)
class ConfigReading:
    """The user's file and IT's as read: the valid profiles, and each problem with the `file` it is in
    and, where found, its `line` (parameters of the error). The settings window shows and repairs it."""

    config: Config
    problems: tuple[PanelError, ...]
    text: str | None  # the user's file (None: there is none yet)


class _File:
    """One file's `[profiles.*]` tables and where its keys are."""

    def __init__(self, path: Path, text: str | None, problems: list[PanelError]) -> None:
        self.path = path
        self.tables: dict[str, Any] = {}
        self.places = key_lines(text) if text else {}
        if text is None:
            return
        try:
            document = parse_document(text, path)
        except ConfigError as error:
            problems.append(self.placed(error))
            return
        problems += [self.placed(InputError(Problem.CONFIG_UNKNOWN_TOP_KEY, file=str(path), key=key[:80]), (key,))
                     for key in document if key != "profiles"]
        tables = document.get("profiles", {})
        if not isinstance(tables, dict) or not all(isinstance(table, dict) for table in tables.values()):
            problems.append(self.placed(InputError(Problem.CONFIG_PROFILES_NOT_TABLES, file=str(path)),
                                        ("profiles",)))
            return
        self.tables = tables

    def placed(self, error: PanelError, *paths: tuple[str, ...]) -> PanelError:
        """The error, with this file and the line of the first of `paths` written in it."""
        error.params.setdefault("file", str(self.path))
        line = next((self.places[path] for path in paths if path in self.places), error.params.get("line"))
        error.params["line"] = line
        return error


def _locked_keys(name: str, table: dict[str, Any], site: _File, problems: list[PanelError]) -> frozenset[str]:
    locked = table.pop("locked", False)
    if locked is True:
        return frozenset(KEYS)
    if locked is False:
        return frozenset()
    where = ("profiles", name, "locked")
    if isinstance(locked, list) and all(isinstance(key, str) for key in locked):
        if unknown := [key for key in locked if key not in KEYS]:
            problems.append(site.placed(InputError(Problem.CONFIG_LOCKED_UNKNOWN, file=str(site.path), profile=name,
                                                   keys=", ".join(unknown)[:200]), where))
        return frozenset(key for key in locked if key in KEYS)
    problems.append(site.placed(InputError(Problem.CONFIG_LOCKED_INVALID, file=str(site.path), profile=name), where))
    return frozenset()


def read_config(path: Path, site_path: Path | None = None, text: str | None = None) -> ConfigReading:
    """The user's config file merged over IT's site file (see the module docstring), with every
    problem found, each placed in its file; `text` checks an edit of the user's file instead of
    reading it. Missing files are empty configurations. A file that cannot be read at all (not a
    file, too big, not UTF-8) is a ConfigError."""
    site_path = site_path or site_config_path()
    problems: list[PanelError] = []
    site = _File(site_path, read_text(site_path), problems)
    user_text = read_text(path) if text is None else text
    user = _File(path, user_text, problems)
    locked = {name: _locked_keys(name, table, site, problems) for name, table in site.tables.items()}
    profiles, ignored = {}, []
    for name in {**site.tables, **user.tables}:
        site_table, user_table = site.tables.get(name, {}), user.tables.get(name, {})
        keep = locked.get(name, frozenset())
        ignored += [(name, key) for key in sorted(keep & user_table.keys()) if user_table[key] != site_table.get(key)]
        merged = {**site_table, **{k: v for k, v in user_table.items() if k not in keep}}
        profile, profile_problems = parse_profile(name, merged)
        for problem in profile_problems:
            key = str(problem.params.get("key", ""))
            by = str(problem.params.get("by", ""))
            in_user = (key in user_table and key not in keep) or (key not in site_table and name in user.tables)
            where = user if in_user else site
            problems.append(where.placed(problem, *(("profiles", name, k) for k in (key, by) if k),
                                         ("profiles", name)))
        if profile is not None:
            profiles[name] = profile
    config = Config(path, profiles, {name: keys for name, keys in locked.items() if keys}, site_path, tuple(ignored))
    return ConfigReading(config, tuple(problems), user_text)


def load_config(path: Path, site_path: Path | None = None) -> Config:
    """Read and validate the user's config file merged over IT's site file (see the module
    docstring). Missing files are empty configurations; every problem is reported at once."""
    reading = read_config(path, site_path)
    if whole_file := [problem for problem in reading.problems
                      if problem.code in (Problem.CONFIG_NOT_TOML, Problem.CONFIG_TOO_DEEP)]:
        raise whole_file[0]
    if reading.problems:
        raise ConfigError(Problem.CONFIG_INVALID, path=str(path), count=len(reading.problems),
                          details=reading.problems)
    return reading.config


# ---- writing: only what reads back valid, and checked after -------------------------------------
def save_profile(path: Path, profile: Profile, locked: frozenset[str] = frozenset(),
                 site_path: Path | None = None) -> Config:
    """Add or replace one profile in the user's config file, keeping the others (and the file's
    comments where its table can be found). Keys IT locked are left out: the site file decides them.
    Nothing is written unless the whole file then reads back without a problem (a file that is
    broken already stays as it is: `CONFIG_INVALID` lists its problems); the file is read again
    after writing and must give the profile saved. The configuration as read back."""
    import tomli_w  # deferred: only the settings window, `profiles add` and tests write the file

    validate_profile(profile)
    text = read_text(path)
    document = parse_document(text, path) if text is not None else {}
    tables = document.setdefault("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(Problem.CONFIG_PROFILES_NOT_TABLES, file=str(path))
    table = {k: v for k, v in profile.to_toml_table().items() if k not in locked}
    tables[profile.name] = table
    new_text = _with_table(text or "", profile.name, tomli_w.dumps({"profiles": {profile.name: table}}), document) \
        or tomli_w.dumps(document)
    return _write_checked(path, new_text, site_path, expected_profile=profile.name)


def save_config_text(path: Path, text: str, replacing: str | None, site_path: Path | None = None) -> Config:
    """Write the user's config file as edited in the settings window: only when it reads back
    without a problem, only over the text it was edited from (`replacing`; None: there was no file),
    and checked after writing. The configuration as read back."""
    if read_text(path) != replacing:
        raise ConfigError(Problem.CONFIG_CHANGED_MEANWHILE, path=str(path))
    return _write_checked(path, text, site_path)


def _write_checked(path: Path, text: str, site_path: Path | None, expected_profile: str | None = None) -> Config:
    """Write `text` if it reads back without a problem, then read the file again: it must hold `text`
    (and the profile `expected_profile` as `text` gives it), else CONFIG_NOT_APPLIED."""
    if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
        raise ConfigError(Problem.CONFIG_TOO_BIG, path=str(path), limit_kib=MAX_CONFIG_BYTES // 1024)
    planned = read_config(path, site_path, text)
    if planned.problems:
        raise ConfigError(Problem.CONFIG_INVALID, path=str(path), count=len(planned.problems),
                          details=planned.problems)
    try:
        write_private_file(path, text.encode("utf-8"))
    except OSError as error:
        raise ConfigError(Problem.CONFIG_NOT_SAVED, path=str(path), reason=error.strerror or type(error).__name__
                          ) from None
    written = read_config(path, site_path)
    if written.text != text or written.problems:
        raise ConfigError(Problem.CONFIG_NOT_APPLIED, path=str(path), what="the file")
    if expected_profile is not None and written.config.profiles.get(expected_profile) != \
            planned.config.profiles.get(expected_profile):
        raise ConfigError(Problem.CONFIG_NOT_APPLIED, path=str(path), what=f"profile '{expected_profile}'")
    return written.config


def _with_table(text: str, name: str, table_text: str, document: dict[str, Any]) -> str | None:
    """`text` with the `[profiles.<name>]` table replaced by `table_text` (or added at the end), the rest
    (comments included) untouched; None when that does not give `document` (the table is written in a
    way this cannot find: the caller writes the whole document instead)."""
    lines = _lines(text)
    header = key_lines(text).get(("profiles", name))
    if header is None:
        edited = text + ("\n" if text and not text.endswith("\n") else "") + ("\n" if text.strip() else "") + table_text
    else:
        end = header  # the table runs to the next header; comments and blank lines before that stay with it
        for index in range(header, len(lines)):
            if _TABLE_HEADER.fullmatch(lines[index].rstrip("\r\n")):
                break
            if lines[index].strip() and not lines[index].lstrip().startswith("#"):
                end = index + 1
        edited = "".join([*lines[:header - 1], table_text, *lines[end:]])
    try:
        return edited if tomllib.loads(edited) == document else None
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def renamed_key(text: str, line: int, old: str, new: str) -> str:
    """`text` with the key `old` on `line` (1-based) renamed `new`: the settings window's fix for a typo
    such as `timout_s` (the same text when that line does not start with the key)."""
    lines = _lines(text)
    if not 1 <= line <= len(lines):
        return text
    fixed = re.sub(rf"^(\s*)([\"']?){re.escape(old)}\2(\s*=)", lambda match: f"{match[1]}{new}{match[3]}",
                   lines[line - 1], count=1)
    return "".join([*lines[:line - 1], fixed, *lines[line:]])
