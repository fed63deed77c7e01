#!/usr/bin/env bash
# macOS: the .dmg of "Voice Transfer Panel.app", which `python packaging/build.py` makes on a Mac
# (the spec's BUNDLE step, with the transfer-panel: URL scheme in its Info.plist).
# Unsigned apps make the Keychain ask the rep each time the panel reads its key: sign and
# notarise where marked (a Developer ID certificate and notarytool credentials).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(python -c 'import app; print(app.__version__)')
bundle="dist/Voice Transfer Panel.app"
# Signing: codesign --deep --force --options runtime --timestamp --sign "Developer ID Application: …" "$bundle"
hdiutil create -volname "Voice Transfer Panel" -srcfolder "$bundle" -ov -format UDZO "dist/transfer-panel-$version.dmg"
# Notarisation: xcrun notarytool submit "dist/transfer-panel-$version.dmg" --keychain-profile … --wait
#               xcrun stapler staple "dist/transfer-panel-$version.dmg"
echo "built dist/transfer-panel-$version.dmg"
