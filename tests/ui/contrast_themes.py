"""The palettes Qt's Windows theme makes from Windows' contrast themes, for the tests and the screenshots.

The system colours are Windows 10's High Contrast Black and White and Windows 11's Aquatic and Desert,
as Microsoft documents them (not read off a Windows machine: there is none here). The panel asks the
desktop for its palette in one place (app.ui.common.style.desktop_palette); these stand in for it.
"""

from PySide6.QtGui import QColor, QPalette

# Windows system colours (window, window text, highlight, highlight text, gray text, button face, button text)
CONTRAST_THEMES = {
    "high contrast black": ("#000000", "#ffffff", "#1aebff", "#000000", "#3ff23f", "#000000", "#ffffff"),
    "high contrast white": ("#ffffff", "#000000", "#37006e", "#ffffff", "#600000", "#ffffff", "#000000"),
    "aquatic": ("#202020", "#ffffff", "#8ee3f0", "#263b50", "#a6a6a6", "#202020", "#ffffff"),
    "desert": ("#fffaef", "#3d3d3d", "#903909", "#fff5e3", "#676767", "#fffaef", "#202020"),
}


def contrast_theme_palette(name: str) -> QPalette:
    """The palette Qt's Windows theme makes from a contrast theme's system colours (qwindowstheme.cpp)."""
    window, text, highlight, highlighted_text, gray_text, button, button_text = map(QColor, CONTRAST_THEMES[name])
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    for each_role, color in ((role.Window, button), (role.Button, button), (role.Base, window),
                             (role.AlternateBase, window), (role.WindowText, text), (role.Text, text),
                             (role.ButtonText, button_text), (role.Highlight, highlight),
                             (role.HighlightedText, highlighted_text), (role.ToolTipBase, window),
                             (role.ToolTipText, text), (role.PlaceholderText, QColor(text.red(), text.green(),
                                                                                      text.blue(), 128))):
        palette.setColor(each_role, color)
    for each_role in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(group.Disabled, each_role, gray_text)
    return palette
