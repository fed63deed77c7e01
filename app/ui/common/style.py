"""The panel's look: Fusion everywhere, plus a style sheet with a few named accents.

Colours pair with a glyph or words wherever they carry meaning (success, failure,
warning, presence); contrast of text on tinted backgrounds is at least 4.5:1.
"""

import re

from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" in app/ui/shell/window.py
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# Qt styles the whole application with Fusion (app.py passes "-style Fusion"): the same
# look on every platform, which the sheet below builds on.
QT_STYLE_ARGS = ["-style", "Fusion"]

STYLE_SHEET = """
QWidget#panelWindow, QWidget#panelBody { background: #f4f6f9; }
QScrollArea#panelScroll { background: transparent; border: none; }
QFrame#section { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 8px; }
QLabel#sectionTitle { color: #3d4b5c; font-weight: 600; letter-spacing: 0.5px; }
QLabel#muted, QLabel#resultCount, QLabel#callSource { color: #4f5b69; }
QLabel#demoBadge {
    background: #b3261e; color: white; font-weight: 700; border-radius: 4px; padding: 2px 8px;
}
QLabel#profileLabel { color: #3d4b5c; }
QPushButton#keyState {
    background: #b3261e; color: white; font-weight: 600; border: none; border-radius: 4px; padding: 3px 8px;
}
QLineEdit#callId {
    font-family: "DejaVu Sans Mono", "Consolas", "Menlo", monospace; font-size: 17px;
    font-weight: 600; padding: 4px 6px; border: 1px solid #7a8694; border-radius: 5px;
    background: #fbfcfd;
}
QLineEdit#callId[invalid="true"] { border: 2px solid #b3261e; }
QLabel#callProblem, QLabel#transferReason, QLabel#inputsProblem { color: #a3231b; }
QLabel#transferReason[tone="hint"] { color: #4f5b69; }
QLabel#transferReason[tone="warning"] { color: #8a5200; }
QLabel#fieldLabel { color: #2b3744; font-weight: 600; }
QToolButton#bannerClose { color: #3d4b5c; border: none; padding: 0 3px; }
QToolButton#bannerClose:hover { color: #17202b; background: rgba(0, 0, 0, 0.06); border-radius: 3px; }
QLabel#callKind { color: #2f6b3a; }
QLabel#caller { color: #17202b; font-weight: 600; }
QPlainTextEdit#inspectorDetails { font-family: "DejaVu Sans Mono", "Consolas", "Menlo", monospace; }
QLineEdit#search { padding: 5px 6px; border: 1px solid #7a8694; border-radius: 5px; font-size: 14px; }
QLineEdit#search:focus, QLineEdit#callId:focus { border: 2px solid #06325f; }
QRadioButton#kindFilter {
    border: 1px solid #7a8694; border-radius: 4px; padding: 3px 9px; background: #ffffff; spacing: 0;
}
QRadioButton#kindFilter::indicator { width: 0; height: 0; }
QRadioButton#kindFilter:checked { background: #0b5cad; color: white; border-color: #0b5cad; }
QRadioButton#kindFilter:focus { border: 2px solid #06325f; }
QRadioButton#kindFilter:checked:focus { border: 2px solid #06325f; }
QListView#results { border: 1px solid #d5dbe3; border-radius: 5px; background: #ffffff; }
QListView#results:focus { border: 2px solid #06325f; }
QLabel#targetName { font-size: 16px; font-weight: 600; color: #17202b; }
QLabel#targetMeta { color: #3d4b5c; }
QPushButton[header="true"] { padding: 3px 8px; min-width: 0; }
QPushButton#pinButton:checked {
    background: #0b5cad; color: white; border: 1px solid #0b5cad; border-radius: 3px; padding: 3px 8px;
}
QToolButton#starButton { color: #06325f; font-size: 20px; padding: 0 2px; }
QPushButton#transferButton {
    background: #0b5cad; color: white; font-size: 14px; font-weight: 600;
    border: 1px solid #084a8c; border-radius: 6px; padding: 8px 12px;
}
QPushButton#transferButton:hover { background: #0a529b; }
QPushButton#transferButton:focus { border: 2px solid #06325f; outline: none; }
QPushButton#transferButton:disabled { background: #c9d1db; color: #4d5967; border-color: #c9d1db; }
QFrame#banner { border-radius: 6px; border: 1px solid; }
QFrame#banner[level="success"] { background: #e7f4ea; border-color: #8cc79a; }
QFrame#banner[level="failure"] { background: #fbeaea; border-color: #e3a09b; }
QFrame#banner[level="warning"] { background: #fff4e0; border-color: #e6b566; }
QFrame#banner[level="progress"] { background: #e8f0fa; border-color: #9dbbe0; }
QFrame#banner[level="info"] { background: #eef1f5; border-color: #c2cad4; }
QLabel#bannerGlyph { font-size: 16px; font-weight: 700; }
QFrame#banner[level="success"] QLabel#bannerGlyph { color: #1f7a35; }
QFrame#banner[level="failure"] QLabel#bannerGlyph { color: #a3231b; }
QFrame#banner[level="warning"] QLabel#bannerGlyph { color: #8a5200; }
QFrame#banner[level="progress"] QLabel#bannerGlyph { color: #06325f; }
QFrame#banner[level="info"] QLabel#bannerGlyph { color: #3d4b5c; }
QLabel#bannerTitle { font-weight: 600; color: #17202b; }
QLabel#bannerDetail { color: #2b3744; }
QLineEdit, QPlainTextEdit { border: 1px solid #7a8694; border-radius: 3px; padding: 2px; background: #ffffff; }
QLineEdit:focus, QPlainTextEdit:focus { border: 2px solid #06325f; padding: 1px; }
QComboBox QLineEdit, QAbstractSpinBox QLineEdit { border: none; padding: 0; background: transparent; }
QCheckBox { border: 2px solid transparent; border-radius: 3px; }
QCheckBox:focus { border: 2px solid #06325f; }
"""


# Focus rings are #06325f (dark: #9cc7f2), field borders #7a8694: 3:1 or more on every background
# they sit on; Fusion's fainter ones (a check box's focus, a text field's frame) are replaced here.
# Combo and spin boxes and check boxes keep Fusion's drawing (styled here they would lose its
# arrows and tick): their frames get the contrast through their palette (FUSION_FRAMED below).
# Measured in tests/ui/test_contrast.py.

# The sheet, the row painter and the banners are written in light colours; on a dark
# desktop each maps to its counterpart here (same roles, contrast kept at 4.5:1 or more).
# Colours that read on both (the accent, the demo red, kind and presence icons) stay.
_DARK = {
    "#f4f6f9": "#1b1f24", "#ffffff": "#252a31", "#fbfcfd": "#20252b", "#d5dbe3": "#3a424c",
    "#7a8694": "#808b98", "#6b7785": "#808b98", "#3d4b5c": "#b5c0cc", "#4f5b69": "#a4afbb", "#4d5967": "#a4afbb",
    "#17202b": "#e8edf2",
    "#2b3744": "#d3dae2", "#06325f": "#9cc7f2", "#a3231b": "#ff8a80", "#2f6b3a": "#7fd08f",
    "#c9d1db": "#3a424c", "#e7f4ea": "#1e3325", "#8cc79a": "#3f7a4f", "#fbeaea": "#3a2222",
    "#e3a09b": "#8a4a45", "#fff4e0": "#3a3020", "#e6b566": "#8a6a2a", "#e8f0fa": "#1f2d3d",
    "#9dbbe0": "#3d5a80", "#eef1f5": "#262c33", "#c2cad4": "#46505c", "#dce9f8": "#24405f",
    "#f0f4f9": "#2a3038", "#edf0f4": "#2f363f", "#1f7a35": "#7fd08f", "#8a5200": "#f0b860",
    "#a40000": "#ff8a80", "#fff3bf": "#4a4020",
    "#1f8a3b": "#4cc36a", "#c4291c": "#ff7a6e", "#b26a00": "#e8a33c", "#6e6e6e": "#9aa3ad",  # presence shapes
}
_ROLE, _GROUP = QPalette.ColorRole, QPalette.ColorGroup

# In a high-contrast theme (Windows' contrast themes; a desktop's high-contrast setting) the theme's
# own colours replace the panel's: each light colour stands for the palette role it plays, and shows
# as the desktop palette's colour for that role. Hues that carried meaning (presence, banners, kinds)
# become the text colour: their shapes, glyphs and words still tell them apart.
_HIGH_CONTRAST_ROLES: dict[str, QPalette.ColorRole | tuple[QPalette.ColorGroup, QPalette.ColorRole]] = {
    **dict.fromkeys(("#f4f6f9", "#c9d1db", "#e7f4ea", "#fbeaea", "#fff4e0", "#e8f0fa", "#eef1f5"), _ROLE.Window),
    **dict.fromkeys(("#ffffff", "#fbfcfd", "#f0f4f9", "#dce9f8"), _ROLE.Base),  # a selected row: framed instead
    **dict.fromkeys(("#3d4b5c", "#4f5b69", "#17202b", "#2b3744", "#2f6b3a", "#a3231b", "#8a5200", "#a40000",
                     "#1f7a35", "#d5dbe3", "#7a8694", "#6b7785", "#084a8c", "#edf0f4", "#8cc79a", "#e3a09b",
                     "#e6b566", "#9dbbe0", "#c2cad4", "#1f8a3b", "#c4291c", "#b26a00", "#6e6e6e", "#1d5fa8",
                     "#6b4aa0", "#0f7a6c"), _ROLE.WindowText),
    **dict.fromkeys(("#06325f", "#0b5cad", "#0a529b", "#b3261e", "#fff3bf"), _ROLE.Highlight),
    "white": _ROLE.HighlightedText,  # the sheet's "white" is always text on the accent
    "#4d5967": (_GROUP.Disabled, _ROLE.Text),
}
_COLOR = re.compile(r"#[0-9a-fA-F]{6}|\bwhite\b")
_FONT_SIZE = re.compile(r"font-size: (\d+)px")


class _Look:
    """What every widget's style follows: light, dark or the desktop's high contrast, and the text scale."""

    dark = False
    high_contrast = False
    colors: dict[str, str] = {}  # light colour -> the one shown (none in the light scheme)
    text_scale = 1.0
    base_point_size = 0.0


_scheme = _Look()
PRESENTER_SCALE = 1.5  # text on a projector, read from the back of a training room


def follow_color_scheme(dark: bool | None = None, high_contrast: bool | None = None) -> bool:
    """Use the dark or light colours, or the desktop's high-contrast ones; True when the result is dark.

    `dark`, or else what the desktop's palette looks like. The palette, not the desktop's colour-scheme
    or contrast setting: reading those builds PySide6's `Qt` namespace, which the first paint does
    without. app.py checks both right after it. `high_contrast` stays as it was when not given.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return _scheme.dark
    had_own_colors = bool(_scheme.colors)
    if high_contrast is not None:
        _scheme.high_contrast = high_contrast
    if _scheme.high_contrast:
        palette = _high_contrast_palette(desktop_palette())
        _scheme.dark = palette.color(_ROLE.Window).lightness() < 128
        _scheme.colors = {light: (palette.color(*role) if isinstance(role, tuple) else palette.color(role)).name()
                          for light, role in _HIGH_CONTRAST_ROLES.items()}
    else:
        if dark is None:  # the palette at start is the desktop's; later the panel's colours are in it
            desktop = desktop_palette() if had_own_colors else app.palette()
            dark = desktop.color(_ROLE.Window).lightness() < 128
        _scheme.dark, _scheme.colors = dark, (_DARK if dark else {})
        # Light at start: the palette Qt made (asking for the style's would cost the first paint a few ms).
        palette = _dark_palette() if dark else _light_palette(
            app.style().standardPalette() if had_own_colors else app.palette())
    app.setPalette(palette)
    _frame_fusion_controls(app)
    return _scheme.dark


def desktop_palette() -> QPalette:
    """The desktop theme's own palette, with none of the panel's colours (Qt resolves every role from the theme)."""
    QGuiApplication.setPalette(QPalette())
    return QGuiApplication.palette()


def is_dark() -> bool:
    return _scheme.dark


def is_high_contrast() -> bool:
    return _scheme.high_contrast


def themed(color: str) -> str:
    """A light-theme colour as the current scheme shows it."""
    return _scheme.colors.get(color.lower(), color)


def style_sheet() -> str:
    sheet = _COLOR.sub(lambda match: themed(match.group(0)), STYLE_SHEET) if _scheme.colors else STYLE_SHEET
    scale = _scheme.text_scale
    return _FONT_SIZE.sub(lambda m: f"font-size: {round(int(m.group(1)) * scale)}px", sheet) if scale != 1 else sheet


def text_scale() -> float:
    return _scheme.text_scale


def set_text_scale(scale: float) -> None:
    """Scale all text (the application font and the sheet's sizes): 1 normally, PRESENTER_SCALE on a projector.

    Windows re-apply `style_sheet()` afterwards; painted rows scale with `text_scale()`.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if not _scheme.base_point_size:
        _scheme.base_point_size = app.font().pointSizeF()
    _scheme.text_scale = scale
    font = app.font()
    font.setPointSizeF(_scheme.base_point_size * scale)
    app.setFont(font)


# Fusion draws the frames of these (and a check box's square) in their palette's Window colour
# darkened by 140 (2.3:1 on white, 1.3:1 in dark): each gets a Window colour that darkens to FUSION_FRAME.
FUSION_FRAMED = ("QComboBox", "QAbstractSpinBox", "QCheckBox")
FUSION_FRAME = "#6b7785"  # dark: #808b98, as the sheet's field borders


def _frame_fusion_controls(app: QApplication) -> None:
    framed = app.palette()  # a copy (not QPalette(palette): resolving that overload builds PySide6's `Qt`)
    framed.setColor(QPalette.ColorRole.Window, QColor(themed(FUSION_FRAME)).lighter(140))
    for class_name in FUSION_FRAMED:
        app.setPalette(framed, class_name)  # type: ignore[arg-type]  # PySide6 takes a str (its stub says bytes)


def _light_palette(palette: QPalette) -> QPalette:
    """Fusion's, with placeholder text dark enough to read (Fusion's is the text at half alpha: 4.0:1) and
    the accent as the selection (white on Fusion's #308cc6 is 3.7:1; its focus frames are a shade of it)."""
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#5f6b78"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0b5cad"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return palette


def _high_contrast_palette(palette: QPalette) -> QPalette:
    """The desktop's, with placeholder text in its disabled-text colour (a contrast theme's GrayText, made to be
    read; Qt's default, the text at half alpha, is 4:1 on white)."""
    palette.setColor(_ROLE.PlaceholderText, palette.color(_GROUP.Disabled, _ROLE.Text))
    return palette


def _dark_palette() -> QPalette:
    """A light highlight (with dark text on it): Fusion draws its focus frames in a shade of it."""
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#1b1f24"), (QPalette.ColorRole.WindowText, "#e8edf2"),
                        (QPalette.ColorRole.Base, "#252a31"), (QPalette.ColorRole.AlternateBase, "#2a3038"),
                        (QPalette.ColorRole.Text, "#e8edf2"), (QPalette.ColorRole.Button, "#2a3038"),
                        (QPalette.ColorRole.ButtonText, "#e8edf2"), (QPalette.ColorRole.Highlight, "#9cc7f2"),
                        (QPalette.ColorRole.HighlightedText, "#10161d"), (QPalette.ColorRole.ToolTipBase, "#252a31"),
                        (QPalette.ColorRole.ToolTipText, "#e8edf2"), (QPalette.ColorRole.PlaceholderText, "#8a96a3"),
                        (QPalette.ColorRole.Link, "#9cc7f2")):
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7580"))
    return palette


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed (a no-op before the first show).

    Skipping unpolished widgets matters for start-up: the first `widget.style()` call costs
    several milliseconds (PySide wraps the style object), which the first paint can do without.
    """
    if widget.testAttribute(QtCore.Qt.WidgetAttribute.WA_WState_Polished):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
