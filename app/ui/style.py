"""The panel's look: Fusion everywhere, plus a style sheet with a few named accents.

Colours pair with a glyph or words wherever they carry meaning (success, failure,
warning, presence); contrast of text on tinted backgrounds is at least 4.5:1.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

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
QLineEdit#callId {
    font-family: "DejaVu Sans Mono", "Consolas", "Menlo", monospace; font-size: 17px;
    font-weight: 600; padding: 4px 6px; border: 1px solid #b8c2ce; border-radius: 5px;
    background: #fbfcfd;
}
QLineEdit#callId[invalid="true"] { border: 2px solid #b3261e; }
QLabel#callProblem, QLabel#transferReason, QLabel#inputsProblem { color: #a3231b; }
QLabel#transferReason[tone="hint"] { color: #4f5b69; }
QLabel#fieldLabel { color: #2b3744; font-weight: 600; }
QToolButton#bannerClose { color: #3d4b5c; border: none; padding: 0 3px; }
QToolButton#bannerClose:hover { color: #17202b; background: rgba(0, 0, 0, 0.06); border-radius: 3px; }
QLabel#callKind { color: #2f6b3a; }
QLineEdit#search { padding: 5px 6px; border: 1px solid #b8c2ce; border-radius: 5px; font-size: 14px; }
QLineEdit#search:focus, QLineEdit#callId:focus { border: 2px solid #0b5cad; }
QPushButton#kindFilter {
    border: 1px solid #b8c2ce; border-radius: 4px; padding: 3px 9px; background: #ffffff;
}
QPushButton#kindFilter:checked { background: #0b5cad; color: white; border-color: #0b5cad; }
QPushButton#kindFilter:focus { border: 2px solid #0b5cad; }
QPushButton#kindFilter:checked:focus { border: 2px solid #06325f; }
QListView#results { border: 1px solid #d5dbe3; border-radius: 5px; background: #ffffff; }
QListView#results:focus { border: 2px solid #0b5cad; }
QLabel#targetName { font-size: 16px; font-weight: 600; color: #17202b; }
QLabel#targetMeta { color: #3d4b5c; }
QPushButton#pinButton:checked { background: #0b5cad; color: white; border: 1px solid #0b5cad; border-radius: 3px; padding: 3px 8px; }
QToolButton#starButton { color: #0b5cad; font-size: 20px; padding: 0 2px; }
QPushButton#transferButton {
    background: #0b5cad; color: white; font-size: 14px; font-weight: 600;
    border: 1px solid #084a8c; border-radius: 6px; padding: 8px 12px;
}
QPushButton#transferButton:hover { background: #0a529b; }
QPushButton#transferButton:focus { border: 2px solid #06325f; outline: none; }
QPushButton#transferButton:disabled { background: #c9d1db; color: #4f5b69; border-color: #c9d1db; }
QFrame#banner { border-radius: 6px; border: 1px solid; }
QFrame#banner[level="success"] { background: #e7f4ea; border-color: #8cc79a; }
QFrame#banner[level="failure"] { background: #fbeaea; border-color: #e3a09b; }
QFrame#banner[level="warning"] { background: #fff4e0; border-color: #e6b566; }
QFrame#banner[level="progress"] { background: #e8f0fa; border-color: #9dbbe0; }
QFrame#banner[level="info"] { background: #eef1f5; border-color: #c2cad4; }
QLabel#bannerTitle { font-weight: 600; color: #17202b; }
QLabel#bannerDetail { color: #2b3744; }
"""


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed (a no-op before the first show).

    Skipping unpolished widgets matters for start-up: the first `widget.style()` call costs
    several milliseconds (PySide wraps the style object), which the first paint can do without.
    """
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
