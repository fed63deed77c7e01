"""The settings dialog (offscreen, pytest-qt): profiles round-trip through the config file,
keys go into a keyring, "Test" shows claims and never a token or a PEM.

Most tests use an in-memory keyring backend passed in through the dialog's `store`;
the one marked `real_keyring` talks to the desktop's SecretService.
"""

import uuid
from pathlib import Path

import keyring.backend
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.core.config_files import load_config, save_profile
from app.core.profile import Profile
from app.core.secrets import SecretStore
from app.ui.settings.dialog import SettingsDialog
from tests.conftest import CALL_CENTER, ORG_ID, require_real_keyring
from tests.keyrings import MemoryKeyring, stored_usernames

BASE_URL = "https://acme.my.salesforce-scrt.com/telephony/v1"


def make_store(backend: keyring.backend.KeyringBackend) -> SecretStore:
    return SecretStore(backend=backend)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


@pytest.fixture
def saved_profile(config_path: Path) -> Profile:
    profile = Profile(name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER,
                      provider_name="Amazon Connect")
    save_profile(config_path, profile)
    return profile


@pytest.fixture
def memory_store() -> SecretStore:
    return make_store(MemoryKeyring())


def write_pem(path: Path, key, passphrase: str | None = None,
              fmt=serialization.PrivateFormat.PKCS8) -> Path:
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt, encryption))
    return path


@pytest.fixture
def pem_file(tmp_path: Path, rsa_key) -> Path:
    return write_pem(tmp_path / "key.pem", rsa_key)


def open_dialog(qtbot, config_path: Path, store: SecretStore | None) -> SettingsDialog:
    dialog = SettingsDialog(config_path, store=store)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, dialog)
    return dialog


def wait_idle(qtbot, dialog: SettingsDialog) -> None:
    """Until the config file and the keyring have answered (both are read off the GUI thread)."""
    qtbot.waitUntil(lambda: not dialog.is_busy())


def visible_texts(dialog: QWidget) -> list[str]:
    """Every text a widget of the dialog holds (shown or not)."""
    texts = [dialog.windowTitle()]
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            texts.append(widget.toPlainText())
        texts.append(widget.toolTip())
    return texts


def assert_no_secret_shown(dialog: QWidget) -> None:
    for text in visible_texts(dialog):
        assert "eyJ" not in text, f"a JWT is shown: {text[:20]}…"
        assert "BEGIN" not in text, "PEM text is shown"
        assert "PRIVATE KEY" not in text, "PEM text is shown"


def choose_file(qtbot, dialog: SettingsDialog, path: Path) -> None:
    """Click "Set private key from PEM file…" and pick `path` in the (non-modal) file dialog."""
    qtbot.mouseClick(dialog.credentials.set_key_button, Qt.MouseButton.LeftButton)
    file_dialog = dialog.credentials.file_dialog
    assert isinstance(file_dialog, QFileDialog)
    qtbot.waitUntil(file_dialog.isVisible)
    assert not dialog.credentials.is_busy()  # opening the chooser blocks nothing
    file_dialog.selectFile(str(path))
    file_dialog.accept()
    wait_idle(qtbot, dialog)


# ---- profiles ---------------------------------------------------------------------------
def fill_form(qtbot, dialog: SettingsDialog, **values) -> None:
    for key, value in values.items():
        widget = dialog.form.fields[key]
        if isinstance(widget, QLineEdit):
            widget.clear()
            qtbot.keyClicks(widget, value)
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(value)
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value)


def test_new_profile_is_saved_to_the_file(qtbot, config_path, memory_store):
    dialog = open_dialog(qtbot, config_path, memory_store)
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.profile_list.count() == 0
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    fill_form(qtbot, dialog, name="emea", base_url=BASE_URL + "/", org_id=ORG_ID[:15],
              call_center=CALL_CENTER, provider_name="Amazon Connect", route_shape="connector",
              body_format="xml", flow_inputs_as="string", timeout_s=25.0)

    with qtbot.waitSignal(dialog.sig_profile_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    saved = load_config(config_path).profile("emea")
    assert saved == Profile(name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER,
                            provider_name="Amazon Connect", route_shape="connector",
                            body_format="xml", flow_inputs_as="string", timeout_s=25.0)
    assert [dialog.profile_list.item(i).text() for i in range(dialog.profile_list.count())] == ["emea"]
    assert dialog.profile_list.currentItem().text() == "emea"
    assert "Saved" in dialog.form_status.text()
    assert dialog.form.fields["name"].isReadOnly()  # a saved profile is not renamed in place


def test_editing_a_profile_keeps_the_others(qtbot, config_path, saved_profile, memory_store):
    save_profile(config_path, Profile(name="apac", base_url=BASE_URL, org_id=ORG_ID, call_center="APAC"))
    dialog = open_dialog(qtbot, config_path, memory_store)
    dialog.profile_list.setCurrentRow(1)  # sorted: apac, emea
    assert dialog.form.fields["name"].text() == "emea"
    fill_form(qtbot, dialog, timeout_s=30.0)
    with qtbot.waitSignal(dialog.sig_profile_saved):
        dialog.save_button.click()
    config = load_config(config_path)
    assert config.profile("emea").timeout_s == 30.0
    assert config.profile("apac").call_center == "APAC"


def test_editing_keeps_the_directory_keys_the_form_does_not_show(qtbot, config_path, memory_store, tmp_path):
    directory_file = tmp_path / "team.csv"
    save_profile(config_path, Profile(name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER,
                                      directory_source="file", directory_file=str(directory_file)))
    dialog = open_dialog(qtbot, config_path, memory_store)
    fill_form(qtbot, dialog, timeout_s=12.0)
    with qtbot.waitSignal(dialog.sig_profile_saved):
        dialog.save_button.click()
    saved = load_config(config_path).profile("emea")
    assert (saved.timeout_s, saved.directory_source, saved.directory_file) == (12.0, "file", str(directory_file))


def test_invalid_base_url_is_shown_and_nothing_is_saved(qtbot, config_path, saved_profile, memory_store):
    before = config_path.read_bytes()
    dialog = open_dialog(qtbot, config_path, memory_store)
    fill_form(qtbot, dialog, base_url="http://acme.my.salesforce-scrt.com/telephony/v1")
    with qtbot.assertNotEmitted(dialog.sig_profile_saved):
        dialog.save_button.click()
    assert "base_url" in dialog.form_status.text()
    assert "https://" in dialog.form_status.text()
    assert config_path.read_bytes() == before

    dialog.new_button.click()
    fill_form(qtbot, dialog, name="new", base_url="not a url", org_id=ORG_ID, call_center=CALL_CENTER)
    with qtbot.assertNotEmitted(dialog.sig_profile_saved):
        dialog.save_button.click()
    assert "base_url" in dialog.form_status.text()
    assert config_path.read_bytes() == before


def test_a_broken_config_file_is_shown_plainly(qtbot, config_path, memory_store):
    config_path.parent.mkdir(parents=True)
    config_path.write_text("[profiles.emea]\nbase_url = \n", encoding="utf-8")
    dialog = open_dialog(qtbot, config_path, memory_store)
    assert not dialog.config_error.isHidden()
    assert "not valid TOML" in dialog.config_error.text()
    assert "Traceback" not in dialog.config_error.text()

    config_path.write_text("[profiles.emea]\nbase_ulr = 'x'\n", encoding="utf-8")
    dialog.reload()
    assert dialog.is_busy()  # read off the GUI thread
    wait_idle(qtbot, dialog)
    assert "did you mean 'base_url'" in dialog.config_error.text()


# ---- credentials ------------------------------------------------------------------------
def test_set_key_then_test_shows_claims_never_the_token(qtbot, config_path, saved_profile,
                                                        memory_store, pem_file, rsa_key):
    from app.core.signing.keys import key_fingerprint

    dialog = open_dialog(qtbot, config_path, memory_store)
    panel = dialog.credentials
    assert "none stored" in panel.key_status.text()
    assert panel.backend_label.text()

    choose_file(qtbot, dialog, pem_file)
    assert "Stored the 2048-bit RSA key for 'emea'" in panel.message.text()
    assert "stored for 'emea'" in panel.key_status.text()
    assert memory_store.has_private_key("emea")

    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    assert panel.busy_label.text() == "Working…"
    assert not panel.test_button.isEnabled()
    wait_idle(qtbot, dialog)
    claims = dict(line.split(":", 1) for line in panel.claims.text().splitlines() if line[:1] != " ")
    assert claims["iss"].strip() == ORG_ID
    assert claims["sub"].strip() == CALL_CENTER
    assert claims["aud"].strip() == "https://scrt.salesforce.com"
    assert {"iat", "exp", "jti", "fingerprint"} <= claims.keys()
    fingerprint = key_fingerprint(rsa_key)
    assert fingerprint[:47] in panel.claims.text() and fingerprint[48:] in panel.claims.text()
    assert panel.busy_label.text() == ""
    assert_no_secret_shown(dialog)


def test_remove_key(qtbot, config_path, saved_profile, memory_store, pem_file):
    dialog = open_dialog(qtbot, config_path, memory_store)
    choose_file(qtbot, dialog, pem_file)
    dialog.credentials.remove_key_button.click()
    wait_idle(qtbot, dialog)
    assert not memory_store.has_private_key("emea")
    assert "none stored" in dialog.credentials.key_status.text()
    dialog.credentials.test_button.click()
    wait_idle(qtbot, dialog)
    assert dialog.credentials.message.text()  # the missing key, said plainly
    assert dialog.credentials.claims.text() == ""


def test_passphrase_protected_key(qtbot, config_path, saved_profile, memory_store, tmp_path, rsa_key):
    pem = write_pem(tmp_path / "locked.pem", rsa_key, passphrase="correct horse",
                    fmt=serialization.PrivateFormat.TraditionalOpenSSL)
    dialog = open_dialog(qtbot, config_path, memory_store)
    panel = dialog.credentials

    qtbot.keyClicks(panel.passphrase, "wrong horse")
    choose_file(qtbot, dialog, pem)
    assert "passphrase is wrong" in panel.message.text()
    assert panel.passphrase.text() == ""  # cleared after use, even on failure
    assert not memory_store.has_private_key("emea")

    choose_file(qtbot, dialog, pem)  # no passphrase at all
    assert "protected by a passphrase" in panel.message.text()

    qtbot.keyClicks(panel.passphrase, "correct horse")
    choose_file(qtbot, dialog, pem)
    assert "Stored the 2048-bit RSA key" in panel.message.text()
    assert panel.passphrase.text() == ""
    panel.test_button.click()
    wait_idle(qtbot, dialog)
    assert ORG_ID in panel.claims.text()
    for text in visible_texts(dialog):
        assert "correct horse" not in text
    assert_no_secret_shown(dialog)


def test_non_rsa_and_non_pem_files_are_refused(qtbot, config_path, saved_profile, memory_store, tmp_path):
    dialog = open_dialog(qtbot, config_path, memory_store)
    ec_pem = write_pem(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1()))
    choose_file(qtbot, dialog, ec_pem)
    assert "needs an RSA key" in dialog.credentials.message.text()
    small = write_pem(tmp_path / "small.pem", rsa.generate_private_key(65537, 1024))
    choose_file(qtbot, dialog, small)
    assert "1024-bit" in dialog.credentials.message.text()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    choose_file(qtbot, dialog, text_file)
    assert "not a PEM private key" in dialog.credentials.message.text()
    dialog.credentials.set_key_from_file(tmp_path / "missing.pem")
    wait_idle(qtbot, dialog)
    assert "Cannot read the key file" in dialog.credentials.message.text()
    assert not memory_store.has_private_key("emea")
    assert_no_secret_shown(dialog)


def test_no_keyring_is_shown_plainly(qtbot, config_path, saved_profile, pem_file):
    from keyring.backends import fail

    from app.core.secrets import NoKeyringError
    from app.messages import Front, describe

    store = make_store(fail.Keyring())
    with pytest.raises(NoKeyringError) as expected:
        store.has_private_key("emea")
    said = describe(expected.value, Front.WINDOW)
    assert "never stored in plain files" in said
    dialog = open_dialog(qtbot, config_path, store)
    panel = dialog.credentials
    assert said in (panel.backend_label.text(), panel.key_status.text())

    choose_file(qtbot, dialog, pem_file)
    assert panel.message.text() == said
    panel.test_button.click()
    wait_idle(qtbot, dialog)
    assert panel.message.text() == said
    assert panel.claims.text() == ""
    for text in visible_texts(dialog):
        assert "Traceback" not in text
    assert_no_secret_shown(dialog)


def test_reopening_reads_the_file_again(qtbot, config_path, saved_profile, memory_store):
    dialog = open_dialog(qtbot, config_path, memory_store)
    dialog.close()
    save_profile(config_path, Profile(name="apac", base_url=BASE_URL, org_id=ORG_ID, call_center="APAC"))
    dialog.open()
    wait_idle(qtbot, dialog)
    assert dialog.profile_list.count() == 2
    assert dialog.selected_profile() == saved_profile  # the selection is kept


def test_a_new_profile_has_no_credential_actions(qtbot, config_path, memory_store):
    dialog = open_dialog(qtbot, config_path, memory_store)
    panel = dialog.credentials
    assert "Save the profile first" in panel.key_status.text()
    for button in (panel.set_key_button, panel.remove_key_button, panel.test_button):
        assert not button.isEnabled()


def test_every_control_has_an_accessible_name_and_tab_order_is_sane(qtbot, config_path, saved_profile,
                                                                     memory_store):
    dialog = open_dialog(qtbot, config_path, memory_store)
    controls = [w for w in dialog.findChildren(QWidget)
                if isinstance(w, QAbstractButton | QLineEdit | QComboBox | QDoubleSpinBox | QListWidget)
                and w.window() is dialog and not isinstance(w.parent(), QComboBox | QDoubleSpinBox)]
    assert len(controls) >= 17
    for control in controls:
        assert control.accessibleName(), f"{control.objectName() or type(control).__name__} has no name"

    expected = [dialog.profile_list, dialog.new_button, *dialog.form.tab_chain(), dialog.save_button,
                dialog.credentials.passphrase, dialog.credentials.set_key_button,
                dialog.credentials.remove_key_button, dialog.credentials.test_button, dialog.demo_button,
                dialog.close_button]
    dialog.profile_list.setFocus()
    order = [dialog.profile_list]
    for _ in expected[1:]:
        order.append(order[-1].nextInFocusChain())
        while not (order[-1].focusPolicy() & Qt.FocusPolicy.TabFocus) or order[-1] not in expected:
            order[-1] = order[-1].nextInFocusChain()
    assert order == expected


# ---- the real keyring -------------------------------------------------------------------
@pytest.mark.real_keyring
def test_real_keyring_round_trip(qtbot, config_path, pem_file):
    require_real_keyring()
    name = f"uitest-{uuid.uuid4().hex[:10]}"
    save_profile(config_path, Profile(name=name, base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER))
    dialog = open_dialog(qtbot, config_path, None)  # the default store: the OS keyring
    panel = dialog.credentials
    try:
        assert "none stored" in panel.key_status.text(), panel.backend_label.text()
        choose_file(qtbot, dialog, pem_file)
        assert "Stored the 2048-bit RSA key" in panel.message.text(), panel.message.text()
        assert f"{name}/scrt/manifest" in stored_usernames("voice-transfer-panel")
        panel.test_button.click()
        wait_idle(qtbot, dialog)
        assert ORG_ID in panel.claims.text(), panel.message.text()
        assert_no_secret_shown(dialog)
    finally:
        panel.remove_key_button.click()
        wait_idle(qtbot, dialog)
    assert "Removed the key" in panel.message.text()
    assert not any(entry.startswith(f"{name}/") for entry in stored_usernames("voice-transfer-panel"))


def test_keys_it_locked_are_read_only_with_the_reason(qtbot, config_path, memory_store, tmp_path, monkeypatch):
    site = tmp_path / "site" / "config.toml"
    site.parent.mkdir()
    site.write_text(f'[profiles.emea]\nbase_url = "{BASE_URL}"\norg_id = "{ORG_ID}"\ncall_center = "{CALL_CENTER}"\n'
                    'locked = ["base_url", "org_id"]\n', encoding="utf-8")
    monkeypatch.setenv("TRANSFER_PANEL_SITE_CONFIG", str(site))
    dialog = open_dialog(qtbot, config_path, memory_store)
    fields = dialog.form.fields
    assert not fields["base_url"].isEnabled() and not fields["org_id"].isEnabled()
    assert fields["timeout_s"].isEnabled() and fields["call_center"].isEnabled()
    assert str(site) in fields["base_url"].toolTip() and "IT department" in fields["base_url"].toolTip()
    assert dialog.form.locked_note.isVisible() and "Base URL, Org ID" in dialog.form.locked_note.text()

    fill_form(qtbot, dialog, timeout_s=40.0)
    with qtbot.waitSignal(dialog.sig_profile_saved):
        dialog.save_button.click()
    written = config_path.read_text(encoding="utf-8")
    assert "timeout_s = 40.0" in written and "base_url" not in written  # the site file keeps those
    assert load_config(config_path).profile("emea").timeout_s == 40.0


# ---- repairing a broken config file (issue 13, item 17) ------------------------------------------
WITH_TYPO = (f'# set up by IT\n[profiles.emea]\nbase_url = "{BASE_URL}"\norg_id = "{ORG_ID}"\n'
             f'call_center = "{CALL_CENTER}"\ntimout_s = 3\n')


def test_a_typo_in_the_file_is_shown_with_its_line_nothing_is_saved_over_it_and_it_is_fixed_here(
        qtbot, config_path, memory_store):
    config_path.parent.mkdir(parents=True)
    config_path.write_text(WITH_TYPO, encoding="utf-8")
    dialog = open_dialog(qtbot, config_path, memory_store)
    assert "Line 6: [profiles.emea] unknown key 'timout_s': did you mean 'timeout_s'?" in dialog.config_error.text()
    assert dialog.tabs.tabText(1) == "Config file (1 problem)" and dialog.show_file_button.isVisible()
    assert dialog.profile_list.count() == 0

    # A new profile is not saved into the broken file, and nothing says "Saved".
    fill_form(qtbot, dialog, name="amer", base_url=BASE_URL, org_id=ORG_ID, call_center="HVCC_US")
    with qtbot.assertNotEmitted(dialog.sig_profile_saved):
        dialog.save_button.click()
        wait_idle(qtbot, dialog)
    assert dialog.form_status.text().startswith("Not saved.") and "Saved profile" not in dialog.form_status.text()
    assert "Line 6: [profiles.emea] unknown key 'timout_s'" in dialog.form_status.text()
    assert config_path.read_text(encoding="utf-8") == WITH_TYPO

    # The file page: the problem with its line, the cursor on it, and the fix.
    qtbot.mouseClick(dialog.show_file_button, Qt.MouseButton.LeftButton)
    page = dialog.file_page
    assert dialog.tabs.currentWidget() is page and page.problems.count() == 1
    assert page.editor.textCursor().blockNumber() == 5  # line 6
    assert page.fix_button.isEnabled() and page.fix_button.text() == "Rename 'timout_s' to 'timeout_s'"
    qtbot.mouseClick(page.fix_button, Qt.MouseButton.LeftButton)
    assert page.editor.toPlainText() == WITH_TYPO.replace("timout_s", "timeout_s")
    qtbot.waitUntil(lambda: not dialog.is_busy() and page.problem_count() == 0)
    assert config_path.read_text(encoding="utf-8") == WITH_TYPO  # nothing written before Save file

    with qtbot.waitSignal(dialog.sig_file_saved):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "no problems" in page.status.text()
    assert config_path.read_text(encoding="utf-8") == WITH_TYPO.replace("timout_s", "timeout_s")  # comment kept
    assert [dialog.profile_list.item(i).text() for i in range(dialog.profile_list.count())] == ["emea"]
    assert dialog.config_error.isHidden() and dialog.tabs.tabText(1) == "Config file"
    assert load_config(config_path).profile("emea").timeout_s == 3.0


def test_an_edit_with_problems_is_not_saved_and_says_where(qtbot, config_path, saved_profile, memory_store):
    before = config_path.read_text(encoding="utf-8")
    dialog = open_dialog(qtbot, config_path, memory_store)
    dialog.show_file()
    page = dialog.file_page
    assert page.editor.toPlainText() == before and page.problem_count() == 0
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    page.editor.insertPlainText('[profiles.x]\nbase_url = \n')  # pasted
    qtbot.waitUntil(lambda: not dialog.is_busy() and page.problem_count() == 1, timeout=5000)
    lines = before.count("\n")
    assert page.problems.item(0).text().startswith(f"Line {lines + 2}: The config file")
    assert "not valid TOML" in page.problems.item(0).text()
    assert page.editor.textCursor().blockNumber() == lines + 1  # the cursor on that line
    page.save_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy() and page.status.text().startswith("Not saved."))
    assert config_path.read_text(encoding="utf-8") == before
    page.editor.undo()  # what the rep typed, undone: the file as it was, with nothing to fix
    qtbot.waitUntil(lambda: not dialog.is_busy() and page.editor.toPlainText() == before)


def test_the_file_changed_elsewhere_is_not_overwritten(qtbot, config_path, saved_profile, memory_store):
    dialog = open_dialog(qtbot, config_path, memory_store)
    page = dialog.file_page
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    page.editor.insertPlainText("# mine\n")
    config_path.write_text(config_path.read_text(encoding="utf-8") + "# IT's\n", encoding="utf-8")
    page.save_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy() and page.status.text().startswith("Not saved."))
    assert "changed by someone else" in page.status.text()
    assert config_path.read_text(encoding="utf-8").endswith("# IT's\n")


# ---- every key of a profile -------------------------------------------------------------------------
def test_the_form_has_a_field_for_every_key_of_a_profile(qtbot, config_path, memory_store):
    from app.core.profile import KEYS

    dialog = open_dialog(qtbot, config_path, memory_store)
    assert sorted(dialog.form.fields) == sorted(["name", *KEYS])
    for key, widget in dialog.form.fields.items():
        assert widget.accessibleName() and widget.toolTip(), key


def test_the_directory_and_signing_keys_are_edited_and_only_those_that_apply_are_shown(qtbot, config_path,
                                                                                       memory_store):
    dialog = open_dialog(qtbot, config_path, memory_store)
    form = dialog.form
    shown = set(map(id, form.tab_chain()))
    assert id(form.fields["directory_file"]) not in shown and id(form.fields["openbao_url"]) not in shown
    fill_form(qtbot, dialog, name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER,
              contact_id_pattern="[0-9a-f-]{36}", directory_source="salesforce",
              salesforce_login_url="https://test.salesforce.com", salesforce_consumer_key="3MVG9-consumer",
              salesforce_username="panel@acme.example", salesforce_api_version="61.0", presence_refresh_s=45.0,
              signing="openbao", openbao_url="https://openbao.example.com:8200", openbao_key="scrt-hvcc",
              openbao_auth="userpass", openbao_namespace="emea/contact-center")
    shown = set(map(id, form.tab_chain()))
    assert id(form.fields["salesforce_username"]) in shown and id(form.fields["openbao_key"]) in shown
    assert id(form.fields["openbao_role"]) not in shown  # userpass has no role
    assert id(form.fields["directory_file"]) not in shown
    with qtbot.waitSignal(dialog.sig_profile_saved):
        dialog.save_button.click()
    saved = load_config(config_path).profile("emea")
    assert saved == Profile(name="emea", base_url=BASE_URL, org_id=ORG_ID, call_center=CALL_CENTER,
                            contact_id_pattern="[0-9a-f-]{36}", directory_source="salesforce",
                            salesforce_login_url="https://test.salesforce.com",
                            salesforce_consumer_key="3MVG9-consumer", salesforce_username="panel@acme.example",
                            salesforce_api_version="61.0", presence_refresh_s=45.0, signing="openbao",
                            openbao_url="https://openbao.example.com:8200", openbao_key="scrt-hvcc",
                            openbao_auth="userpass", openbao_namespace="emea/contact-center")

    fill_form(qtbot, dialog, directory_source="file")
    assert id(form.fields["directory_file"]) in set(map(id, form.tab_chain()))
    dialog.save_button.click()  # a file source without its file: the core says which key is missing
    assert "directory_file is missing" in dialog.form_status.text()


def test_a_file_that_is_not_text_is_named_and_left_alone(qtbot, config_path, memory_store):
    config_path.parent.mkdir(parents=True)
    config_path.write_bytes(b"\xff\xfe[profiles]\x00")
    dialog = open_dialog(qtbot, config_path, memory_store)
    assert "not UTF-8 text" in dialog.config_error.text()
    assert dialog.file_page.editor.isReadOnly() and not dialog.file_page.save_button.isEnabled()
    fill_form(qtbot, dialog, name="amer", base_url=BASE_URL, org_id=ORG_ID, call_center="HVCC_US")
    with qtbot.assertNotEmitted(dialog.sig_profile_saved):
        dialog.save_button.click()
        wait_idle(qtbot, dialog)
    assert dialog.form_status.text().startswith("Not saved.") and "not UTF-8 text" in dialog.form_status.text()
    assert config_path.read_bytes() == b"\xff\xfe[profiles]\x00"
