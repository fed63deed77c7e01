"""Entry: parse the command line, set up logging, run one command, turn its end into an exit code."""

import logging
import sys

from app.cli.parser import handler, parse_args

log = logging.getLogger("app")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # The window sets up logging after its first paint (app/ui/shell/app.py); an installer's
    # self-test, run as root, writes no log into anyone's home.
    if args.command != "gui" and not (args.command == "self-test" and args.system):
        from app.logs import setup_logging

        setup_logging(args.verbose)
    from app.core.errors import PanelError

    try:
        return handler(args)(args)
    except PanelError as error:
        from app.cli import output

        log.warning("%s: %s", type(error).__name__, error)
        output.error(error)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("unexpected error")
        print("error: an unexpected error occurred; details are in the log file.", file=sys.stderr)
        return 1
