"""The transfer form helps a rep in a hurry (issue 13, items 9, 11 and 12): it warns before a busy,
away or offline agent and asks on Transfer (the desk's rule, as on the command line); the
fallback-queue field narrows as the rep types, calls nothing wrong until the rep leaves it, and
Enter takes the top match; a flow's known input variables are offered as names, by keyboard."""

from PySide6.QtCore import Qt

from tests.ui.panel_helpers import first_target, pick, wait_outcome
from tests.ui.test_transfer_flow import journal_rows


def busy_agent(services):
    """An agent the demo shows "On a call"."""
    agent = first_target(services, "agent", "Łukasz Wójcik")
    assert agent.secondary == "On a call"
    return agent


def test_a_busy_agent_is_warned_of_and_asked_about_before_anything_is_sent(qtbot, panel, demo_services):
    agent, simulator, form = busy_agent(demo_services), demo_services.demo.simulator, panel.form
    pick(qtbot, panel, agent)
    warning = f"{agent.name} is busy (On a call): the call may wait until they are free, or routing may fail."
    assert form.reason_text() == warning and form.reason.property("tone") == "warning"
    assert form.can_transfer()  # a warning, not a block: the rep may know better

    qtbot.keyClick(panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.confirm_bar.isVisible)
    assert warning in panel.confirm_bar.text() and "Transfer the call to them anyway?" in panel.confirm_bar.text()
    assert panel.confirm_bar.confirm_button.text() == f"Transfer to {agent.name} anyway"
    assert simulator.requests == [] and journal_rows(demo_services) == []
    qtbot.keyClick(panel.confirm_bar.cancel_button, Qt.Key.Key_Escape)
    assert not panel.confirm_bar.isVisible() and simulator.requests == []

    qtbot.mouseClick(form.transfer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.confirm_bar.isVisible)
    qtbot.mouseClick(panel.confirm_bar.confirm_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {agent.name}")
    assert [row.target_id for row in journal_rows(demo_services)] == [agent.target_id]

    # Routing the same call there again: both questions, one after the other, each answered once.
    qtbot.waitUntil(lambda: not panel.controller.busy())
    qtbot.mouseClick(form.transfer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.confirm_bar.isVisible)
    assert warning in panel.confirm_bar.text()
    qtbot.mouseClick(panel.confirm_bar.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "was already requested at" in panel.confirm_bar.text() and panel.confirm_bar.isVisible())
    assert len(simulator.requests) == 1
    qtbot.mouseClick(panel.confirm_bar.confirm_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {agent.name}")
    assert len(simulator.requests) == 2


def test_an_available_agent_and_a_queue_go_without_a_question(qtbot, panel, demo_services):
    for target in (first_target(demo_services, "agent"), first_target(demo_services, "queue")):
        pick(qtbot, panel, target)
        assert panel.form.reason_text() == "" and panel.form.can_transfer()


def test_the_fallback_field_narrows_as_typed_says_nothing_wrong_until_left_and_enter_takes_the_top(
        qtbot, panel, demo_services):
    form = panel.form
    pick(qtbot, panel, first_target(demo_services, "flow"))
    editor = form.fallback.lineEdit()
    form.fallback.setFocus()
    qtbot.keyClicks(editor, "bil")
    completer, matches = form.fallback.completer(), form.fallback.completer().popup()
    qtbot.waitUntil(matches.isVisible)
    shown = [completer.completionModel().index(row, 0).data() for row in range(completer.completionCount())]
    assert len(shown) >= 3 and all("bil" in name.lower() for name in shown)  # only queues holding "bil"
    assert not form.can_transfer()
    assert form.reason_text() == "Pick the fallback queue: Enter takes the top match."
    assert form.reason.property("tone") == "hint"  # nothing is called wrong while the rep types

    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert form.fallback.currentText() == shown[0]
    queue_id = form.fallback.value()
    assert queue_id is not None and queue_id.startswith("00G") and form.can_transfer(), form.reason_text()

    editor.selectAll()
    qtbot.keyClicks(editor, "nosuchq")
    assert form.reason.property("tone") == "hint"
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # matches nothing: kept as typed
    assert form.fallback.currentText() == "nosuchq" and form.reason.property("tone") == "hint"
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # leaving it: now it is wrong, and said so
    assert panel.focusWidget() is not editor
    assert form.reason.property("tone") == "error" and "fallback queue" in form.reason_text()


def test_the_flow_inputs_offer_the_flows_known_variables_by_keyboard(qtbot, panel, demo_services):
    form = panel.form
    flow = first_target(demo_services, "flow", "VIP Callback Flow")
    assert [variable.name for variable in flow.inputs] == ["CustomerTier", "CallbackNumber"]
    pick(qtbot, panel, flow)
    inputs = form.inputs
    assert inputs.known_names() == ["CustomerTier", "CallbackNumber"]
    assert "CustomerTier, CallbackNumber" in inputs.empty_note.text()
    inputs.add_button.setFocus()
    qtbot.keyClick(inputs.add_button, Qt.Key.Key_Space)
    key, value, _remove = inputs.row_widgets(0)
    assert panel.focusWidget() is key
    qtbot.keyClick(key, Qt.Key.Key_Down)  # lists every known variable
    listing = key.completer().popup()
    qtbot.waitUntil(listing.isVisible)
    assert key.completer().completionCount() == 2
    qtbot.keyClick(listing, Qt.Key.Key_Down)
    qtbot.keyClick(listing, Qt.Key.Key_Down)
    qtbot.keyClick(listing, Qt.Key.Key_Return)
    assert key.text() == "CallbackNumber"
    tooltip = key.completer().model().index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("CallbackNumber: String · The number to call back")

    inputs.add_button.setFocus()
    qtbot.keyClick(inputs.add_button, Qt.Key.Key_Space)  # a second row: the focus goes into it too
    second, _value, _remove = inputs.row_widgets(1)
    assert panel.focusWidget() is second
    qtbot.keyClicks(second, "tier")  # any part of the name
    qtbot.waitUntil(second.completer().popup().isVisible)
    assert second.completer().currentCompletion() == "CustomerTier"
    qtbot.keyClick(second.completer().popup(), Qt.Key.Key_Down)
    qtbot.keyClick(second.completer().popup(), Qt.Key.Key_Return)
    assert second.text() == "CustomerTier"

    pick(qtbot, panel, first_target(demo_services, "flow", "Business Hours Check"))  # none known
    assert inputs.known_names() == [] and "Add the flow's input variables" in inputs.empty_note.text()
    qtbot.mouseClick(inputs.add_button, Qt.MouseButton.LeftButton)
    assert inputs.row_widgets(0)[0].completer() is None
