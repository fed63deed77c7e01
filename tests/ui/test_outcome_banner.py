"""The outcome in the window: one line for the rep, a Details expander (closed, keyboard reachable)
for IT. Real transfers to the embedded simulator, its faults scripted as the trainer does."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.simulator.faults import Fault
from app.simulator.scenarios import SCENARIOS
from tests.ui.panel_helpers import first_target, pick, wait_outcome

NOT_A_VOICE_TARGET = Fault(400, "The routing target is not available for voice calls.", "INVALID_ROUTING_TARGET")


def test_a_rejected_queue_leads_with_what_to_tell_the_caller(qtbot, panel, demo_services):
    emea = first_target(demo_services, "queue", "Billing (EMEA)")
    demo_services.demo.simulator.script_fault(NOT_A_VOICE_TARGET, times=1)
    pick(qtbot, panel, emea)
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, "Salesforce refused to route the call to Billing (EMEA).")

    banner = panel.outcome
    assert banner.detail.text() == ("Tell the caller you are connecting them; try Billing (Americas) or ask your "
                                    "supervisor.")
    assert banner.details_button.isVisible() and not banner.details.isVisible()  # closed by default
    details = banner.details.text()
    assert "HTTP 400 Bad Request" in details and "INVALID_ROUTING_TARGET" in details
    assert "For IT:" in details and "flow" not in details.casefold()  # a queue has no flow inputs to check
    assert "(400)" not in banner.title.text() + banner.detail.text()  # codes are for IT


def test_details_open_from_the_keyboard_and_close_for_the_next_outcome(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue", "Retentions")
    demo_services.demo.simulator.script_fault(NOT_A_VOICE_TARGET, times=1)
    pick(qtbot, panel, queue)
    qtbot.keyClick(panel.form.transfer_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_outcome(qtbot, panel, "Salesforce refused to route")
    banner = panel.outcome
    assert banner.detail.text().endswith("ask your supervisor where to send the call.")  # no alternative is known

    panel.form.transfer_button.setFocus()
    for _ in range(6):  # Tab from the Transfer button reaches Details (Retry is hidden: a 400 is not retried)
        if QApplication.focusWidget() is banner.details_button:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is banner.details_button
    qtbot.keyClick(banner.details_button, Qt.Key.Key_Space)
    assert banner.details.isVisible() and banner.details_button.arrowType() is Qt.ArrowType.DownArrow
    qtbot.keyClick(banner.details_button, Qt.Key.Key_Space)
    assert not banner.details.isVisible()

    qtbot.keyClick(banner.details_button, Qt.Key.Key_Space)  # left open...
    qtbot.keyClick(panel.form.transfer_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_outcome(qtbot, panel, "Routing requested to Retentions")  # ...the next outcome starts closed
    assert not banner.details.isVisible() and "HTTP 200 OK" in banner.details.text()


def test_a_rejected_flow_offers_the_fallback_and_checks_the_inputs_it_sent(qtbot, panel, demo_services):
    flow, fallback = first_target(demo_services, "flow"), first_target(demo_services, "queue", "Retentions")
    demo_services.demo.simulator.script_fault(NOT_A_VOICE_TARGET, times=1)
    pick(qtbot, panel, flow)
    panel.form.fallback.choose(fallback.target_id)
    panel.form.inputs.add_row("CustomerTier", "Gold")
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Salesforce refused to route the call to {flow.name}.")

    assert panel.outcome.detail.text() == ("Tell the caller you are connecting them; try Retentions or ask your "
                                           "supervisor.")
    details = panel.outcome.details.text()
    assert "Check the flow input: its name must be an input variable" in details
    assert f"fallback queue {fallback.target_id}" in details


def test_expired_credentials_take_one_line_not_eight(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue", "Retentions")
    demo_services.demo.simulator.script_fault(SCENARIOS["credentials"].fault, times=1)
    pick(qtbot, panel, queue)
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, "Salesforce refused this panel's credentials")

    banner = panel.outcome
    assert banner.title.text() == "Nothing was routed: Salesforce refused this panel's credentials."
    assert banner.detail.text() == ("Stay with the caller; ask your supervisor to transfer the call: this panel "
                                    "cannot transfer until IT fixes it.")
    assert "HTTP 401 Unauthorized" in banner.details.text() and "INVALID_AUTH" in banner.details.text()
    assert not banner.details.isVisible() and not banner.retry_button.isVisible()
    banner.details_button.click()
    assert banner.details.isVisible()
