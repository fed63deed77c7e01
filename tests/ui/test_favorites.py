"""Favorites in the window: star from the form (Ctrl+D) or a row, first in results, Ctrl+1…9."""

import json

from PySide6.QtCore import Qt

from app.core.directory.favorites import favorites_path
from app.ui.directory.delegate import star_rect
from tests.ui.panel_helpers import first_target, pick


def test_a_starred_target_comes_first_and_ctrl_1_picks_it(qtbot, panel, demo_services):
    agent = first_target(demo_services, "agent", "")
    pick(qtbot, panel, agent)
    assert panel.form.star_button.accessibleName() == "Add to favorites"
    qtbot.keyClick(panel.form.transfer_button, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert panel.form.star_button.text() == "★"
    assert panel.form.star_button.accessibleName() == "Remove from favorites"

    panel.directory.search.clear()
    assert panel.directory.model.view(0).target_id == agent.target_id  # above every queue and flow now
    path = favorites_path(demo_services.profile.name)
    qtbot.waitUntil(path.exists)
    assert json.loads(path.read_text(encoding="utf-8"))["ids"] == [agent.target_id]

    queue = first_target(demo_services, "queue")
    pick(qtbot, panel, queue)
    assert panel.form.target() == queue
    qtbot.keyClick(panel.directory.search, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert panel.form.target().target_id == agent.target_id
    assert panel.form.can_transfer()


def test_the_star_on_a_row_toggles_it(qtbot, panel, demo_services):
    queue = first_target(demo_services, "queue")
    panel.directory.search.setText(queue.name)
    results = panel.directory.results
    index = panel.directory.model.index(0, 0)
    assert index.data(Qt.ItemDataRole.UserRole + 1).target_id == queue.target_id
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=star_rect(results.visualRect(index)).center())
    assert demo_services.favorites.ids == (queue.target_id,)
    assert "favorite" in panel.directory.model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton,
                     pos=star_rect(results.visualRect(panel.directory.model.index(0, 0))).center())
    assert demo_services.favorites.ids == ()


def test_ctrl_digit_without_that_favorite_says_how_to_star(qtbot, panel):
    qtbot.keyClick(panel.directory.search, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert panel.notice.isVisible() and "Ctrl+1" in panel.notice.text()


def test_a_starred_target_that_left_the_directory_is_not_offered(qtbot, panel, demo_services):
    gone = "005000000000009AAA"  # a valid agent ID the demo directory does not hold
    assert demo_services.directory.get(gone) is None
    demo_services.favorites.toggle(gone)
    panel.session.pick_favorite(1)
    assert panel.form.target() is None and "No favorite 1" in panel.notice.text()
