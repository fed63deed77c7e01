"""Settings' "Create key and certificate…" and "Export certificate…": the key pair is made off the
GUI thread, the private key goes only into the keyring, the certificate where the rep chose, and
a stored key is replaced only after the rep says so."""

import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.compose import open_cli_desk
from app.core.config_files import save_profile
from app.core.credentials import CredentialsDesk
from app.core.journal import Journal
from app.core.profile import Profile
from app.core.routing.request import RouteRequest
from app.core.secrets import SecretStore
from app.core.signing.keys import load_private_key
from app.simulator.server import Simulator
from app.simulator.standalone import load_public_key
from tests.conftest import CALL_CENTER, ORG_ID, QUEUE, require_real_keyring
from tests.keyrings import MemoryKeyring
from tests.ui.test_settings import BASE_URL, assert_no_secret_shown, open_dialog, wait_idle


def public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "config.toml"
    save_profile(path, Profile(name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER))
    return path


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


def save_certificate_as(qtbot, dialog, button, path: Path) -> None:
    """Click `button`, then save as `path` in the (non-modal) file dialog."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    chooser = dialog.credentials.file_dialog
    assert isinstance(chooser, QFileDialog) and chooser.acceptMode() is QFileDialog.AcceptMode.AcceptSave
    qtbot.waitUntil(chooser.isVisible)
    assert not dialog.credentials.is_busy()  # choosing blocks nothing
    chooser.selectFile(str(path))
    chooser.accept()
    wait_idle(qtbot, dialog)


def test_create_key_and_certificate_keeps_the_key_in_the_keyring_only(qtbot, config_path, backend, tmp_path):
    dialog = open_dialog(qtbot, config_path, SecretStore(backend=backend))
    panel = dialog.credentials
    assert "none stored" in panel.key_status.text()
    cert_path = tmp_path / "certs" / "emea.pem"
    cert_path.parent.mkdir()

    save_certificate_as(qtbot, dialog, panel.create_key_button, cert_path)

    assert panel.message.text().startswith("Created a 2048-bit RSA key for 'emea' in the keyring.")
    assert f"Upload the certificate {cert_path} on the Call Center" in panel.message.text()
    assert "stored for 'emea'" in panel.key_status.text()
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = load_private_key(SecretStore(backend=backend).get_private_key("emea").pem, None)
    assert public_der(key.public_key()) == public_der(certificate.public_key())
    assert_no_secret_shown(dialog)
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or b"PRIVATE KEY" not in path.read_bytes(), path


def test_a_stored_key_is_replaced_only_after_the_rep_says_so(qtbot, config_path, backend, tmp_path):
    dialog = open_dialog(qtbot, config_path, SecretStore(backend=backend))
    panel = dialog.credentials
    save_certificate_as(qtbot, dialog, panel.create_key_button, tmp_path / "first.pem")
    first_key = SecretStore(backend=backend).get_private_key("emea").pem

    panel.file_dialog = None
    qtbot.mouseClick(panel.create_key_button, Qt.MouseButton.LeftButton)
    assert panel.replace_question.isVisible() and panel.file_dialog is None  # asked first, nothing chosen yet
    assert "transfers fail until its certificate is registered" in panel.replace_question.text()
    assert dialog.focusWidget() is panel.keep_button  # the safe answer has the focus
    qtbot.keyClick(panel.keep_button, Qt.Key.Key_Space)
    assert not panel.replace_question.isVisible()
    assert SecretStore(backend=backend).get_private_key("emea").pem == first_key

    qtbot.mouseClick(panel.create_key_button, Qt.MouseButton.LeftButton)
    save_certificate_as(qtbot, dialog, panel.replace_button, tmp_path / "second.pem")
    assert "It replaces the previous key" in panel.message.text()
    second_key = load_private_key(SecretStore(backend=backend).get_private_key("emea").pem, None)
    certificate = x509.load_pem_x509_certificate((tmp_path / "second.pem").read_bytes())
    assert public_der(second_key.public_key()) == public_der(certificate.public_key())
    assert SecretStore(backend=backend).get_private_key("emea").pem != first_key


def test_export_certificate_certifies_the_stored_key(qtbot, config_path, backend, tmp_path):
    dialog = open_dialog(qtbot, config_path, SecretStore(backend=backend))
    panel = dialog.credentials
    save_certificate_as(qtbot, dialog, panel.export_cert_button, tmp_path / "none.pem")
    assert "No private key is stored for profile 'emea'" in panel.message.text()
    assert not (tmp_path / "none.pem").exists()

    save_certificate_as(qtbot, dialog, panel.create_key_button, tmp_path / "made.pem")
    save_certificate_as(qtbot, dialog, panel.export_cert_button, tmp_path / "again.pem")
    assert panel.message.text().startswith("Saved a new certificate for the key of 'emea'.")
    made, again = (x509.load_pem_x509_certificate((tmp_path / name).read_bytes()) for name in ("made.pem", "again.pem"))
    assert public_der(made.public_key()) == public_der(again.public_key())


def test_the_key_actions_wait_for_a_saved_profile(qtbot, tmp_path, backend):
    dialog = open_dialog(qtbot, tmp_path / "none.toml", SecretStore(backend=backend))
    panel = dialog.credentials
    assert not panel.create_key_button.isEnabled() and not panel.export_cert_button.isEnabled()
    assert panel.create_key_button.accessibleName() and panel.export_cert_button.accessibleName()


@pytest.mark.real_keyring
def test_a_key_made_in_settings_routes_through_the_simulator_its_certificate_set_up(qtbot, tmp_path, run):
    """The real keyring: the key Settings made signs the token, the simulator verifies it against
    the certificate Settings saved, as Salesforce does against the one registered on the Call Center."""
    require_real_keyring()
    name = f"uikey-{uuid.uuid4().hex[:8]}"
    config_path = tmp_path / "config.toml"
    cert_path = tmp_path / f"{name}.pem"
    save_profile(config_path, Profile(name=name, base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER))
    dialog = open_dialog(qtbot, config_path, None)  # the default store: the OS keyring
    try:
        save_certificate_as(qtbot, dialog, dialog.credentials.create_key_button, cert_path)
        assert "Created a 2048-bit RSA key" in dialog.credentials.message.text(), dialog.credentials.message.text()

        with Simulator(public_keys=[load_public_key(cert_path)], org_id=ORG_ID, call_center=CALL_CENTER) as sim:
            profile = Profile(name=name, base_url=sim.base_url, org_id=ORG_ID, call_center=CALL_CENTER)
            desk = open_cli_desk(profile, tmp_path / "journal.sqlite3")  # signs with the keyring's key
            try:
                outcome = run(desk.transfer(RouteRequest.build("0LQ5g00000Ui001", QUEUE, target_label="Billing")))
            finally:
                run(desk.aclose())
        assert outcome.accepted and outcome.http_status == 200, outcome
        (sent,) = sim.requests
        assert sent.status == 200 and sent.jti == outcome.jti
        assert Journal(tmp_path / "journal.sqlite3").recent(1)[0].outcome.accepted
    finally:
        CredentialsDesk().delete(name)
