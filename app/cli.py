"""The command tree. `gui` is the default command; the others run without Qt."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.core.errors import CredentialError, InputError

if TYPE_CHECKING:  # the GUI starts through this module: imports wait until a command needs them
    from app.core.profile import Profile

EXIT_CODES_HELP = """exit codes:
  0  routing requested (or the command succeeded)
  1  unexpected internal error (see the log)
  2  input error: a call ID, target or option is invalid
  3  configuration or credential error, or Salesforce refused the credentials (401/403)
  4  rejected by the server (400, 404, 405 wrong route shape, 5xx)
  5  not sent or throttled: nothing was routed, retrying is safe
  6  outcome unknown: the call may already be routing, do not retry blindly
"""

def _secret_purpose(text: str):
    from app.core.secrets import SecretPurpose

    try:
        return SecretPurpose(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a key purpose: use {' or '.join(p.value for p in SecretPurpose)}") from None


def _route_shape(text: str) -> str:
    from app.core.profile import ROUTE_SHAPES

    if text not in ROUTE_SHAPES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a route shape: use {' or '.join(ROUTE_SHAPES)}")
    return text


_PURPOSE_OPTION = dict(
    type=_secret_purpose, default="scrt", metavar="{scrt,salesforce-api}",
    help="which key: scrt (routing calls, the default) or salesforce-api (loading the directory)",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command, or `only` that one (building all of them costs
    ~9 ms, which a double-clicked panel pays before its first paint)."""
    parser = argparse.ArgumentParser(
        prog="transfer-panel",
        description="Route an active Salesforce voice call to an agent, queue or Omni-Channel flow.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: $TRANSFER_PANEL_CONFIG or the user config dir)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log to the terminal")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add_command in _COMMANDS.items():
        if only is None or name == only:
            add_command(commands)
    return parser


def _add_gui(commands) -> None:
    gui = commands.add_parser("gui", help="open the transfer panel (the default)")
    gui.add_argument("--profile", metavar="P", help="profile to use (demo mode when none is configured)")
    gui.add_argument("--call-id", metavar="ID", help="the active call's ID")
    gui.add_argument("--demo", action="store_true", help="demo mode even when profiles are configured")
    gui.add_argument("url", nargs="?", metavar="transfer-panel://call/ID",
                     help="a call link (what the transfer-panel: URL scheme opens); the same as --call-id")
    gui.set_defaults(handler=run_gui)


def _add_route(commands) -> None:
    route = commands.add_parser("route", help="route a call once and print the outcome", epilog=EXIT_CODES_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    source = route.add_mutually_exclusive_group()
    source.add_argument("--profile", metavar="P", help="profile to use")
    source.add_argument("--demo", action="store_true", help="embedded simulator with an in-memory key; touches no keyring or org")
    route.add_argument("--call-id", metavar="ID", help="VoiceCall ID (0LQ…) or the telephony vendor's contact ID (a new demo call with --demo)")
    route.add_argument("--target", metavar="ID", required=True, help="agent (005…), queue (00G…) or flow (300…) ID")
    route.add_argument("--label", metavar="TEXT", default="", help="the target's name, for messages and the journal")
    route.add_argument("--fallback-queue", metavar="ID", help="queue (00G…) used if routing to a flow fails")
    route.add_argument("--flow-input", metavar="KEY=VALUE", action="append", default=[], help="flow input (repeatable)")
    route.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    route.set_defaults(handler=run_route)


def _add_credentials(commands) -> None:
    credentials = commands.add_parser("credentials", help="the profile's private key in the OS keyring")
    credential_actions = credentials.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_key = credential_actions.add_parser("set", help="store a PEM private key (from --key-file or stdin)")
    set_key.add_argument("--profile", metavar="P", required=True)
    set_key.add_argument("--key-file", metavar="PATH", type=Path, help="PEM file (default: read stdin)")
    set_key.add_argument("--passphrase-env", metavar="VAR", help="read the key's passphrase from this environment variable")
    set_key.add_argument("--purpose", **_PURPOSE_OPTION)
    set_key.set_defaults(handler=run_credentials_set)
    for action, handler, text in (("check", run_credentials_check, "load the key; print its fingerprint and a sample token's claims"),
                                  ("delete", run_credentials_delete, "remove the key from the keyring")):
        command = credential_actions.add_parser(action, help=text)
        command.add_argument("--profile", metavar="P", required=True)
        command.add_argument("--purpose", **_PURPOSE_OPTION)
        command.set_defaults(handler=handler)


def _add_profiles(commands) -> None:
    profiles = commands.add_parser("profiles", help="list, show or check the configured profiles")
    profile_actions = profiles.add_subparsers(dest="action", metavar="ACTION", required=True)
    profile_actions.add_parser("list", help="one line per profile").set_defaults(handler=run_profiles_list)
    show = profile_actions.add_parser("show", help="every setting of one profile")
    show.add_argument("profile", metavar="P", nargs="?")
    show.set_defaults(handler=run_profiles_show)
    profile_actions.add_parser("check", help="validate the config file and look for each profile's key").set_defaults(
        handler=run_profiles_check)


def _add_simulator(commands) -> None:
    simulator = commands.add_parser("simulator", help="run the SCRT simulator for training or testing (not secure)")
    simulator.add_argument("--port", type=int, default=8765)
    simulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this computer only)")
    simulator.add_argument("--public-key", metavar="PATH", type=Path, required=True,
                           help="PEM public key or X.509 certificate the tokens must verify against")
    simulator.add_argument("--org-id", required=True, metavar="00D…")
    simulator.add_argument("--call-center", required=True, metavar="API_NAME")
    simulator.add_argument("--route-shape", type=_route_shape, default="seed", metavar="{seed,connector}")
    simulator.add_argument("--plan", metavar="PATH", type=Path,
                           help="class plan (TOML, saved from the panel's Trainer window): the scenarios transfers meet")
    simulator.set_defaults(handler=run_simulator)


def _add_self_test(commands) -> None:
    self_test = commands.add_parser("self-test", help="check that this installation can work (IT, after installing)")
    self_test.add_argument("--system", action="store_true",
                           help="installers' check as root: skip the per-user keyring and journal, write into no home")
    self_test.add_argument("--probe-qt", action="store_true", help=argparse.SUPPRESS)
    self_test.set_defaults(handler=run_self_test)


def _add_diagnostics(commands) -> None:
    diagnostics = commands.add_parser("diagnostics", help="write a zip for IT: versions, keyring, config, log, self-test (no secrets)")
    diagnostics.add_argument("--output", metavar="PATH", type=Path, help="zip to write (default: in the current folder)")
    diagnostics.set_defaults(handler=run_diagnostics)


_COMMANDS = {"gui": _add_gui, "route": _add_route, "credentials": _add_credentials, "profiles": _add_profiles,
             "simulator": _add_simulator, "self-test": _add_self_test, "diagnostics": _add_diagnostics}
_GLOBAL_FLAGS = ("-v", "--verbose", "--version", "-h", "--help")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; without a command it is `gui`, so `transfer-panel --call-id X` works."""
    index = 0
    while index < len(argv) and argv[index] not in _COMMANDS:
        if argv[index] == "--config":
            index += 2
        elif argv[index].startswith("--config=") or argv[index] in _GLOBAL_FLAGS:
            index += 1
        else:
            break
    if index > len(argv):  # "--config" without its value: argparse says so
        return build_parser().parse_args(argv)
    if index == len(argv) or argv[index] not in _COMMANDS:
        argv = [*argv[:index], "gui", *argv[index:]]
    asks_for_help = any(arg in ("-h", "--help") for arg in argv[:index])  # the list of every command
    return build_parser(None if asks_for_help else argv[index]).parse_args(argv)


def run_gui(args: argparse.Namespace) -> int:
    from app.ui.shell.launch import run_gui  # hand over to a running panel, start one, or be it

    return run_gui(args)


def _config(args: argparse.Namespace):
    from app.core.profile import load_config, resolve_config_path

    return load_config(resolve_config_path(args.config))


def _flow_inputs(pairs: list[str]) -> list[tuple[str, str]]:
    inputs = []
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator:
            raise InputError(f"--flow-input {pair!r} must be KEY=VALUE.")
        inputs.append((key, value))
    return inputs


def run_route(args: argparse.Namespace) -> int:
    from app.core.routing import RouteRequest
    from app.services import keyring_signer_source, open_transfer_service

    demo = None
    if args.demo:
        from app.demo import new_demo_call_id, start_demo

        demo = start_demo()
        profile, signer_source = demo.profile, demo.signer_source
        call_id = args.call_id or new_demo_call_id()
    else:
        profile = _config(args).profile(args.profile)
        signer_source = keyring_signer_source(profile)
        if not args.call_id:
            raise InputError("--call-id is required: the active call's VoiceCall ID or contact ID.")
        call_id = args.call_id
    try:
        request = RouteRequest.build(
            call_id, args.target, target_label=args.label, fallback_queue=args.fallback_queue,
            flow_inputs=_flow_inputs(args.flow_input),
        )
        import asyncio

        outcome = asyncio.run(_transfer(open_transfer_service(profile, signer_source), request))
    finally:
        if demo:
            demo.close()
    if args.json:
        import json

        print(json.dumps({
            "status": outcome.status.value, "message": outcome.message, "hint": outcome.hint,
            "http_status": outcome.http_status, "server_message": outcome.server_message,
            "elapsed_ms": round(outcome.elapsed_ms, 1), "attempts": outcome.attempts,
            "retry_after_s": outcome.retry_after_s, "jti": outcome.jti, "profile": profile.name,
            "call_id": request.call_id, "target": request.target.value, "exit_code": outcome.exit_code,
        }, ensure_ascii=False))
    else:
        stream = sys.stdout if outcome.accepted else sys.stderr
        print(f"{outcome.message} · {outcome.elapsed_ms:.0f} ms", file=stream)
        if outcome.hint:
            print(outcome.hint, file=stream)
    return outcome.exit_code


async def _transfer(service, request):
    try:
        return await service.transfer(request)
    finally:
        await service.aclose()


def _read_pem(args: argparse.Namespace) -> str:
    if args.key_file:
        try:
            return args.key_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"Cannot read the key file {args.key_file}: {error}.") from None
    if sys.stdin.isatty():
        print("Paste the PEM private key, then press Ctrl+D:", file=sys.stderr)
    return sys.stdin.read()


def _passphrase(args: argparse.Namespace, pem: str) -> str | None:
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if value is None:
            raise InputError(f"The environment variable {args.passphrase_env} is not set.")
        return value
    if "ENCRYPTED" not in pem:
        return None
    try:
        tty_available = os.isatty(sys.stdin.fileno()) or args.key_file is not None
    except (OSError, ValueError):
        tty_available = False
    if not tty_available:
        raise CredentialError("The key is protected by a passphrase: pass it with --passphrase-env VAR.")
    import getpass

    return getpass.getpass("Key passphrase: ")


def run_credentials_set(args: argparse.Namespace) -> int:
    from app.core.auth import key_fingerprint, load_private_key
    from app.core.secrets import PrivateKeySecret, SecretStore

    profile = _config(args).profile(args.profile)
    pem = _read_pem(args)
    passphrase = _passphrase(args, pem)
    key = load_private_key(pem, passphrase)  # refuses anything but an RSA 2048/4096 private key
    store = SecretStore()
    store.set_private_key(profile.name, PrivateKeySecret(pem.strip() + "\n", passphrase), args.purpose)
    print(f"Stored the {key.key_size}-bit RSA key for profile '{profile.name}' ({args.purpose.value}) "
          f"in {store.backend_name()}.")
    print(f"Fingerprint (SHA-256 of the public key): {key_fingerprint(key)}")
    return 0


def run_credentials_check(args: argparse.Namespace) -> int:
    from app.core.auth import key_fingerprint
    from app.core.directory.salesforce import assertion_signer
    from app.core.secrets import SecretPurpose, SecretStore
    from app.services import keyring_key_source, scrt_signer

    profile = _config(args).profile(args.profile)
    store = SecretStore()
    key = keyring_key_source(profile, args.purpose, store)()
    make_signer = assertion_signer if args.purpose is SecretPurpose.SALESFORCE_API else scrt_signer
    claims = make_signer(profile, key).mint().claims
    print(f"Keyring: {store.backend_name()}")
    print(f"Key: RSA {key.key_size}-bit, fingerprint {key_fingerprint(key)}")
    print("A sample token's claims (the token itself is never shown):")
    for name, value in claims.items():
        print(f"  {name}: {value}")
    return 0


def run_credentials_delete(args: argparse.Namespace) -> int:
    from app.core.secrets import SecretStore

    store = SecretStore()
    if store.delete_private_key(args.profile, args.purpose):
        print(f"Deleted the {args.purpose.value} key of profile '{args.profile}' from {store.backend_name()}.")
    else:
        print(f"No {args.purpose.value} key was stored for profile '{args.profile}'.")
    return 0


def _profile_lines(profile: Profile) -> list[str]:
    return [f"{key} = {value!r}" for key, value in profile.to_toml_table().items()]


def run_profiles_list(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.profiles:
        print(f"No profiles in {config.path}.")
    for profile in config.profiles.values():
        print(f"{profile.name}\t{profile.base_url}\t{profile.route_shape}/{profile.body_format}")
    return 0


def run_profiles_show(args: argparse.Namespace) -> int:
    profile = _config(args).profile(args.profile)
    print(f"[profiles.{profile.name}]")
    print("\n".join(_profile_lines(profile)))
    return 0


def run_profiles_check(args: argparse.Namespace) -> int:
    from app.core.secrets import SecretStore

    config = _config(args)  # raises with every problem listed
    print(f"{config.path}: {len(config.profiles)} profile(s), no problems.")
    for note in config.ignored:
        print(f"  note: {note}")
    for name, keys in sorted(config.locked.items()):
        print(f"  {name}: managed by IT ({config.site_path}): {', '.join(sorted(keys))}")
    store = SecretStore()
    missing = [name for name in config.profiles if not store.has_private_key(name)]
    for name in config.profiles:
        print(f"  {name}: key {'MISSING' if name in missing else 'stored'} in {store.backend_name()}")
    if missing:
        print(f"Store a key with: transfer-panel credentials set --profile {missing[0]} --key-file KEY.pem")
        return CredentialError.exit_code
    return 0


def run_self_test(args: argparse.Namespace) -> int:
    from app import self_test

    return self_test.run(args)


def run_diagnostics(args: argparse.Namespace) -> int:
    from app.core.profile import resolve_config_path
    from app.diagnostics import default_output, write_diagnostics

    written = write_diagnostics(args.output or default_output(), resolve_config_path(args.config))
    print(f"Wrote {written}: send it to IT. It holds no keys, tokens or passphrases.")
    return 0


def run_simulator(args: argparse.Namespace) -> int:
    from app.simulator.standalone import run

    return run(port=args.port, host=args.host, public_key_path=args.public_key,
               org_id=args.org_id, call_center=args.call_center, route_shape=args.route_shape, plan_path=args.plan)
