"""What a screen reader gets from the panel's windows, through Qt's accessibility interfaces (issue 14
items 1-5 and 8). tests/e2e/test_atspi.py checks the same over AT-SPI, with the announcements."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLabel, QWidget

from app.simulator.faults import Fault
from tests.ui.a11y_helpers import spoken_description, spoken_name
from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome

CTRL = Qt.KeyboardModifier.ControlModifier


def open_windows(qtbot, panel) -> list[QWidget]:
    """The panel and every window it opens: History, the Trainer, its inspector, Settings."""
    panel.session.open_history()
    panel.trainer_tools.open_trainer()
    panel.trainer_tools.open_inspector()
    panel.open_settings()
    windows = [panel, panel.session.history, panel.trainer_tools.trainer, panel.trainer_tools.inspector,
               panel.session.settings]
    for window in windows:
        qtbot.waitExposed(window)
    return windows


def test_a_keyboard_transfer_keeps_the_focus_on_transfer_and_says_the_outcome_there(qtbot, panel, demo_services):
    agent = first_target(demo_services, "agent")
    pick(qtbot, panel, agent)
    panel.directory.search.setFocus()  # Ctrl+Enter from the search box
    qtbot.keyClick(panel.directory.search, Qt.Key.Key_Return, CTRL)
    button = panel.form.transfer_button
    assert QApplication.focusWidget() is button and not panel.form.can_transfer()  # busy: inert, still focused
    wait_outcome(qtbot, panel, f"Routing requested to {agent.name}")
    wait_idle(qtbot, panel)
    assert QApplication.focusWidget() is button
    assert spoken_name(button) == f"Transfer to {agent.name}"
    assert spoken_description(button).startswith(f"Routing requested to {agent.name},")  # "·" said as a pause
    assert spoken_description(button) == panel.outcome.spoken_text()

    # Another target: the last outcome was not its own, the button says what it does again.
    queue = first_target(demo_services, "queue")
    pick(qtbot, panel, queue)
    assert "Routing requested" not in spoken_description(button)


def test_a_failure_with_retry_puts_the_focus_on_retry_saying_why(qtbot, panel, demo_services):
    demo_services.demo.simulator.script_fault(Fault(status=429), times=1)  # throttled, no wait asked: retry now
    queue = first_target(demo_services, "queue")
    pick(qtbot, panel, queue)
    panel.form.trigger()
    wait_idle(qtbot, panel)
    retry = panel.outcome.retry_button
    qtbot.waitUntil(lambda: QApplication.focusWidget() is retry)
    assert retry.isEnabled() and spoken_description(retry) == panel.outcome.spoken_text() != ""
    assert spoken_description(panel.form.transfer_button) == panel.outcome.spoken_text()


def test_the_transfer_again_question_is_said_on_the_button_that_has_the_focus(qtbot, panel, demo_services):
    agent, queue = first_target(demo_services, "agent"), first_target(demo_services, "queue")
    pick(qtbot, panel, agent)
    panel.form.trigger()
    wait_outcome(qtbot, panel, "Routing requested to")
    pick(qtbot, panel, queue)
    panel.form.trigger()
    bar = panel.confirm_bar
    qtbot.waitUntil(bar.isVisible)
    assert QApplication.focusWidget() is bar.cancel_button
    assert spoken_description(bar.cancel_button) == bar.spoken_text() and "anyway?" in bar.spoken_text()
    qtbot.keyClick(bar.cancel_button, Qt.Key.Key_Escape)  # Esc is Cancel; the focus goes back to Transfer
    assert not bar.isVisible() and QApplication.focusWidget() is panel.form.transfer_button


def test_the_presence_icon_says_the_agents_state(qtbot, panel, demo_services):
    agent = first_target(demo_services, "agent")
    pick(qtbot, panel, agent)
    assert agent.presence is not None
    assert spoken_name(panel.form.presence_icon) == f"Presence: {agent.presence.value}"


def test_labels_speak_their_text_and_every_combo_box_has_a_label(qtbot, panel, demo_services):
    """No label that shows text carries a name of its own (it would hide the text), and each combo
    box is some label's buddy (Qt on Linux names a combo box by its value otherwise)."""
    pick(qtbot, panel, first_target(demo_services, "agent"))
    windows = open_windows(qtbot, panel)
    named = []
    for window in windows:
        for label in window.findChildren(QLabel):
            if label.text() and label.accessibleName():
                named.append(f"{type(window).__name__}: {label.objectName() or label.text()!r} named "
                             f"{label.accessibleName()!r}")
    assert not named, "\n".join(named)
    caller, target = panel.call_panel.caller, panel.form.name
    assert spoken_name(target) == target.text() and spoken_name(caller) == caller.text()

    buddies = {label.buddy() for window in windows for label in window.findChildren(QLabel)}
    unlabelled = [f"{type(window).__name__}: {combo.objectName() or combo.currentText()!r}"
                  for window in windows for combo in window.findChildren(QComboBox)
                  if combo.isVisibleTo(window) and combo not in buddies]
    assert not unlabelled, unlabelled


def test_no_list_or_table_traps_the_tab_key(qtbot, panel):
    views = [view for window in open_windows(qtbot, panel) for view in window.findChildren(QAbstractItemView)]
    assert views and not [view for view in views if view.tabKeyNavigation()]
