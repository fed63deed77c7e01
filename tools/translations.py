"""The window's translations: regenerate the .ts sources from the code, or compile them.

    python tools/translations.py update           # pyside6-lupdate: every language's .ts gets the code's texts
    python tools/translations.py compile DEST     # pyside6-lrelease: each .ts to DEST/panel_<lang>.qm
    python tools/translations.py check            # every .ts is current with the code (CI, tests)
    python tools/translations.py pseudo DEST      # DEST/panel_pseudo.qm: every text twice as long (tests)

The texts are every `self.tr(…)` / `QCoreApplication.translate(…)` in app/ui, every
`QT_TRANSLATE_NOOP("Messages", …)` in app/messages.py (the command line stays English) and the
trainer's scenarios in app/simulator/scenarios.py ("Scenarios"). The
.ts files keep no source line numbers, so a code change that moves a text leaves them alone.
English has a catalogue of its plural forms only (panel_en.ts). Translators: see the README's
"Languages".
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout: the app's package beside it
from app.ui.common import i18n  # noqa: E402
from app.ui.common.i18n import compile_catalogue, pyside_tool  # noqa: E402

TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = tuple(code for code in i18n.LANGUAGES if code != "en")  # English's catalogue holds plural forms only


def sources() -> list[Path]:
    return sorted([ROOT / "app" / "messages.py", ROOT / "app" / "simulator" / "scenarios.py",
                   *(ROOT / "app" / "ui").rglob("*.py")])


def update(folder: Path = TRANSLATIONS, quiet: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = [str(path) for path in sources()]
    common = ["-locations", "none", "-no-obsolete", "-source-language", "en_US", *(["-silent"] if quiet else [])]
    targets = [str(folder / f"panel_{language}.ts") for language in LANGUAGES]
    subprocess.run([pyside_tool("lupdate"), *files, *common, "-ts", *targets], check=True)
    subprocess.run([pyside_tool("lupdate"), *files, *common, "-pluralonly", "-target-language", "en_US",
                    "-ts", str(folder / "panel_en.ts")], check=True)


def compile_all(destination: Path, folder: Path = TRANSLATIONS) -> list[Path]:
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(folder.glob("panel_*.ts")):
        target = destination / source.with_suffix(".qm").name
        compile_catalogue(source, target)
        written.append(target)
    return written


_ACCENTED = str.maketrans("AEIOUYaeiouycnsz", "ÅÉÎÖÜÝåéîöüýçñšž")
_NOT_SHOWN = re.compile(r"\{[a-z_]+(?:![rs])?\}|%L?n|&(?=\S)")


def doubled(text: str) -> str:
    """`text` twice as long, each line: the line, then as much again in accented letters (no
    placeholder, count or accelerator twice), so a cut is seen and wrapping still has spaces."""
    return "\n".join(line + " " + _NOT_SHOWN.sub("", line).translate(_ACCENTED) if line.strip() else line
                     for line in text.split("\n"))


def pseudo(destination: Path) -> Path:
    """A catalogue in which every text of the code is `doubled` (German runs ~30 % longer than
    English, some texts twice as long): the window must still show every text whole, or
    elided with the whole text a hover away. Made from the sources of panel_de.ts."""
    tree = ET.parse(TRANSLATIONS / "panel_de.ts")
    root = tree.getroot()
    root.set("language", "en_US")
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.pop("type", None)
        forms = list(translation.iter("numerusform"))
        for form in forms:
            form.text = doubled(source)
        if not forms:
            translation.text = doubled(source)
    destination.mkdir(parents=True, exist_ok=True)
    source_file = destination / "panel_pseudo.ts"
    tree.write(source_file, encoding="utf-8", xml_declaration=True)
    target = destination / "panel_pseudo.qm"
    compile_catalogue(source_file, target)
    return target


def stale() -> list[str]:
    """The .ts files that `update` would change (their texts differ from the code's)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch)
        for source in TRANSLATIONS.glob("panel_*.ts"):
            shutil.copy(source, copy / source.name)
        update(copy, quiet=True)
        return [path.name for path in sorted(copy.glob("panel_*.ts"))
                if not (TRANSLATIONS / path.name).is_file()
                or path.read_bytes() != (TRANSLATIONS / path.name).read_bytes()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="regenerate resources/translations/*.ts from the code")
    compile_command = commands.add_parser("compile", help="compile every .ts into DEST")
    compile_command.add_argument("destination", type=Path)
    commands.add_parser("check", help="fail when a .ts is not current with the code")
    pseudo_command = commands.add_parser("pseudo", help="DEST/panel_pseudo.qm: every text twice as long")
    pseudo_command.add_argument("destination", type=Path)
    args = parser.parse_args()
    if args.command == "update":
        update()
    elif args.command == "pseudo":
        print(pseudo(args.destination))
    elif args.command == "compile":
        for path in compile_all(args.destination):
            print(path)
    else:
        changed = stale()
        if changed:
            print(f"not current with the code: {', '.join(changed)}; run: python tools/translations.py update")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
