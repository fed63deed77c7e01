"""Longer languages never clip a text (issue 14, item 16), checked with a pseudo-translation.

Every text of the window, from its catalogue, made twice as long (`tools/translations.py
pseudo`: German runs about a third longer than English, some texts twice). In each state a rep
reaches (tests/ui/test_fit.py's walk, normal and On top), on the issue's 1366×768 laptop at 1×
and 2×, no label or button shows less than its text, unless it is elided with the whole text
in its tooltip (the panel's way for names and IDs, by design). The checks run in subprocesses,
like test_fit's, so each has its own screen.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from tests.ui.panel_helpers import first_target, pick, wait_idle, wait_outcome
from tests.ui.test_fit import SCREEN_ENV, fits, open_trainer, walk_through_states

ROOT = Path(__file__).parents[2]
PSEUDO_ENV = "TRANSFER_PANEL_TEST_PSEUDO"  # the panel_pseudo.qm these subprocess runs install


@pytest.fixture(autouse=True)
def pseudo_translated(qapp):
    """In the subprocesses: the pseudo catalogue, above the English one (the last installed wins)."""
    catalogue = os.environ.get(PSEUDO_ENV)
    if not catalogue:
        yield
        return
    translator = QTranslator()
    assert translator.load(catalogue)
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def _whole_in_tooltip(widget: QWidget, text: str) -> bool:
    return text.replace("&", "") in widget.toolTip().replace("&", "")


def clipped(window: QWidget) -> list[str]:
    """The labels and buttons that show less than their text without its whole in their tooltip."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            text = widget.text()
            if widget.wordWrap():
                if widget.heightForWidth(widget.width()) > widget.height() + 1 and not _whole_in_tooltip(widget, text):
                    found.append(f"label {text[:60]!r}: {widget.height()} px high, needs "
                                 f"{widget.heightForWidth(widget.width())}")
            elif widget.sizeHint().width() > widget.width() + 1 and not _whole_in_tooltip(widget, text):
                found.append(f"label {text[:60]!r}: {widget.width()} px wide, needs {widget.sizeHint().width()}")
        elif (isinstance(widget, QAbstractButton) and widget.text().strip()
              and widget.sizeHint().width() > widget.width() + 1 and not _whole_in_tooltip(widget, widget.text())):
            found.append(f"button {widget.text()[:60]!r}: {widget.width()} px wide, needs {widget.sizeHint().width()}")
    return found


def nothing_clipped(qtbot, window, state: str) -> None:
    try:
        qtbot.waitUntil(lambda: not clipped(window), timeout=3000)
    except Exception:
        pytest.fail(f"{state}: " + "; ".join(clipped(window)))


@pytest.mark.parametrize("compact", [False, True], ids=["normal", "on-top"])
def test_no_text_is_cut_in_any_state(qtbot, panel, demo_services, compact):
    """In English here; in the subprocesses below, twice as long."""
    if os.environ.get(PSEUDO_ENV):
        assert panel.history_button.text() == "History Hîštörý"  # the pseudo catalogue is the one speaking
    if compact:
        panel.pin_button.click()
    for state in walk_through_states(qtbot, panel, demo_services):
        fits(qtbot, panel, state)
        nothing_clipped(qtbot, panel, state)


def test_no_text_is_cut_in_the_other_windows(qtbot, panel, demo_services):
    """History (with a row), Settings (every page), the trainer and the request inspector."""
    pick(qtbot, panel, first_target(demo_services, "queue"))
    panel.form.trigger()
    wait_outcome(qtbot, panel, "Routing requested to")
    wait_idle(qtbot, panel)
    panel.session.open_history()
    history = panel.session.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 1)
    panel.open_settings()
    settings = panel.session.settings
    trainer = open_trainer(qtbot, panel)
    panel.trainer_tools.open_inspector()
    windows = [history, settings, trainer, panel.trainer_tools.inspector]
    for window in windows:
        qtbot.waitExposed(window)
        nothing_clipped(qtbot, window, type(window).__name__)
    for page in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(page)
        nothing_clipped(qtbot, settings, f"Settings, page {settings.tabs.tabText(page)!r}")


@pytest.mark.parametrize("scale", [1, 2])
def test_twice_as_long_texts_on_a_1366x768_laptop(tmp_path, scale):
    if os.environ.get(PSEUDO_ENV):
        pytest.skip("this is such a run")
    catalogue = subprocess.run([sys.executable, "tools/translations.py", "pseudo", str(tmp_path)], cwd=ROOT,
                               capture_output=True, text=True, timeout=120, check=True).stdout.strip()
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale),
           SCREEN_ENV: f"1366x768@{scale}", PSEUDO_ENV: catalogue}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-k", "not laptop"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) == 4 and "skipped" not in result.stdout, result.stdout[-2000:]


def test_the_clipping_check_sees_a_cut_text(qtbot):
    """The check above can fail: a button narrower than its text, with no tooltip, is reported."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    button = QPushButton("A button whose words cannot all be shown", window)
    QVBoxLayout(window).addWidget(button)
    window.show()
    button.setFixedWidth(60)
    QApplication.processEvents()
    assert clipped(window) == [f"button {button.text()!r}: 60 px wide, needs {button.sizeHint().width()}"]
    button.setToolTip(button.text())
    assert clipped(window) == []
