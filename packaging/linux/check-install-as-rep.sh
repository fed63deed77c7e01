#!/bin/sh
# The rep's part of check-install.sh, run as that user in an Xvfb display and a D-Bus session;
# CALL is a call ID. Ends the panels it started, by the process ID the hand-over prints.
set -eu
echo -n rep-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
cd "$HOME"
log=.local/state/transfer-panel/log/transfer-panel.log
panel_pid() { sed -n 's/^Started the panel (process \([0-9]*\)).*/\1/p' "$1"; }
stop() {  # $1: a panel's process ID
    kill "$1"
    while kill -0 "$1" 2>/dev/null; do sleep 0.1; done
}

transfer-panel self-test
# A session that sets QT_QPA_PLATFORM=wayland for every Qt app: this build has no Wayland plugin, so XWayland.
QT_QPA_PLATFORM=wayland transfer-panel self-test | grep -x "ok   Qt: platform plugin 'xcb'"
transfer-panel route --demo --target 00GHs00000tBAoHMAW --label "Billing (EMEA)"

started=$(date +%s%N)
timeout 60 transfer-panel --call-id "$CALL" > cold.txt
took_ms=$(( ($(date +%s%N) - started) / 1000000 ))
cat cold.txt
grep -q "^Started the panel (process [0-9]*). The panel shows call $CALL.$" cold.txt
echo "the hand-over with no panel running returned in $took_ms ms"
[ "$took_ms" -le 10000 ] || { echo "check-install: FAIL: that is more than 10 s" >&2; exit 1; }
timeout 30 transfer-panel --call-id 0LQ5g00000ABCDE | grep -qx "The panel shows call 0LQ5g00000ABCDE."
[ "$(xdg-mime query default x-scheme-handler/transfer-panel)" = transfer-panel.desktop ]
timeout 30 xdg-open "transfer-panel://call/contact%2F42" | grep -qx "The panel shows call contact/42."
grep -q "handed over: call $CALL" "$log" && grep -q "handed over: call contact/42" "$log"
stop "$(panel_pid cold.txt)"

timeout 60 xdg-open "transfer-panel://call/$CALL" > link.txt  # no panel running: xdg-open returns all the same
cat link.txt
stop "$(panel_pid link.txt)"
echo "the rep's checks passed"
