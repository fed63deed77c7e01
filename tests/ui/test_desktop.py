"""Beside the softphone: the window's place per screen setup, compact always-on-top mode."""

from PySide6.QtCore import QRect, Qt

from app.ui.shell.desktop import screen_setup
from app.ui.shell.window import PanelWindow


def test_the_place_is_remembered_per_screen_setup(qtbot, tmp_path):
    first = PanelWindow(config_path=tmp_path / "config.toml")
    qtbot.addWidget(first)
    first.setGeometry(QRect(120, 80, 430, 700))
    first.desktop.save()
    assert first.desktop.settings.contains(f"geometry/{screen_setup()}")

    second = PanelWindow(config_path=tmp_path / "config.toml")
    qtbot.addWidget(second)
    second.restore_place()
    assert (second.width(), second.height()) == (430, 700)
    assert not second.pin_button.isChecked()


def test_compact_mode_is_on_top_and_short_and_comes_back(qtbot, tmp_path):
    window = PanelWindow(config_path=tmp_path / "config.toml")
    qtbot.addWidget(window)
    window.resize(420, 760)
    window.show()
    qtbot.waitUntil(lambda: window.setup_finished)
    window.pin_button.click()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.is_compact() and window.isVisible()
    compact_height = window.height()
    assert compact_height < 500 and not window.call_panel.title.isVisible()
    window.desktop.save()  # remembered: normal size, compact on
    assert window.size().height() == 760 and not window.is_compact()

    again = PanelWindow(config_path=tmp_path / "config.toml")
    qtbot.addWidget(again)
    again.restore_place()
    again.show()
    qtbot.waitUntil(lambda: again.setup_finished)
    assert again.pin_button.isChecked() and again.desktop.is_compact() and again.is_compact()
    qtbot.waitUntil(lambda: again.height() == compact_height)
    again.pin_button.click()
    assert not again.desktop.is_compact() and again.height() == 760  # its normal height again
    assert again.call_panel.title.isVisible()


def test_no_tray_is_no_problem(qtbot, tmp_path):
    window = PanelWindow(config_path=tmp_path / "config.toml")
    qtbot.addWidget(window)
    assert window.desktop.add_tray_icon() in (True, False)  # offscreen: no tray, and no crash
    window.desktop.toggle_visible()
    assert window.isVisible()
    window.desktop.toggle_visible()
    assert not window.isVisible()


def test_a_dark_desktop_gets_dark_colours_and_back(qtbot, panel):
    from PySide6.QtGui import QGuiApplication, QPalette

    try:
        panel.follow_color_scheme(True)  # what the desktop's colorSchemeChanged(Dark) does
        assert "#1b1f24" in panel.styleSheet() and "#f4f6f9" not in panel.styleSheet()
        assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 60
    finally:
        panel.follow_color_scheme(False)
    assert "#f4f6f9" in panel.styleSheet()
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180


def test_the_first_paint_goes_by_the_desktop_palette_and_its_setting_decides_after(qtbot, panel):
    """Reading the desktop's colour-scheme setting builds Qt's namespace, which the first paint does without."""
    from PySide6.QtGui import QColor, QGuiApplication, QPalette

    from app.ui.common.style import follow_color_scheme, is_dark
    from app.ui.shell.app import _follow_desktop_scheme

    dark_desktop = QPalette()
    dark_desktop.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    try:
        QGuiApplication.setPalette(dark_desktop)
        assert follow_color_scheme() and is_dark()  # before the first paint: the palette looks dark
        _follow_desktop_scheme(panel, Qt.ColorScheme.Unknown)  # no setting: that stands
        assert is_dark()
        _follow_desktop_scheme(panel, Qt.ColorScheme.Light)  # the setting says light: light it is
        assert not is_dark() and "#f4f6f9" in panel.styleSheet()
        _follow_desktop_scheme(panel, Qt.ColorScheme.Dark)
        assert is_dark() and "#1b1f24" in panel.styleSheet()
    finally:
        panel.follow_color_scheme(False)
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180


def test_nothing_is_cut_off_in_the_narrowest_window(qtbot, panel):
    panel.resize(200, 300)  # narrower than allowed, and short: the window scrolls, its scroll bar takes room
    qtbot.waitUntil(lambda: panel.width() == panel.minimumWidth() and panel.body_scroll.verticalScrollBar().isVisible())
    assert panel.body_scroll.viewport().width() >= panel.body_scroll.widget().minimumSizeHint().width()
    assert panel.header.width() >= panel.header.minimumSizeHint().width()


def test_a_high_contrast_desktop_gets_its_theme_colours_and_back(qtbot, panel, monkeypatch):
    """Windows' contrast themes (Qt's contrast preference): the theme's palette replaces the panel's colours,
    a selected row is framed in the theme's highlight, and turning it off brings the panel's colours back."""
    from PySide6.QtGui import QGuiApplication, QPalette

    from app.ui.common import style
    from app.ui.shell.app import _follow_desktop_contrast, _follow_desktop_scheme
    from tests.ui.contrast_themes import contrast_theme_palette

    monkeypatch.setattr(style, "desktop_palette", lambda: contrast_theme_palette("high contrast black"))
    try:
        _follow_desktop_contrast(panel, Qt.ContrastPreference.HighContrast)
        assert style.is_high_contrast() and style.is_dark()
        assert "#f4f6f9" not in panel.styleSheet() and "#1aebff" in panel.styleSheet()
        assert QGuiApplication.palette().color(QPalette.ColorRole.Highlight).name() == "#1aebff"
        _follow_desktop_scheme(panel, Qt.ColorScheme.Light)  # in high contrast the theme decides, not the scheme
        assert style.is_high_contrast() and "#1aebff" in panel.styleSheet()

        results = panel.directory.results
        panel.directory.search.setText("a")
        first = panel.directory.model.index(0, 0)
        results.setCurrentIndex(first)
        row = results.visualRect(first)
        image = results.viewport().grab(row).toImage()
        assert image.pixelColor(row.width() // 2, 1).name() == "#1aebff"  # the frame's top edge
        assert image.pixelColor(row.width() // 2, row.height() // 2).name() != "#1aebff"  # not filled: text reads
    finally:
        monkeypatch.undo()
        _follow_desktop_contrast(panel, Qt.ContrastPreference.NoPreference)
    assert not style.is_high_contrast() and "#f4f6f9" in panel.styleSheet()
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180
