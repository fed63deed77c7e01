"""packaging/linux/lib.sh, the installers' shared shell code, run for real with /bin/sh in a
scratch root: versions side by side with a link switched over them (a running panel's folder is
never touched), modes whatever the umask, and the system-wide default for transfer-panel:// links."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "lib.sh"
HANDLER = "x-scheme-handler/transfer-panel=transfer-panel.desktop"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux installers' code")


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "opt" / "transfer-panel"


def lib(root: Path, commands: str, mimeapps: Path | None = None) -> str:
    """Run `commands` after lib.sh, with its paths under `root`, under umask 077 (a hardened admin's)."""
    script = (f"set -eu\n. {LIB}\numask 077\n"  # lib.sh sets 022 for what it makes; a later umask must not matter
              f"TP_ROOT={root}\nTP_VERSIONS={root}/versions\nTP_CURRENT={root}/current\n"
              f"TP_MIMEAPPS={mimeapps or root / 'mimeapps.list'}\n{commands}\n")
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def fake_build(folder: Path, version: str) -> Path:
    """A one-dir build's shape: a real program (sleep, so it can run from the folder) and data."""
    (folder / "_internal").mkdir(parents=True)
    shutil.copy("/bin/sleep", folder / "transfer-panel")
    (folder / "_internal" / "version.txt").write_text(version)
    os.chmod(folder / "_internal" / "version.txt", 0o600)  # as an unpacking under umask 077 leaves it
    return folder


def modes(folder: Path) -> set[tuple[str, int]]:
    return {(path.name if path.is_file() else "dir", stat.S_IMODE(path.lstat().st_mode))
            for path in [folder, *folder.rglob("*")]}


def test_an_update_keeps_the_version_a_panel_runs_and_removes_it_once_closed(root, tmp_path):
    lib(root, f"tp_activate {fake_build(tmp_path / 'b1', '0.1.0')} 0.1.0 copy")
    assert os.readlink(root / "current") == "versions/0.1.0"
    assert modes(root / "versions" / "0.1.0") == {("dir", 0o755), ("transfer-panel", 0o755), ("version.txt", 0o644)}
    assert stat.S_IMODE(root.stat().st_mode) == stat.S_IMODE((root / "versions").stat().st_mode) == 0o755

    panel = subprocess.Popen([root / "current" / "transfer-panel", "60"])  # through the link, as /usr/bin's
    try:
        output = lib(root, f"tp_activate {fake_build(tmp_path / 'b2', '0.1.1')} 0.1.1 copy")
        assert os.readlink(root / "current") == "versions/0.1.1"
        assert f"kept {root}/versions/0.1.0: a running panel uses it" in output
        assert (root / "versions" / "0.1.0" / "_internal" / "version.txt").read_text() == "0.1.0"
    finally:
        panel.kill()
        panel.wait()
    lib(root, f"tp_activate {fake_build(tmp_path / 'b3', '0.1.2')} 0.1.2 copy")
    assert sorted(path.name for path in (root / "versions").iterdir()) == ["0.1.2"]


def test_reinstalling_the_running_version_goes_into_a_fresh_folder(root, tmp_path):
    build = fake_build(tmp_path / "b", "0.1.0")
    lib(root, f"tp_activate {build} 0.1.0 copy")
    panel = subprocess.Popen([root / "current" / "transfer-panel", "60"])
    try:
        lib(root, f"tp_activate {build} 0.1.0 copy")
        assert os.readlink(root / "current") == "versions/0.1.0-2"
        assert sorted(path.name for path in (root / "versions").iterdir()) == ["0.1.0", "0.1.0-2"]
    finally:
        panel.kill()
        panel.wait()


def test_a_packages_files_are_hard_linked_and_its_update_leaves_the_old_version_whole(root):
    package = fake_build(root / "package", "0.1.0")
    lib(root, "tp_activate $TP_ROOT/package 0.1.0 link")
    running = root / "versions" / "0.1.0" / "_internal" / "version.txt"
    assert running.stat().st_ino == (package / "_internal" / "version.txt").stat().st_ino
    # dpkg's update: each new file is written beside the old one, then renamed over it
    (package / "_internal" / "version.txt.dpkg-new").write_text("0.1.1")
    os.replace(package / "_internal" / "version.txt.dpkg-new", package / "_internal" / "version.txt")
    assert running.read_text() == "0.1.0"


def test_the_layout_of_the_first_install_script_is_cleared(root, tmp_path):
    fake_build(root, "0.0.9")  # 0.1.0's install.sh copied the build right into /opt/transfer-panel
    lib(root, f"tp_activate {fake_build(tmp_path / 'b', '0.1.0')} 0.1.0 copy")
    assert sorted(path.name for path in root.iterdir()) == ["current", "versions"]


def test_the_link_handler_default_is_added_for_everyone_and_taken_out_again(root, tmp_path):
    mimeapps = tmp_path / "etc" / "xdg" / "mimeapps.list"
    lib(root, "tp_set_default_handler", mimeapps)
    assert mimeapps.read_text() == f"[Default Applications]\n{HANDLER}\n"
    assert stat.S_IMODE(mimeapps.stat().st_mode) == 0o644
    lib(root, "tp_set_default_handler", mimeapps)  # twice: still once
    assert mimeapps.read_text().count(HANDLER) == 1
    lib(root, "tp_unset_default_handler", mimeapps)
    assert not mimeapps.exists()  # it made the file: nothing else was in it


def test_an_admins_mimeapps_list_keeps_everything_else(root, tmp_path):
    mimeapps = tmp_path / "mimeapps.list"
    admin = ("[Added Associations]\ntext/plain=vim.desktop;\n\n[Default Applications]\n"
             "x-scheme-handler/transfer-panel=old-panel.desktop\ntext/html=firefox-esr.desktop\n")
    mimeapps.write_text(admin)
    lib(root, "tp_set_default_handler", mimeapps)
    assert mimeapps.read_text() == ("[Added Associations]\ntext/plain=vim.desktop;\n\n[Default Applications]\n"
                                    f"{HANDLER}\ntext/html=firefox-esr.desktop\n")
    lib(root, "tp_unset_default_handler", mimeapps)
    assert mimeapps.read_text() == ("[Added Associations]\ntext/plain=vim.desktop;\n\n[Default Applications]\n"
                                    "text/html=firefox-esr.desktop\n")


@pytest.mark.parametrize("script", ["install.sh", "uninstall.sh"])
def test_the_tarballs_scripts_run_only_as_root_and_say_so(script):
    sys.path.insert(0, str(LIB.parents[1]))
    import build  # packaging/build.py: it makes the scripts the tarball carries

    folder = Path(tempfile.mkdtemp(prefix="tp-scripts-", dir="/tmp"))  # a user other than root may read it
    try:
        path = folder / script
        path.write_text(build.linux_script(script, "0.0.0"))
        folder.chmod(0o755)
        path.chmod(0o755)
        as_user = {"user": 65534, "group": 65534} if os.geteuid() == 0 else {}
        done = subprocess.run([str(path)], capture_output=True, text=True, timeout=30, cwd=folder, **as_user)
    finally:
        shutil.rmtree(folder)
    assert done.returncode == 1 and "run it as root" in done.stderr and done.stdout == ""
