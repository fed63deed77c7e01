"""`transfer-panel profiles …`: what is configured, and whether it can work."""

from __future__ import annotations

import argparse

import tomli_w

from app.cli import output
from app.cli.common import config_of
from app.core.config_files import save_profile
from app.core.credentials import CredentialsDesk
from app.core.errors import ConfigError, CredentialError, InputError, Problem
from app.core.profile import SigningMethod


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
    if not config.profiles and not config.path.exists() and not (config.site_path and config.site_path.exists()):
        raise ConfigError(Problem.CONFIG_NOT_FOUND, path=str(config.path), site_path=str(config.site_path))
    output.say(f"{config.path}: {len(config.profiles)} profile(s), no problems.")
    for name, key in config.ignored:
        output.say(f"  note: [profiles.{name}] {key} is set by your IT department ({config.site_path}); the value in "
                   f"{config.path} is ignored.")
    for name, keys in sorted(config.locked.items()):
        output.say(f"  {name}: managed by IT ({config.site_path}): {', '.join(sorted(keys))}")
    credentials = CredentialsDesk()
    keyring_signed = [name for name, profile in config.profiles.items() if profile.signing is SigningMethod.KEYRING]
    missing = [name for name in keyring_signed if not credentials.is_stored(name)]
    for name in config.profiles:
        if name in keyring_signed:
            output.say(f"  {name}: key {'MISSING' if name in missing else 'stored'} in {credentials.backend_name()}")
        else:
            output.say(f"  {name}: key none needed: OpenBao signs")
    if missing:
        output.say(f"Store a key with: transfer-panel credentials set --profile {missing[0]} --key-file KEY.pem")
        return CredentialError(Problem.SECRET_MISSING).exit_code
    return 0


def run_add(args: argparse.Namespace) -> int:
    """A profile from options: checked by the same rules as the file, then written (0600)."""
    import tomllib

    from app.core.profile import parse_profile

    config = config_of(args)
    if args.name in config.profiles and not args.replace:
        raise InputError(Problem.PROFILE_EXISTS, profile=args.name, path=str(config.path))
    table: dict[str, object] = {"base_url": args.base_url, "org_id": args.org_id, "call_center": args.call_center}
    for pair in args.set:
        key, separator, value = pair.partition("=")
        try:
            if not separator:
                raise ValueError("no '='")
            table[key.strip()] = tomllib.loads(f"value = {value}")["value"]
        except (ValueError, RecursionError) as error:
            raise InputError(Problem.PROFILE_SET_SYNTAX, text=pair[:80], reason=str(error)[:80]) from None
    profile, problems = parse_profile(args.name, table)
    if profile is None:
        first, *others = problems
        raise InputError(first.code, details=tuple(others), **first.params)
    save_profile(config.path, profile, config.locked.get(profile.name, frozenset()))
    if profile.signing is SigningMethod.OPENBAO:  # no key on this PC: the rep signs in to OpenBao
        next_step = f"transfer-panel credentials login --profile {profile.name}"
    else:
        next_step = (f"transfer-panel credentials generate --profile {profile.name} --cert-out {profile.name}.crt "
                     "(or credentials set --key-file KEY.pem)")
    output.say(f"Added profile '{profile.name}' to {config.path}. Next: {next_step}.")
    return 0
