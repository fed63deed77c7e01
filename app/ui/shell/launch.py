"""`transfer-panel [gui] [--call-id ID | LINK]`: hand the call to this user's running panel, or
start one and hand it the call; either way the command returns within seconds.

A softphone connector (or xdg-open, which waits for the handler) runs this command and may
wait for it to end, so a launch that brings a call never becomes the long-lived panel. With no
panel running it starts one detached (a session of its own, none of the caller's terminal or
pipes), waits until that panel listens (at most START_TIMEOUT_S) and hands the call over as any
later launch does, so the panel shows the same source ("softphone") either way. A launch
without a call (the menu entry, a terminal) is the panel itself.
"""

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from app.core.errors import InputError, Problem

START_TIMEOUT_S = 10.0
EXIT_NOT_HANDED_OVER = 5  # as the CLI's "not sent: nothing happened, retrying is safe"
_POLL_S = 0.05
log = logging.getLogger(__name__)


def run_gui(args: argparse.Namespace) -> int:
    """Hand over to the running panel, or start one detached and hand over, or be the panel."""
    if args.url:
        args.call_id = _call_id_from_link(args)
    from app.ui.shell.single_instance import hand_over

    answer = hand_over(args.call_id)
    if answer is not None:
        return _report(answer)
    if args.call_id is None:
        from app.ui.shell.app import StartOptions, run  # Qt's widgets are imported only for the window

        config_path = Path(args.config).expanduser() if args.config else None
        return run(StartOptions(config_path, args.profile, None, args.demo, args.lang, tuple(args.qt_arguments)),
                   verbose=args.verbose)
    return start_panel_and_hand_over(args)


def _call_id_from_link(args: argparse.Namespace) -> str:
    from app.core.handover import call_id_from_url, loggable

    if args.call_id:
        raise InputError(Problem.LINK_AND_CALL_ID)
    try:
        return call_id_from_url(args.url)
    except InputError:
        _log_refusal(args, f"the call link {loggable(args.url)}")
        raise


def _log_refusal(args: argparse.Namespace, what: str) -> None:
    """Into the log file, where the reason follows (app.main logs the error): a launch that hands
    over sets up no logging otherwise."""
    from app.logs import setup_logging

    setup_logging(args.verbose)
    log.warning("refused %s", what)


def start_panel_and_hand_over(args: argparse.Namespace) -> int:
    """No panel runs: start one detached, wait until it listens, hand it the call."""
    import subprocess
    import tempfile
    import time

    from app.core.handover import loggable
    from app.core.routing.request import validate_call_id
    from app.ui.shell.single_instance import hand_over

    try:
        call_id = validate_call_id(args.call_id)  # a call the panel would refuse starts no panel
    except InputError:
        _log_refusal(args, f"the call ID {loggable(args.call_id)}")
        raise
    with tempfile.TemporaryFile() as child_errors:  # unlinked: read only if the panel fails to start
        # A session of its own: the panel outlives the caller; no hang-up or Ctrl+C of the caller's reaches it.
        detached: dict[str, Any]
        if sys.platform == "win32":
            detached = {"creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP}
        else:
            detached = {"start_new_session": True}
        child = subprocess.Popen(panel_command(args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=child_errors, **detached)
        deadline = time.monotonic() + START_TIMEOUT_S
        while (answer := hand_over(call_id)) is None:
            if child.poll() not in (None, 0):  # 0: it found a panel started meanwhile, which will answer
                child_errors.seek(0)
                print(f"The panel could not start (exit code {child.returncode}): {_last_line(child_errors.read())}",
                      file=sys.stderr)
                return child.returncode if child.returncode > 0 else 1
            if time.monotonic() > deadline:
                print(f"A panel was started but did not answer within {START_TIMEOUT_S:.0f} s, so it did not get "
                      f"call {call_id}: run the command again.", file=sys.stderr)
                return EXIT_NOT_HANDED_OVER
            time.sleep(_POLL_S)
    if answer.accepted:
        print(f"Started the panel (process {child.pid}).", end=" ")
    return _report(answer)


def panel_command(args: argparse.Namespace) -> list[str]:
    """The command of the detached panel: this launch's options, no call (it is handed over)."""
    from app.self_test import own_command

    options = ["--config", os.path.abspath(os.path.expanduser(args.config))] if args.config else []
    gui_options = [*(["--profile", args.profile] if args.profile else []), *(["--demo"] if args.demo else []),
                   *(["--lang", args.lang] if args.lang else []), *args.qt_arguments]
    return own_command(*options, "gui", *gui_options)


def _last_line(output: bytes) -> str:
    from app.core.handover import loggable

    lines = [line.strip() for line in output[-4096:].decode("utf-8", "replace").splitlines() if line.strip()]
    return loggable(lines[-1].removeprefix("error: "), limit=600) if lines else "it printed nothing"


def _report(answer) -> int:
    print(answer.message, file=sys.stdout if answer.accepted else sys.stderr)
    return 0 if answer.accepted else 2
