"""The window's language: how it is chosen, its catalogues, its formats and direction; the
command line stays English. The catalogues are the real ones (resources/translations/*.ts),
compiled by pyside6-lrelease as the panel does."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from app.cli.parser import parse_args
from app.core.errors import ConfigError, InputError, Problem
from app.messages import Front, describe
from app.ui.common import i18n
from app.ui.common.i18n import LANGUAGES, TRANSLATIONS, LanguageChoice, choose, supported

ROOT = Path(__file__).parents[2]
CATALOGUES = ROOT / "resources" / "translations"
_PLACEHOLDER = re.compile(r"\{[a-z_]+(?:![rs])?\}")


@pytest.fixture
def speak(qapp):
    """`speak(language)`: the window's catalogue, locale and direction; English again after the test."""

    def install(language: str) -> LanguageChoice:
        used = TRANSLATIONS.install(LanguageChoice(language, "--lang"))
        i18n.connect_core_words()
        return used

    yield install
    TRANSLATIONS.install(LanguageChoice("en", "default"))
    i18n.connect_core_words()


# ---- choosing ---------------------------------------------------------------------------
def test_lang_overrides_settings_which_override_the_desktop():
    assert choose("de", "fr") == LanguageChoice("de", "--lang")
    assert choose(None, "fr") == LanguageChoice("fr", "settings")
    desktop = choose(None, "")
    assert desktop.source in ("desktop", "default") and not desktop.problem


def test_names_as_desktops_write_them():
    assert [supported(name) for name in ("de", "de-AT", "de_CH.UTF-8", "pt-BR", "pt_PT", "ja_JP", "ar_EG", "en-GB",
                                         "zh_CN", "C")] == ["de", "de", "de", "pt_BR", "pt_BR", "ja", "ar", "en", None,
                                                            None]


def test_a_language_the_panel_does_not_speak_falls_back_to_english_and_says_why():
    chosen = choose("it", "")
    assert chosen.language == "en" and "'it'" in chosen.problem and "Using English" in chosen.problem


@pytest.mark.parametrize(("variables", "expected"), [
    ({"LANGUAGE": "de", "LC_ALL": "", "LANG": "C.UTF-8"}, "de"),
    ({"LANGUAGE": "", "LC_ALL": "ja_JP.UTF-8", "LANG": ""}, "ja"),
    ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "ar_EG.UTF-8"}, "ar"),
    ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}, None),
])
def test_the_desktop_language_comes_from_the_environment(variables, expected):
    """QLocale.system() reads the environment once per process: each case runs in its own."""
    script = "from app.ui.common.i18n import desktop_language; print(desktop_language())"
    env = {**os.environ, **variables}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env,
                            cwd=ROOT)
    assert result.stdout.strip() == str(expected), result.stderr


def test_the_settings_choice_is_kept_and_read_at_the_next_start(qtbot, tmp_path):
    from app.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(tmp_path / "config.toml")
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == i18n.FOLLOW_DESKTOP
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    assert i18n.saved_choice() == "de"
    assert "next start" in dialog.language_note.text()
    assert choose(None, i18n.saved_choice()) == LanguageChoice("de", "settings")
    dialog.language.setCurrentIndex(0)
    assert i18n.saved_choice() == i18n.FOLLOW_DESKTOP


def test_gui_takes_lang_and_passes_qts_own_options_through():
    args = parse_args(["-reverse", "--lang", "ar", "-platform", "offscreen", "-style=Fusion", "--demo"])
    assert args.command == "gui" and args.lang == "ar" and args.demo
    assert args.qt_arguments == ["-reverse", "-platform", "offscreen", "-style", "Fusion"]
    with pytest.raises(SystemExit):
        parse_args(["route", "--demo", "--target", "00GHs00000tBAoHMAW", "-reverse"])


# ---- catalogues -------------------------------------------------------------------------
def test_the_ts_sources_hold_every_text_of_the_code():
    """`python tools/translations.py update` was run after the last change of a text."""
    result = subprocess.run([sys.executable, "tools/translations.py", "check"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("language", [*LANGUAGES])
def test_every_catalogue_compiles_and_loads(language, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = i18n.compiled_catalogue(language)
    assert path is not None and path.is_file()
    assert QTranslator().load(str(path))


def test_translations_keep_every_placeholder_and_count():
    """A translation that drops "{path}" or "%n" would say less than the English, or fail to fill."""
    wrong = []
    for ts in sorted(CATALOGUES.glob("panel_*.ts")):
        for message in ET.parse(ts).getroot().iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            forms = [form.text or "" for form in translation.iter("numerusform")] or [translation.text or ""]
            if translation.get("type") in ("unfinished", "vanished", "obsolete"):
                continue
            for form in forms:
                if sorted(_PLACEHOLDER.findall(form)) != sorted(_PLACEHOLDER.findall(source)) and not (
                        message.get("numerus") and len(forms) > 1 and form is forms[0]):
                    wrong.append(f"{ts.name}: {source!r} -> {form!r}")
                if "%Ln" in source and "%Ln" not in form or "%n" in source.replace("%Ln", "") and "%n" not in form:
                    wrong.append(f"{ts.name}: count lost in {form!r}")
    assert not wrong, "\n".join(wrong)


def test_a_missing_catalogue_is_said_and_the_window_speaks_english(speak, caplog):
    used = speak("it")  # no panel_it.ts: as a build without that catalogue
    assert used.language == "en" and "catalogue" in used.problem and "English" in used.problem
    assert "no catalogue for it" in caplog.text
    assert QCoreApplication.translate("TransferForm", "Transfer") == "Transfer"


# ---- German ------------------------------------------------------------------------------
def test_german_numbers_dates_and_times(speak):
    speak("de")
    assert i18n.number(1234567) == "1.234.567" and i18n.number(2.5, 1) == "2,5"
    moment = datetime(2026, 12, 2, 14, 5, 9)
    assert i18n.clock(moment) == "14:05" and i18n.clock(moment, seconds=True) == "14:05:09"
    assert i18n.date_and_time(moment) == "02.12.26 14:05"
    from app.ui.directory.refresher import as_of_text

    assert as_of_text(moment.astimezone(), "Salesforce", moment.astimezone()) == "Stand 14:05 · Salesforce"
    from app.core.directory.salesforce import ApiUsage
    from app.ui.directory.refresher import usage_text

    assert usage_text(ApiUsage(12345, 15000)) == "12.345 von 15.000 API-Aufrufen heute verbraucht"
    from app.core.directory.salesforce import DirectoryRefreshError

    limit = DirectoryRefreshError(Problem.SALESFORCE_API_LIMIT, used=15000, limit=15000)  # the org's refusal
    assert "täglichen Salesforce-API-Aufrufe aufgebraucht (15.000 von 15.000 heute)" in describe(limit, Front.WINDOW)
    assert "(15,000 of 15,000 today)" in describe(limit, Front.CLI)
    not_a_flow = ConfigError(Problem.PLAN_NOT_A_FLOW, target="Zoë Weiß", scenario="Flow fails (fallback queue)")
    assert describe(not_a_flow, Front.WINDOW).startswith(
        "Zoë Weiß ist kein Flow: „Flow scheitert (Ausweich-Warteschlange)“")  # the trainer's scenario title too


def test_a_german_window_speaks_german(speak, qtbot, open_panel, demo_services):
    assert speak("de").language == "de"
    window = open_panel(demo_services)
    qtbot.waitUntil(lambda: bool(window.directory.count.text()))
    assert window.history_button.text() == "Verlauf"
    assert window.settings_button.text() == "Einstellungen…"
    assert window.form.transfer_button.text() == "Weiterleiten"
    total = window.directory.model.total_rows()
    assert window.directory.count.text() == f"{QLocale().toString(total)} Ergebnisse"
    window.directory.search.setText("zzzz-nobody")
    assert window.directory.results.placeholder.startswith("Kein Treffer für „zzzz-nobody“.")
    # The core's words in the window: German; the same error on the command line: English.
    error = InputError(Problem.CALL_ID_EMPTY)
    assert describe(error, Front.WINDOW).startswith("Die Anruf-ID ist leer")
    assert describe(error, Front.CLI).startswith("The call ID is empty")


def test_german_plural_forms(speak, qtbot):
    speak("de")
    one = QCoreApplication.translate("DirectoryPanel", "%Ln result(s)", "", 1)
    many = QCoreApplication.translate("DirectoryPanel", "%Ln result(s)", "", 1234)
    assert (one, many) == ("1 Ergebnis", "1.234 Ergebnisse")


# ---- Arabic ------------------------------------------------------------------------------
def test_arabic_lays_the_window_out_right_to_left(speak, qtbot, open_panel, demo_services):
    speak("ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    window = open_panel(demo_services)
    assert window.isRightToLeft() and window.directory.results.isRightToLeft()
    speak("de")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_right_to_left_sets_names_apart_so_their_brackets_stay_put(speak, qtbot, open_panel, demo_services):
    # Without the isolates, "Billing (Americas)" in Arabic text shows as "(Billing (Americas".
    from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome
    from app.messages import outcome_text
    from tests.ui.panel_helpers import first_target

    outcome = RouteOutcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED, http_status=200, elapsed_ms=52.0)
    speak("ar")
    assert "\u2068Billing (Americas)\u2069" in outcome_text(outcome, "Billing (Americas)", Front.WINDOW).headline
    window = open_panel(demo_services)
    window.form.set_target(first_target(demo_services, "queue", "Billing (Americas)"))
    assert "\u2068Billing (Americas)\u2069" in window.form.transfer_button.text()
    assert "\u2068" not in outcome_text(outcome, "Billing (Americas)", Front.CLI).headline  # scripts read plain text
    speak("de")
    assert "\u2068" not in outcome_text(outcome, "Billing (Americas)", Front.WINDOW).headline


def test_reverse_keeps_its_direction_whatever_the_language(speak):
    TRANSLATIONS.install(LanguageChoice("de", "--lang"))
    QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # as `-reverse` sets it
    TRANSLATIONS.install(LanguageChoice("de", "--lang"), keep_direction=True)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft


# ---- the command line ----------------------------------------------------------------------
def test_the_command_line_stays_english_on_a_german_desktop():
    env = {**os.environ, "LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
    result = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, timeout=60,
                            env=env, cwd=ROOT)
    assert result.returncode == 0
    assert "The command line speaks English on every desktop" in result.stdout
    gui = subprocess.run([sys.executable, "-m", "app", "gui", "--help"], capture_output=True, text=True, timeout=60,
                         env=env, cwd=ROOT)
    assert "--lang LANG" in gui.stdout and "always speaks English" in gui.stdout
    refused = subprocess.run([sys.executable, "-m", "app", "route", "--demo", "--target", "NOTANID"],
                             capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert "The target 'NOTANID' is not a Salesforce ID" in refused.stderr, refused.stderr


def _name_start(results) -> int:
    """How far from the row's start (its left, or its right right to left) the name's first letter is."""
    row = results.visualRect(results.model().index(0, 0))
    image = results.viewport().grab(row).toImage()
    ink = [x for x in range(40, image.width() - 40) for y in range(8, 22)
           if image.pixelColor(x, y).value() < 90]
    return min(ink) if not results.isRightToLeft() else image.width() - 1 - max(ink)


def _tile_columns(results) -> tuple[list[int], int]:
    """The columns of the first row where the kind tile's colour is painted (saturated pixels), and its width."""
    row = results.visualRect(results.model().index(0, 0))
    image = results.viewport().grab(row).toImage()
    middle = image.height() // 2
    return [x for x in range(image.width())
            if (color := image.pixelColor(x, middle)).saturation() > 120 and color.value() > 60], image.width()


def test_the_painted_rows_mirror_right_to_left(speak, qtbot, open_panel, demo_services):
    """The rows are painted by hand (TargetDelegate): right to left, the kind tile is on the right,
    the star on the left, and a click on that star stars the row."""
    window = open_panel(demo_services)
    queue = next(view for row in range(window.directory.model.rowCount())
                 if (view := window.directory.model.view(row)).kind.value == "queue")
    window.directory.search.setText(queue.name)
    results = window.directory.results
    left_to_right, width = _tile_columns(results)
    assert left_to_right and max(left_to_right) < width // 4
    name_from_start = _name_start(results)

    speak("ar")  # the whole application right to left, as Arabic sets it (its painters too)
    assert results.isRightToLeft()
    results.viewport().update()
    right_to_left, width = _tile_columns(results)
    assert right_to_left and min(right_to_left) > width * 3 // 4
    assert abs((width - 1 - max(right_to_left)) - min(left_to_right)) <= 1  # the same margin, mirrored
    assert abs(_name_start(results) - name_from_start) <= 3  # the name beside the tile, read from the right

    from app.ui.directory.delegate import star_rect

    index = results.model().index(0, 0)
    star = star_rect(results.visualRect(index), right_to_left=True)
    assert star.center().x() < width // 4
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=star.center())
    assert demo_services.favorites.ids == (queue.target_id,)
