"""`transfer-panel self-test` as IT runs it after an install: a line per check, exit 1 on a failure."""

from tests.conftest import require_real_keyring
from tests.e2e.conftest import cli


def test_every_check_passes_on_a_working_installation():
    require_real_keyring()
    result = cli("self-test", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok   Qt", "ok   resources", "ok   keyring", "ok   TLS trust store", "ok   route", "ok   journal"]
    assert "Routing requested to Self-test" in result.stdout and lines[-1] == "self-test passed"


def test_failures_are_one_clear_line_each_and_exit_1():
    result = cli("self-test", env={"QT_QPA_PLATFORM": "no-such-platform",
                                   "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "FAIL Qt: Qt could not start" in result.stdout
    assert "FAIL keyring: No OS keyring is available (fail Keyring is not the operating system's own store)" \
        in result.stdout
    assert "FAIL route: not tried, Qt cannot start" in result.stdout
    assert "ok   resources" in result.stdout and "ok   journal" in result.stdout
    assert result.stdout.splitlines()[-1] == "self-test FAILED: Qt, keyring, route"
