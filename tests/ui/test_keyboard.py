"""The panel without a mouse: Ctrl+K, type, Down, Enter, Ctrl+Enter; Esc; tab order."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.directory.model import TARGET_ROLE
from tests.ui.panel_helpers import wait_outcome

CTRL = Qt.KeyboardModifier.ControlModifier


def key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """Press a key where the keyboard focus is, like a real keyboard."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_keyboard_only_transfer(qtbot, panel, demo_services):
    panel.call_panel.call_id.setFocus()
    key(qtbot, Qt.Key.Key_K, CTRL)
    assert panel.directory.search.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "bil")
    assert panel.directory.model.rowCount() > 0
    key(qtbot, Qt.Key.Key_Down)
    assert panel.directory.search.hasFocus()  # the highlight moves, the typing stays in the box
    chosen = panel.directory.current_view()
    assert chosen is not None and panel.form.target() == chosen
    key(qtbot, Qt.Key.Key_Return)
    assert not panel.directory.search.hasFocus()  # Enter moved on to the form
    focus = QApplication.focusWidget()  # the flow options in the middle, or the footer's Transfer button
    assert panel.form.isAncestorOf(focus) or panel.form.action.isAncestorOf(focus)
    key(qtbot, Qt.Key.Key_Return, CTRL)

    wait_outcome(qtbot, panel, f"Routing requested to {chosen.name}")
    (sent,) = demo_services.demo.simulator.requests
    assert json.loads(sent.body_text)["routingTarget"] == chosen.target_id


def test_down_and_up_move_through_results_and_enter_focuses_the_form(qtbot, panel):
    panel.directory.focus_search()
    qtbot.keyClicks(panel.directory.search, "a")
    assert panel.directory.model.rowCount() >= 3
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Up)
    assert panel.directory.results.currentIndex().row() == 1
    key(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    target = panel.form.target()
    focus = QApplication.focusWidget()
    expected = panel.form.fallback if target.kind == "flow" else panel.form.transfer_button
    assert focus is expected or expected.isAncestorOf(focus)


def test_ctrl_f_focuses_search_from_a_text_field_and_esc_clears_it(qtbot, panel):
    panel.call_panel.call_id.setFocus()
    call_id = panel.call_panel.text()
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert panel.directory.search.hasFocus()
    key(qtbot, Qt.Key.Key_K, CTRL)  # Ctrl+K would delete to the end of the line in a plain field
    assert panel.call_panel.text() == call_id
    qtbot.keyClicks(panel.directory.search, "queue")
    key(qtbot, Qt.Key.Key_Escape)
    assert panel.directory.search.text() == "" and panel.directory.search.hasFocus()


def test_enter_in_the_search_box_picks_the_first_result(qtbot, panel):
    panel.directory.focus_search()
    qtbot.keyClicks(panel.directory.search, "bil")
    first = panel.directory.model.index(0, 0)
    key(qtbot, Qt.Key.Key_Return)
    assert panel.directory.results.currentIndex() == first
    assert panel.form.target() is not None


def tab_cycle(qtbot, window, presses: int = 60) -> list:
    """Press Tab from where the focus is until it comes back: the stops, in order (keys, as a rep presses them)."""
    start = QApplication.focusWidget()
    stops = []
    for _ in range(presses):
        key(qtbot, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is start:
            return stops
        stops.append(focus)
    raise AssertionError(f"Tab never came back to {start!r}: a keyboard trap")


def test_tab_order_follows_the_window_from_top_to_bottom(qtbot, panel):
    """The header first, then the call, the search, its filters, the results, the form and Transfer."""
    panel.pin_button.setFocus()
    stops = [panel.pin_button, *tab_cycle(qtbot, panel)]
    call, directory = panel.call_panel, panel.directory
    expected = [panel.pin_button, panel.trainer_button, panel.history_button, panel.settings_button, call.call_id,
                call.edit_button, call.copy_button, call.new_demo_button, directory.search,
                directory.kind_buttons[None], directory.available_only, directory.results, panel.form.star_button,
                panel.form.transfer_button]
    assert stops == [widget for widget in expected if widget.isVisible()], [type(w).__name__ for w in stops]


def _inside(widget, kinds, stop) -> bool:
    parent = widget.parent()
    while parent is not None and parent is not stop:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent()
    return False


def test_every_control_has_an_accessible_name(qtbot, panel, demo_services):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit

    from tests.ui.panel_helpers import first_target, pick

    pick(qtbot, panel, first_target(demo_services, "flow"))  # shows the flow controls
    qtbot.mouseClick(panel.form.inputs.add_button, Qt.MouseButton.LeftButton)
    controls = [widget for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)
                for widget in panel.findChildren(kind)
                if widget.window() is panel and not _inside(widget, (QComboBox, QLineEdit), panel)]
    assert len(controls) > 15
    unnamed = [f"{type(widget).__name__} {widget.objectName()!r}" for widget in controls if not widget.accessibleName()]
    assert not unnamed


def test_every_match_stays_reachable_from_the_keyboard_beyond_the_first_batch(qtbot, panel):
    from app.ui.directory.model import BATCH_ROWS

    directory = panel.directory
    total = directory.model.total_rows()
    assert total > BATCH_ROWS > directory.model.rowCount() - 1  # fetched lazily
    directory.search.setFocus()
    qtbot.keyClick(directory.search, Qt.Key.Key_Down)
    for _ in range(total):  # a page is a few rows; the form's appearance shrinks the list
        if directory.results.currentIndex().row() == total - 1:
            break
        qtbot.keyClick(directory.search, Qt.Key.Key_PageDown)
    assert directory.results.currentIndex().row() == total - 1
    assert directory.current_view() is not None


def test_typing_before_ctrl_k_searches_and_never_touches_the_call_id(qtbot, panel, demo_services):
    """A rep who types "bil em", Enter, then Ctrl+Enter transfers the demo's call, unchanged, to
    the billing queue: the letters went to the search, not into the call ID."""
    from tests.ui.panel_helpers import wait_outcome

    call_id = panel.call_panel.text()
    assert QApplication.focusWidget() is panel.directory.search  # the search starts with the focus
    panel.call_panel.call_id.setFocus()  # even with the focus on the call ID (read-only: it came from the demo)
    for key in "bil em":  # each key to whatever has the focus, as a keyboard does
        qtbot.keyClicks(QApplication.focusWidget(), key)
    assert panel.call_panel.text() == call_id and panel.directory.search.text() == "bil em"
    qtbot.keyClick(panel.directory.search, Qt.Key.Key_Return)
    assert "Billing" in panel.form.target().name
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_outcome(qtbot, panel, "Routing requested to Billing")
    (sent,) = demo_services.demo.simulator.requests
    assert sent.call_id == call_id

    qtbot.keyClick(panel, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # the rep chooses to edit it
    assert not panel.call_panel.is_locked() and QApplication.focusWidget() is panel.call_panel.call_id


def test_letters_typed_on_a_button_a_filter_or_the_list_go_to_the_search_and_space_still_presses(qtbot, panel):
    """Whatever control has the focus, a letter is the start of a search; Space on a button is its press."""
    directory = panel.directory
    controls = [panel.history_button, directory.kind_buttons[None], directory.available_only, directory.results]
    for control, letter in zip(controls, "bilq", strict=True):
        directory.search.clear()
        control.setFocus()
        assert QApplication.focusWidget() is control
        key(qtbot, getattr(Qt.Key, f"Key_{letter.upper()}"))
        assert directory.search.text() == letter and directory.search.hasFocus(), type(control).__name__
    queues = directory.kind_buttons[next(kind for kind in directory.kind_buttons if kind is not None)]
    queues.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert queues.isChecked() and directory.search.text() == "q"


def test_esc_cancels_the_transfer_again_question(qtbot, panel, demo_services):
    from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome

    queue = first_target(demo_services, "queue")
    pick(qtbot, panel, queue)
    panel.form.trigger()
    wait_outcome(qtbot, panel, "Routing requested to")
    wait_idle(qtbot, panel)
    panel.form.trigger()
    qtbot.waitUntil(panel.confirm_bar.isVisible)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not panel.confirm_bar.isVisible() and len(demo_services.demo.simulator.requests) == 1


def test_each_letter_typed_paints_the_results_once(qtbot, panel):
    """A new result is laid out as it is set: left to Qt's timer, the layout came after the paint
    and repainted the whole list a second time for every key (two passes of the row painter)."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = PaintCounter()
    results = panel.directory.results
    results.viewport().installEventFilter(counter)
    panel.directory.focus_search()
    qtbot.wait(50)
    per_key = []
    for letter in "bil":
        before = counter.paints
        qtbot.keyClick(panel.directory.search, letter)
        qtbot.waitUntil(lambda before=before: counter.paints > before)  # painted once…
        qtbot.wait(60)  # …and nothing queued after it paints it again
        per_key.append(counter.paints - before)
    results.viewport().removeEventFilter(counter)
    assert panel.directory.search.text() == "bil" and per_key == [1, 1, 1]


def test_a_search_longer_than_a_slice_lets_the_window_go_on_and_enter_picks_the_newest_result(
        qtbot, panel, monkeypatch):
    """A search of a million targets takes ~150 ms: it goes in slices between which the window paints and
    takes keys, and the list shows the previous result meanwhile. Here every step is a slice (so a small
    directory behaves like a huge one); Enter finishes the newest search before it picks."""
    from app.ui.directory import panel as panel_module

    monkeypatch.setattr(panel_module, "SEARCH_SLICE_S", 0.0)
    directory = panel.directory
    directory.focus_search()
    directory.search.setText("b")  # a first letter is read off the index's lists in one step
    assert not directory.searching()
    first_of_b = directory.model.index(0, 0).data(TARGET_ROLE).name

    directory.search.setText("bil")  # no event processed since: the search waits for the next slice
    assert directory.searching()
    assert directory.model.index(0, 0).data(TARGET_ROLE).name == first_of_b  # the previous result, for now
    qtbot.waitUntil(lambda: not directory.searching())
    assert directory.count.text() == "7 results"
    assert directory.model.index(0, 0).data(TARGET_ROLE).name == "Bill Evans"

    directory.search.setText("b")
    directory.search.setText("bill ev")
    assert directory.searching()
    key(qtbot, Qt.Key.Key_Return)  # before the search's next slice
    assert panel.form.target().name == "Bill Evans"
    assert directory.count.text() == "1 result"
