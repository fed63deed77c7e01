"""Driving the panel like a rep: find a target, pick it, wait for what the window says."""

from PySide6.QtCore import Qt

from app.ui.directory.model import TARGET_ROLE
from app.ui.directory.target_view import view_of


def first_target(services, kind: str, query: str = ""):
    """A TargetView of the demo directory's first `kind` target (matching `query`)."""
    result = services.directory.search(query, kind=kind, available_only=False)
    assert len(result), f"the demo directory has no {kind} matching {query!r}"
    return view_of(result[0])


def pick(qtbot, window, target) -> None:
    """Search for the target's name and click its row, as a rep would."""
    window.directory.search.setText(target.name)
    results = window.directory.results
    model = window.directory.model
    for row in range(min(model.rowCount(), 50)):
        index = model.index(row, 0)
        if index.data(TARGET_ROLE).target_id == target.target_id:
            results.scrollTo(index)
            qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualRect(index).center())
            assert window.form.target() == target
            return
    raise AssertionError(f"{target.name} is not in the first results")


def wait_outcome(qtbot, window, text: str, timeout: int = 15_000) -> str:
    qtbot.waitUntil(lambda: window.outcome.isVisible() and text in window.outcome.text(), timeout=timeout)
    return window.outcome.text()


def wait_idle(qtbot, window, timeout: int = 15_000) -> None:
    qtbot.waitUntil(lambda: not window.controller.busy(), timeout=timeout)
