"""Invalid input keeps Transfer disabled and shows the core's reason where the rep looks."""

from PySide6.QtCore import Qt

from app.core.calls import CallSource, IncomingCall
from tests.ui.panel_helpers import first_target, pick


def test_flow_input_without_a_name_disables_transfer_with_the_reason(qtbot, panel, demo_services):
    pick(qtbot, panel, first_target(demo_services, "flow"))
    form = panel.form
    assert form.can_transfer()

    qtbot.mouseClick(form.inputs.add_button, Qt.MouseButton.LeftButton)
    assert form.can_transfer()  # a blank row is not an input
    key, value, remove = form.inputs.row_widgets(0)
    qtbot.keyClicks(value, "Gold")

    assert not form.can_transfer()
    reason = "Flow input 1 has no name: give it one or remove the row."
    assert form.reason.isVisible() and form.reason_text() == reason
    assert form.inputs.problem.isVisible() and reason in form.inputs.problem.text()

    qtbot.keyClicks(key, "CustomerTier")
    assert form.can_transfer() and not form.reason.isVisible() and not form.inputs.problem.isVisible()

    qtbot.mouseClick(form.inputs.add_button, Qt.MouseButton.LeftButton)
    key2, value2, remove2 = form.inputs.row_widgets(1)
    qtbot.keyClicks(key2, "customertier")
    qtbot.keyClicks(value2, "Silver")
    assert not form.can_transfer() and "is given twice" in form.reason_text()
    qtbot.mouseClick(remove2, Qt.MouseButton.LeftButton)
    assert form.inputs.row_count() == 1 and form.can_transfer()


def test_empty_call_id_disables_transfer_with_the_reason(qtbot, panel, demo_services):
    pick(qtbot, panel, first_target(demo_services, "queue"))
    assert panel.form.can_transfer()

    panel.call_panel.edit()
    qtbot.keyClick(panel.call_panel.call_id, Qt.Key.Key_Delete)

    assert not panel.form.can_transfer()  # no call: calm words, not an error in red
    assert panel.form.reason_text() == "Waiting for a call from the softphone."
    assert panel.form.reason.property("tone") == "hint"
    assert panel.call_panel.status.text().startswith("Waiting for a call from the softphone")
    assert panel.call_panel.call_id.property("invalid") is False


def test_mistyped_salesforce_call_id_is_refused_and_vendor_ids_are_accepted(qtbot, panel, demo_services):
    pick(qtbot, panel, first_target(demo_services, "queue"))
    field = panel.call_panel.call_id
    good = panel.call_panel.text()
    field.setText(good[:15] + "AAA" if good[15:] != "AAA" else good[:15] + "BBB")  # wrong checksum
    assert not panel.form.can_transfer() and "wrong checksum" in panel.form.reason_text()
    assert "wrong checksum" in panel.call_panel.status.text()

    field.setText("7c2e9a1d-0f4b-4c55-9a7e-2d1f0b6c8e3a")
    assert panel.form.can_transfer()
    assert panel.call_panel.status.text() == "✓ Telephony contact ID (used as is)"


def test_fallback_queue_must_be_a_queue(qtbot, panel, demo_services):
    pick(qtbot, panel, first_target(demo_services, "flow"))
    agent = first_target(demo_services, "agent")
    panel.form.fallback.setEditText(agent.target_id)
    assert not panel.form.can_transfer()
    assert "is not a queue ID (00G…)" in panel.form.reason_text()
    panel.form.fallback.setEditText("")
    assert panel.form.can_transfer()


def test_no_target_means_no_transfer(panel):
    assert panel.form.target() is None
    assert not panel.form.can_transfer()
    assert "Choose an agent, queue or flow" in panel.form.reason_text()


def test_what_the_call_section_echoes_is_shown_as_plain_text(panel):
    """A caller's name or a typed ID is never read as HTML (the labels get that right after the first paint)."""
    panel.call_panel.set_call(IncomingCall("<b>contact</b>-7", CallSource.TYPED, "<img src=x>Ana"))
    for label in (panel.call_panel.status, panel.call_panel.caller):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert panel.call_panel.caller.text() == "Caller: <img src=x>Ana"


def test_the_call_section_is_plain_text_before_the_window_finishes_its_setup(qtbot):
    """Its labels do not depend on the window: a call set on a bare call section is plain text too."""
    from app.core.calls import CallSource, IncomingCall
    from app.ui.call.panel import CallPanel

    call_panel = CallPanel()
    qtbot.addWidget(call_panel)
    call_panel.set_call(IncomingCall("contact-7", CallSource.TYPED, "<b>Ana</b>"))
    assert call_panel.caller.textFormat() == Qt.TextFormat.PlainText
