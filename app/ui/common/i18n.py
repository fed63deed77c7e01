"""The window's language: which one, its Qt Linguist catalogue, its locale and direction.

The language follows the desktop (`QLocale.system()`, which reads LANGUAGE, LC_ALL,
LC_MESSAGES and LANG on Linux); a choice in Settings (kept with QSettings like the window's
other preferences) overrides it, and `--lang xx` on the `gui` command overrides both. It is
set before the first widget exists, so every text is made in it; a change in Settings takes
effect at the next start.

Catalogues: `resources/translations/panel_<lang>.ts` (made by `python tools/translations.py
update`) compiled to `.qm` by pyside6-lrelease. A frozen build bundles the `.qm` files (the
build compiles them, packaging/transfer-panel.spec); a source checkout or an installed wheel
compiles a catalogue on first use into the user cache, named by a hash of its `.ts`, so an
edited translation is compiled again. A chosen language without a usable catalogue is logged
and the window stays English. English has a catalogue too: the plural forms of its counts.

The core's words (app/messages.py, Qt-free) are translated through `messages.set_window_words`:
the window looks each English template up in the catalogue, then fills its named placeholders.
The command line never installs a catalogue: it stays English for scripts.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QLibraryInfo, QLocale, QSettings, QTime, QTranslator

if TYPE_CHECKING:
    from app import messages

log = logging.getLogger(__name__)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name pyside6-lupdate looks for)
    """Marks a text for the catalogue where it is defined; translated where it is shown. (PySide6's
    own returns `object` to type checkers.)"""
    return text


# The languages the panel ships, by catalogue name, each named in its own language (Settings lists them).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "ja": "日本語",
    "ar": "العربية",
}
FOLLOW_DESKTOP = ""  # the Settings choice that lets the desktop decide
SETTINGS_KEY = "language"
RIGHT_TO_LEFT = frozenset({"ar"})  # the shipped languages written right to left
_LRELEASE_TIMEOUT_S = 60


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """What the window speaks and why."""

    language: str  # a key of LANGUAGES
    source: str  # "--lang", "settings", "desktop" or "default"
    problem: str = ""  # why the language asked for is not the one used ("" when it is)


def saved_choice() -> str:
    """The language chosen in Settings, FOLLOW_DESKTOP when none."""
    value = QSettings("transfer-panel", "transfer-panel").value(SETTINGS_KEY, FOLLOW_DESKTOP)
    return value if isinstance(value, str) else FOLLOW_DESKTOP


def save_choice(language: str) -> None:
    settings = QSettings("transfer-panel", "transfer-panel")
    settings.setValue(SETTINGS_KEY, language)
    settings.sync()


def supported(name: str) -> str | None:
    """The shipped language for a name as desktops and people write it ("de", "de-AT", "pt_BR.UTF-8",
    "pt-BR"), None when the panel does not speak it."""
    name = name.split(".")[0].split("@")[0].replace("-", "_")
    if name in LANGUAGES:
        return name
    language, _, territory = name.partition("_")
    matches = [key for key in LANGUAGES if key.split("_")[0] == language.lower()]
    exact = [key for key in matches if key.lower() == f"{language}_{territory}".lower()]
    return (exact or matches)[0] if matches else None


def desktop_language() -> str | None:
    """The first of the desktop's UI languages the panel speaks (None: none of them)."""
    for name in QLocale.system().uiLanguages():
        found = supported(name)
        if found is not None:
            return found
    return None


def choose(requested: str | None, saved: str) -> LanguageChoice:
    """--lang, else the Settings choice, else the desktop's, else English."""
    for value, source in ((requested, "--lang"), (saved, "settings")):
        if value:
            found = supported(value)
            if found is not None:
                return LanguageChoice(found, source)
            known = ", ".join(LANGUAGES)
            return LanguageChoice("en", "default", f"The panel does not speak {value!r} ({source}); it speaks "
                                                   f"{known}. Using English.")
    desktop = desktop_language()
    return LanguageChoice(desktop, "desktop") if desktop is not None else LanguageChoice("en", "default")


def locale_for(language: str) -> QLocale:
    """Numbers, dates and times as the language writes them: the desktop's own country when it
    speaks the same language (de_AT stays Austrian), else the language's main one."""
    system = QLocale.system()
    if supported(system.name()) == language:
        return system
    return QLocale(language)


def catalogue_sources() -> Path | None:
    """The folder of the .ts sources (a source checkout or an installed wheel), None in a frozen build."""
    from app.core.resources import resource_dirs

    return next((folder / "translations" for folder in resource_dirs()
                 if any((folder / "translations").glob("panel_*.ts"))), None)


def compiled_catalogue(language: str) -> Path | None:
    """The .qm of `language`: bundled, or compiled from its .ts into the user cache. None: no catalogue."""
    from app.core.resources import resource_dirs

    for folder in resource_dirs():
        bundled = folder / "translations" / f"panel_{language}.qm"
        if bundled.is_file():
            return bundled
    sources = catalogue_sources()
    source = sources / f"panel_{language}.ts" if sources is not None else None
    if source is None or not source.is_file():
        return None
    from platformdirs import user_cache_path  # only where a catalogue must be compiled

    stat = source.stat()  # an edited .ts has another size or time: compiled again (no hashing at each start)
    version = f"{stat.st_size:x}-{stat.st_mtime_ns:x}"
    target = user_cache_path("transfer-panel", appauthor=False) / "translations" / f"panel_{language}-{version}.qm"
    if not target.is_file():
        compile_catalogue(source, target)
    return target


def pyside_tool(name: str) -> str:
    """pyside6-lrelease's (or pyside6-lupdate's) program: PySide6-Essentials ships them inside its package."""
    import shutil

    import PySide6

    bundled = Path(PySide6.__file__).parent / (f"{name}.exe" if sys.platform == "win32" else name)
    found = str(bundled) if bundled.is_file() else shutil.which(f"pyside6-{name}")
    if found is None:
        raise FileNotFoundError(f"pyside6-{name} is missing: reinstall PySide6-Essentials")
    return found


def compile_catalogue(source: Path, target: Path) -> None:
    """`source` (.ts) to `target` (.qm), written whole or not at all; OSError if it cannot be."""
    import subprocess

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        subprocess.run([pyside_tool("lrelease"), "-silent", str(source), "-qm", str(partial)], check=True,
                       capture_output=True, timeout=_LRELEASE_TIMEOUT_S)
    except subprocess.SubprocessError as error:
        raise OSError(f"pyside6-lrelease failed on {source.name}: {error}") from None
    partial.replace(target)


class Translations:
    """The catalogues installed in the application (kept alive: Qt does not own them)."""

    def __init__(self) -> None:
        self.choice = LanguageChoice("en", "default")
        self.locale = QLocale()  # the desktop's until a language is installed (tests that install none)
        self._installed: list[QTranslator] = []
        self.qt_own_loaded = False  # Qt's own catalogue (qtbase_<lang>.qm) for the language

    def install(self, choice: LanguageChoice, keep_direction: bool = False) -> LanguageChoice:
        """Install `choice`'s catalogues, its locale and its direction; what is used is returned (English,
        with the problem to log and show, when its catalogue is missing). `keep_direction`: -reverse was given."""
        app = QCoreApplication.instance()
        for translator in self._installed:
            QCoreApplication.removeTranslator(translator)
        self._installed = []
        panel = self._load_panel(choice.language)
        if panel is None and choice.language != "en":
            name = LANGUAGES.get(choice.language, choice.language)
            choice = LanguageChoice("en", "default", f"The catalogue for {name} ({choice.language}) is missing or "
                                                     "unreadable: the panel speaks English. Reinstall the panel to "
                                                     "get it back.")
            panel = self._load_panel("en")
        if panel is not None:
            self._installed.append(panel)
        qt_own = self._load_qt(choice.language)
        self.qt_own_loaded = qt_own is not None
        if qt_own is not None:
            self._installed.append(qt_own)
        for translator in self._installed:
            QCoreApplication.installTranslator(translator)
        self.choice = choice
        self.locale = locale_for(choice.language)
        QLocale.setDefault(self.locale)
        if app is not None and hasattr(app, "setLayoutDirection") and not keep_direction:
            _set_direction(app, right_to_left=choice.language in RIGHT_TO_LEFT)
        if "app.messages" in sys.modules:  # else when it is imported, after the first paint (connect_core_words)
            connect_core_words()
        return choice

    @staticmethod
    def _load_panel(language: str) -> QTranslator | None:
        try:
            path = compiled_catalogue(language)
        except OSError as error:
            log.warning("the %s catalogue could not be compiled: %s", language, error)
            return None
        if path is None:
            log.warning("no catalogue for %s (looked for panel_%s.qm and .ts)", language, language)
            return None
        translator = QTranslator()
        if not translator.load(str(path)):
            log.warning("the catalogue %s cannot be read", path)
            return None
        return translator

    @staticmethod
    def _load_qt(language: str) -> QTranslator | None:
        """Qt's own words (standard buttons, a line edit's menu), where PySide6 ships them."""
        if language == "en":
            return None
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator()
        if translator.load(f"qtbase_{language}", folder):
            return translator
        log.info("Qt's own catalogue qtbase_%s is not in %s: its standard buttons stay English", language, folder)
        return None


def _set_direction(app: QCoreApplication, right_to_left: bool) -> None:
    """Right to left for Arabic; left to right otherwise, set only when it changes: the `Qt`
    namespace it needs costs the first paint ~15 ms (see app/ui/shell/window.py)."""
    if right_to_left == app.isRightToLeft():  # type: ignore[attr-defined]
        return
    from PySide6 import QtCore

    direction = QtCore.Qt.LayoutDirection
    app.setLayoutDirection(direction.RightToLeft if right_to_left else direction.LeftToRight)  # type: ignore[attr-defined]


def right_to_left() -> bool:
    app = QCoreApplication.instance()
    return bool(app is not None and app.isRightToLeft())  # type: ignore[attr-defined]


def isolated(text: str) -> str:
    """A name to put into a translated sentence: in right-to-left text it is set apart (Unicode's
    first-strong isolate), so "Billing (Americas)" keeps its closing bracket at its end."""
    return f"\u2068{text}\u2069" if right_to_left() else text


def connect_core_words() -> None:
    """The core's words (app/messages.py) in the window's language. Called once app.messages is
    imported: ~70 ms that the first paint does without (app/ui/shell/app.py)."""
    from app import messages

    messages.set_window_words(window_words(TRANSLATIONS.locale))


def window_words(locale: QLocale) -> messages.Words:
    """The core's words as the window says them: its catalogue, its locale's numbers and clock."""
    from app import messages

    return messages.Words(
        translate=lambda context, source, count: QCoreApplication.translate(context, source, None, count),
        integer=lambda value: locale.toString(value),
        decimal=lambda value: locale.toString(value, "g", 6),
        clock=lambda moment: clock(moment, locale),
        isolate=right_to_left())


def clock(moment: datetime, locale: QLocale | None = None, seconds: bool = False) -> str:
    """A time of day, hours and minutes (and seconds), as the window's language writes it (14:05, 2:05 PM)."""
    locale = locale or TRANSLATIONS.locale
    time = QTime(moment.hour, moment.minute, moment.second)
    if not seconds:
        return locale.toString(time, QLocale.FormatType.ShortFormat)
    return locale.toString(time, locale.timeFormat(QLocale.FormatType.ShortFormat).replace("mm", "mm:ss", 1))


TRANSLATIONS = Translations()


def date_and_time(moment: datetime, locale: QLocale | None = None, seconds: bool = False) -> str:
    """A day and a time of day, short, as the window's language writes them (02.12.26 14:05, 12/2/26 2:05 PM)."""
    locale = locale or TRANSLATIONS.locale
    day = locale.toString(QDate(moment.year, moment.month, moment.day), QLocale.FormatType.ShortFormat)
    return f"{day} {clock(moment, locale, seconds)}"


def number(value: int | float, decimals: int = 0) -> str:
    """A count or a measure, grouped and with the language's decimal sign (1.234 / 1,234; 2,5 / 2.5)."""
    if isinstance(value, int) and not decimals:
        return TRANSLATIONS.locale.toString(value)
    return TRANSLATIONS.locale.toString(float(value), "f", decimals)
