"""The command tree. `gui` is the default command; the others run without Qt.

Handlers are named as "module:function" and imported only when their command runs: a
double-clicked panel builds just the `gui` parser and imports no other command's code before
its first paint.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import __version__

EXIT_CODES_HELP = """exit codes:
  0  routing requested (or the command succeeded)
  1  unexpected internal error (see the log)
  2  input error: a call ID, target or option is invalid, the call was already routed (see --again), or the
     agent is busy, away or offline (see --even-if-unavailable)
  3  configuration or credential error, or Salesforce refused the credentials (401/403)
  4  rejected by the server (400, 404, 405 wrong route shape, 5xx)
  5  not sent or throttled: nothing was routed, retrying is safe
  6  outcome unknown: the call may already be routing, do not retry blindly

The command line speaks English on every desktop: scripts read its output.
"""
Handler = Callable[[argparse.Namespace], int]
# Where the handlers live: imported only when their command runs, so a frozen build must be
# told to bundle them (packaging/transfer-panel.spec reads this; a test keeps it complete).
HANDLER_MODULES = ("app.cli.tools", "app.cli.route", "app.cli.credentials", "app.cli.profiles")


def handler(args: argparse.Namespace) -> Handler:
    """The function that runs the parsed command."""
    module, _, function = args.handler.partition(":")
    found: Handler = getattr(importlib.import_module(module), function)
    return found


def _purpose(text: str) -> Any:
    from app.core.secrets import SecretPurpose

    try:
        return SecretPurpose(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a key purpose: use {' or '.join(p.value for p in SecretPurpose)}") from None


def _route_shape(text: str) -> Any:
    from app.core.profile import RouteShape

    try:
        return RouteShape(text)
    except ValueError:
        choices = " or ".join(shape.value for shape in RouteShape)
        raise argparse.ArgumentTypeError(f"{text!r} is not a route shape: use {choices}") from None


def _add_purpose(command: argparse.ArgumentParser) -> None:
    command.add_argument("--purpose", type=_purpose, default="scrt", metavar="{scrt,salesforce-api}",
                         help="which key: scrt (routing calls, the default) or salesforce-api (loading the directory)")


def _add_gui(commands: Any) -> None:
    gui = commands.add_parser("gui", help="open the transfer panel (the default)")
    gui.add_argument("--profile", metavar="P", help="profile to use (demo mode when none is configured)")
    gui.add_argument("--call-id", metavar="ID", help="the active call's ID")
    gui.add_argument("--demo", action="store_true", help="demo mode even when profiles are configured")
    gui.add_argument("--lang", metavar="LANG",
                     help="the window's language: en, de, fr, es, pt_BR, ja or ar (default: the one chosen in "
                          "Settings, else the desktop's). Qt's own options (-reverse, -platform NAME, -style NAME) "
                          "are passed to Qt. The command line itself always speaks English.")
    gui.add_argument("url", nargs="?", metavar="transfer-panel://call/ID",
                     help="a call link (what the transfer-panel: URL scheme opens); the same as --call-id")
    gui.set_defaults(handler="app.cli.tools:run_gui")


def _add_route(commands: Any) -> None:
    route = commands.add_parser("route", help="route a call once and print the outcome", epilog=EXIT_CODES_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    source = route.add_mutually_exclusive_group()
    source.add_argument("--profile", metavar="P", help="profile to use")
    source.add_argument("--demo", action="store_true",
                        help="embedded simulator with an in-memory key; touches no keyring or org")
    route.add_argument("--call-id", metavar="ID",
                       help="VoiceCall ID (0LQ…) or the telephony vendor's contact ID (a new demo call with --demo)")
    route.add_argument("--target", metavar="ID", required=True, help="agent (005…), queue (00G…) or flow (300…) ID")
    route.add_argument("--label", metavar="TEXT", default="", help="the target's name, for messages and the journal")
    route.add_argument("--fallback-queue", metavar="ID", help="queue (00G…) used if routing to a flow fails")
    route.add_argument("--flow-input", metavar="KEY=VALUE", action="append", default=[],
                       help="flow input (repeatable)")
    route.add_argument("--again", action="store_true",
                       help="route even though this call already has a routing request that went (or may have gone) "
                            "through")
    route.add_argument("--even-if-unavailable", action="store_true",
                       help="route to an agent the directory (demo or file) shows as busy, away or offline; without "
                            "it such a transfer is refused (exit 2)")
    route.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    route.set_defaults(handler="app.cli.route:run_route")


def _add_credentials(commands: Any) -> None:
    credentials = commands.add_parser("credentials", help="the profile's private key in the OS keyring, or its "
                                                          "OpenBao sign-in")
    actions = credentials.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_key = actions.add_parser("set", help="store a PEM private key (from --key-file or stdin)")
    set_key.add_argument("--profile", metavar="P", required=True)
    set_key.add_argument("--key-file", metavar="PATH", type=Path, help="PEM file (default: read stdin)")
    set_key.add_argument("--passphrase-env", metavar="VAR", help="read the key's passphrase from this environment "
                                                                 "variable")
    _add_purpose(set_key)
    set_key.set_defaults(handler="app.cli.credentials:run_set")
    generate = actions.add_parser("generate", help="make a new key pair in the keyring and write the certificate to "
                                                   "register on the Call Center")
    generate.add_argument("--profile", metavar="P", required=True)
    generate.add_argument("--bits", type=int, default=2048, choices=(2048, 4096))
    generate.add_argument("--cert-out", metavar="PATH", type=Path, required=True,
                          help="where to write the self-signed X.509 certificate (PEM)")
    generate.add_argument("--replace", action="store_true", help="replace the key stored for the profile (default: "
                                                                "refuse; transfers fail until the new certificate is "
                                                                "registered)")
    _add_purpose(generate)
    generate.set_defaults(handler="app.cli.credentials:run_generate")
    export = actions.add_parser("export-cert", help="write a new self-signed certificate for the stored key")
    export.add_argument("--profile", metavar="P", required=True)
    export.add_argument("--cert-out", metavar="PATH", type=Path, required=True)
    _add_purpose(export)
    export.set_defaults(handler="app.cli.credentials:run_export_cert")
    for action, function, text in (
            ("check", "run_check", "load the key; print its fingerprint and a sample token's claims"),
            ("delete", "run_delete", "remove the key from the keyring")):
        command = actions.add_parser(action, help=text)
        command.add_argument("--profile", metavar="P", required=True)
        _add_purpose(command)
        command.set_defaults(handler=f"app.cli.credentials:{function}")
    login = actions.add_parser("login", help="sign in to OpenBao (profiles with signing = \"openbao\")")
    login.add_argument("--profile", metavar="P", required=True)
    login.add_argument("--username", metavar="NAME", help="userpass: your OpenBao user name (default: your login)")
    login.add_argument("--password-env", metavar="VAR", help="userpass: read the password from $VAR (else asked)")
    login.add_argument("--secret-id-env", metavar="VAR", help="approle: read the SecretID from $VAR (else asked)")
    login.add_argument("--token-env", metavar="VAR", help="token: read the token from $VAR (else asked)")
    login.add_argument("--client-cert", metavar="PATH", help="cert: the client certificate (PEM)")
    login.add_argument("--client-key", metavar="PATH", help="cert: its private key (PEM)")
    login.add_argument("--port", type=int, default=8250, help="oidc: the browser's loopback callback port (8250)")
    login.set_defaults(handler="app.cli.credentials:run_login")
    logout = actions.add_parser("logout", help="revoke the OpenBao token and forget it")
    logout.add_argument("--profile", metavar="P", required=True)
    logout.set_defaults(handler="app.cli.credentials:run_logout")


def _add_profiles(commands: Any) -> None:
    profiles = commands.add_parser("profiles", help="list, show or check the configured profiles")
    actions = profiles.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="one line per profile").set_defaults(handler="app.cli.profiles:run_list")
    show = actions.add_parser("show", help="every setting of one profile")
    show.add_argument("profile", metavar="P", nargs="?")
    show.set_defaults(handler="app.cli.profiles:run_show")
    actions.add_parser("check", help="validate the config file and look for each profile's key").set_defaults(
        handler="app.cli.profiles:run_check")
    add = actions.add_parser("add", help="add a profile to the config file (for scripts; every key checked)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--base-url", required=True, metavar="URL", help="the SCRT base URL")
    add.add_argument("--org-id", required=True, metavar="00D…")
    add.add_argument("--call-center", required=True, metavar="API_NAME")
    add.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="any other key of the profile, as TOML (repeatable), e.g. --set 'timeout_s=15'")
    add.add_argument("--replace", action="store_true", help="replace a profile of that name (default: refuse)")
    add.set_defaults(handler="app.cli.profiles:run_add")


def _add_simulator(commands: Any) -> None:
    simulator = commands.add_parser("simulator", help="run the SCRT simulator for training or testing (not secure)")
    simulator.add_argument("--port", type=int, default=8765)
    simulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this computer only)")
    simulator.add_argument("--public-key", metavar="PATH", type=Path, required=True,
                           help="PEM public key or X.509 certificate the tokens must verify against")
    simulator.add_argument("--org-id", required=True, metavar="00D…")
    simulator.add_argument("--call-center", required=True, metavar="API_NAME")
    simulator.add_argument("--route-shape", type=_route_shape, default="seed", metavar="{seed,connector}")
    simulator.add_argument("--plan", metavar="PATH", type=Path,
                           help="class plan (TOML, saved from the panel's Trainer window): what transfers meet")
    simulator.set_defaults(handler="app.cli.tools:run_simulator")


def _add_self_test(commands: Any) -> None:
    self_test = commands.add_parser("self-test", help="check that this installation can work (IT, after installing)")
    self_test.add_argument("--system", action="store_true",
                           help="installers' check as root: skip the per-user keyring and journal, write into no home")
    self_test.add_argument("--probe-qt", action="store_true", help=argparse.SUPPRESS)
    self_test.add_argument("--profile", metavar="P", help="also check the profile's signing (OpenBao: sign-in, policy, "
                                                          "a test signature)")
    self_test.set_defaults(handler="app.cli.tools:run_self_test")


def _add_diagnostics(commands: Any) -> None:
    diagnostics = commands.add_parser("diagnostics", help="write a zip for IT: versions, keyring, config, log, "
                                                          "self-test (no secrets)")
    diagnostics.add_argument("--output", metavar="PATH", type=Path, help="zip to write (default: the current folder)")
    diagnostics.set_defaults(handler="app.cli.tools:run_diagnostics")


_COMMANDS = {"gui": _add_gui, "route": _add_route, "credentials": _add_credentials, "profiles": _add_profiles,
             "simulator": _add_simulator, "self-test": _add_self_test, "diagnostics": _add_diagnostics}
_GLOBAL_FLAGS = ("-v", "--verbose", "--version", "-h", "--help")


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
    parser.add_argument("--config", metavar="PATH",
                        help="config file (default: $TRANSFER_PANEL_CONFIG or the user config dir)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log to the terminal")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add_command in _COMMANDS.items():
        if only is None or name == only:
            add_command(commands)
    return parser


# Qt's own command-line options (QGuiApplication, QApplication), passed through to Qt by `gui`.
QT_OPTIONS_WITH_VALUE = ("-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-style", "-stylesheet",
                         "-session", "-display", "-geometry", "-qwindowgeometry", "-qwindowicon", "-qwindowtitle")
QT_FLAGS = ("-reverse", "-nograb", "-dograb", "-sync", "-widgetcount")


def split_qt_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(ours, Qt's): Qt's own options taken out of a command line, as Qt reads them."""
    ours: list[str] = []
    qt: list[str] = []
    words = iter(argv)
    for word in words:
        name = word.split("=", 1)[0]
        if word in QT_FLAGS:
            qt.append(word)
        elif name in QT_OPTIONS_WITH_VALUE:
            qt += [name, word.split("=", 1)[1]] if "=" in word else [word, next(words, "")]
        else:
            ours.append(word)
    return ours, qt


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; without a command it is `gui`, so `transfer-panel --call-id X` works.
    The `gui` command also takes Qt's own options (`args.qt_arguments`)."""
    argv, qt_arguments = split_qt_arguments(argv)
    args = _parse(argv)
    if qt_arguments and args.command != "gui":
        build_parser(args.command).error(f"{' '.join(qt_arguments)}: Qt's options apply only to the window (gui)")
    args.qt_arguments = qt_arguments
    return args


def _parse(argv: list[str]) -> argparse.Namespace:
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
