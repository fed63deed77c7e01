#!/usr/bin/env bash
# CI (.ci/run): an installable artifact as IT and a rep meet it, on this machine for real.
#   packaging/linux/check-install.sh deb dist/transfer-panel_<version>_amd64.deb
#   packaging/linux/check-install.sh tarball dist/transfer-panel-<version>-linux-x86_64.tar.gz
# As root: its SHA-256 file, then the install under umask 077 (`dpkg -i`, or install.sh from a
# tarball unpacked under umask 077): every file must be readable by all.
# As a rep (a non-root user, created here), on an Xvfb display with a D-Bus session and an
# unlocked gnome-keyring (check-install-as-rep.sh): `transfer-panel self-test`, a demo route,
# the hand-over with no panel running (must return within 10 s), to the running panel, and
# through xdg-open, with and without a panel running.
# Then the removal (`dpkg -r`, or uninstall.sh), and nothing of it may be left: the file lists of
# /opt, /usr, /etc, /var/lib (dpkg's and apt's own records aside) and root's home are the same as
# before the install, and no cache or default still names transfer-panel.
set -euo pipefail
kind=$1
artifact=$(realpath "$2")
rep=transfer-panel-ci-rep
call=0LQ5g00000Xy7Qk

fail() { echo "check-install: FAIL: $*" >&2; exit 1; }
file_list() {
    find /opt /usr /etc /var/lib /root -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /root/.cache/pip \) \
        -prune -o -print 2>/dev/null | sort
}

echo "== $kind: checksum"
(cd "$(dirname "$artifact")" && sha256sum -c "$(basename "$artifact").sha256")
if dpkg-query -W transfer-panel >/dev/null 2>&1 || [ -e /opt/transfer-panel ]; then
    fail "transfer-panel is installed already: this check needs a machine without it"
fi
id -u "$rep" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$rep"  # before the file list: it adds files
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
file_list > "$scratch/before"

echo "== $kind: install under umask 077"
case $kind in
    deb) (umask 077 && dpkg -i "$artifact") ;;
    tarball)
        # As an admin unpacks it in their home: the files keep the umask's modes, not the archive's.
        (umask 077 && mkdir "$scratch/unpacked" && tar -xzf "$artifact" -C "$scratch/unpacked" --no-same-permissions)
        (umask 077 && "$scratch/unpacked/transfer-panel-install/install.sh")
        ;;
    *) fail "unknown kind $kind: deb or tarball" ;;
esac
unreadable=$(find /opt/transfer-panel /usr/share/applications/transfer-panel.desktop \
    /usr/share/icons/hicolor/256x256/apps/transfer-panel.png ! -type l ! -perm -0444 | head -5)
[ -z "$unreadable" ] || fail "not readable by every user: $unreadable"
untraversable=$(find /opt/transfer-panel -type d ! -perm -0555 | head -5)
[ -z "$untraversable" ] || fail "folders not open to every user: $untraversable"
[ "$(stat -L -c %a /usr/bin/transfer-panel)" = 755 ] || fail "/usr/bin/transfer-panel is not 0755"

echo "== $kind: as the rep $rep"
runtime=$(mktemp -d)  # what logind makes at login: the rep's private runtime folder
chown "$rep:" "$runtime"
chmod 0700 "$runtime"
cp "$(dirname "$0")/check-install-as-rep.sh" "$scratch/as-rep.sh"
chmod 0755 "$scratch" "$scratch/as-rep.sh"
runuser -u "$rep" -- env -i HOME="/home/$rep" USER="$rep" LANG=C.UTF-8 PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$runtime" \
    CALL="$call" xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh "$scratch/as-rep.sh"
rm -rf "$runtime"

echo "== $kind: remove"
case $kind in
    deb)
        dpkg -r transfer-panel
        if dpkg-query -W transfer-panel >/dev/null 2>&1; then fail "dpkg still knows the package after dpkg -r"; fi
        ;;
    tarball) /opt/transfer-panel/uninstall.sh ;;
esac
file_list > "$scratch/after"
diff "$scratch/before" "$scratch/after" || fail "files differ before the install and after the removal (above)"
if grep -ls transfer-panel /usr/share/applications/mimeinfo.cache /usr/share/icons/hicolor/icon-theme.cache \
        /etc/xdg/mimeapps.list; then
    fail "still named in the caches or defaults above"
fi
echo "check-install: $kind passed"
