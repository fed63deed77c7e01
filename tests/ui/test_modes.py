"""Demo and real are clearly apart (issue 13, item 16): saving a real profile in Settings takes the
panel out of demo mode (no demo call, no trainer tools), Settings goes back to demo mode, and a
missing or locked keyring, or a missing key, shows in the header and keeps Transfer off with the
reason until it is fixed.

Each test has a D-Bus session of its own with a real gnome-keyring-daemon (or none at all), so
locking the keyring here touches no other test's keyring."""

import shutil
import tempfile
import uuid
from pathlib import Path

import keyring.core
import pytest
import shiboken6
from cryptography.hazmat.primitives import serialization
from keyring.backends import SecretService
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from app.core.calls import CallSource, IncomingCall
from app.core.credentials import CredentialsDesk
from tests.conftest import AGENT, CALL_CENTER, ORG_ID, make_profile
from tests.keyrings import PrivateSecretService
from tests.ui.panel_helpers import wait_outcome

BASE_URL = "https://acme.my.salesforce-scrt.com/telephony/v1"


@pytest.fixture
def desktop_session(monkeypatch):
    """`desktop_session(with_keyring)`: a D-Bus session of this test's own, used by keyring's Secret
    Service backend (what keyring picks on a Linux desktop)."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        pytest.fail("dbus-daemon and gnome-keyring-daemon are needed: install dbus and gnome-keyring (CI does)")
    started = []

    def start(with_keyring: bool) -> PrivateSecretService:
        folder = Path(tempfile.mkdtemp(prefix="tp-dbus-"))  # short: a socket path holds ~100 bytes
        started.append(folder)
        session = PrivateSecretService(folder, keyring=with_keyring)
        started.append(session)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
        monkeypatch.setattr(keyring.core, "_keyring_backend", SecretService.Keyring())
        return session

    yield start
    for thing in reversed(started):
        if isinstance(thing, Path):
            shutil.rmtree(thing, ignore_errors=True)
        else:
            thing.close()


@pytest.fixture
def secret_service(desktop_session):
    """A desktop session's running, unlocked keyring (gnome-keyring)."""
    return desktop_session(True)


@pytest.fixture
def no_keyring(desktop_session):
    """A desktop session where no keyring runs."""
    return desktop_session(False)


def pem_of(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def open_real_panel(arun, open_panel, profile, tmp_path):
    """The window on a configured profile whose key is looked for in the OS keyring, as at a real start."""
    from app.compose import open_profile_services

    services = arun(open_profile_services(profile, IncomingCall("0LQ5g00000Ab1Cd", CallSource.SOFTPHONE),
                                          tmp_path / "journal.sqlite3"))
    window = open_panel(services)
    window.directory.focus_search()
    window.directory.search.setText(AGENT)  # a pasted agent ID: everything else is ready to transfer
    QApplication.sendPostedEvents()
    window.target_activated(window.directory.model.view(0))
    return window


def come_back_to(window) -> None:
    """What the desktop sends when the rep comes back to the panel (from the keyring app, Settings)."""
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))


# ---- demo and real ------------------------------------------------------------------------------
def test_saving_a_real_profile_leaves_demo_mode_and_settings_goes_back(qtbot, arun, tmp_path, secret_service):
    from app.ui.shell.app import Boot, StartOptions
    from app.ui.shell.window import PanelWindow

    config = tmp_path / "config.toml"
    window = PanelWindow(config_path=config)
    qtbot.addWidget(window)
    window.show()
    boot = Boot(window, StartOptions(config_path=config))  # kept: the session's signals do not keep it
    boot.start()
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=15_000)
    assert window.demo_badge.isVisible() and window.trainer_button.isVisible()
    assert window.call_panel.source() is CallSource.DEMO
    window.trainer_tools.open_trainer()
    trainer = window.trainer_tools.trainer
    assert trainer is not None and trainer.isVisible()

    window.open_settings()
    dialog = window.session.settings
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert "demo mode" in dialog.mode_label.text() and not dialog.demo_button.isVisible()
    name = f"emea-{uuid.uuid4().hex[:8]}"  # no key in this keyring
    dialog.new_profile()
    for key, value in (("name", name), ("base_url", BASE_URL), ("org_id", ORG_ID), ("call_center", CALL_CENTER)):
        qtbot.keyClicks(dialog.form.fields[key], value)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.session.services is not None and not window.session.services.is_demo,
                    timeout=15_000)

    assert f"Saved profile '{name}'" in dialog.form_status.text()
    assert not window.demo_badge.isVisible() and not window.trainer_button.isVisible()
    assert window.trainer_tools.trainer is None and not shiboken6.isValid(trainer)  # the trainer's window is gone
    assert window.call_panel.text() == "" and not window.call_panel.new_demo_button.isVisible()
    assert f"Profile {name}" in window.profile_label.text()
    assert window.header.key_state.isVisible() and window.header.key_state.text() == "No key"
    assert f"No private key is stored for profile '{name}'" in window.header.key_state.toolTip()
    assert dialog.mode_label.text() == f"The panel uses profile '{name}'." and dialog.demo_button.isVisible()

    dialog.demo_button.click()
    qtbot.waitUntil(lambda: window.session.services is not None and window.session.services.is_demo,
                    timeout=15_000)
    assert window.demo_badge.isVisible() and window.trainer_button.isVisible()
    assert window.call_panel.source() is CallSource.DEMO and not window.header.key_state.isVisible()
    assert "demo mode" in dialog.mode_label.text()
    assert dialog.use_button.isVisible() and name in dialog.use_button.text()

    dialog.use_button.click()  # and back to the profile, without saving it again
    qtbot.waitUntil(lambda: window.session.services is not None and not window.session.services.is_demo,
                    timeout=15_000)
    assert window.session.services.profile.name == name and not window.demo_badge.isVisible()
    arun(window.shutdown())


def test_a_call_the_rep_typed_stays_when_the_panel_switches_profiles(qtbot, arun, tmp_path, monkeypatch):
    from app import compose
    from app.core.config_files import save_profile
    from app.core.profile import Profile
    from app.ui.shell.app import Boot, StartOptions
    from app.ui.shell.window import PanelWindow

    monkeypatch.setattr(compose, "_key_problem", lambda profile, credentials: None)  # no keyring needed here
    config = tmp_path / "config.toml"
    window = PanelWindow(config_path=config)
    qtbot.addWidget(window)
    window.show()
    boot = Boot(window, StartOptions(config_path=config))  # kept: the session's signals do not keep it
    boot.start()
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=15_000)
    window.call_panel.set_call(IncomingCall("contact-42", CallSource.TYPED))
    save_profile(config, Profile(name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER))
    window.session.sig_use_profile.emit("emea")
    qtbot.waitUntil(lambda: window.session.services is not None and not window.session.services.is_demo,
                    timeout=10_000)
    assert window.call_panel.text() == "contact-42"  # the rep's call survives the switch
    arun(window.shutdown())


# ---- the keyring in the header --------------------------------------------------------------------
def test_no_keyring_shows_in_the_header_and_transfer_is_off_with_the_reason(qtbot, arun, open_panel, tmp_path,
                                                                            simulator, no_keyring):
    window = open_real_panel(arun, open_panel, make_profile(simulator.base_url), tmp_path)
    assert window.header.key_state.isVisible() and window.header.key_state.text() == "No keyring"
    reason = window.header.key_state.toolTip()
    assert "No OS keyring is available" in reason and "never stored in plain files" in reason
    assert not window.form.can_transfer() and "No OS keyring is available" in window.form.reason_text()
    window.form.trigger()  # Ctrl+Enter does nothing either
    assert simulator.requests == []


def test_a_locked_keyring_keeps_transfer_off_until_it_is_unlocked(qtbot, arun, open_panel, tmp_path, simulator,
                                                                  rsa_key, secret_service):
    profile = make_profile(simulator.base_url, name=f"locked-{uuid.uuid4().hex[:8]}")
    CredentialsDesk().store_key(profile.name, pem_of(rsa_key), None)
    secret_service.lock()  # the screen locked, say
    window = open_real_panel(arun, open_panel, profile, tmp_path)
    assert window.header.key_state.text() == "Keyring locked" and window.header.key_state.isVisible()
    assert "is locked. Unlock it" in window.form.reason_text() and not window.form.can_transfer()

    come_back_to(window)  # still locked: nothing changes
    qtbot.wait(200)
    assert window.header.key_state.isVisible() and not window.form.can_transfer()

    secret_service.unlock()  # the rep unlocks it (the keyring app, a login) and comes back to the panel
    come_back_to(window)
    qtbot.waitUntil(lambda: not window.header.key_state.isVisible(), timeout=10_000)
    assert window.form.can_transfer()
    qtbot.mouseClick(window.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, window, "Routing requested to Agent")
    assert len(simulator.requests) == 1


def test_a_key_stored_meanwhile_is_seen_when_the_rep_checks_again(qtbot, arun, open_panel, tmp_path, simulator,
                                                                  rsa_key, secret_service):
    profile = make_profile(simulator.base_url, name=f"nokey-{uuid.uuid4().hex[:8]}")
    window = open_real_panel(arun, open_panel, profile, tmp_path)
    assert window.header.key_state.text() == "No key" and not window.form.can_transfer()
    CredentialsDesk().store_key(profile.name, pem_of(rsa_key), None)  # `credentials set` in a terminal, say
    qtbot.mouseClick(window.header.key_state, Qt.MouseButton.LeftButton)  # "Click to check again"
    qtbot.waitUntil(lambda: not window.header.key_state.isVisible(), timeout=10_000)
    assert window.form.can_transfer()


def test_a_transfer_that_meets_a_locked_keyring_puts_it_in_the_header(qtbot, arun, open_panel, tmp_path, simulator,
                                                                     rsa_key, secret_service):
    profile = make_profile(simulator.base_url, name=f"later-{uuid.uuid4().hex[:8]}")
    CredentialsDesk().store_key(profile.name, pem_of(rsa_key), None)
    window = open_real_panel(arun, open_panel, profile, tmp_path)
    assert not window.header.key_state.isVisible() and window.form.can_transfer()
    secret_service.lock()  # locked after the start, before the first transfer read the key
    qtbot.mouseClick(window.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, window, "locked")
    assert window.header.key_state.text() == "Keyring locked" and not window.form.can_transfer()
    assert simulator.requests == []
