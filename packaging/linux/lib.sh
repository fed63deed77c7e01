# Shared by install.sh, uninstall.sh and the .deb's maintainer scripts: packaging/build.py puts
# this file where each of them says `. ./lib.sh`, so every artifact carries one self-contained
# script. POSIX sh, run as root. (The .deb leaves the menu and icon caches to dpkg's triggers.)
#
# Layout: each version in its own folder, /opt/transfer-panel/versions/<version>, and the
# link /opt/transfer-panel/current -> versions/<version> that /usr/bin/transfer-panel and the
# menu entry go through. An update adds a folder and switches the link: a running panel keeps
# reading its own folder (it loads modules from it all day), which is removed only once
# nothing runs from it, at a later update or at removal.

umask 022  # what is created here is readable by every rep, whatever the admin's umask
TP_ROOT=/opt/transfer-panel
TP_VERSIONS=$TP_ROOT/versions
TP_CURRENT=$TP_ROOT/current
TP_COMMAND=/usr/bin/transfer-panel
TP_DESKTOP_FILE=/usr/share/applications/transfer-panel.desktop
TP_ICON=/usr/share/icons/hicolor/256x256/apps/transfer-panel.png
TP_MIMEAPPS=/etc/xdg/mimeapps.list  # system-wide defaults: every user who has not chosen otherwise
TP_HANDLER="x-scheme-handler/transfer-panel=transfer-panel.desktop"
TP_PROBLEMS=0

tp_problem() {
    echo "transfer-panel: $*" >&2
    TP_PROBLEMS=$((TP_PROBLEMS + 1))
}

tp_normalize_modes() {  # $1: a one-dir build. Files 0644, folders and the program 0755.
    find "$1" -type d -exec chmod 0755 {} +
    find "$1" -type f -exec chmod 0644 {} +
    chmod 0755 "$1/transfer-panel"
}

tp_in_use() {  # $1: a folder or a program. True when a running program is it or was started from inside it.
    for exe in /proc/[0-9]*/exe; do
        case "$(readlink "$exe" 2>/dev/null)" in "$1" | "$1 (deleted)" | "$1"/*) return 0 ;; esac
    done
    return 1
}

tp_activate() {  # $1: a one-dir build, $2: its version, $3: "link" (hard links: a .deb's files) or "copy"
    mkdir -p "$TP_VERSIONS"
    chmod 0755 "$TP_ROOT" "$TP_VERSIONS"
    name=$2
    n=1
    while [ -e "$TP_VERSIONS/$name" ]; do  # a reinstall: a fresh folder, so a panel running the old one is untouched
        n=$((n + 1))
        name=$2-$n
    done
    staging=$TP_VERSIONS/.staging-$$
    rm -rf "$staging"
    if [ "$3" = link ] && cp -al "$1" "$staging" 2>/dev/null; then
        :  # dpkg replaces a file by renaming a new one over it, so these links keep the old version whole
    else
        rm -rf "$staging"
        cp -R "$1" "$staging"
    fi
    tp_normalize_modes "$staging"
    mv "$staging" "$TP_VERSIONS/$name"
    ln -sfn "versions/$name" "$TP_ROOT/.current-$$"
    mv -Tf "$TP_ROOT/.current-$$" "$TP_CURRENT"  # atomic: a launch sees the old version or the new one
    echo "transfer-panel: $TP_CURRENT -> versions/$name"
    tp_prune
}

tp_prune() {  # Removes every version but the current one that no running panel uses.
    current=$(readlink "$TP_CURRENT" 2>/dev/null || true)
    for folder in "$TP_VERSIONS"/* "$TP_VERSIONS"/.staging-*; do
        [ -d "$folder" ] && [ "versions/${folder##*/}" != "$current" ] || continue
        if tp_in_use "$folder"; then
            echo "transfer-panel: kept $folder: a running panel uses it (removed at the next update once closed)"
        else
            rm -rf "$folder"
        fi
    done
    if [ -d "$TP_ROOT/_internal" ]; then  # the layout of 0.1.0's install.sh: the build right in $TP_ROOT
        if tp_in_use "$TP_ROOT/transfer-panel"; then
            echo "transfer-panel: kept the old layout's $TP_ROOT/_internal: a running panel uses it"
        else
            rm -rf "$TP_ROOT/_internal" "$TP_ROOT/transfer-panel" "$TP_ROOT/transfer-panel.desktop"
        fi
    fi
}

tp_running_panels() {  # How many programs run from $TP_ROOT.
    count=0
    for exe in /proc/[0-9]*/exe; do
        case "$(readlink "$exe" 2>/dev/null)" in "$TP_ROOT"/*) count=$((count + 1)) ;; esac
    done
    echo "$count"
}

tp_set_default_handler() {  # transfer-panel:// links open the panel, for every user who has not chosen another
    mkdir -p "${TP_MIMEAPPS%/*}"
    if [ ! -f "$TP_MIMEAPPS" ]; then
        printf '[Default Applications]\n%s\n' "$TP_HANDLER" > "$TP_MIMEAPPS"
    elif ! grep -qxF "$TP_HANDLER" "$TP_MIMEAPPS"; then
        awk -v handler="$TP_HANDLER" -v key="${TP_HANDLER%%=*}=" '
            /^\[/ { section = $0 }
            section == "[Default Applications]" && index($0, key) == 1 { next }  # another default for our scheme
            { print }
            $0 == "[Default Applications]" && !done { print handler; done = 1 }
            END { if (!done) { print ""; print "[Default Applications]"; print handler } }
        ' "$TP_MIMEAPPS" > "$TP_MIMEAPPS.transfer-panel-new"
        chmod 0644 "$TP_MIMEAPPS.transfer-panel-new"
        mv -f "$TP_MIMEAPPS.transfer-panel-new" "$TP_MIMEAPPS"
    fi
    chmod 0644 "$TP_MIMEAPPS"
}

tp_unset_default_handler() {  # Takes out our line; the file goes too when nothing else is left in it.
    [ -f "$TP_MIMEAPPS" ] && grep -qxF "$TP_HANDLER" "$TP_MIMEAPPS" || return 0
    grep -vxF "$TP_HANDLER" "$TP_MIMEAPPS" > "$TP_MIMEAPPS.transfer-panel-new" || true
    if grep -qvx -e '\[Default Applications\]' -e '[[:space:]]*' "$TP_MIMEAPPS.transfer-panel-new"; then
        chmod 0644 "$TP_MIMEAPPS.transfer-panel-new"
        mv -f "$TP_MIMEAPPS.transfer-panel-new" "$TP_MIMEAPPS"
    else
        rm -f "$TP_MIMEAPPS.transfer-panel-new" "$TP_MIMEAPPS"
    fi
}

tp_refresh_desktop_caches() {  # After the menu entry or the icon came or went. Creates no cache that was not there.
    if [ -f /usr/share/applications/mimeinfo.cache ] && command -v update-desktop-database >/dev/null; then
        update-desktop-database -q /usr/share/applications \
            || tp_problem "update-desktop-database failed (above): transfer-panel:// links may not open the panel"
    fi
    if [ -f /usr/share/icons/hicolor/icon-theme.cache ] && command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor \
            || tp_problem "gtk-update-icon-cache failed (above): the menu may show no icon"
    fi
}

tp_system_check() {  # The installation check (per-user parts skipped); a failure is reported, not fatal.
    echo "transfer-panel: checking the installation"
    "$TP_COMMAND" self-test --system || tp_problem "the installation check found problems (above)"
}
