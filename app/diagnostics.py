"""`transfer-panel diagnostics`: one zip for IT with what a support case needs, and no secret.

It holds versions (panel, Python, Qt, OS), the keyring backend and which profiles have
keys stored (yes/no: the keys stay in the keyring), the config file (which never holds
secrets), the last log lines, and the self-test's result. Before writing, every text is
checked for what a secret looks like (a PEM block, a JWT); such a line is replaced by a
note, so a bug elsewhere cannot leak one through this file.
"""

import contextlib
import io
import platform
import re
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

LOG_LINES = 500
_SECRET_LOOK = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


def scrub(text: str) -> str:
    """Lines that look like key material or a token, replaced by a note."""
    return "\n".join("[line removed: it looked like a secret]" if _SECRET_LOOK.search(line) else line
                     for line in text.splitlines())


def _versions() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from app import __version__

    return (f"Voice Transfer Panel {__version__}\nPython {sys.version}\nPySide6 {pyside_version}, Qt {qVersion()}\n"
            f"OS {platform.platform()}\nfrozen: {bool(getattr(sys, 'frozen', False))}\n")


def _keyring(config) -> str:
    from app.core.secrets import SecretPurpose, SecretStore

    try:
        store = SecretStore()
        lines = [f"backend: {store.backend_name()} (usable: {store.available})"]
        for name in config.profiles:
            stored = {purpose.value: store.has_private_key(name, purpose) for purpose in SecretPurpose}
            keys = ", ".join(f"{k} key {'stored' if v else 'absent'}" for k, v in stored.items())
            lines.append(f"profile {name}: {keys}")
    except Exception as error:  # the zip is most needed when the keyring is broken
        lines = [f"keyring unavailable: {error}"]  # a PanelError's code and parameters, or a library's words
    return "\n".join(lines) + "\n"


def _log_tail() -> str:
    from platformdirs import user_log_path

    path = user_log_path("transfer-panel", appauthor=False) / "transfer-panel.log"
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-LOG_LINES:]) + "\n"
    except OSError as error:
        return f"no log at {path}: {error}\n"


def _self_test() -> str:
    import argparse

    from app import self_test

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = self_test.run(argparse.Namespace(probe_qt=False, system=False))
    return output.getvalue() + f"exit code {code}\n"


def write_diagnostics(output: Path, config_path: Path) -> Path:
    from app.core.config_files import MAX_CONFIG_BYTES, Config, load_config
    from app.core.errors import ConfigError
    from app.messages import describe

    try:
        config = load_config(config_path)
        config_note = ""
    except ConfigError as error:
        problems = describe(error).replace("\n", "\n# ")
        config, config_note = Config(config_path, {}), f"# the file has problems:\n# {problems}\n"
    try:
        with config_path.open("rb") as file:
            config_text = file.read(MAX_CONFIG_BYTES).decode("utf-8", errors="replace")
    except OSError as error:
        config_text = f"# no config file at {config_path}: {error.strerror or error}\n"
    parts = {
        "versions.txt": _versions(),
        "keyring.txt": _keyring(config),
        "config.toml": config_note + config_text,
        "log-tail.txt": _log_tail(),
        "self-test.txt": _self_test(),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, scrub(text) + "\n")
    return output


def default_output() -> Path:
    return Path.cwd() / f"transfer-panel-diagnostics-{datetime.now(UTC):%Y%m%d-%H%M%S}.zip"
