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
    assert ("FAIL Qt: The panel cannot open a window: this build has no Qt platform plugin for "
            "QT_QPA_PLATFORM='no-such-platform'") in result.stdout and "Unset QT_QPA_PLATFORM" in result.stdout
    assert "FAIL keyring: No OS keyring is available (fail Keyring is not the operating system's own store)" \
        in result.stdout
    assert "FAIL route: not tried, Qt cannot start" in result.stdout
    assert "ok   resources" in result.stdout and "ok   journal" in result.stdout
    assert result.stdout.splitlines()[-1] == "self-test FAILED: Qt, keyring, route"


def test_forced_wayland_without_a_compositor_gets_the_right_hint():
    result = cli("self-test", env={"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "no-such-compositor"})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert ("FAIL Qt: The panel cannot open a window: QT_QPA_PLATFORM asks for Wayland and no Wayland compositor "
            "answers (WAYLAND_DISPLAY='no-such-compositor'). Unset QT_QPA_PLATFORM") in result.stdout


def test_the_installers_check_skips_the_per_user_parts_and_writes_into_no_home(tmp_path):
    """As root at install time: root's missing keyring is no failure, and no folder of root's (or
    of the admin whose HOME sudo kept) gets a journal, a log or a font cache."""
    home = tmp_path / "home"
    home.mkdir()
    user_dirs = {name: str(home / name.lower()) for name in
                 ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")}
    result = cli("self-test", "--system", env={"HOME": str(home), **user_dirs, "DISPLAY": ":99",
                                                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [
        "ok   Qt", "ok   resources", "skip keyring", "ok   TLS trust store", "ok   route", "skip journal"]
    assert "ok   Qt: platform plugin 'offscreen'" in result.stdout  # no display of anyone's is used
    assert result.stdout.splitlines()[-1] == "self-test passed (skipped, per user: keyring, journal)"
    assert list(home.iterdir()) == []
