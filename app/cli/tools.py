"""The window, and the tools for IT and trainers: `gui`, `simulator`, `self-test`, `diagnostics`."""

from __future__ import annotations

import argparse

from app.cli import output


def run_gui(args: argparse.Namespace) -> int:
    from app.ui.shell.launch import run_gui  # hand over to a running panel, start one, or be it

    return run_gui(args)


def run_self_test(args: argparse.Namespace) -> int:
    from app import self_test

    return self_test.run(args)


def run_diagnostics(args: argparse.Namespace) -> int:
    from app.core.config_files import resolve_config_path
    from app.diagnostics import default_output, write_diagnostics

    written = write_diagnostics(args.output or default_output(), resolve_config_path(args.config))
    output.say(f"Wrote {written}: send it to IT. It holds no keys, tokens or passphrases.")
    return 0


def run_simulator(args: argparse.Namespace) -> int:
    from app.simulator.standalone import run

    return run(port=args.port, host=args.host, public_key_path=args.public_key, org_id=args.org_id,
               call_center=args.call_center, route_shape=args.route_shape, plan_path=args.plan)
