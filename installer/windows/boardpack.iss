; Inno Setup script for Boardpack on Windows (Inno Setup 6).
;
; Packs the one-folder app PyInstaller built (dist\boardpack\) into one
; installer, BoardpackSetup-<version>.exe. The version comes from the build:
;   iscc /DAppVersion=0.1.0 installer\windows\boardpack.iss
; (installer\README.md gives the whole sequence). The folder holds two
; programs: boardpack-gui.exe (windowed: no console window) for the shortcuts
; and the launch at the end, and boardpack.exe (console) for the command line
; and the silent version check. Installs per user by default (no administrator
; needed on a council laptop); an administrator may choose "all users". Board
; files, backups and logs live in the user's own folders
; (%LOCALAPPDATA%\Boardpack) and are never removed by the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Boardpack"
#define AppExe "boardpack-gui.exe"
#define CliExe "boardpack.exe"
#define Root "..\.."

[Setup]
AppId={{6F1C2A4E-6B1D-4C7B-9A55-2D0B7F3E8C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Boardpack contributors
AppComments=Improvement board management for children's services
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=BoardpackSetup-{#AppVersion}
SetupIconFile={#Root}\installer\icon\boardpack.ico
UninstallDisplayIcon={app}\{#AppExe}
LicenseFile={#Root}\installer\windows\LICENCE.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\boardpack\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: ""; IconFilename: "{app}\{#AppExe}"
Name: "{autoprograms}\{#AppName} (demo board)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; A smoke check the installer can run silently, then the app itself.
Filename: "{app}\{#CliExe}"; Parameters: "--version"; Flags: runhidden waituntilterminated
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the app wrote beside itself; boards, backups and logs stay with the user.
Type: filesandordirs; Name: "{app}\__pycache__"
