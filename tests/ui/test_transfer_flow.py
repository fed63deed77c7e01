"""A transfer end to end: the window, the core, real HTTP to the embedded simulator, the journal."""

import json

from PySide6.QtCore import Qt

from app.simulator.faults import Fault
from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome


def journal_rows(services):
    return services.journal.recent()


def test_agent_transfer_reaches_the_simulator_and_the_journal(qtbot, panel, demo_services):
    agent = first_target(demo_services, "agent")
    call_id = panel.call_panel.text()
    pick(qtbot, panel, agent)
    assert panel.form.transfer_button.accessibleName() == f"Transfer to {agent.name}"
    assert panel.form.transfer_button.text().startswith("Transfer to ")
    assert panel.form.can_transfer()

    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    text = wait_outcome(qtbot, panel, "Routing requested to")

    assert text.startswith(f"Routing requested to {agent.name}\u00a0·\u00a0") and "\u00a0ms" in text
    (sent,) = demo_services.demo.simulator.requests
    assert json.loads(sent.body_text) == {"routingTarget": agent.target_id}
    assert sent.call_id == call_id and sent.status == 200
    (row,) = journal_rows(demo_services)
    assert (row.outcome.status, row.target_id, row.target_kind, row.call_id) == (
        "accepted", agent.target_id, "agent", call_id)
    assert row.jti == sent.jti


def test_queue_transfer_with_a_typed_call_id(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue")
    assert panel.call_panel.is_locked()  # the demo's call: typing does not change it...
    qtbot.mouseClick(panel.call_panel.edit_button, Qt.MouseButton.LeftButton)  # ...until the rep chooses to
    panel.call_panel.call_id.clear()
    qtbot.keyClicks(panel.call_panel.call_id, "  contact-7f3a/22  ")  # a vendor contact ID, pasted with spaces
    assert panel.call_panel.source() == "typed"
    pick(qtbot, panel, queue)

    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {queue.name}")

    (sent,) = demo_services.demo.simulator.requests
    assert sent.call_id == "contact-7f3a/22"  # trimmed, and one path segment despite the slash
    assert json.loads(sent.body_text) == {"routingTarget": queue.target_id}
    assert journal_rows(demo_services)[0].call_id == "contact-7f3a/22"


def test_flow_with_fallback_queue_and_inputs(qtbot, panel, demo_services):
    flow = first_target(demo_services, "flow")
    queue = first_target(demo_services, "queue")
    pick(qtbot, panel, flow)
    form = panel.form
    assert form.flow_box.isVisible() and form.fallback.queue_count() > 0

    # The fallback picker searches queues by any part of the name.
    form.fallback.setFocus()
    qtbot.keyClicks(form.fallback.lineEdit(), queue.name[1:6])
    popup = form.fallback.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert all(queue_id.startswith("00G") for queue_id in (
        form.fallback.itemData(row) for row in range(1, form.fallback.count())))
    form.fallback.choose(queue.target_id)
    popup.hide()
    qtbot.mouseClick(form.inputs.add_button, Qt.MouseButton.LeftButton)
    key, value, _remove = form.inputs.row_widgets(0)
    qtbot.keyClicks(key, "CustomerTier")
    qtbot.keyClicks(value, "Gold")
    qtbot.mouseClick(form.inputs.add_button, Qt.MouseButton.LeftButton)
    key, value, _remove = form.inputs.row_widgets(1)
    qtbot.keyClicks(key, "Language")
    value.insert("Português")  # pasted: QTest can only type ASCII
    assert form.can_transfer(), form.reason_text()

    qtbot.mouseClick(form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {flow.name}")

    (sent,) = demo_services.demo.simulator.requests
    assert json.loads(sent.body_text) == {
        "routingTarget": flow.target_id,
        "fallbackQueue": queue.target_id,
        "flowInputParameters": {"CustomerTier": "Gold", "Language": "Português"},
    }
    (row,) = journal_rows(demo_services)
    assert row.fallback_queue == queue.target_id
    assert row.flow_inputs == (("CustomerTier", "Gold"), ("Language", "Português"))


def test_rejected_transfer_shows_the_servers_reason(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue")
    demo_services.demo.simulator.script_fault(Fault(status=400, message="Queue is not accepting voice calls"))
    pick(qtbot, panel, queue)

    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    text = wait_outcome(qtbot, panel, "Queue is not accepting voice calls")

    assert panel.outcome.title.text() == f"Salesforce refused to route the call to {queue.name}."
    assert "HTTP 400 Bad Request" in text and "Sending the same request again will not help." in text
    assert not panel.outcome.details.isVisible()  # the server's words wait behind Details
    assert panel.outcome.property("level") == "failure"
    assert not panel.outcome.retry_button.isVisible()  # a 400 is not safe (or useful) to retry
    assert panel.form.can_transfer()  # the rep can fix the target and send again
    assert journal_rows(demo_services)[0].outcome.status == "rejected"


def test_double_send_guard_sends_exactly_one_request(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue")
    simulator = demo_services.demo.simulator
    simulator.script_fault(Fault(delay_s=1.0), times=1)
    pick(qtbot, panel, queue)
    button = panel.form.transfer_button

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # At once, before anything is sent: busy, and inert while it is (enabled: it keeps the keyboard focus).
    assert button.text() == "Transferring…" and not panel.form.can_transfer()
    qtbot.waitUntil(lambda: panel.outcome.isVisible() and "Transferring to" in panel.outcome.text())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # impatient second click
    qtbot.keyClick(panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # and the shortcut
    panel.form.trigger()
    assert panel.controller.request_transfer(panel.controller.last_request) is False

    wait_outcome(qtbot, panel, "Routing requested to")
    assert len(simulator.requests) == 1
    assert len(journal_rows(demo_services)) == 1
    assert button.isEnabled() and button.text().startswith("Transfer to ")


def test_outcome_unknown_warns_not_to_retry_blindly(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue")
    demo_services.demo.simulator.script_fault(Fault(drop=True), times=1)
    pick(qtbot, panel, queue)

    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    text = wait_outcome(qtbot, panel, "Outcome unknown")

    assert "may already be moving" in text and "Do not retry blindly" in text
    assert not panel.outcome.retry_button.isVisible()
    assert panel.outcome.property("level") == "warning"
    assert journal_rows(demo_services)[0].outcome.status == "outcome_unknown"


def test_retry_is_offered_only_when_safe_and_resends(qtbot, panel, demo_services, monkeypatch):
    from app.ui.transfer import outcome_banner

    monkeypatch.setattr(outcome_banner, "COUNTDOWN_STEP_MS", 5)  # a Retry-After second lasts 5 ms here
    queue = first_target(demo_services, "queue")
    simulator = demo_services.demo.simulator
    simulator.script_fault(Fault(status=429, retry_after="60"), times=1)  # too long to wait automatically
    pick(qtbot, panel, queue)

    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, "did not process the request")
    assert panel.outcome.detail.text() == "Tell the caller it will take a moment; try again in 60 s."
    retry = panel.outcome.retry_button
    assert retry.isVisible() and not retry.isEnabled() and retry.text().startswith("Retry in ")  # counting down
    qtbot.waitUntil(retry.isEnabled)  # the countdown is over
    assert retry.text() == "Retry"

    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {queue.name}")
    assert [request.status for request in simulator.requests] == [429, 200]
    assert [row.outcome.status for row in journal_rows(demo_services)] == ["accepted", "throttled"]


def test_a_second_transfer_of_a_routed_call_asks_first(qtbot, panel, demo_services):
    agent, queue = first_target(demo_services, "agent"), first_target(demo_services, "queue")
    simulator = demo_services.demo.simulator
    pick(qtbot, panel, agent)
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, "Routing requested to")

    pick(qtbot, panel, queue)
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.confirm_bar.isVisible)  # the desk asked the journal: this call was routed
    assert not panel.confirm_bar.isModal() and not panel.controller.busy()
    assert f"Routing this call to {agent.name} was already requested at" in panel.confirm_bar.text()
    qtbot.mouseClick(panel.confirm_bar.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.confirm_bar.isVisible() and len(simulator.requests) == 1

    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.confirm_bar.isVisible)
    qtbot.mouseClick(panel.confirm_bar.confirm_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {queue.name}")
    assert len(simulator.requests) == 2

    # A new call starts clean: no target carried over, no question asked.
    qtbot.mouseClick(panel.call_panel.new_demo_button, Qt.MouseButton.LeftButton)
    assert panel.form.target() is None and not panel.form.can_transfer()
    pick(qtbot, panel, queue)
    qtbot.mouseClick(panel.form.transfer_button, Qt.MouseButton.LeftButton)
    wait_outcome(qtbot, panel, f"Routing requested to {queue.name}")
    wait_idle(qtbot, panel)
    assert not panel.confirm_bar.isVisible() and len(simulator.requests) == 3


def test_the_fallback_picker_offers_the_directorys_queues_by_name_and_reads_the_choice(qtbot, panel, demo_services):
    """The queues come from the index in label order; a name picked or typed gives its ID, any other
    text (a pasted ID) goes to the core as typed, and a refreshed directory keeps what was typed."""
    from app.core.ids import IdKind

    picker = panel.form.fallback
    labels, ids = demo_services.directory.labels_and_ids(IdKind.QUEUE)
    assert picker.queue_count() == len(labels) > 1 and all(queue_id.startswith("00G") for queue_id in ids)
    assert [picker.itemText(row) for row in range(1, picker.count())] == labels
    preferred = {*demo_services.favorites.ids, *demo_services.recents}  # listed first in the directory
    assert [target.label for target in demo_services.directory.search("", kind=IdKind.QUEUE)
            if target.id not in preferred] == labels  # otherwise the order the directory lists them in
    assert picker.itemData(2, Qt.ItemDataRole.ToolTipRole) == f"{labels[1]} · {ids[1]}"
    picker.setEditText(labels[1])
    assert picker.value() == ids[1]
    picker.choose(ids[2])
    assert picker.currentText() == labels[2] and picker.value() == ids[2]
    picker.setEditText(ids[0][:15])  # pasted: the core judges it
    assert picker.value() == ids[0][:15]
    panel.directory.set_index(demo_services.directory, "")  # a refresh hands the list a new index
    assert picker.currentText() == ids[0][:15] and picker.queue_count() == len(labels)
    picker.reset()
    assert picker.value() is None
