"""What the directory tells assistive technology (issue 14, items 6 and 7), seen through Qt's
accessibility layer: the events Qt hands its AT-SPI bridge and the texts of the accessible
interfaces it reads. The focus stays in the search box while the rep types and moves through
the results, so what the rep must hear goes there."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from app.core.ids import IdKind
from app.ui.directory import panel as directory_panel
from app.ui.directory.model import BATCH_ROWS
from tests.ui.a11y_events import A11yEvents, text_of

Event = QAccessible.Event
CARET_OR_SELECTION = (Event.TextCaretMoved, Event.TextSelectionChanged)


@pytest.fixture
def heard():
    recorder = A11yEvents().start()
    yield recorder
    recorder.stop()


def _first(heard, kinds, widget) -> int:
    return next(number for number, seen in enumerate(heard.events) if seen.type in kinds and seen.widget is widget)


@pytest.mark.parametrize("how", ["ctrl_k", "tab"])
def test_the_search_box_is_heard_as_it_takes_the_focus(qtbot, panel, heard, how):
    search = panel.directory.search
    search.setText("bil")  # a focus reason that selects the text: the selection event came first
    if how == "ctrl_k":
        panel.call_panel.copy_button.setFocus()
        heard.clear()
        qtbot.keyClick(panel, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    else:
        panel.call_panel.new_demo_button.setFocus()
        heard.clear()
        qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
    assert panel.focusWidget() is search
    assert any(seen.type in CARET_OR_SELECTION and seen.widget is search for seen in heard.events)
    assert _first(heard, (Event.Focus,), search) < _first(heard, CARET_OR_SELECTION, search)
    assert text_of(search) == "Search the directory"


def test_the_count_and_no_match_are_said_in_the_search_box_and_announced(qtbot, panel, heard):
    directory, search = panel.directory, panel.directory.search
    directory.focus_search()
    qtbot.keyClicks(search, "zo")
    count = directory.count.text()
    assert count.endswith("results") and text_of(directory.count) == count  # the label speaks its text
    assert text_of(search, QAccessible.Text.Description).startswith(f"{count} Type any part of a name")
    assert heard.of(Event.DescriptionChanged, search)
    qtbot.waitUntil(lambda: count in heard.announcements(), timeout=3000)  # once the typing pauses
    heard.clear()
    qtbot.keyClicks(search, "qqx")
    said = "No match for “zoqqx”."
    assert text_of(search, QAccessible.Text.Description).startswith(said)
    assert text_of(directory.results, QAccessible.Text.Description).startswith(said)
    qtbot.waitUntil(lambda: heard.announcements() == [said], timeout=3000)  # one, not one a key


def test_down_and_up_in_the_search_box_say_the_highlighted_row(qtbot, panel, heard):
    directory, search = panel.directory, panel.directory.search
    directory.focus_search()
    qtbot.keyClicks(search, "billing")
    total = directory.model.total_rows()
    qtbot.keyClick(search, Qt.Key.Key_Down)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    second = directory.model.view(1)
    assert panel.focusWidget() is search
    assert text_of(search, QAccessible.Text.Description) == f"{second.accessible_text()}, 2 of {total:,}"
    heard.clear()
    qtbot.keyClick(search, Qt.Key.Key_Up)
    assert text_of(search, QAccessible.Text.Description) == (
        f"{directory.model.view(0).accessible_text()}, 1 of {total:,}")
    assert heard.of(Event.DescriptionChanged, search)


def test_the_list_reports_every_row_of_a_result_to_assistive_technology(qtbot, panel, heard, monkeypatch):
    directory = panel.directory
    directory.search.setText("a")  # built while a screen reader listens: every row at once
    total = directory.model.total_rows()
    assert total > BATCH_ROWS
    assert QAccessible.queryAccessibleInterface(directory.results).childCount() == total
    assert text_of(directory.results, QAccessible.Text.Description).startswith(f"{total:,} results. Presence:")
    monkeypatch.setattr(directory_panel, "SPOKEN_ROWS", 220)  # a result longer than the list holds at once
    directory.search.setText("")
    longer = directory.model.total_rows()
    assert longer > 220 and QAccessible.queryAccessibleInterface(directory.results).childCount() == 220
    assert text_of(directory.results, QAccessible.Text.Description).startswith(
        f"{longer:,} results; 220 listed, more as you move down.")


def test_the_kind_filters_are_one_radio_group_the_arrows_move_through(qtbot, panel):
    directory = panel.directory
    buttons = list(directory.kind_buttons.values())
    roles = [QAccessible.queryAccessibleInterface(button).role() for button in buttons]
    assert roles == [QAccessible.Role.RadioButton] * 4
    assert [text_of(button) for button in buttons] == ["All", "Agents", "Queues", "Flows"]
    assert directory.kind_group.exclusive()
    assert [button.isChecked() for button in buttons] == [True, False, False, False]
    directory.search.setFocus()
    qtbot.keyClick(directory.search, Qt.Key.Key_Tab)  # Tab enters the group once, on the chosen kind
    assert panel.focusWidget() is directory.kind_buttons[None]
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Right)
    assert panel.focusWidget() is directory.kind_buttons[IdKind.QUEUE] and directory.kind() is IdKind.QUEUE
    assert {directory.model.view(row).kind for row in range(directory.model.rowCount())} == {"queue"}
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Left)
    assert directory.kind() is IdKind.AGENT and [b.isChecked() for b in buttons] == [False, True, False, False]
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)  # and leaves it in one
    assert panel.focusWidget() is directory.available_only
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Backtab)
    assert panel.focusWidget() is directory.kind_buttons[IdKind.AGENT]
