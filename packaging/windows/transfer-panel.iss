; Inno Setup script: a per-machine install of the one-dir build, with a Start-menu entry
; and the transfer-panel: URL protocol. Build on Windows after `python packaging/build.py`:
;   iscc /DAppVersion=0.1.0 packaging\windows\transfer-panel.iss
; Silent install for IT:   transfer-panel-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Silent uninstall:        "%ProgramFiles%\Voice Transfer Panel\unins000.exe" /VERYSILENT
; Updates: Setup closes the running panels first (Restart Manager), replaces the files and starts
; them again (the panel registers for that: app/ui/shell/app.py), so no panel runs on files that
; changed under it. UNTESTED: this project's CI has no Windows; .github/workflows/installers.yml
; builds it on a Windows runner.

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
CloseApplications=yes
; The bundle's Python extension modules are DLLs too.
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=yes
; Code signing plugs in here: SignTool=signtool sign /fd sha256 /tr http://timestamp.example /td sha256 $f

[InstallDelete]
; The previous version's modules: none of them may linger beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

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
; --system: the installation only; the keyring and the journal are each rep's, not the admin's.
Filename: "{app}\transfer-panel.exe"; Parameters: "self-test --system"; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."
