#!/bin/sh
# Install (or update) the panel from the unpacked tarball: sudo ./install.sh
# Puts this version in /opt/transfer-panel/versions/<version> and switches
# /opt/transfer-panel/current to it (running panels keep theirs: see lib.sh), links
# /usr/bin/transfer-panel, adds the menu entry and its icon, makes the panel the default
# handler of transfer-panel:// links for every user, and runs the installation check.
# /opt/transfer-panel/uninstall.sh takes it all away again.
set -eu
. ./lib.sh
version=@VERSION@
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ]; then
    echo "install.sh installs for every user of this computer: run it as root (sudo ./install.sh)." >&2
    exit 1
fi
if dpkg-query -W -f '${Status}' transfer-panel 2>/dev/null | grep -q " installed$"; then
    echo "transfer-panel is installed as a Debian package: update it with the .deb (apt install ./transfer-panel_…deb)." >&2
    exit 1
fi

tp_activate "$here/transfer-panel" "$version" copy
install -m 0755 "$here/uninstall.sh" "$TP_ROOT/uninstall.sh"
ln -sfn "$TP_CURRENT/transfer-panel" "$TP_COMMAND"
install -D -m 0644 "$here/transfer-panel.desktop" "$TP_DESKTOP_FILE"
install -D -m 0644 "$TP_CURRENT/_internal/resources/icons/transfer-panel.png" "$TP_ICON"
tp_set_default_handler
tp_refresh_desktop_caches
tp_system_check

if [ "$TP_PROBLEMS" -gt 0 ]; then
    echo "transfer-panel $version is installed, with $TP_PROBLEMS problem(s) reported above." >&2
    exit 1
fi
echo "transfer-panel $version is installed: run transfer-panel, or open it from the menu."
