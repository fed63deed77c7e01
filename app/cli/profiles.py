"""`transfer-panel profiles …`: what is configured, and whether it can work."""

from __future__ import annotations

import argparse

import tomli_w

from app.cli import output
from app.cli.common import config_of
from app.core.credentials import CredentialsDesk
from app.core.errors import CredentialError, Problem


def run_list(args: argparse.Namespace) -> int:
    config = config_of(args)
    if not config.profiles:
        output.say(f"No profiles in {config.path}.")
    for profile in config.profiles.values():
        output.say(f"{profile.name}\t{profile.base_url}\t{profile.route_shape}/{profile.body_format}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """The profile as TOML (valid: it can be pasted into a config file)."""
    profile = config_of(args).profile(args.profile)
    output.say(tomli_w.dumps({"profiles": {profile.name: profile.to_toml_table()}}).rstrip())
    return 0


def run_check(args: argparse.Namespace) -> int:
    config = config_of(args)  # raises with every problem listed
    output.say(f"{config.path}: {len(config.profiles)} profile(s), no problems.")
    for name, key in config.ignored:
        output.say(f"  note: [profiles.{name}] {key} is set by your IT department ({config.site_path}); the value in "
                   f"{config.path} is ignored.")
    for name, keys in sorted(config.locked.items()):
        output.say(f"  {name}: managed by IT ({config.site_path}): {', '.join(sorted(keys))}")
    credentials = CredentialsDesk()
    missing = [name for name in config.profiles if not credentials.is_stored(name)]
    for name in config.profiles:
        output.say(f"  {name}: key {'MISSING' if name in missing else 'stored'} in {credentials.backend_name()}")
    if missing:
        output.say(f"Store a key with: transfer-panel credentials set --profile {missing[0]} --key-file KEY.pem")
        return CredentialError(Problem.SECRET_MISSING).exit_code
    return 0
