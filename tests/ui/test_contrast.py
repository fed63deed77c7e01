"""Contrast (WCAG 2.2 AA, issue 14 item 10), measured from the colours the panel really uses: the
application palette the panel sets, the style sheet it applies (as `themed` maps it for dark and high
contrast), the colours Fusion derives from that palette for the controls it draws, and the painted
presence shapes.

High contrast is measured with the palettes Qt's Windows theme makes from four contrast themes' system
colours (Windows 10's High Contrast Black and White, Windows 11's Aquatic and Desert, as Microsoft
documents them; not read off a Windows machine: there is none here), given to the panel where it asks the
desktop for its palette. Windows itself cannot run here; that one function is the only stand-in.

Text needs 4.5:1 against its background; focus indicators, field borders and the presence shapes
3:1 against what is next to them. A translucent colour is measured as blended over its background.
The figures are printed (`-s`) so a change of colour shows what it did.
"""

import re

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QSpinBox, QStyleFactory, QWidget

from app.ui.common import style
from app.ui.common.banner import GLYPHS
from app.ui.common.icons import PresenceShape, presence_color
from tests.ui.contrast_themes import CONTRAST_THEMES, contrast_theme_palette

TEXT, GRAPHIC = 4.5, 3.0
_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def luminance(color: QColor) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.red()) + 0.7152 * linear(color.green()) + 0.0722 * linear(color.blue())


def over(color: QColor, background: QColor) -> QColor:
    """`color` as seen painted over `background` (its alpha blended)."""
    alpha = color.alphaF()
    return QColor(*(round(getattr(color, c)() * alpha + getattr(background, c)() * (1 - alpha))
                    for c in ("red", "green", "blue")))


def ratio(foreground: QColor, background: QColor) -> float:
    lighter, darker = sorted((luminance(over(foreground, background)), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def sheet() -> dict[str, dict[str, str]]:
    """The applied style sheet's declarations by selector (every selector of a rule gets them)."""
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in _RULE.findall(style.style_sheet()):
        declarations = dict(part.split(":", 1) for part in body.split(";") if ":" in part)
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update({k.strip(): v.strip() for k, v in declarations.items()})
    return rules


def sheet_color(rules, selector: str, prop: str) -> QColor:
    """`prop`'s colour in the rule for `selector`; "#name…" matches that object name on any widget type."""
    matches = [key for key in rules if key == selector
               or (selector.startswith("#") and re.fullmatch(r"[A-Za-z]+" + re.escape(selector), key))]
    assert len(matches) == 1, f"the style sheet has {len(matches)} rules for {selector}: {matches}"
    value = rules[matches[0]][prop]
    found = re.search(r"#[0-9a-fA-F]{6}|\bwhite\b|rgba?\([^)]*\)", value)
    assert found, f"{selector} {{{prop}: {value}}} names no colour"
    return QColor(found.group(0))


def fusion_focus_outline(palette: QPalette) -> QColor:
    """The colour Fusion draws a focused button's, combo box's or spin box's frame in
    (QFusionStylePrivate::highlightedOutline: the highlight darker by 125, its lightness at most 160)."""
    outline = palette.color(QPalette.ColorRole.Highlight).darker(125)
    if outline.value() > 160:
        outline.setHsl(outline.hue(), outline.saturation(), 160)
    return outline


def drawn_frame(widget: QWidget) -> QColor:
    """The colour Fusion draws `widget`'s frame in (a check box: its square's), read from its pixels:
    the left edge, half-way down."""
    widget.resize(120, 24)
    image = widget.grab().toImage()
    widget.deleteLater()
    return image.pixelColor(0, image.height() // 2)


@pytest.fixture
def contrast_theme(monkeypatch):
    """`contrast_theme(name)`: the desktop's palette is that contrast theme's from now on."""
    def use(name: str) -> None:
        monkeypatch.setattr(style, "desktop_palette", lambda: contrast_theme_palette(name))

    return use


@pytest.fixture(params=["light", "dark", *CONTRAST_THEMES])
def scheme(request, qapp, contrast_theme):
    """The panel's colours in `request.param`, as a desktop in that scheme gets them."""
    previous_style = qapp.style().name()
    qapp.setStyle(QStyleFactory.create("Fusion"))  # as app.py starts it (QT_STYLE_ARGS)
    if request.param in CONTRAST_THEMES:
        contrast_theme(request.param)
        style.follow_color_scheme(high_contrast=True)
    else:
        style.follow_color_scheme(request.param == "dark")
    yield request.param
    style.follow_color_scheme(False, high_contrast=False)
    qapp.setStyle(QStyleFactory.create(previous_style))


def measured(scheme: str) -> list[tuple[str, float, float]]:
    """(what, ratio, the least it may be) for every pair this scheme shows."""
    palette, rules = QApplication.palette(), sheet()
    role = QPalette.ColorRole
    color = palette.color
    section, body = sheet_color(rules, "QFrame#section", "background"), sheet_color(rules, "QWidget#panelWindow",
                                                                                   "background")
    pairs: list[tuple[str, QColor, QColor, float]] = [
        ("palette text on base", color(role.Text), color(role.Base), TEXT),
        ("palette window text", color(role.WindowText), color(role.Window), TEXT),
        ("palette button text", color(role.ButtonText), color(role.Button), TEXT),
        ("palette selected text", color(role.HighlightedText), color(role.Highlight), TEXT),
        ("palette tooltip text", color(role.ToolTipText), color(role.ToolTipBase), TEXT),
        ("placeholder text on a field", color(role.PlaceholderText), color(role.Base), TEXT),
        ("placeholder text on the call ID", color(role.PlaceholderText),
         sheet_color(rules, "QLineEdit#callId", "background"), TEXT),
        ("Fusion focus frame on the window", fusion_focus_outline(palette), color(role.Window), GRAPHIC),
        ("Fusion focus frame on a field", fusion_focus_outline(palette), color(role.Base), GRAPHIC),
    ]
    for label in ("QLabel#sectionTitle", "QLabel#muted", "QLabel#profileLabel", "QLabel#callProblem",
                  "QLabel#transferReason[tone=\"hint\"]", "QLabel#fieldLabel", "QLabel#callKind", "QLabel#caller",
                  "QLabel#targetName", "QLabel#targetMeta", "QToolButton#starButton", "QToolButton#bannerClose"):
        pairs += [(f"{label} on a section", sheet_color(rules, label, "color"), section, TEXT),
                  (f"{label} on the window", sheet_color(rules, label, "color"), body, TEXT)]
    pairs += [
        ("Transfer button text", sheet_color(rules, "QPushButton#transferButton", "color"),
         sheet_color(rules, "QPushButton#transferButton", "background"), TEXT),
        ("checked kind filter text", sheet_color(rules, "#kindFilter:checked", "color"),
         sheet_color(rules, "#kindFilter:checked", "background"), TEXT),
        ("demo badge", sheet_color(rules, "QLabel#demoBadge", "color"),
         sheet_color(rules, "QLabel#demoBadge", "background"), TEXT),
    ]
    for level in GLYPHS:
        banner = sheet_color(rules, f'QFrame#banner[level="{level}"]', "background")
        glyph = sheet_color(rules, f'QFrame#banner[level="{level}"] QLabel#bannerGlyph', "color")
        pairs += [(f"{level} banner title", sheet_color(rules, "QLabel#bannerTitle", "color"), banner, TEXT),
                  (f"{level} banner detail", sheet_color(rules, "QLabel#bannerDetail", "color"), banner, TEXT),
                  (f"{level} banner glyph", glyph, banner, TEXT)]
    focus_rings = ["QLineEdit#search:focus", "#kindFilter:focus", "QListView#results:focus",
                   "QPushButton#transferButton:focus", "QCheckBox:focus", "QLineEdit:focus"]
    for ring in focus_rings:
        pairs += [(f"{ring} ring on a section", sheet_color(rules, ring, "border"), section, GRAPHIC),
                  (f"{ring} ring on the window", sheet_color(rules, ring, "border"), body, GRAPHIC)]
    checked_ring = sheet_color(rules, "#kindFilter:checked:focus", "border")
    pairs.append(("checked kind filter's focus ring", checked_ring, section, GRAPHIC))
    for field in ("QLineEdit#callId", "QLineEdit#search", "#kindFilter", "QLineEdit"):
        pairs.append((f"{field} border", sheet_color(rules, field, "border"), section, GRAPHIC))
    for kind in (QComboBox, QSpinBox, QCheckBox):  # drawn by Fusion, not the sheet
        frame = drawn_frame(kind())
        pairs += [(f"{kind.__name__} frame (drawn) on the window", frame, color(role.Window), GRAPHIC),
                  (f"{kind.__name__} frame (drawn) on a section", frame, section, GRAPHIC),
                  (f"{kind.__name__} frame (drawn) on a field", frame, color(role.Base), GRAPHIC)]
    row, selected = QColor(style.themed("#ffffff")), QColor(style.themed("#dce9f8"))
    for shape in PresenceShape:
        pairs += [(f"presence {shape.value} on a row", presence_color(shape), row, GRAPHIC),
                  (f"presence {shape.value} on a selected row", presence_color(shape), selected, GRAPHIC)]
    if scheme != "dark":  # the shapes' marks: white on the disc (dark: the row's colour, cut out)
        mark = QColor(style.themed("#ffffff") if style.is_high_contrast() else "white")
        pairs += [(f"presence {shape.value} mark", mark, presence_color(shape), GRAPHIC)
                  for shape in (PresenceShape.AVAILABLE, PresenceShape.BUSY, PresenceShape.AWAY)]
    if style.is_high_contrast():  # a selected row keeps its background and gets a frame in the highlight
        pairs.append(("selected row's frame", color(role.Highlight), row, GRAPHIC))
    return [(what, ratio(foreground, background), least) for what, foreground, background, least in pairs]


def test_text_focus_rings_field_borders_and_presence_shapes_meet_wcag_aa(scheme, capsys):
    figures = measured(scheme)
    with capsys.disabled():
        print(f"\nContrast, {scheme}:")
        for what, value, least in figures:
            print(f"  {value:5.2f}:1 (≥ {least}) {what}")
    failing = [f"{what}: {value:.2f}:1 < {least}:1" for what, value, least in figures if value < least]
    assert not failing, "\n".join(failing)


def test_the_ratio_is_wcags():
    """The formula itself, on WCAG's own extremes and a known pair."""
    assert ratio(QColor("black"), QColor("white")) == pytest.approx(21)
    assert ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert ratio(QColor(0, 0, 0, 0), QColor("white")) == pytest.approx(1)


@pytest.mark.parametrize("scheme", CONTRAST_THEMES, indirect=True)
def test_in_high_contrast_every_colour_is_the_themes(scheme):
    """Windows' contrast themes promise the user their own colours: the sheet and the painted rows use
    nothing else (each of the panel's colours stands for a palette role)."""
    assert style.is_high_contrast()
    palette, role, group = QApplication.palette(), QPalette.ColorRole, QPalette.ColorGroup
    theirs = {palette.color(each).name() for each in role if each not in (role.NColorRoles,)}
    theirs.add(palette.color(group.Disabled, role.Text).name())
    sheet_colours = set(re.findall(r"#[0-9a-fA-F]{6}", style.style_sheet()))
    painted = {presence_color(shape).name() for shape in PresenceShape}
    assert sheet_colours | painted <= theirs, f"not the theme's: {(sheet_colours | painted) - theirs}"
    assert "white" not in style.style_sheet()
