#!/bin/sh
# Remove what install.sh installed: sudo /opt/transfer-panel/uninstall.sh
# Each rep's own settings, journal, log and keyring entries stay in their home folder and
# keyring (see the README's "Where things are kept").
set -eu
. ./lib.sh

if [ "$(id -u)" != 0 ]; then
    echo "uninstall.sh removes the panel for every user of this computer: run it as root (sudo $0)." >&2
    exit 1
fi
if dpkg-query -W -f '${Status}' transfer-panel 2>/dev/null | grep -q " installed$"; then
    echo "transfer-panel is installed as a Debian package: remove it with apt remove transfer-panel." >&2
    exit 1
fi
running=$(tp_running_panels)
if [ "$running" -gt 0 ]; then
    echo "transfer-panel: $running panel(s) still running: they stop working once their files are gone." >&2
fi
if [ "$(readlink "$TP_COMMAND" 2>/dev/null)" = "$TP_CURRENT/transfer-panel" ]; then
    rm -f "$TP_COMMAND"
fi
rm -f "$TP_DESKTOP_FILE" "$TP_ICON"
tp_unset_default_handler
tp_refresh_desktop_caches
rm -rf "$TP_ROOT"
echo "transfer-panel is removed."
[ "$TP_PROBLEMS" -eq 0 ]
