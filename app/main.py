"""Composition root: parse the command line, set up logging, run one command."""

import logging
import sys

from app.cli import parse_args
from app.core.errors import PanelError

log = logging.getLogger("app")


def setup_logging(verbose: bool) -> None:
    """A rotating log file in the user log dir (IT's diagnostics read it); the terminal too with -v."""
    from logging.handlers import RotatingFileHandler

    from platformdirs import user_log_path

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        directory = user_log_path("transfer-panel", appauthor=False)
        directory.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(
            directory / "transfer-panel.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    except OSError as error:  # an unwritable log dir must not stop a transfer
        print(f"warning: cannot write the log file: {error}", file=sys.stderr)
    if verbose:
        terminal = logging.StreamHandler()
        terminal.setFormatter(formatter)
        root.addHandler(terminal)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # The window sets up logging after its first paint (app/ui/shell/app.py); an installer's
    # self-test, run as root, writes no log into anyone's home.
    if args.command != "gui" and not (args.command == "self-test" and args.system):
        setup_logging(args.verbose)
    try:
        return args.handler(args)
    except PanelError as error:
        log.warning("%s: %s", type(error).__name__, error)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("unexpected error")
        print("error: an unexpected error occurred; details are in the log file.", file=sys.stderr)
        return 1
