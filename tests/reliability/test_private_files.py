"""The files the panel writes are readable by their owner only (issue 12, item 8), whatever the
umask: the journal with its -wal and -shm (they hold the rows too), the log after it rotates, a
saved config. Checked on files written by real processes with the usual umask 022."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from app.core.config_files import save_profile
from app.core.journal import Journal, default_journal_path
from app.core.profile import Profile
from app.core.routing.request import RouteRequest
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run_with_umask_022(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: os.umask(0o022))


def test_the_journal_and_its_wal_and_shm_are_private_while_rows_are_written(tmp_path):
    old = os.umask(0o022)
    try:
        journal = Journal(tmp_path / "journal.sqlite3")
        journal.begin("emea", RouteRequest.build("0LQ5g00000ABCDE", QUEUE), "jti-1")
        files = [journal.path.with_name(journal.path.name + suffix) for suffix in ("", "-wal", "-shm")]
        modes = [_mode(file) for file in files]  # while it is open: SQLite removes the other two at the last close
        journal.close()
    finally:
        os.umask(old)
    assert modes == [0o600] * 3


def test_the_journal_a_cli_route_wrote_is_private():
    routed = _run_with_umask_022("-m", "app", "route", "--demo", "--target", QUEUE)
    assert routed.returncode == 0, routed.stderr
    assert _mode(default_journal_path()) == 0o600


def test_companions_an_older_version_left_readable_are_made_private(tmp_path):
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    for suffix in ("", "-wal", "-shm"):
        file = path.with_name(path.name + suffix)
        file.touch()
        os.chmod(file, 0o644)
    journal = Journal(path)
    assert [_mode(path.with_name(path.name + suffix)) for suffix in ("", "-wal", "-shm")] == [0o600] * 3
    journal.close()


def test_the_log_file_stays_private_when_it_rotates(tmp_path):
    logged = _run_with_umask_022("-c", "import logging\n"
                                       "from app.logs import log_dir, setup_logging\n"
                                       "setup_logging(False)\n"
                                       "for _ in range(3000): logging.getLogger('app').info('x' * 500)\n"
                                       "print(log_dir())")
    assert logged.returncode == 0, logged.stderr
    files = sorted(Path(logged.stdout.strip()).iterdir())
    assert [file.name for file in files] == ["transfer-panel.log", "transfer-panel.log.1"]  # it rotated
    assert [_mode(file) for file in files] == [0o600, 0o600]


def test_a_saved_config_is_private(tmp_path):
    path = tmp_path / "settings" / "config.toml"
    old = os.umask(0o022)
    try:
        save_profile(path, Profile(name="emea", base_url="https://acme.my.salesforce-scrt.com/telephony/v1",
                                   org_id=ORG_ID, call_center=CALL_CENTER))
    finally:
        os.umask(old)
    assert (_mode(path), _mode(path.parent)) == (0o600, 0o700)
