"""`transfer-panel self-test`: can this installation work? One line per check, exit 1 on any failure.

Meant for IT after an install (and for CI on the frozen build): the Qt platform plugin
loads, the bundled resources are there, the OS keyring is a real one, the OS trust store
gives an SSL context, a qasync event loop completes a route to the embedded simulator,
and the journal opens. The Qt check runs in a child process first, because a platform
plugin that cannot load ends the process that tries. With `--profile P`, the profile's
signing too: for OpenBao, signed in, the policy lets it sign, and a test token verifies.

`--system` is the installers' check, run as root: it checks what the installation provides
and skips the keyring and the journal, which belong to each rep (a missing keyring of root's
is no failure); it writes nothing into any home folder, its own included (Qt and fontconfig
get a scratch home), and uses no display.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.profile import Profile
    from app.core.routing.outcome import RouteOutcome

QT_PROBE_FLAG = "--probe-qt"


def own_command(*args: str) -> list[str]:
    """The command that runs this installation again: the frozen executable, or `python -m app`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "app", *args]


def probe_qt() -> int:
    """The child's side of the Qt check: start Qt, print the platform plugin's name."""
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.display import explained_qt_start

    with explained_qt_start():  # a display that cannot be used: one line saying why and the fix
        app = QApplication(sys.argv[:1])
    print(app.platformName())
    return 0


def check_qt() -> str:
    done = subprocess.run(own_command("self-test", QT_PROBE_FLAG), capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(last.removeprefix("error: ") if last.startswith("error: ")
                           else f"Qt could not start (exit code {done.returncode}: {last})")
    return f"platform plugin {done.stdout.strip()!r}"


def check_resources() -> str:
    from app.core.directory import load_demo_directory
    from app.core.resources import resource_path

    targets = load_demo_directory()
    resource_path("examples/directory.csv")
    resource_path("icons/transfer-panel.png")
    return f"demo directory ({len(targets)} targets), examples and icon found"


def check_keyring() -> str:
    from app.core.secrets import NoKeyringError, SecretStore

    store = SecretStore()
    if not store.available:
        raise NoKeyringError(store.backend_name())
    return store.backend_name()


def check_tls() -> str:
    from app.core.tls import build_ssl_context

    context = build_ssl_context()
    return f"{type(context).__module__}.{type(context).__name__}"


def check_route() -> str:
    """A real route through the whole stack: Qt, qasync, httpx, JWT, the simulator, a journal row."""
    import qasync  # after PySide6
    from PySide6.QtWidgets import QApplication

    from app.compose import open_demo_desk
    from app.core.ids import checksum_suffix
    from app.core.journal import Journal
    from app.core.routing.request import RouteRequest
    from app.demo import new_demo_call_id, start_demo
    from app.messages import outcome_text

    queue = "00G000000000001" + checksum_suffix("00G000000000001")  # any queue: the simulator routes all
    app = QApplication.instance() or QApplication(sys.argv[:1])
    demo = start_demo()
    with tempfile.TemporaryDirectory() as scratch:
        desk = open_demo_desk(demo, Path(scratch) / "journal.sqlite3")

        async def route() -> "RouteOutcome":
            try:
                return await desk.transfer(RouteRequest.build(new_demo_call_id(), queue, target_label="Self-test"))
            finally:
                await desk.aclose()

        loop = qasync.QEventLoop(app)
        try:
            outcome = loop.run_until_complete(route())
        finally:
            loop.close()
            demo.close()
        rows = Journal(Path(scratch) / "journal.sqlite3").recent(1)
    headline = outcome_text(outcome, "Self-test").headline
    if not outcome.accepted or len(rows) != 1:
        raise RuntimeError(f"the route to the embedded simulator ended: {headline}")
    return f"{headline} in {outcome.elapsed_ms:.0f} ms, journal row written"


def check_journal() -> str:
    from app.core.journal import Journal, default_journal_path

    path = default_journal_path()
    journal = Journal(path)
    try:
        journal.recent(1)
    finally:
        journal.close()
    return str(path)


CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("Qt", check_qt), ("resources", check_resources), ("keyring", check_keyring),
    ("TLS trust store", check_tls), ("route", check_route), ("journal", check_journal),
)
PER_USER_CHECKS = ("keyring", "journal")


def check_openbao_signing(profile: "Profile") -> str:
    import asyncio

    from app.compose import openbao_session, scrt_spec
    from app.core.credentials import CredentialsDesk
    from app.core.signing.openbao_check import check_openbao_signing as check
    from app.messages import signing_check_text

    session = openbao_session(profile, CredentialsDesk())
    return signing_check_text(asyncio.run(check(session, scrt_spec(profile))))


def profile_checks(args: argparse.Namespace) -> tuple[tuple[str, Callable[[], str]], ...]:
    """With --profile P: its signing too (OpenBao: signed in, the policy lets it sign, a test token verifies)."""
    if not getattr(args, "profile", None):  # diagnostics runs the installation's checks only
        return ()
    from app.core.config_files import load_config, resolve_config_path
    from app.core.profile import SigningMethod

    profile = load_config(resolve_config_path(args.config)).profile(args.profile)
    if profile.signing is SigningMethod.OPENBAO:
        return (("OpenBao signing", lambda: check_openbao_signing(profile)),)
    return ()


def run(args: argparse.Namespace) -> int:
    if args.probe_qt:
        return probe_qt()
    from app.ui.shell.display import prefer_xwayland

    prefer_xwayland()
    if args.system:
        with _scratch_home():
            return _run_checks(CHECKS, skip=PER_USER_CHECKS)
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a check on a headless machine needs no screen
    return _run_checks(CHECKS + profile_checks(args), skip=())


def _run_checks(checks: tuple[tuple[str, Callable[[], str]], ...], skip: tuple[str, ...]) -> int:
    failed: list[str] = []
    for name, check in checks:
        if name in skip:
            print(f"skip {name}: it is per user: run `transfer-panel self-test` as a rep, in their session", flush=True)
            continue
        if name == "route" and "Qt" in failed:
            failed.append(name)
            print(f"FAIL {name}: not tried, Qt cannot start")
            continue
        try:
            print(f"ok   {name}: {check()}", flush=True)
        except Exception as error:  # every failure becomes one readable line, never a traceback
            from app.core.errors import PanelError
            from app.messages import describe

            failed.append(name)
            print(f"FAIL {name}: {describe(error) if isinstance(error, PanelError) else error}", flush=True)
    skipped = f" (skipped, per user: {', '.join(skip)})" if skip else ""
    print(f"self-test passed{skipped}" if not failed else f"self-test FAILED: {', '.join(failed)}{skipped}")
    return 1 if failed else 0


@contextmanager
def _scratch_home() -> Iterator[None]:
    """HOME and the XDG folders in a scratch folder, and no display, while the checks run."""
    names = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
             "QT_QPA_PLATFORM")
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="transfer-panel-self-test-") as scratch:
        os.environ.update({name: os.path.join(scratch, name.lower()) for name in names[:-1]})
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        for name in names[:-1]:
            os.mkdir(os.environ[name], 0o700)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
