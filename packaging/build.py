"""Build the one-dir app: `python packaging/build.py` -> dist/transfer-panel/ (run it as dist/transfer-panel/transfer-panel).

Needs the project installed with its `build` extra (PyInstaller). Prints the build's size.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"


def size_mib(folder: Path) -> float:
    """On disk: the bundle's symlinks (Qt libraries linked into _internal/) are not counted twice."""
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink()) / 2**20


def main() -> int:
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                           "--distpath", str(DIST), "--workpath", str(ROOT / "build"),
                           str(ROOT / "packaging" / "transfer-panel.spec")], cwd=ROOT)
    if done.returncode != 0:
        return done.returncode
    app = DIST / "transfer-panel"
    print(f"built {app} ({size_mib(app):.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
