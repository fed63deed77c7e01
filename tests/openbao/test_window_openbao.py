"""The window with a profile that signs through a real OpenBao: who is signed in, "Sign in…" with an
inline password, nothing sent before, a transfer after, and the token revoked when the window closes."""

import httpx
from PySide6.QtCore import Qt

from app.compose import open_profile_services
from app.core.calls import CallSource, IncomingCall
from tests.conftest import QUEUE
from tests.openbao.conftest import PASSWORD, USER, stored_token
from tests.ui.conftest import arun, demo_services, journal_path, open_panel, qloop  # noqa: F401  (qasync fixtures)
from tests.ui.panel_helpers import wait_idle, wait_outcome


def paste_target(qtbot, window, target_id: str) -> None:
    window.directory.search.setText(target_id)
    results, model = window.directory.results, window.directory.model
    qtbot.waitUntil(lambda: model.rowCount() >= 1)
    index = model.index(0, 0)
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualRect(index).center())
    qtbot.waitUntil(lambda: window.form.target() is not None)


def test_sign_in_from_the_window_then_transfer_and_revoke_at_close(
        qtbot, arun, open_panel, journal_path, bao, bao_profile, keyring_store, credentials, simulator,  # noqa: F811
        tmp_path):
    profile = bao_profile()
    call = IncomingCall("0LQ5g00000WINBA", CallSource.COMMAND_LINE)
    services = arun(open_profile_services(profile, call, journal_path, credentials))
    assert services.warnings == []  # no key is looked for: OpenBao signs
    window = open_panel(services)
    row = window.sign_in
    qtbot.waitUntil(lambda: row.isVisible() and "Not signed in to OpenBao" in row.status_label.text())
    assert row.sign_in_button.isVisible()
    window.grab().save(str(tmp_path / "not-signed-in.png"))

    paste_target(qtbot, window, QUEUE)
    qtbot.mouseClick(window.form.transfer_button, Qt.MouseButton.LeftButton)
    refused = wait_outcome(qtbot, window, "Not signed in to OpenBao")
    assert "Sign in…" in refused and "credentials login" not in refused and simulator.requests == []  # nothing sent
    wait_idle(qtbot, window)

    qtbot.mouseClick(row.sign_in_button, Qt.MouseButton.LeftButton)
    assert row.password.isVisible() and row.password.echoMode() == row.password.EchoMode.Password
    row.username.setText(USER)
    qtbot.keyClicks(row.password, PASSWORD)
    qtbot.keyClick(row.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row.status_label.text().startswith(f"Signed in to OpenBao as {USER}, until "),
                    timeout=15_000)
    assert row.password.text() == "" and not row.sign_in_button.isVisible() and not row.password.isVisible()
    window.grab().save(str(tmp_path / "signed-in.png"))

    qtbot.mouseClick(window.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, window, "Routing requested to")
    (sent,) = simulator.requests
    assert sent.status == 200
    wait_idle(qtbot, window)

    token = stored_token(keyring_store, profile.name)
    arun(window.shutdown())  # quitting the panel ends the rep's OpenBao session
    assert httpx.get(f"{bao.address}/v1/auth/token/lookup-self", headers={"X-Vault-Token": token},
                     timeout=10).status_code == 403
    assert stored_token(keyring_store, profile.name) is None


def test_a_keyring_profile_shows_no_sign_in_row(qtbot, arun, open_panel, demo_services):  # noqa: F811
    window = open_panel(demo_services)
    assert not window.sign_in.isVisible()
