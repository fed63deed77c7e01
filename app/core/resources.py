"""Finding the panel's bundled files (icons, stylesheet, demo data) wherever it runs."""

import sys
from pathlib import Path

from app.core.errors import ConfigError, Problem

_APP = Path(__file__).resolve().parents[1]  # the `app` package


def resource_dirs() -> list[Path]:
    """Where resources may be, in order: a PyInstaller bundle, the installed wheel
    (which force-includes the top-level resources/ as app/resources/), a source checkout."""
    dirs = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.append(Path(bundle) / "resources")
    dirs += [_APP / "resources", _APP.parent / "resources"]
    return dirs


def resource_path(relative: str) -> Path:
    """The bundled file `relative` (e.g. "demo/directory.json"); ConfigError if it is missing."""
    for directory in resource_dirs():
        candidate = directory / relative
        if candidate.exists():
            return candidate
    looked = ", ".join(str(directory) for directory in resource_dirs())
    raise ConfigError(Problem.RESOURCE_MISSING, name=relative, looked=looked)
