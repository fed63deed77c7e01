#!/bin/sh
# Linux: install the unpacked tarball to /opt/transfer-panel, with a menu entry and the
# transfer-panel: call-link handler. Run as root from the unpacked folder: sudo ./install.sh
set -eu
here=$(dirname "$0")
rm -rf /opt/transfer-panel
cp -R "$here/transfer-panel" /opt/transfer-panel
install -m 644 "$here/transfer-panel.desktop" /usr/share/applications/transfer-panel.desktop
install -D -m 644 /opt/transfer-panel/_internal/resources/icons/transfer-panel.png \
    /usr/share/icons/hicolor/256x256/apps/transfer-panel.png
update-desktop-database /usr/share/applications 2>/dev/null || true
xdg-mime default transfer-panel.desktop x-scheme-handler/transfer-panel 2>/dev/null || true
/opt/transfer-panel/transfer-panel self-test || echo "self-test found problems (above); the panel is installed"
