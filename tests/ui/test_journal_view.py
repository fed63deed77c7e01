"""The transfer history window: newest first, filters, copy, transfer again, CSV export; what
each transfer sent; named filters and a table Tab leaves."""

import csv
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from app.core.routing.outcome import StatusGroup
from app.simulator.faults import Fault
from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome


def transfer(qtbot, panel, target) -> None:
    panel.new_demo_call()
    pick(qtbot, panel, target)
    panel.form.trigger()
    wait_idle(qtbot, panel)


def test_history_lists_filters_copies_and_transfers_again(qtbot, panel, demo_services, arun, tmp_path):
    queue, agent = first_target(demo_services, "queue"), first_target(demo_services, "agent")
    transfer(qtbot, panel, queue)
    demo_services.demo.simulator.script_fault(Fault(status=400, message="The agent is not available"), times=1)
    transfer(qtbot, panel, agent)

    panel.history_button.click()
    history = panel.session.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 2)
    assert history.isVisible() and not history.isModal()
    assert history.model.entries[0].target_id == agent.target_id  # newest first
    history.outcome.setCurrentIndex(history.outcome.findData(StatusGroup.REJECTED.value))
    qtbot.waitUntil(lambda: history.model.rowCount() == 1)
    history.outcome.setCurrentIndex(0)
    history.search.setText(queue.name)
    qtbot.waitUntil(lambda: history.model.rowCount() == 1 and history.model.entries[0].target_id == queue.target_id)

    history.table.selectRow(0)
    history.copy_row()
    copied = QGuiApplication.clipboard().text()
    assert queue.target_id in copied and "Routing requested" in copied

    panel.new_demo_call()
    history.again_button.click()
    assert panel.form.target().target_id == queue.target_id and panel.form.can_transfer()
    panel.form.trigger()
    wait_outcome(qtbot, panel, f"Routing requested to {queue.name}")

    exported = tmp_path / "history.csv"
    assert arun(history.export_to(exported)) == 2  # what the filters match now: both transfers to the queue
    with exported.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert {row["target ID"] for row in rows} == {queue.target_id} and rows[0]["outcome"] == "accepted"


def test_the_retention_period_is_shown_applied_and_kept(qtbot, panel, demo_services, arun):
    queue = first_target(demo_services, "queue")
    transfer(qtbot, panel, queue)
    transfer(qtbot, panel, queue)
    journal = demo_services.journal
    first_id = journal.recent()[-1].id
    journal._db.execute("UPDATE transfers SET at = '2026-01-01T00:00:00.000+00:00' WHERE id = ?", (first_id,))

    panel.history_button.click()
    history = panel.session.history
    qtbot.waitUntil(lambda: history.retention.value() == 90 and history.model.rowCount() == 1)  # last 30 days
    history.retention.setValue(14)
    assert journal.retention_days() == 90  # nothing changes until Apply
    assert arun(history.apply_retention()) == 1
    assert history.count.text() == "Keeping transfers for 14 days: 1 older transfer deleted."
    assert journal.retention_days() == 14
    assert [e.id for e in journal.recent()] == [first_id + 1]


def test_reconnecting_retires_the_history_of_the_old_journal_reads_and_all(qtbot, panel, demo_services):
    from app.ui.common import tasks

    panel.history_button.click()
    history = panel.session.history
    assert history.isVisible()
    panel.session.detach()  # the history's first reads have not even started
    demo_services.journal.close()  # as closing the old services does
    assert not history.isVisible() and panel.session.history is None
    qtbot.waitUntil(lambda: not tasks._running)  # they end quietly: nothing raised, nothing shown
    assert not panel.notice.isVisible()


def test_a_reload_reads_only_the_rows_it_shows(qtbot, panel, demo_services):
    """1,000 rows in, and the table asks the model only about those on screen: sizing every
    column to its contents asked ~97,000 times per reload, a 100-500 ms freeze each filter change."""
    from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome
    from app.core.routing.request import RouteRequest
    from app.ui.history.journal_view import SHOWN_ROWS, JournalModel

    journal, queue = demo_services.journal, first_target(demo_services, "queue")
    for number in range(SHOWN_ROWS):
        journal.record("demo", RouteRequest.build(f"call-{number}", queue.target_id, target_label=queue.name),
                       RouteOutcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED, http_status=204))

    class RecordingModel(JournalModel):
        rows_asked: set[int] = set()

        def data(self, index, role=0):
            self.rows_asked.add(index.row())
            return super().data(index, role)

    panel.history_button.click()
    history = panel.session.history
    history.model = RecordingModel(history)
    history.table.setModel(history.model)
    history.refresh()
    qtbot.waitUntil(lambda: history.model.rowCount() == SHOWN_ROWS)
    qtbot.wait(50)  # painted
    assert history.model.rows_asked and max(history.model.rows_asked) < 60
    history.search.setText("call-99")  # a filter change reloads
    qtbot.waitUntil(lambda: history.model.rowCount() == 11)  # call-99, call-990…999
    assert all(width > 40 for width in map(history.table.columnWidth, range(4)))  # the columns still show


def test_history_shows_what_was_sent_fallback_inputs_on_demand_and_duration(qtbot, panel, demo_services):
    """Issue 13 item 21: the fallback queue (by name), how many flow inputs (their values only on
    demand: they may hold customer data), how long it took, the outcome in words."""
    flow, queue = first_target(demo_services, "flow"), first_target(demo_services, "queue")
    panel.new_demo_call()
    pick(qtbot, panel, flow)
    panel.form.fallback.choose(queue.target_id)
    panel.form.inputs.add_row("CustomerTier", "Gold")
    panel.form.inputs.add_row("Language", "pt-BR")
    panel.form.trigger()
    wait_outcome(qtbot, panel, f"Routing requested to {flow.name}")

    panel.session.open_history()
    history = panel.session.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 1)
    model = history.model
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    row = {header: model.index(0, column).data() for column, header in enumerate(headers)}
    assert row["Outcome"] == "Routing requested" and row["Target"] == flow.name
    assert row["Fallback queue"] == queue.name
    assert row["Flow inputs"] == "2 inputs"  # no values until asked for
    assert re.fullmatch(r"\d+ ms|\d+\.\d s", row["Took"]), row["Took"]
    history.table.selectRow(0)
    history.copy_row()
    copied = QGuiApplication.clipboard().text()
    assert f"fallback queue {queue.name} ({queue.target_id})" in copied and "flow inputs: 2 inputs" in copied
    assert "Gold" not in copied

    history.show_values.setChecked(True)  # on demand: the values, in the table and a copied row
    assert model.index(0, headers.index("Flow inputs")).data() == "CustomerTier = Gold; Language = pt-BR"
    history.copy_row()
    assert "flow inputs: CustomerTier = Gold; Language = pt-BR" in QGuiApplication.clipboard().text()
    history.show_values.setChecked(False)
    assert model.index(0, headers.index("Flow inputs")).data() == "2 inputs"


def test_history_filters_are_named_by_their_labels_and_tab_leaves_the_table(qtbot, panel, demo_services):
    """Issue 14 items 4 and 5: a combo box is named on Linux only through a label (its buddy); Tab
    moves from the table to the next control (the arrows move between cells), never cell to cell."""
    transfer(qtbot, panel, first_target(demo_services, "queue"))
    panel.session.open_history()
    history = panel.session.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 1)
    buddies = {label.buddy(): label.text().replace("&", "") for label in history.findChildren(QLabel) if label.buddy()}
    assert buddies == {history.outcome: "Outcome", history.period: "Period", history.search: "Find"}

    assert not history.table.tabKeyNavigation()
    history.activateWindow()
    qtbot.waitUntil(history.isActiveWindow)
    history.table.setFocus()
    history.table.selectRow(0)
    qtbot.keyClick(history.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is history.copy_button
