; Inno Setup script: a per-machine install of the one-dir build, with a Start-menu entry
; and the transfer-panel: URL protocol. Build on Windows after `python packaging/build.py`:
;   iscc /DAppVersion=0.1.0 packaging\windows\transfer-panel.iss
; Silent install for IT:   transfer-panel-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Silent uninstall:        "%ProgramFiles%\Voice Transfer Panel\unins000.exe" /VERYSILENT

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6C1E0F1B-3B2D-4E7A-9B57-2C6D9E1A7F42}
AppName=Voice Transfer Panel
AppVersion={#AppVersion}
AppPublisher=Voice Transfer Panel
DefaultDirName={autopf}\Voice Transfer Panel
DefaultGroupName=Voice Transfer Panel
PrivilegesRequired=admin
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=transfer-panel-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Code signing plugs in here: SignTool=signtool sign /fd sha256 /tr http://timestamp.example /td sha256 $f

[Files]
Source: "..\..\dist\transfer-panel\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Voice Transfer Panel"; Filename: "{app}\transfer-panel.exe"; Parameters: "gui"

[Registry]
; transfer-panel://call/<ID> opens (or hands the ID to) the running panel.
Root: HKLM; Subkey: "Software\Classes\transfer-panel"; ValueType: string; ValueName: ""; ValueData: "URL:Voice Transfer Panel"; Flags: uninsdeletekey
Root: HKLM; Subkey: "Software\Classes\transfer-panel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKLM; Subkey: "Software\Classes\transfer-panel\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\transfer-panel.exe"",0"
Root: HKLM; Subkey: "Software\Classes\transfer-panel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\transfer-panel.exe"" ""%1"""

[Run]
Filename: "{app}\transfer-panel.exe"; Parameters: "self-test"; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."
