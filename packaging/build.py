"""Build the one-dir app and, on Linux, what IT installs:

    python packaging/build.py [--tarball] [--deb]

- dist/transfer-panel/: the PyInstaller one-dir build (needs the project's `build` extra).
  On macOS the spec also makes "Voice Transfer Panel.app" (then packaging/macos/make_dmg.sh);
  on Windows, packaging/windows/transfer-panel.iss makes the installer.
- `--tarball`: dist/transfer-panel-<version>-linux-<machine>.tar.gz, the build with the menu
  entry, install.sh and uninstall.sh.
- `--deb`: dist/transfer-panel_<version>_<arch>.deb (dpkg-deb; its Depends from the system
  libraries the build links against, via dpkg-shlibdeps).

Each artifact gets `<artifact>.sha256` beside it (`sha256sum -c` checks it). Modes are set
here, whatever the build machine's umask: files 0644, folders and programs 0755.
"""

import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
LINUX = ROOT / "packaging" / "linux"
PROGRAM = "transfer-panel"
MAINTAINER = "Voice Transfer Panel <transfer-panel@example.com>"  # IT: the contact for this package
# What the bundle needs besides the libraries it links against: fontconfig's configuration for
# the bundled libfontconfig, a font to draw text with, a keyring for the keys, xdg-open for links.
EXTRA_DEPENDS = ["fontconfig-config", "fonts-dejavu-core | fonts-liberation2 | fonts-noto-core"]
RECOMMENDS = ["gnome-keyring", "xdg-utils"]


def size_mib(folder: Path) -> float:
    """On disk: the bundle's symlinks (Qt libraries linked into _internal/) are not counted twice."""
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink()) / 2**20


def normalize_modes(folder: Path, programs: tuple[str, ...] = (PROGRAM,)) -> None:
    """Files 0644, folders 0755, the named programs 0755; symlinks as they are."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or path.name in programs else 0o644)


def linux_script(name: str, version: str) -> str:
    """An installer script with lib.sh put in its place, so each one stands alone."""
    text = (LINUX / name).read_text(encoding="utf-8")
    if ". ./lib.sh\n" not in text:
        raise SystemExit(f"{name} does not include lib.sh")
    return text.replace(". ./lib.sh\n", (LINUX / "lib.sh").read_text(encoding="utf-8")).replace("@VERSION@", version)


def write_sha256(artifact: Path) -> Path:
    digest = hashlib.sha256()
    with artifact.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    checksum = artifact.with_name(artifact.name + ".sha256")
    checksum.write_text(f"{digest.hexdigest()}  {artifact.name}\n", encoding="ascii")
    return checksum


def tarball(app: Path, version: str) -> Path:
    import platform

    path = DIST / f"{PROGRAM}-{version}-linux-{platform.machine()}.tar.gz"
    top = f"{PROGRAM}-install"

    def as_root(member: tarfile.TarInfo) -> tarfile.TarInfo:
        member.uid = member.gid = 0
        member.uname = member.gname = "root"
        if not member.issym():
            executable = member.isdir() or member.name.endswith((f"/{PROGRAM}/{PROGRAM}", ".sh"))
            member.mode = 0o755 if executable else 0o644
        return member

    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "w:gz", compresslevel=6) as archive:
        archive.add(app, arcname=f"{top}/{PROGRAM}", filter=as_root)
        archive.add(LINUX / "transfer-panel.desktop", arcname=f"{top}/transfer-panel.desktop", filter=as_root)
        for script in ("install.sh", "uninstall.sh"):
            (Path(scratch) / script).write_text(linux_script(script, version), encoding="utf-8")
            archive.add(Path(scratch) / script, arcname=f"{top}/{script}", filter=as_root)
    return path


def deb(app: Path, version: str) -> Path:
    """A Debian package: dpkg's copy of the build in /opt/transfer-panel/package, which the
    maintainer scripts (lib.sh) hard-link into versions/<version> and point `current` at."""
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    path = DIST / f"{PROGRAM}_{version}_{arch}.deb"
    stage = ROOT / "build" / "deb" / PROGRAM
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(app, stage / "opt" / PROGRAM / "package", symlinks=True, copy_function=os.link)
    for folder, name, text in (
        ("usr/share/applications", "transfer-panel.desktop", (LINUX / "transfer-panel.desktop").read_text()),
        ("usr/share/doc/transfer-panel", "copyright", COPYRIGHT),
    ):
        (stage / folder).mkdir(parents=True, exist_ok=True)
        (stage / folder / name).write_text(text, encoding="utf-8")
    icon = stage / "usr/share/icons/hicolor/256x256/apps/transfer-panel.png"
    icon.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "resources" / "icons" / "transfer-panel.png", icon)
    (stage / "usr/bin").mkdir(parents=True)
    (stage / "usr/bin" / PROGRAM).symlink_to(f"/opt/{PROGRAM}/current/{PROGRAM}")
    normalize_modes(stage)
    control = stage / "DEBIAN"
    control.mkdir()
    for script in ("preinst", "postinst", "prerm"):
        (control / script).write_text(linux_script(f"deb/{script}", version), encoding="utf-8")
        (control / script).chmod(0o755)
    payload = [file for file in sorted(stage.rglob("*")) if control not in file.parents and file != control]
    (control / "md5sums").write_text("".join(  # what `dpkg --verify` and debsums compare against
        f"{hashlib.md5(file.read_bytes()).hexdigest()}  {file.relative_to(stage)}\n"
        for file in payload if file.is_file() and not file.is_symlink()))
    installed_kib = sum(file.lstat().st_size for file in payload) // 1024
    (control / "control").write_text(
        f"Package: {PROGRAM}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\nDepends: {', '.join([*system_depends(app), *EXTRA_DEPENDS])}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\nSection: comm\nPriority: optional\n"
        "Description: Voice Transfer Panel: route the active Salesforce voice call\n"
        " A small window beside the softphone: it shows the active call's ID, finds an agent,\n"
        " queue or Omni-Channel flow in a searchable directory, and asks Salesforce to route\n"
        " the call there. Opens transfer-panel://call/<ID> links. Installs to /opt/transfer-panel.\n",
        encoding="utf-8")
    # zstd -9: 7 s and 46 MiB here, where xz takes 110 s for 38 MiB. dpkg reads zstd since 1.21.18
    # (Debian 12, Ubuntu 22.04); the libc6 this build needs is as recent anyway.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", "-z9", "--build", str(stage), str(path)], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def system_depends(app: Path) -> list[str]:
    """The Debian packages of the libraries the build links against but does not bundle (libc,
    EGL/GL, D-Bus, GLib, libxcb…), with the minimum versions dpkg-shlibdeps finds in the
    symbols they use."""
    bundled = {path.name for path in app.rglob("*.so*")}
    users: list[Path] = []
    packages: set[str] = set()
    for file in app.rglob("*"):
        if not _is_elf(file):
            continue
        dynamic = subprocess.run(["readelf", "-d", str(file)], capture_output=True, text=True).stdout
        missing = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic)) - bundled
        if missing:
            users.append(file)
            packages |= {_package_of(soname) for soname in missing}
    with tempfile.TemporaryDirectory() as scratch:  # dpkg-shlibdeps wants a debian/control to read
        (Path(scratch) / "debian").mkdir()
        (Path(scratch) / "debian" / "control").write_text(
            f"Source: {PROGRAM}\n\nPackage: {PROGRAM}\nArchitecture: any\n")
        library_folders = sorted({f"-l{path.parent}" for path in app.rglob("*.so*")})
        found = subprocess.run(["dpkg-shlibdeps", "-O", "--ignore-missing-info", *library_folders, *map(str, users)],
                               cwd=scratch, capture_output=True, text=True, check=True).stdout
    versioned = {entry.split()[0]: entry for entry in found.partition("shlibs:Depends=")[2].strip().split(", ")}
    return [versioned.get(package, package) for package in sorted(packages)]


def _is_elf(file: Path) -> bool:
    if file.is_symlink() or not file.is_file():
        return False
    with file.open("rb") as data:
        return data.read(4) == b"\x7fELF"


@functools.cache
def _library_cache() -> str:
    return subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout


def _package_of(soname: str) -> str:
    """dpkg's name for the package of an installed library (any architecture's copy: same name)."""
    for path in re.findall(rf"^\s*{re.escape(soname)} \([^)]*\) => (\S+)$", _library_cache(), re.MULTILINE):
        for candidate in (path, os.path.realpath(path), "/usr" + path, path.removeprefix("/usr")):
            owner = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if owner.returncode == 0:
                return owner.stdout.split(":")[0]
    raise SystemExit(f"{soname}: the build needs it, and no installed Debian package provides it")


COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Voice Transfer Panel
Comment: The program bundles Python and these libraries, under their own licenses:
 Qt and PySide6 (LGPL-3.0), Python (PSF-2.0), httpx, httpcore, qasync (BSD), PyJWT, keyring,
 truststore, platformdirs, tomli-w (MIT), cryptography (Apache-2.0 or BSD), OpenSSL (Apache-2.0).

Files: *
Copyright: Voice Transfer Panel
License: Proprietary
"""


def main() -> int:
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                           "--distpath", str(DIST), "--workpath", str(ROOT / "build"),
                           str(ROOT / "packaging" / "transfer-panel.spec")], cwd=ROOT)
    if done.returncode != 0:
        return done.returncode
    import app as package

    app = DIST / PROGRAM
    normalize_modes(app)
    print(f"built {app} ({size_mib(app):.1f} MiB)")
    for flag, make in (("--tarball", tarball), ("--deb", deb)):
        if flag in sys.argv[1:]:
            artifact = make(app, package.__version__)
            print(f"packed {artifact} ({artifact.stat().st_size / 2**20:.1f} MiB), {write_sha256(artifact).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
