"""Build the one-dir app: `python packaging/build.py [--tarball]` -> dist/transfer-panel/.

Needs the project installed with its `build` extra (PyInstaller). Prints the build's size.
On macOS the spec also makes "Voice Transfer Panel.app" (then packaging/macos/make_dmg.sh);
on Windows, packaging/windows/transfer-panel.iss makes the installer. `--tarball` (Linux)
packs the build with the .desktop entry and install.sh.
"""

import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"


def size_mib(folder: Path) -> float:
    """On disk: the bundle's symlinks (Qt libraries linked into _internal/) are not counted twice."""
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink()) / 2**20


def tarball(app: Path) -> Path:
    import platform

    import app as package

    path = DIST / f"transfer-panel-{package.__version__}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(app, arcname="transfer-panel-install/transfer-panel")
        for name in ("transfer-panel.desktop", "install.sh"):
            archive.add(ROOT / "packaging" / "linux" / name, arcname=f"transfer-panel-install/{name}")
    return path


def main() -> int:
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                           "--distpath", str(DIST), "--workpath", str(ROOT / "build"),
                           str(ROOT / "packaging" / "transfer-panel.spec")], cwd=ROOT)
    if done.returncode != 0:
        return done.returncode
    app = DIST / "transfer-panel"
    print(f"built {app} ({size_mib(app):.1f} MiB)")
    if "--tarball" in sys.argv[1:]:
        print(f"packed {tarball(app)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
