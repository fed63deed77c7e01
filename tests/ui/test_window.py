"""The window around the transfer: start-up, demo mode, empty directories, errors, settings."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from app.compose import Services, open_desk
from app.core.calls import CallSource, IncomingCall
from app.core.directory import SearchIndex
from app.core.ids import IdKind
from app.core.journal import Journal
from app.ui.common.tasks import spawn
from app.ui.shell.error_hooks import install_error_hooks
from tests.conftest import AGENT, make_profile
from tests.ui.a11y_helpers import spoken_description, spoken_name
from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome


def profile_services(profile, minter, tmp_path, call_id=None):
    """A configured profile with no directory source (the rep pastes IDs), on a real journal."""
    desk = open_desk(profile, minter, Journal(tmp_path / "journal.sqlite3"))
    call = IncomingCall(call_id, CallSource.COMMAND_LINE) if call_id else None
    return Services(profile, desk, SearchIndex([]), call)


def test_demo_mode_is_visible_and_offers_new_calls(qtbot, panel, demo_services):
    assert panel.demo_badge.isVisible() and panel.demo_badge.text() == "DEMO"
    assert panel.profile_label.text() == "" and "simulator at http://127.0.0.1:" in panel.demo_badge.toolTip()
    first = panel.call_panel.text()
    assert first.startswith("0LQ") and panel.call_panel.source() == "demo"
    assert panel.call_panel.status.text() == "✓ Salesforce VoiceCall ID"

    qtbot.mouseClick(panel.call_panel.new_demo_button, Qt.MouseButton.LeftButton)
    assert panel.call_panel.text() != first and panel.call_panel.text().startswith("0LQ")


def test_the_list_model_only_exposes_the_core_search_result(qtbot, panel, demo_services):
    from PySide6.QtCore import QSortFilterProxyModel

    assert not isinstance(panel.directory.results.model(), QSortFilterProxyModel)
    panel.directory.search.setText("a")
    everything = len(demo_services.directory.search("a", kind=None, available_only=False))
    assert panel.directory.model.total_rows() == everything > 200
    assert panel.directory.count.text() == f"{everything:,} results"
    qtbot.mouseClick(panel.directory.kind_buttons[IdKind.QUEUE], Qt.MouseButton.LeftButton)
    kinds = {panel.directory.model.view(row).kind for row in range(panel.directory.model.rowCount())}
    assert kinds == {"queue"}
    assert panel.directory.count.text().endswith(("result", "results"))
    assert panel.directory.results.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection


def test_available_only_hides_unavailable_agents(qtbot, panel):
    qtbot.mouseClick(panel.directory.kind_buttons[IdKind.AGENT], Qt.MouseButton.LeftButton)
    everyone = panel.directory.model.total_rows()
    panel.directory.available_only.setChecked(True)
    model = panel.directory.model
    assert 0 < model.total_rows() < everyone
    from app.ui.common.icons import PresenceShape

    model.fetch_through(model.total_rows() - 1)
    assert {model.view(row).presence for row in range(model.rowCount())} == {PresenceShape.AVAILABLE}


def test_a_pasted_id_is_offered_when_the_directory_does_not_have_it(qtbot, open_panel, simulator, new_minter, tmp_path):
    """A configured profile has no directory yet: the rep pastes an agent ID and transfers to it."""
    services = profile_services(make_profile(simulator.base_url), new_minter(), tmp_path, "0LQ5g00000Ab1Cd")
    window = open_panel(services)
    assert not window.demo_badge.isVisible() and "Profile test" in window.profile_label.text()
    assert window.call_panel.source() == "command line"
    assert window.directory.model.rowCount() == 0
    assert not window.trainer_button.isVisible()  # trainer tools drive the embedded demo simulator only

    window.directory.focus_search()
    qtbot.keyClicks(window.directory.search, f" {AGENT[:15]} ")  # the 15-character form, with spaces
    assert window.directory.model.rowCount() == 1
    offered = window.directory.model.view(0)
    assert offered.name == f"Agent {AGENT} (entered ID)" and offered.entered
    qtbot.keyClick(window.directory.search, Qt.Key.Key_Return)
    qtbot.keyClick(window.form.transfer_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    wait_outcome(qtbot, window, "Routing requested to Agent")
    (sent,) = simulator.requests
    assert json.loads(sent.body_text) == {"routingTarget": AGENT}
    assert sent.call_id == "0LQ5g00000Ab1Cd"
    window.directory.search.setText("not an id")
    assert window.directory.model.rowCount() == 0


def test_unexpected_errors_are_shown_and_the_window_survives(qtbot, panel, qloop, demo_services):
    async def broken():
        raise RuntimeError("the directory cache is corrupt")

    restore = install_error_hooks(panel.show_error, qloop)
    try:
        spawn(broken())
        qtbot.waitUntil(lambda: panel.notice.isVisible() and "the directory cache is corrupt" in panel.notice.text())
        assert "Something went wrong" in panel.notice.text() and "still working" in panel.notice.text()
        qloop.call_exception_handler({"message": "a callback failed", "exception": ValueError("bad value")})
        qtbot.waitUntil(lambda: "bad value" in panel.notice.text() and "(2 so far)" in panel.notice.text())
    finally:
        restore()
    pick(qtbot, panel, first_target(demo_services, "queue"))  # still usable
    assert panel.form.can_transfer()


def test_a_bug_inside_a_transfer_ends_in_one_outcome_and_one_row(qtbot, panel, demo_services, monkeypatch):
    """Whatever is raised on the way, the transfer ends in an internal_error outcome and its journal
    row; the window shows it in place and the Transfer button comes back."""
    from app.core.journal import RowState
    from app.core.routing.outcome import OutcomeStatus

    client = demo_services.desk._client
    real_route = client.route

    async def explode_after_sending(request, before_send=None):
        await before_send("jti-of-the-bug")  # the write-ahead row, as a real attempt writes it
        raise RuntimeError("boom")

    async def explode_before_sending(request, before_send=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(client, "route", explode_after_sending)
    pick(qtbot, panel, first_target(demo_services, "queue"))
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    text = wait_outcome(qtbot, panel, "unexpected error")
    assert "RuntimeError" in text and "Check the softphone first" in text
    wait_idle(qtbot, panel)
    (row,) = demo_services.journal.recent()
    assert row.state is RowState.DONE and row.outcome.status is OutcomeStatus.INTERNAL_ERROR
    assert row.jti == "jti-of-the-bug" and row.outcome.sent and row.outcome.exit_code == 6

    monkeypatch.setattr(client, "route", explode_before_sending)
    qtbot.mouseClick(panel.call_panel.new_demo_button, Qt.MouseButton.LeftButton)  # another call: no guard
    pick(qtbot, panel, first_target(demo_services, "queue"))
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    text = wait_outcome(qtbot, panel, "Nothing was sent: the panel hit an unexpected error")
    wait_idle(qtbot, panel)
    newest = demo_services.journal.recent()[0]
    assert newest.outcome.status is OutcomeStatus.INTERNAL_ERROR and not newest.outcome.sent
    assert newest.outcome.exit_code == 5 and "Nothing was sent" in text
    monkeypatch.setattr(client, "route", real_route)
    assert panel.form.can_transfer() and not panel.controller.busy()


def test_a_configuration_error_is_shown_in_the_window(qtbot, arun, tmp_path):
    from app.ui.shell.app import Boot, StartOptions
    from app.ui.shell.window import PanelWindow

    config = tmp_path / "config.toml"
    config.write_text('[profiles.emea]\nbase_url = "ftp://nowhere"\n', encoding="utf-8")
    window = PanelWindow(config_path=config)
    qtbot.addWidget(window)
    window.show()
    boot = Boot(window, StartOptions(config_path=config))
    arun(boot._start())

    assert window.session.services is None
    text = window.notice.text()
    assert "The panel cannot connect" in text and "base_url" in text and "org_id is missing" in text
    assert window.notice_action.isVisible()  # "Settings…" right there
    assert not window.form.can_transfer() and "Fix the problem" in window.form.reason_text()


def test_settings_open_without_blocking_the_panel(qtbot, panel):
    qtbot.mouseClick(panel.settings_button, Qt.MouseButton.LeftButton)
    from app.ui.settings.dialog import SettingsDialog

    dialog = panel.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    qtbot.keyClick(panel, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert panel.findChildren(SettingsDialog) == [dialog]  # one settings window, raised again
    dialog.close()


def test_first_paint_imports_nothing_heavy():
    """The window's first frame is painted before keyring, JWT, HTTP, crypto and even asyncio are
    imported (see app.py), and before PySide6 builds its `Qt` namespace (see app/ui/shell/window.py)."""
    script = textwrap.dedent("""
        import os, sys
        import PySide6.QtCore
        import app.ui.shell.app as panel_app

        wait_for_first_paint = panel_app._wait_for_first_paint

        def first_frame_painted(window):
            wait_for_first_paint(window)
            heavy = ("keyring", "jwt", "httpx", "cryptography", "asyncio", "qasync", "app.core.routing.client",
                     "app.compose", "sqlite3")
            print("loaded at first paint:", sorted(name for name in heavy if name in sys.modules), flush=True)
            # PySide6 creates a class on first use; Qt's ~90 enums cost ~15 ms.
            print("Qt namespace built:", "Qt" in vars(PySide6.QtCore), flush=True)
            os._exit(0)

        panel_app._wait_for_first_paint = first_frame_painted
        panel_app.run(panel_app.StartOptions(demo=True))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).parents[2], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert "loaded at first paint: []" in result.stdout, result.stdout + result.stderr
    assert "Qt namespace built: False" in result.stdout, (
        "code run before the first paint used PySide6.QtCore.Qt (move it after the first paint, "
        "see 'Before the first paint' in app/ui/shell/window.py)\n" + result.stdout + result.stderr)


def test_a_training_profile_says_training(qtbot, open_panel, simulator, new_minter, tmp_path):
    window = open_panel(profile_services(make_profile(simulator.base_url, training=True), new_minter(), tmp_path))
    assert window.demo_badge.isVisible() and window.demo_badge.text() == "TRAINING"
    assert window.demo_badge.toolTip() == f"Training profile: transfers go to {simulator.base_url}"
    badge = window.demo_badge  # a screen reader hears the word shown, and what it means
    assert spoken_name(badge) == "TRAINING" and spoken_description(badge) == badge.toolTip()
    assert "Profile test" in window.profile_label.text()


def test_a_header_that_cannot_be_sent_is_refused_in_the_window_too(qtbot, arun, open_panel, simulator, new_minter,
                                                                    tmp_path):
    """In the config file: the window says which key and how to fix it. In a profile built past the
    checks: the transfer ends in one outcome, shown in place, and one journal row."""
    from app.core.routing.outcome import OutcomeStatus
    from app.ui.shell.app import Boot, StartOptions
    from app.ui.shell.window import PanelWindow
    from tests.conftest import CALL_CENTER, ORG_ID

    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.emea]\nbase_url = "https://acme.my.salesforce-scrt.com/telephony/v1"\n'
                      f'org_id = "{ORG_ID}"\ncall_center = "{CALL_CENTER}"\nprovider_name = "Telefónica"\n',
                      encoding="utf-8")
    refused = PanelWindow(config_path=config)
    qtbot.addWidget(refused)
    refused.show()
    arun(Boot(refused, StartOptions(config_path=config))._start())
    assert "provider_name = 'Telefónica'" in refused.notice.text() and "plain ASCII" in refused.notice.text()

    profile = make_profile(simulator.base_url, provider_name="Telefónica")
    services = profile_services(profile, new_minter(), tmp_path, "0LQ5g00000Ab1Cd")
    window = open_panel(services)
    window.directory.search.setText(AGENT)
    qtbot.keyClick(window.directory.search, Qt.Key.Key_Return)
    qtbot.keyClick(window.form.transfer_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    text = wait_outcome(qtbot, window, "Nothing was sent: the panel hit an unexpected error")
    wait_idle(qtbot, window)
    assert "UnicodeEncodeError" in text and simulator.requests == []
    (row,) = services.journal.recent()
    assert row.outcome.status is OutcomeStatus.INTERNAL_ERROR and not row.outcome.sent
