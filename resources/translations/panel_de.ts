<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} progress</source>
        <translation>{name}: Fortschritt</translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation>{name} schließen</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation>Wechsel nach dieser Weiterleitung</translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation>Das Panel verbindet sich wie in den Einstellungen gewählt, sobald die laufende Weiterleitung beendet ist.</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation>Warte auf einen Anruf vom Softphone (oder ID einfügen)</translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation>Quelle: Befehlszeile</translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation>Quelle: Softphone</translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation>Quelle: Demo</translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation>Quelle: eingegeben</translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation>AKTIVER ANRUF</translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation>ID des aktiven Anrufs</translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation>Die VoiceCall-ID (0LQ…) oder die Kontakt-ID des Telefonieanbieters für den weiterzuleitenden Anruf</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>Anruf-ID kopieren</translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation>Anruf-ID in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation>Anruf-ID bearbeiten</translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation>Anruf-ID von Hand ändern (Strg+L)</translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation>Neuer Demo-Anruf</translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation>Einen neuen Demo-Anruf starten</translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation>Einen neuen eingehenden Anruf mit neuer VoiceCall-ID simulieren</translation>
    </message>
    <message>
        <source>{source} · copied</source>
        <translation>{source} · kopiert</translation>
    </message>
    <message>
        <source>Caller: {caller}</source>
        <translation>Anrufer: {caller}</translation>
    </message>
    <message>
        <source>✓ Salesforce VoiceCall ID</source>
        <translation>✓ Salesforce-VoiceCall-ID</translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation>✓ Kontakt-ID der Telefonie (unverändert verwendet)</translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation>{file} (Datei der IT), Zeile {line}</translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation>{file} (Datei der IT)</translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation>Zeile {line}: {problem}</translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation>Probleme in der Konfigurationsdatei</translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation>Diesen &amp;Tippfehler beheben</translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation>Den vertippten Schlüssel umbenennen</translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation>Text der Konfigurationsdatei</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation>Konfigurationsdatei neu einlesen</translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation>Datei &amp;speichern</translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation>Konfigurationsdatei speichern</translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation>{path} (noch nicht angelegt)</translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation>Die Datei wurde anderswo geändert, seit Sie sie bearbeiten: „Neu laden“ zeigt sie (und verwirft Ihre Änderung); „Speichern“ überschreibt sie nicht.</translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation>&apos;{typed}&apos; in &apos;{meant}&apos; umbenennen</translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation>Bearbeitet: noch nicht gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>Bearbeitet: %n Problem muss vor dem Speichern behoben werden.</numerusform>
            <numerusform>Bearbeitet: %n Probleme müssen vor dem Speichern behoben werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>Nicht gespeichert. {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>{path} gespeichert: %n Profil, keine Probleme.</numerusform>
            <numerusform>{path} gespeichert: %n Profile, keine Probleme.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation>Zweite Weiterleitung bestätigen</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Erneut weiterleiten</translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation>Diesen Anruf erneut weiterleiten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation>Die zweite Weiterleitung abbrechen</translation>
    </message>
    <message>
        <source>Transfer to {label} anyway</source>
        <translation>Trotzdem an {label}</translation>
    </message>
    <message>
        <source>Transfer anyway</source>
        <translation>Trotzdem weiterleiten</translation>
    </message>
    <message>
        <source>{label} is {state}.</source>
        <translation>{label} ist {state}.</translation>
    </message>
    <message>
        <source>{previous} Transfer the call to them anyway?</source>
        <translation>{previous} Den Anruf trotzdem weiterleiten?</translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation>Dieser Anruf wird gerade weitergeleitet.</translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation>Erneut an {label}</translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation>Dieser Anruf wird womöglich schon weitergeleitet.</translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation>{previous} Eine erneute Weiterleitung kann ihn doppelt weiterleiten. Trotzdem an {label} weiterleiten?</translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation>Die Datei kann nicht gelesen werden: {error}.</translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation>Unerwarteter Fehler ({error}); Einzelheiten stehen in der Protokolldatei.</translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation>Laden Sie das Zertifikat {path} im Call Center hoch (gültig bis {date}).
Fingerabdruck des Zertifikats (SHA-256):
{first}
{second}</translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation>Privater Schlüssel (Schlüsselbund des Systems)</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>Passphrase des Schlüssels</translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation>nur wenn die PEM-Datei verschlüsselt ist</translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation>Vor der Dateiauswahl eingeben; sie wird gelöscht, sobald sie verwendet wurde.</translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation>Privaten &amp;Schlüssel aus PEM-Datei setzen…</translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation>Privaten Schlüssel aus PEM-Datei setzen</translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation>Schlüssel und Zert&amp;ifikat erstellen…</translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation>Schlüssel und Zertifikat erstellen</translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation>Ein neuer 2048-Bit-RSA-Schlüssel, nur im Schlüsselbund gespeichert, und das selbstsignierte Zertifikat zum Hochladen im Call Center, gespeichert wo Sie wählen.</translation>
    </message>
    <message>
        <source>E&amp;xport certificate…</source>
        <translation>Zertifikat e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation>Zertifikat exportieren</translation>
    </message>
    <message>
        <source>Save a new self-signed certificate for the stored key (e.g. when the first one was lost).</source>
        <translation>Ein neues selbstsigniertes Zertifikat für den gespeicherten Schlüssel speichern (z. B. wenn das erste verloren ging).</translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation>Schlüssel ent&amp;fernen</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Schlüssel entfernen</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>T&amp;esten</translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation>Den Schlüssel testen und die Claims eines Tokens zeigen</translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation>Schlüssel er&amp;setzen…</translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation>Den gespeicherten Schlüssel ersetzen</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation>Den gespeicherten Schlüssel behalten</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>Schlüsselbund:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>Schlüssel:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>P&amp;assphrase:</translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation>Speichern Sie zuerst das Profil, dann seinen Schlüssel.</translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation>unbekannt: der Schlüsselbund ist nicht nutzbar</translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation>für &apos;{name}&apos; gespeichert</translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation>für &apos;{name}&apos; keiner gespeichert</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Privater Schlüssel (PEM)</translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation>Private PEM-Schlüssel (*.pem *.key)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation>Der {bits}-Bit-RSA-Schlüssel für &apos;{name}&apos; ist gespeichert.
Fingerabdruck: {fingerprint}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation>&apos;{name}&apos; hat bereits einen Schlüssel. Ein neuer ersetzt ihn, und Weiterleitungen scheitern, bis sein Zertifikat im Call Center registriert ist.</translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation>Zertifikat speichern (PEM)</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>PEM-Zertifikate (*.pem *.crt)</translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation>Ein {bits}-Bit-RSA-Schlüssel für &apos;{name}&apos; wurde im Schlüsselbund erstellt.</translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation>Er ersetzt den bisherigen Schlüssel: Weiterleitungen scheitern, bis dieses Zertifikat im Call Center registriert ist.</translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation>Ein neues Zertifikat für den Schlüssel von &apos;{name}&apos; wurde gespeichert.</translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation>Der Schlüssel von &apos;{name}&apos; wurde aus dem Schlüsselbund entfernt.</translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation>Für &apos;{name}&apos; war kein Schlüssel gespeichert.</translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation>Der Schlüssel funktioniert: Ein Token für &apos;{name}&apos; wurde erstellt. Seine Claims (das Token selbst wird nie gezeigt):</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>Voice Transfer Panel</translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation>Panel zeigen / verbergen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Warteschlangen</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>Flows</translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation>Agenten zeigen</translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation>Warteschlangen zeigen</translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation>Flows zeigen</translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation>Alle Arten zeigen</translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears.</source>
        <translation>Geben Sie einen beliebigen Teil eines Namens ein; Pfeil nach oben und unten bewegen durch die Ergebnisse, Eingabe wählt eines aus, Esc leert die Suche.</translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation>Verzeichnis wird geladen…</translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation>VERZEICHNIS</translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation>Agenten, Warteschlangen, Flows suchen</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>Verzeichnis durchsuchen</translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation>Suchen (Strg+K)</translation>
    </message>
    <message>
        <source>Available only</source>
        <translation>Nur verfügbare</translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation>Nur verfügbare Agenten</translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation>Präsenz: grüne Scheibe mit Haken = Verfügbar; rote Scheibe mit Balken = Beschäftigt oder im Gespräch; gelbe Scheibe mit Uhrzeigern = Abwesend; grauer Ring = Offline oder unbekannt. Der Status steht auch unter dem Namen jedes Agenten.</translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation>Fortschritt der Verzeichnisaktualisierung</translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation>Aktualität des Verzeichnisses</translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation>Verzeichnisergebnisse</translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation>Agenten ausblenden, die beschäftigt, abwesend oder offline sind.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>%Ln Ergebnis</numerusform>
            <numerusform>%Ln Ergebnisse</numerusform>
        </translation>
    </message>
    <message>
        <source>; {shown} listed, more as you move down</source>
        <translation>; {shown} angezeigt, weitere beim Blättern nach unten</translation>
    </message>
    <message>
        <source>{row}, {position} of {total}</source>
        <translation>{row}, {position} von {total}</translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation>Kein Treffer für „{query}“.
Fügen Sie die ID eines Agenten (005…), einer Warteschlange (00G…) oder eines Flows (300…) ein, um sie direkt zu verwenden.</translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation>Keine Ziele.</translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation>Aus {source}</translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation>Stand {time} · {source}</translation>
    </message>
    <message>
        <source>{used} of {limit} API calls used today</source>
        <translation>{used} von {limit} API-Aufrufen heute verbraucht</translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation>{as_of} · wird aktualisiert…</translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation>Aktualisierung fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation>{as_of}. {failed}</translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation>Das Verzeichnis ist leer.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>%Ln Zeile übersprungen: {problem}</numerusform>
            <numerusform>%Ln Zeilen übersprungen: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>Aktualisierung aus {source}: {done} von %Ln Eintrag…</numerusform>
            <numerusform>Aktualisierung aus {source}: {done} von %Ln Einträgen…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>Aktualisierung aus {source}: %Ln Eintrag…</numerusform>
            <numerusform>Aktualisierung aus {source}: %Ln Einträge…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation>Ausweich-Warteschlange</translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation>Optional: die Warteschlange, die den Anruf übernimmt, wenn die Weiterleitung an den Flow scheitert. Tippen, um Warteschlangen zu suchen.</translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation>Wird verwendet, wenn die Weiterleitung an den Flow scheitert (optional)</translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation>Keine (optional) · tippen, um Warteschlangen zu suchen</translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation>Name (API-Name)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation>Flow-Eingabe {number}: Name</translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation>Flow-Eingabe {number}: Wert</translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation>Flow-Eingabe {number} entfernen</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Flow-Eingaben</translation>
    </message>
    <message>
        <source>None. This flow takes {names}: Add input, then Down in its name lists them.</source>
        <translation>Keine. Dieser Flow nimmt {names}: Klicken Sie auf „Eingabe hinzufügen“, dann zeigt Pfeil nach unten im Namensfeld sie an.</translation>
    </message>
    <message>
        <source>Name (Down lists the flow&apos;s)</source>
        <translation>Name (Pfeil nach unten zeigt die des Flows)</translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation>Keine. Fügen Sie die Eingabevariablen des Flows hinzu, falls er welche braucht.</translation>
    </message>
    <message>
        <source>Add input</source>
        <translation>Eingabe hinzufügen</translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation>Eine Flow-Eingabe hinzufügen</translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation>Problem mit den Flow-Eingaben</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation>Anfrage-Inspektor</translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation>Leiten Sie einen Anruf weiter: Anfrage und Antwort erscheinen hier.</translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation>Neueste zuerst · das Token wird nie gezeigt, nur seine entschlüsselten Claims</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation>Anfragen, neueste zuerst</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>Einzelheiten der Anfrage</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Die Liste leeren</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation>Anruf-ID</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Fallback queue</source>
        <translation>Ausweich-Warteschlange</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Flow-Eingaben</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation>Alle Ergebnisse</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>Alles Aufbewahrte</translation>
    </message>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>%n Eingabe</numerusform>
            <numerusform>%n Eingaben</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Weiterleitungsverlauf</translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation>Anruf-ID oder Ziel</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>&amp;Ergebnis</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Zeitraum</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>Zeile kopieren</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Erneut weiterleiten</translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation>Den aktiven Anruf an das Ziel dieser Zeile weiterleiten</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Show flow-input values</source>
        <translation>Werte der Flow-Eingaben zeigen</translation>
    </message>
    <message>
        <source>They may hold customer data: show them only when needed</source>
        <translation>Sie können Kundendaten enthalten: nur zeigen, wenn nötig</translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation>Werte der Flow-Eingaben einschließen</translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation>Sie können Kundendaten enthalten: nur einschließen, wenn nötig</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation>Weiterleitungen aufbewahren: </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation>Ab jetzt so viele Tage aufbewahren; ältere Weiterleitungen werden jetzt gelöscht</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Weiterleitungen</translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation>Den aktiven Anruf erneut an dieses Ziel weiterleiten</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>Als CSV exportieren</translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation>Wie viele Tage der Verlauf Weiterleitungen aufbewahrt</translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation>Aufbewahrungsdauer übernehmen</translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>Weiterleitungen werden %n Tag aufbewahrt: {removed}</numerusform>
            <numerusform>Weiterleitungen werden %n Tage aufbewahrt: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>%Ln ältere Weiterleitung gelöscht.</numerusform>
            <numerusform>%Ln ältere Weiterleitungen gelöscht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>%Ln Weiterleitung (die neueste; der Export schreibt alle)</numerusform>
            <numerusform>%Ln Weiterleitungen (die neuesten; der Export schreibt alle)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>%Ln Weiterleitung</numerusform>
            <numerusform>%Ln Weiterleitungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation>Verlauf als CSV exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>{path} konnte nicht geschrieben werden: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>%Ln Weiterleitung nach {path} exportiert</numerusform>
            <numerusform>%Ln Weiterleitungen nach {path} exportiert</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>fallback queue</source>
        <translation>Ausweich-Warteschlange</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>Anruf-ID</translation>
    </message>
    <message>
        <source>fault target</source>
        <translation>Fehlerziel</translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation>die SCRT-Basis-URL, z. B. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation>https://login.salesforce.com, https://test.salesforce.com oder Ihre My-Domain-URL</translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation>der Simulator des Trainers, z. B. http://192.168.1.20:8765/telephony/v1</translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation>die Adresse von OpenBao oder Vault, z. B. https://openbao.example.com:8200</translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation>der Name des Transit-Schlüssels, der den privaten Schlüssel des Call Centers hält</translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation>die {source}-Rolle, die die IT für das Panel eingerichtet hat</translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation>die 15- oder 18-stellige Org-ID (00D…) aus Setup &gt; Unternehmensinformationen</translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>der API-Name des Call Centers, z. B. HVCC</translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation>Installieren und starten Sie einen Secret-Service-Schlüsselbund (GNOME Keyring oder KWallet) in Ihrer Desktop-Sitzung und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation>Der Schlüsselbund / die Anmeldeinformationsverwaltung des Systems hat nicht geantwortet; melden Sie sich erneut an und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation>Teile fehlen oder passen nicht zur Prüfsumme</translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation>er kann nicht dekodiert werden</translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation>sein Manifest ist unlesbar</translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation>er wurde von einer neueren Version des Panels geschrieben</translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation>keine Datei eines Verzeichnis-Caches</translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation>sie passt nicht zu ihrer Prüfsumme</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation>[profiles.{profile}] unbekannter Schlüssel {key!r}: meinten Sie {suggestion!r}?</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation>[profiles.{profile}] unbekannter Schlüssel {key!r}: siehe die Konfigurationsreferenz im README</translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation>Kein Schlüsselbund des Systems verfügbar ({backend} ist nicht der eigene Speicher des Betriebssystems), und Schlüssel werden nie in einfachen Dateien gespeichert. {hint}</translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation>Kein Schlüsselbund des Systems verfügbar, und Schlüssel werden nie in einfachen Dateien gespeichert. {hint}</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation>[profiles.{profile}] {key} fehlt: {hint} ({by} = &quot;{source}&quot; braucht es)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation>[profiles.{profile}] {key} fehlt: {by} = &quot;{source}&quot; braucht es</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>away</source>
        <translation>abwesend</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: routing the call to them will likely fail.</source>
        <translation>{target_label} ist {standing}: Die Weiterleitung des Anrufs wird wahrscheinlich scheitern.</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: the call may wait until they are free, or routing may fail.</source>
        <translation>{target_label} ist {standing}: Der Anruf wartet womöglich, bis die Person frei ist, oder die Weiterleitung scheitert.</translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation>Die Weiterleitung dieses Anrufs an {target_label} wurde bereits um {when} angefordert.</translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation>Eine Weiterleitung dieses Anrufs an {target_label} um {when} ist womöglich durchgegangen (ihr Ergebnis ist unbekannt).</translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation>Das Feld {field} ist leer: Geben Sie eine Salesforce-ID mit 15 oder 18 Zeichen ein.</translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation>{field} {text!r} ist keine Salesforce-ID: Sie muss aus 15 oder 18 Buchstaben und Ziffern bestehen (sie ist {length} Zeichen lang). Kopieren Sie die ID aus der URL des Datensatzes.</translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation>{field} {text} hat eine falsche Prüfsumme (die letzten 3 Zeichen sollten {expected} sein): Sie wurde wohl vertippt oder ihre Groß-/Kleinschreibung geändert. Kopieren Sie sie erneut aus Salesforce.</translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation>{field} {id} ist eine Flow-Versions-ID (301…): Verwenden Sie die Flow-Definitions-ID (300…), die DurableId des Flows in FlowDefinitionView.</translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation>{field} {id} ist weder ein Agent (005…) noch eine Warteschlange (00G…) noch ein Omni-Channel-Flow (300…): Ihr Präfix {prefix} ist eine {kind}-ID.</translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation>Die Anruf-ID ist leer: Fügen Sie die ID des aktiven Anrufs aus dem Softphone ein.</translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation>Die Anruf-ID enthält ein Steuerzeichen oder ungültigen Text (z. B. einen Zeilenumbruch): Fügen Sie nur die ID ein.</translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation>Die Anruf-ID enthält ein unsichtbares Zeichen (ein Leerzeichen ohne Breite, eine Schreibrichtungsmarke oder einen Zeilentrenner): Fügen Sie nur die ID ein oder tippen Sie sie.</translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation>Die Anruf-ID ist {length} Zeichen lang (höchstens {limit}): Fügen Sie nur die ID ein.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation>{text!r} ist keine Anruf-ID: Fügen Sie die ID des aktiven Anrufs ein.</translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation>{text!r} beginnt wie eine Salesforce-VoiceCall-ID (0LQ…), ist aber keine: Sie muss aus 15 oder 18 Buchstaben und Ziffern bestehen. Fügen Sie die Anruf-ID erneut ein.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation>{text!r} ist keine Anruf-ID: Sie enthält ein Leerzeichen oder ein anderes Zeichen, das contact_id_pattern des Profils nicht erlaubt. Fügen Sie nur die ID ein.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation>{text!r} ist keine Anruf-ID: Eine Kontakt-ID hat keine Leerzeichen. Fügen Sie nur die ID ein.</translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation>Eine Ausweich-Warteschlange gilt nur bei Weiterleitung an einen Omni-Channel-Flow: Entfernen Sie sie, oder wählen Sie einen Flow statt {kind}.</translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation>Die Ausweich-Warteschlange {id} ist keine Warteschlangen-ID (00G…).</translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation>Flow-Eingaben gelten nur bei Weiterleitung an einen Omni-Channel-Flow, nicht an {kind}: Entfernen Sie sie.</translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>{count} Flow-Eingabe angegeben: höchstens {limit} sind erlaubt.</numerusform>
            <numerusform>{count} Flow-Eingaben angegeben: höchstens {limit} sind erlaubt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation>Flow-Eingabe {number} hat keinen Namen: Geben Sie ihr einen oder entfernen Sie die Zeile.</translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation>Der Name der Flow-Eingabe {number} ist zu lang oder enthält Zeilenumbrüche oder Tabulatoren: Verwenden Sie den API-Namen der Flow-Variablen (höchstens {limit} Zeichen).</translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation>Flow-Eingabe {key!r} enthält ein Steuerzeichen oder ungültigen Text: Entfernen Sie es.</translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation>Flow-Eingabe {key!r} ist {length} Zeichen lang (höchstens {limit}).</translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation>Flow-Eingabe {key!r} ist doppelt angegeben (Namen werden wie Salesforce-API-Namen ohne Groß-/Kleinschreibung verglichen): Behalten Sie eine von {first!r} und {key!r}.</translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation>--flow-input {text!r} muss KEY=VALUE sein.</translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation>{already} Es wurde nichts gesendet. Prüfen Sie das Softphone; um trotzdem erneut weiterzuleiten, fügen Sie --again hinzu.</translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation>Eine Weiterleitung dieses Anrufs ist bereits unterwegs: Warten Sie auf ihr Ergebnis.</translation>
    </message>
    <message>
        <source>{unavailable} Nothing was sent. Pick another target, or to route it there anyway, add --even-if-unavailable.</source>
        <translation>{unavailable} Es wurde nichts gesendet. Wählen Sie ein anderes Ziel, oder fügen Sie --even-if-unavailable hinzu, um trotzdem dorthin weiterzuleiten.</translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation>Die Konfigurationsdatei {path} kann nicht gelesen werden: {reason}.</translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation>Die Konfigurationsdatei {path} ist größer als {limit_kib} KiB: Das ist keine Konfigurationsdatei. Prüfen Sie den Pfad (--config, $TRANSFER_PANEL_CONFIG).</translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation>Die Konfigurationsdatei {path} ist kein gültiges TOML: {detail}.</translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation>Die Konfigurationsdatei {path} verschachtelt Tabellen oder Arrays zu tief für eine Konfigurationsdatei.</translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>Die Konfigurationsdatei {path} hat {count} Problem:</numerusform>
            <numerusform>Die Konfigurationsdatei {path} hat {count} Probleme:</numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: unbekannter Schlüssel der obersten Ebene {key!r}: Profile gehören in Tabellen [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: &apos;profiles&apos; muss Tabellen [profiles.&lt;name&gt;] enthalten</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation>{file}: [profiles.{profile}] locked nennt unbekannte Schlüssel: {keys}</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation>{file}: [profiles.{profile}] locked muss true oder eine Liste von Schlüsselnamen sein</translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation>In {path} ist kein Profil konfiguriert. Fügen Sie eine Tabelle [profiles.&lt;name&gt;] hinzu (siehe die Konfigurationsreferenz im README) oder verwenden Sie --demo.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation>{count} Profile sind konfiguriert ({names}): Wählen Sie eines mit --profile NAME.</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation>In {path} gibt es kein Profil {name!r} (konfiguriert: {known}).</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation>In {path} gibt es kein Profil {name!r} (konfiguriert: keines).</translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation>Die Konfigurationsdatei {path} konnte nicht geschrieben werden ({reason}): Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation>Unter {path} gibt es keine Konfigurationsdatei (gesucht: --config, dann $TRANSFER_PANEL_CONFIG, dann der Konfigurationsordner des Benutzers) und keine Standortdatei unter {site_path}. Fügen Sie ein Profil hinzu: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation>Die Konfigurationsdatei {path} wurde geschrieben, aber beim Zurücklesen ergibt sich {what} nicht wie gespeichert: Ein anderes Programm ändert sie womöglich. Prüfen Sie die Datei und speichern Sie erneut.</translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation>Die Konfigurationsdatei {path} wurde von jemand anderem geändert, seit sie hier geöffnet wurde: Es wurde nichts gespeichert. Laden Sie sie neu und nehmen Sie die Änderung erneut vor.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation>Das Profil &apos;{profile}&apos; steht bereits in {path}: Fügen Sie --replace hinzu, um es zu ersetzen.</translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation>--set {text!r} muss KEY=VALUE mit einem TOML-Wert sein, z. B. timeout_s=15 oder provider_name=&quot;Amazon Connect&quot; ({reason}).</translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation>[profiles.{profile}]: Profilnamen bestehen aus Buchstaben, Ziffern, &apos;-&apos; und &apos;_&apos; (höchstens 64)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation>[profiles.{profile}] muss eine Tabelle von Schlüsseln sein</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation>[profiles.{profile}] {key} fehlt: {hint}</translation>
    </message>
    <message>
        <source>see the README</source>
        <translation>siehe das README</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation>Das Profil &apos;{profile}&apos; signiert mit einem Schlüssel im Schlüsselbund (signing = &quot;keyring&quot;): Es gibt keine OpenBao-Anmeldung.</translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation>muss true oder false sein (ohne Anführungszeichen)</translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation>muss eine Anzahl Sekunden sein</translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation>muss zwischen {low} und {high} Sekunden liegen</translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation>muss eine Zeichenkette in Anführungszeichen sein</translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation>muss eine vollständige URL sein: {example_text}</translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation>darf keine Abfrage (?…) und kein Fragment (#…) haben</translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation>darf keinen Benutzernamen und kein Passwort enthalten</translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation>muss https:// verwenden (einfaches http ist nur zu diesem Computer erlaubt, z. B. einem lokalen Simulator, oder in einem Profil mit training = true für einen Schulungssimulator)</translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation>hat einen Port, den es nicht gibt: Verwenden Sie eine Zahl von 1 bis 65535 oder keinen</translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation>ist kein Hostname und keine Adresse, die dieser Computer erreichen kann: Verwenden Sie Buchstaben, Ziffern, Punkte und Bindestriche (keine Leerzeichen, Tabulatoren, Zeilenumbrüche oder anderen Zeichen; einen Namen in einer anderen Schrift in seiner xn---Form)</translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation>muss eine Organisations-ID sein (00D…)</translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation>ist keine gültige ID</translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>muss ein API-Name sein: der API-Name des Call Centers, z. B. HVCC</translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation>muss druckbar sein, höchstens {limit} Zeichen</translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation>wird als HTTP-Header gesendet, der nur reines ASCII trägt (höchstens {limit} Zeichen): Schreiben Sie ihn ohne Akzente oder andere Schriften, z. B. &quot;Telefonica&quot;</translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation>muss eine API-Version wie &quot;62.0&quot; sein</translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation>muss ein regulärer Ausdruck für die Kontakt-IDs des Telefonieanbieters sein, höchstens {limit} Zeichen, z. B. &quot;[0-9a-f-]{{36}}&quot; ({reason})</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>muss eines von {choices} sein</translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation>muss ein OpenBao-Name sein: Buchstaben, Ziffern, &apos;_&apos;, &apos;-&apos; und &apos;.&apos; (höchstens {limit})</translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation>muss ein Namespace-Pfad wie &quot;contact-center&quot; oder &quot;emea/contact-center&quot; sein, oder leer</translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation>ist Salesforce: Ein Profil mit training = true muss auf einen Schulungssimulator zeigen</translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation>ist eine öffentliche Adresse: Ein Schulungssimulator gehört in ein geschlossenes Netz (eine private Adresse wie 192.168.x.x oder 10.x.x.x)</translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation>Der Schlüsselbund ({backend}) ist gesperrt. Entsperren Sie ihn (melden Sie sich in Ihrer Desktop-Sitzung an oder öffnen Sie Ihre Schlüsselbund-App) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation>Der Schlüsselbund ({backend}) konnte den Schlüssel nicht verarbeiten ({action}): {error}. Prüfen Sie, ob Ihr Schlüsselbund läuft und entsperrt ist.</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation>Für das Profil &apos;{profile}&apos; ist in {backend} kein privater Schlüssel gespeichert. Speichern Sie ihn: transfer-panel credentials set --profile {profile} --key-file KEY.pem</translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation>{name} für das Profil &apos;{profile}&apos; ist leer, zu lang oder kein einfacher Text (höchstens {limit} druckbare ASCII-Zeichen).</translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation>Das ist kein privater PEM-Schlüssel: Erwartet wird eine Datei, die mit &apos;-----BEGIN PRIVATE KEY-----&apos; oder &apos;-----BEGIN RSA PRIVATE KEY-----&apos; beginnt.</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation>Der private Schlüssel ist durch eine Passphrase geschützt: Geben Sie auch die Passphrase an.</translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation>Der private Schlüssel ist nicht durch eine Passphrase geschützt, aber eine wurde angegeben: Lassen Sie sie leer.</translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation>Der private Schlüssel konnte nicht gelesen werden: Die Passphrase ist falsch oder die PEM-Datei beschädigt.</translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation>Der private Schlüssel ist ein {type}-Schlüssel: Die SCRT-API braucht einen RSA-Schlüssel (2048 oder 4096 Bit).</translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation>Der private Schlüssel ist RSA mit {bits} Bit: Verwenden Sie einen Schlüssel mit 2048 oder 4096 Bit, wie im Zertifikat des Call Centers registriert.</translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation>{name} ist zu groß für einen privaten Schlüssel (über {limit_kib} KiB).</translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation>Die Schlüsseldatei {path} kann nicht gelesen werden: {reason}.</translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation>Der Schlüssel ist durch eine Passphrase geschützt: Übergeben Sie sie mit --passphrase-env VAR.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>Das Profil &apos;{profile}&apos; hat bereits einen {purpose}-Schlüssel in {backend}: Es wurde nichts geändert. Ein neuer Schlüssel ersetzt ihn, und Weiterleitungen scheitern, bis das neue Zertifikat im Call Center registriert ist. Zum Ersetzen fügen Sie --replace hinzu. Ein Zertifikat für den vorhandenen Schlüssel: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation>Das Zertifikat kann nicht nach {path} geschrieben werden ({reason}): Es wurde nichts geändert. Wählen Sie einen Ordner, in den Sie schreiben können.</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>Der neue Schlüssel ist in {backend} gespeichert, aber sein Zertifikat konnte nicht als {path} gespeichert werden ({reason}). Schreiben Sie es erneut: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation>{path} enthält einen privaten Schlüssel: Sie wird nie überschrieben. Schreiben Sie das Zertifikat in eine andere Datei, z. B. {profile}.crt.</translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation>Die Umgebungsvariable {name} ist nicht gesetzt.</translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation>Der Signierdienst kann gerade nicht signieren ({reason}).</translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation>openbao_ca_file {path!r} kann nicht als PEM-Zertifikate gelesen werden ({error}): Korrigieren Sie den Pfad im Profil.</translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation>Das Client-Zertifikat {cert} oder sein Schlüssel {key} kann nicht gelesen werden ({error}): Prüfen Sie beide Dateien.</translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation>OpenBao unter {url} hat nicht rechtzeitig geantwortet. Versuchen Sie es erneut; wenn es anhält, sagen Sie es der IT.</translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation>OpenBao unter {url} hat ein Zertifikat vorgelegt, dem dieser PC nicht vertraut: Setzen Sie openbao_ca_file auf das CA-Zertifikat Ihres Unternehmens (PEM) oder installieren Sie es im Zertifikatsspeicher des Systems.</translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation>OpenBao unter {url} ist nicht erreichbar ({error}). Prüfen Sie das Netzwerk; wenn es anhält, sagen Sie es der IT.</translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation>OpenBao unter {url} ist versiegelt: Die IT muss es entsiegeln; versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation>OpenBao unter {url} konnte nicht antworten ({status}: {said}). Versuchen Sie es erneut; wenn es anhält, sagen Sie es der IT.</translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation>OpenBao hat den Zugriff auf {path} verweigert ({status}: {said}).</translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation>OpenBao hat nichts unter {path} (404): Prüfen Sie openbao_url, openbao_namespace und openbao_transit_mount im Profil &apos;{profile}&apos;, oder fragen Sie die IT, ob die Engine dort aktiviert ist.</translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation>OpenBao hat die Anfrage an {path} abgelehnt ({status}: {said}): Prüfen Sie die openbao_*-Schlüssel des Profils oder fragen Sie die IT.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation>Die Antwort von OpenBao ist größer als {limit} Bytes.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation>Der Antwort von OpenBao fehlt &apos;{field}&apos;: Ist openbao_url ein OpenBao- oder Vault-Server?</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation>Die Signatur von OpenBao ist kein gültiges Base64.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation>Die Antwort von OpenBao enthält keine Signatur der Form vault:v1:….</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation>Der OpenBao-Schlüssel {key!r} hat keine Versionen: Fragen Sie die IT.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation>Der OpenBao-Schlüssel {key!r} ist kein RSA-Schlüsselpaar: Verwenden Sie den Typ rsa-2048 oder rsa-4096.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation>Die Richtlinie von OpenBao erlaubt Ihnen nicht, mit {path} zu signieren (403 permission denied): Bitten Sie die IT, Ihrer Rolle die Richtlinie transfer-panel für den Schlüssel {key!r} zu geben, oder prüfen Sie openbao_key und openbao_transit_mount im Profil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation>Die Signatur von OpenBao lässt sich nicht mit seinem eigenen öffentlichen Schlüssel prüfen ({error}): Bitten Sie die IT, den Transit-Schlüssel zu prüfen.</translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation>Dieses Profil meldet sich bei OpenBao mit {auth} an: Führen Sie transfer-panel credentials login --profile {profile} aus.</translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation>Geben Sie Ihren OpenBao-Benutzernamen an (ohne &apos;/&apos;).</translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation>OpenBao hat die Anmeldung abgelehnt ({said}): Prüfen Sie Ihre Eingabe, oder fragen Sie die IT, ob Ihr Konto die Rolle des Panels verwenden darf.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation>Die Antwort von OpenBao auf die Anmeldung enthält kein Token: Fragen Sie die IT.</translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation>OpenBao akzeptiert dieses Token nicht (abgelaufen, widerrufen oder vertippt).</translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation>Die Anmeldung mit cert braucht --client-cert PATH und --client-key PATH.</translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation>OpenBao hat keine Anmeldeadresse für die OIDC-Rolle {role!r} geliefert: Die IT muss {redirect_uri} zu allowed_redirect_uris der Rolle hinzufügen.</translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation>Es konnte kein Browser geöffnet werden: Öffnen Sie diese Adresse selbst, um sich anzumelden: {url}</translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation>Der Browser ist nicht innerhalb von {wait_s} s zurückgekehrt: Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation>Port {port} auf diesem PC ist belegt ({reason}), daher kann der Browser nicht zum Panel zurückkehren: Schließen Sie die andere Anmeldung (oder das Programm) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation>Der Identitätsanbieter hat die Anmeldung abgelehnt: {said}</translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation>Der Browser ist ohne Anmeldecode zurückgekehrt: Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation>Weiterleitungen {low} bis {high} Tage aufbewahren, nicht {days}.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation>Der Weiterleitungsverlauf {path} kann nicht geschrieben werden ({reason}).</translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>Der Link ist {length} Zeichen lang: erwartet wird transfer-panel://call/&lt;Anruf-ID&gt;.</translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>{text!r} ist kein Anruf-Link: erwartet wird transfer-panel://call/&lt;Anruf-ID&gt;.</translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation>Die Anruf-ID im Link ist kein gültiges prozentkodiertes UTF-8.</translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation>Die Anruf-ID im Link beginnt oder endet mit einem Leer- oder Steuerzeichen.</translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation>Geben Sie den Anruf als --call-id oder als transfer-panel://-Link an, nicht beides.</translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation>Die Nachricht des anderen Starts ist zu lang.</translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation>Die Nachricht des anderen Starts stammt nicht von diesem Panel.</translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation>Die Nachricht des anderen Starts enthält keine Anruf-ID.</translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation>Die Datei {name} des Panels fehlt (gesucht in {looked}). Installieren Sie das Panel neu.</translation>
    </message>
    <message>
        <source>Cannot reach Salesforce at {instance} ({error}). Check the network; the directory keeps its last copy.</source>
        <translation>Salesforce ist unter {instance} nicht erreichbar ({error}). Prüfen Sie das Netzwerk; das Verzeichnis behält seine letzte Kopie.</translation>
    </message>
    <message>
        <source>Salesforce refused a fresh access token for the directory (401). Check the integration user&apos;s permissions.</source>
        <translation>Salesforce hat ein neues Zugriffstoken für das Verzeichnis abgelehnt (401). Prüfen Sie die Berechtigungen des Integrationsbenutzers.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls ({used} of {limit} today). The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>Die Org hat ihre täglichen Salesforce-API-Aufrufe aufgebraucht ({used} von {limit} heute). Das Verzeichnis behält seine letzte Kopie; es wird wieder aktualisiert, sobald das Limit zurückgesetzt ist, oder bitten Sie Ihren Admin, das Aktualisierungsintervall zu erhöhen.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls. The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>Die Org hat ihre täglichen Salesforce-API-Aufrufe aufgebraucht. Das Verzeichnis behält seine letzte Kopie; es wird wieder aktualisiert, sobald das Limit zurückgesetzt ist, oder bitten Sie Ihren Admin, das Aktualisierungsintervall zu erhöhen.</translation>
    </message>
    <message>
        <source>Salesforce answered {status} to the directory query: {message}. The directory keeps its last copy.</source>
        <translation>Salesforce hat die Verzeichnisabfrage mit {status} beantwortet: {message}. Das Verzeichnis behält seine letzte Kopie.</translation>
    </message>
    <message>
        <source>Cannot reach the Salesforce login at {url} ({error}). Check the network.</source>
        <translation>Die Salesforce-Anmeldung unter {url} ist nicht erreichbar ({error}). Prüfen Sie das Netzwerk.</translation>
    </message>
    <message>
        <source>Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, salesforce_username and that the connected app holds the certificate of the key stored with `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</source>
        <translation>Salesforce hat die Verzeichnis-Anmeldung für {username} abgelehnt: {reason}. Prüfen Sie salesforce_consumer_key, salesforce_username und ob die Connected App das Zertifikat des Schlüssels hat, der mit `transfer-panel credentials set --profile {profile} --purpose salesforce-api` gespeichert wurde.</translation>
    </message>
    <message>
        <source>Salesforce sent an answer that is not a query result. The directory keeps its last copy.</source>
        <translation>Salesforce hat eine Antwort gesendet, die kein Abfrageergebnis ist. Das Verzeichnis behält seine letzte Kopie.</translation>
    </message>
    <message>
        <source>The demo directory {path} cannot be read ({error}). Reinstall the panel.</source>
        <translation>Das Demo-Verzeichnis {path} kann nicht gelesen werden ({error}). Installieren Sie das Panel neu.</translation>
    </message>
    <message>
        <source>The favorites file {path} cannot be read ({error}); starting without favorites. Starring a target writes a new one.</source>
        <translation>Die Favoritendatei {path} kann nicht gelesen werden ({error}); es geht ohne Favoriten weiter. Ein Stern an einem Ziel schreibt eine neue.</translation>
    </message>
    <message>
        <source>The favorites file {path} is damaged; starting without favorites. Starring a target writes a new one.</source>
        <translation>Die Favoritendatei {path} ist beschädigt; es geht ohne Favoriten weiter. Ein Stern an einem Ziel schreibt eine neue.</translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation>ein Verzeichniseintrag muss ein Agent, eine Warteschlange oder ein Flow sein, nicht {kind}</translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation>die {kind}-ID {id} beginnt mit {prefix}, das ist eine {id_kind}-ID, keine {kind}-ID</translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation>{kind} {id} hat keinen Namen</translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation>nur Agenten haben eine Präsenz; {label!r} ist {kind}</translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation>Die Verzeichnisdatei {path} existiert nicht. Prüfen Sie directory_file im Profil.</translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation>Die Verzeichnisdatei {path} kann nicht gelesen werden ({reason}). Prüfen Sie directory_file im Profil und ob die Datei lesbar ist.</translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation>Die Verzeichnisdatei {path} ist keine reguläre Datei (eine Pipe, ein Gerät oder ein Ordner). Prüfen Sie directory_file im Profil.</translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation>Die Verzeichnisdatei {path} umfasst {size} MiB; das Panel liest Verzeichnisdateien bis {limit} MiB. Prüfen Sie, ob es das Verzeichnis ist, und lassen Sie weg, was das Panel nicht braucht.</translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation>Die Verzeichnisdatei {path} ist kein UTF-8-Text. Speichern Sie sie als UTF-8.</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation>Die Verzeichnisdatei {path} braucht eine Kopfzeile mit den Spalten kind, id, name (und optional detail, presence); ihre erste Zeile ist keine:</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation>Die Verzeichnisdatei {path} braucht eine Kopfzeile mit den Spalten kind, id, name (und optional detail, presence); es fehlt: {missing}.</translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation>Die Verzeichnisdatei {path} muss JSON der Form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}} sein.</translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation>Zeile {line}, Ziel {position}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>Zeile {line}</translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation>sie ist länger als {limit} Bytes</translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation>ein Anführungszeichen öffnet ein Feld, schließt es aber nicht in derselben Zeile</translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation>die Zeile ist kein gültiges CSV ({error})</translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation>die Zeile ist kein UTF-8-Text; speichern Sie die Datei als UTF-8</translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation>kind {kind!r} muss agent, queue oder flow sein</translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation>sie ist kein gültiges JSON</translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation>sie enthält Listen oder Objekte oder eine Zeichenkette, die nicht in ihrer Zeile endet</translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation>sie ist kein Objekt mit kind, id und name</translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation>die Datei endet mittendrin</translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation>Zeile {line}: die ID {id} steht auch in Zeile {earlier_line}; diese spätere Zeile gilt</translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation>Zeile {line}: das JSON ist hier defekt (ein Komma oder eine schließende Klammer fehlt); nichts danach wird gelesen</translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation>Das gespeicherte Verzeichnis {path} kann nicht gelesen werden ({reason}); es wird ignoriert.</translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation>Das gespeicherte Verzeichnis {path} ist beschädigt oder stammt aus einer anderen Version ({why_text}); es wird ignoriert und bei der nächsten Aktualisierung ersetzt.</translation>
    </message>
    <message>
        <source>Unknown scenario &apos;{scenario}&apos;: use one of {choices}.</source>
        <translation>Unbekanntes Szenario &apos;{scenario}&apos;: Verwenden Sie eines von {choices}.</translation>
    </message>
    <message>
        <source>{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) only.</source>
        <translation>{target} ist kein Flow: „{scenario}“ gilt nur für Omni-Channel-Flows (300…).</translation>
    </message>
    <message>
        <source>Cannot save the class plan to {path}: {reason}</source>
        <translation>Der Kursplan kann nicht unter {path} gespeichert werden: {reason}</translation>
    </message>
    <message>
        <source>Cannot read the class plan {path}: {reason}</source>
        <translation>Der Kursplan {path} kann nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <source>{path} is not a class plan (TOML): {error}</source>
        <translation>{path} ist kein Kursplan (TOML): {error}</translation>
    </message>
    <message>
        <source>{source}: unknown keys {keys}; a plan has every_target and [targets].</source>
        <translation>{source}: unbekannte Schlüssel {keys}; ein Plan hat every_target und [targets].</translation>
    </message>
    <message>
        <source>{source}: every_target must be a scenario name and targets a table of target IDs.</source>
        <translation>{source}: every_target muss ein Szenarioname sein und targets eine Tabelle von Ziel-IDs.</translation>
    </message>
    <message>
        <source>{source}: [targets.{target}] needs scenario = &quot;…&quot; (one of {choices}).</source>
        <translation>{source}: [targets.{target}] braucht scenario = &quot;…&quot; (eines von {choices}).</translation>
    </message>
    <message>
        <source>The class plan {source} cannot be used:</source>
        <translation>Der Kursplan {source} ist nicht verwendbar:</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation>Für das Profil &apos;{profile}&apos; ist in {backend} kein privater Schlüssel gespeichert: Öffnen Sie die Einstellungen… und setzen Sie seinen Schlüssel (bis dahin scheitern Weiterleitungen).</translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation>Der für das Profil &apos;{profile}&apos; in {backend} gespeicherte private Schlüssel ist beschädigt ({why_text}) und wird nicht verwendet. Öffnen Sie die Einstellungen… und setzen Sie ihn erneut.</translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation>In {path} ist kein Profil konfiguriert: Fügen Sie eines in den Einstellungen… hinzu.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation>Das Profil &apos;{profile}&apos; hat bereits einen Schlüssel in {backend}: Es wurde nichts geändert. Ihn zu ersetzen stoppt Weiterleitungen, bis das neue Zertifikat im Call Center registriert ist; ein Zertifikat für den vorhandenen Schlüssel erhalten Sie mit Zertifikat exportieren….</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation>Der neue Schlüssel ist in {backend} gespeichert, aber sein Zertifikat konnte nicht als {path} gespeichert werden ({reason}). Speichern Sie es mit Zertifikat exportieren… an anderer Stelle.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation>{count} Profile sind konfiguriert ({names}): Starten Sie das Panel mit --profile NAME.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation>Der Weiterleitungsverlauf {path} ist nicht verwendbar ({reason_text}).</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation>Nicht bei OpenBao angemeldet, das die Weiterleitungen dieses Profils signiert: Melden Sie sich oben im Panel mit Anmelden… an.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation>Ihre OpenBao-Anmeldung ist abgelaufen oder wurde widerrufen: Melden Sie sich oben im Panel mit Anmelden… an.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation>Ihre OpenBao-Anmeldung ist abgelaufen: Melden Sie sich oben im Panel mit Anmelden… an.</translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation>Von OpenBao abgemeldet: Melden Sie sich oben im Panel mit Anmelden… an.</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>Kein Schlüsselbund</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>Schlüsselbund gesperrt</translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation>Schlüsselbundfehler</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>Kein Schlüssel</translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation>Schlüssel beschädigt</translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation>{row} (übersprungen)</translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation>Zeile {line}: </translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation>{file}, Zeile {line}: </translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>Nicht bei OpenBao angemeldet.</translation>
    </message>
    <message>
        <source>a token</source>
        <translation>ein Token</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation>Bei OpenBao angemeldet als {who}, ohne Ablauf</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation>Bei OpenBao angemeldet als {who}, bis {until}</translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation>Abgemeldet: Das OpenBao-Token ist widerrufen.</translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation>Abgemeldet (das OpenBao-Token war bereits abgelaufen oder widerrufen).</translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation>Hier abgemeldet, aber OpenBao konnte das Token nicht widerrufen ({reason}); es funktioniert nicht mehr, sobald es abläuft.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation>Das Profil &apos;{profile}&apos; war nicht bei OpenBao angemeldet.</translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation>Weiterleitung angefordert</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation>Falsche Routenform</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Serverfehler</translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation>Anmeldedaten abgelehnt</translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation>Keine Anmeldedaten</translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation>Gedrosselt</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Nicht gesendet</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Ergebnis unbekannt</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>Interner Fehler</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation>Ergebnis unbekannt oder in Arbeit</translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation>Von Salesforce abgelehnt</translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation>Nicht gesendet oder gedrosselt</translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation>Anmeldedaten oder Einrichtung</translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation>Prüfen Sie zuerst das Softphone: Wenn der Anruf nicht weitergeleitet wurde, versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation>Es wurde nichts gesendet; ein neuer Versuch ist sicher.</translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation>Es wurde nichts gesendet: Korrigieren Sie die Anmeldedaten und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation>Der Weiterleitungsverlauf konnte nicht geschrieben werden: Diese Weiterleitung fehlt darin.</translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation>Setzen Sie in den Einstellungen… die Routenform des Profils &apos;{profile}&apos; auf {other_shape} und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation>Versuchen Sie es in {seconds} s erneut.</translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation>Versuchen Sie es in einer Minute erneut.</translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation>Salesforce ist ausgelastet ({status}) und hat die Anfrage nicht verarbeitet.</translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation>Die Weiterleitung an {label} wurde durch einen unerwarteten Fehler abgebrochen ({error}).</translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation>Der Anruf wird womöglich weitergeleitet oder nicht: Prüfen Sie das Softphone vor einem neuen Versuch. Einzelheiten stehen im Protokoll.</translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation>Die Weiterleitung an {label} konnte nicht gesendet werden: ein unerwarteter Fehler ({error}).</translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation>Es wurde nichts gesendet. Einzelheiten stehen im Protokoll; informieren Sie Ihre Administration.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation>Salesforce kennt diesen Anruf nicht (404): {said}.</translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation>Prüfen Sie die Anruf-ID; der Anruf ist womöglich beendet. Scheitert jeder Anruf so, erwartet der Server vielleicht die Routenform {other_shape} (Einstellungen…).</translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation>Weiterleitung an {label} angefordert</translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation>Salesforce hat die Weiterleitung an {label} abgelehnt ({status}): {said}.</translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation>Prüfen Sie das Ziel und die Flow-Eingaben; dieselbe Anfrage erneut zu senden hilft nicht.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation>Der Server akzeptiert die Routenform &apos;{route_shape}&apos; nicht (405): Es wurde nichts weitergeleitet.</translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation>Salesforce hat die Anmeldedaten abgelehnt ({status}): {said}. Es wurde nichts weitergeleitet.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation>Prüfen Sie org_id und call_center des Profils, das im Call Center registrierte Zertifikat und die Uhr dieses Computers; fragen Sie dann Ihre Administration.</translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation>Salesforce hatte einen Serverfehler ({status}): {said}.</translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation>Der Anruf wurde womöglich weitergeleitet oder nicht: Prüfen Sie das Softphone, bevor Sie es erneut versuchen.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation>Salesforce war nicht erreichbar ({error}): Es wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation>Prüfen Sie die Netzwerkverbindung und versuchen Sie es erneut; ein neuer Versuch ist sicher.</translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation>Keine Antwort von Salesforce ({error}): Der Anruf wird womöglich schon weitergeleitet.</translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation>Salesforce war innerhalb von {timeout_s} s nicht erreichbar: Es wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation>Keine Antwort von Salesforce innerhalb von {timeout_s} s: Der Anruf wird womöglich schon weitergeleitet.</translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation>Das Panel wurde während der Weiterleitung an {label} geschlossen: Der Anruf wurde womöglich weitergeleitet.</translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation>Das Panel wurde während der Weiterleitung an {label} beendet: Der Anruf wurde womöglich weitergeleitet.</translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation>Prüfen Sie zuerst das Softphone: Leiten Sie nur erneut weiter, wenn der Anruf nicht weitergeleitet wurde.</translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation>Nicht blind wiederholen: Eine zweite Anfrage könnte den Anruf doppelt weiterleiten.</translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation>Bleiben Sie beim Anrufer; bitten Sie Ihre Teamleitung, den Anruf weiterzuleiten: Dieses Panel kann erst wieder weiterleiten, wenn die IT das Problem behebt.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation>Sagen Sie dem Anrufer, dass es einen Moment dauert, und versuchen Sie es erneut; scheitert es weiter, fragen Sie Ihre Teamleitung.</translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation>Schicken Sie der IT die Protokolldatei (transfer-panel diagnostics).</translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation>Prüfen Sie, ob der Agent {target} in Omni-Channel Sprachanrufe annehmen kann (Präsenzstatus, Kapazität).</translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation>Prüfen Sie, ob die Warteschlange {target} Sprachanrufe unterstützt und eine Routing-Konfiguration hat.</translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation>Prüfen Sie, ob {target} ein aktiver Omni-Channel-Flow ist (seine Flow-Definitions-ID 300…).</translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} Versuch</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} Versuche</numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation>HTTP {status} · {elapsed} ms</translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation>Salesforce meldete: {said}</translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation>Es wurde nichts gesendet: Sie sind nicht bei OpenBao angemeldet.</translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation>Melden Sie sich an (Anmelden… oben im Panel) und leiten Sie dann erneut weiter.</translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation>Es wurde nichts gesendet: Der Schlüsselbund ist gesperrt.</translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation>Entsperren Sie ihn (Schlüsselbund- oder Passwort-App Ihres Desktops) und leiten Sie dann erneut weiter.</translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation>Es wurde nichts gesendet: Dieses Panel hat keinen nutzbaren Schlüssel zum Signieren von Weiterleitungen.</translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation>Es wurde nichts gesendet: Der Weiterleitungsverlauf kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation>Es wurde nichts gesendet: Das Panel konnte die Weiterleitung nicht signieren.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation>Sagen Sie dem Anrufer, dass Sie ihn verbinden; versuchen Sie {alternative} oder fragen Sie Ihre Teamleitung.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation>Sagen Sie dem Anrufer, dass Sie ihn verbinden, und fragen Sie Ihre Teamleitung, wohin der Anruf soll.</translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>Prüfen Sie die Flow-Eingabe: Ihr Name muss eine Eingabevariable des Flows sein.</numerusform>
            <numerusform>Prüfen Sie die {count} Flow-Eingaben: Jeder Name muss eine Eingabevariable des Flows sein.</numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation>Prüfen Sie, ob die Ausweich-Warteschlange {queue} Sprachanrufe unterstützt.</translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation>Dieselbe Anfrage erneut zu senden hilft nicht.</translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation>Salesforce hat die Weiterleitung des Anrufs an {label} abgelehnt.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation>Salesforce kennt diesen Anruf nicht: Er ist womöglich beendet.</translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation>Prüfen Sie das Softphone; ist der Anrufer noch da, fragen Sie Ihre Teamleitung.</translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation>Prüfen Sie die Anruf-ID, die das Softphone übergeben hat.</translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation>Scheitert jeder Anruf so, erwartet der Server vielleicht die Routenform {other_shape}: Setzen Sie sie für das Profil &apos;{profile}&apos; in den Einstellungen….</translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation>Es wurde nichts weitergeleitet: Die Einstellungen des Panels passen nicht zu Salesforce.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation>Der Server akzeptiert die Routenform &apos;{route_shape}&apos; nicht: {fix}</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation>Sagen Sie dem Anrufer, dass es einen Moment dauert; versuchen Sie es in {seconds} s erneut.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation>Sagen Sie dem Anrufer, dass es einen Moment dauert; versuchen Sie es in einer Minute erneut.</translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation>Salesforce ist ausgelastet: Es wurde nichts weitergeleitet.</translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation>Salesforce hat die Anfrage nicht verarbeitet: Sie erneut zu senden ist sicher.</translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation>Fehler: {error} (der Traceback steht in der Protokolldatei des Panels).</translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation>Die Weiterleitung wurde durch einen unerwarteten Fehler abgebrochen: Der Anruf wird womöglich weitergeleitet oder nicht.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation>Es wurde nichts gesendet: Das Panel hatte einen unerwarteten Fehler.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation>Sagen Sie dem Anrufer, dass es einen Moment dauert, und versuchen Sie es erneut; passiert es weiter, fragen Sie Ihre Teamleitung.</translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation>Ergebnis unbekannt: Der Anruf wird womöglich schon weitergeleitet.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation>Salesforce war nicht erreichbar: Es wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation>Prüfen Sie die Netzwerkverbindung dieses Computers und ob er die base_url des Profils erreicht.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation>Sagen Sie dem Anrufer, dass Sie ihn verbinden; das Softphone zeigt, wann der Anruf weitergeleitet wird.</translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation>Salesforce hat die Weiterleitungsanfrage angenommen; die Antwort bestätigt nicht, dass der Anruf weitergeleitet wurde.</translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation>Es wurde nichts weitergeleitet: Salesforce hat die Anmeldedaten dieses Panels abgelehnt.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation>Prüfen Sie org_id und call_center des Profils, das im Call Center registrierte Zertifikat (es muss zum Schlüssel im Schlüsselbund passen) und die Uhr dieses Computers.</translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation>Salesforce hatte ein Problem: Der Anruf wurde womöglich weitergeleitet oder nicht.</translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation>Ein Fehler auf Seiten von Salesforce; das Panel wiederholt eine solche Anfrage nie von selbst.</translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation>Bevor etwas gesendet wurde: {error}.</translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>Keine Verbindung innerhalb des Zeitlimits des Profils ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation>Die Anfrage wurde gesendet, dann: {error}.</translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>Die Anfrage wurde gesendet; keine Antwort innerhalb des Zeitlimits des Profils ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation>Das Panel wurde geschlossen, während die Anfrage unterwegs war.</translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation>Das Panel wurde beendet, während die Anfrage unterwegs war.</translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation>Ergebnis der Weiterleitung</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation>Details für die IT</translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation>Zeigt den HTTP-Status, die Antwort des Servers und was die IT prüfen sollte</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation>Die Weiterleitung wiederholen</translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation>Weiterleitung an {label}…</translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation>Warte auf die Antwort von Salesforce.</translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>Wiederholen in %n s</numerusform>
            <numerusform>Wiederholen in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation>Für die IT:</translation>
    </message>
</context>
<context>
    <name>PanelHeader</name>
    <message>
        <source>DEMO</source>
        <translation>DEMO</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>Oben</translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation>Kompakt und immer im Vordergrund</translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation>Kompakt und immer im Vordergrund, neben dem Softphone</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation>Trainer-Werkzeuge</translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation>Szenarien, Präsentationsansicht und Anfrage-Inspektor (Strg+T)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Weiterleitungsverlauf</translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation>Was wann weitergeleitet wurde und wie es ausging (Strg+H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Einstellungen öffnen</translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation>Profile und Schlüssel (Strg+,)</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation>Demomodus: Weiterleitungen gehen an den eingebauten Simulator unter {endpoint}, nie an Salesforce</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>SCHULUNG</translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation>Schulungsprofil: Weiterleitungen gehen an {endpoint}</translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation>{reason}
Klicken, um erneut zu prüfen.</translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation>{short}: {reason} Aktivieren, um erneut zu prüfen.</translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>Voice Transfer Panel</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Open settings to fix this</source>
        <translation>Einstellungen öffnen, um das zu beheben</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation>Start fehlgeschlagen ({error}). Einzelheiten stehen im Protokoll.</translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation>Das Panel kann sich nicht verbinden</translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation>Beheben Sie das oben gezeigte Problem (Einstellungen…), um weiterzuleiten.</translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation>Kein Verzeichnis: Das Panel ist nicht verbunden.</translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>Etwas ist schiefgegangen (bisher %n)</numerusform>
            <numerusform>Etwas ist schiefgegangen (bisher %n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgegangen</translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation>{description}
Das Panel arbeitet weiter; Einzelheiten stehen im Protokoll.</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation>Der Name des Profils, verwendet mit --profile. Buchstaben, Ziffern, &apos;-&apos; und &apos;_&apos; (höchstens 64). Ein bestehendes Profil kann hier nicht umbenannt werden: Legen Sie stattdessen ein neues an.</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>&amp;Basis-URL</translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation>Die SCRT-Basis-URL, vollständig (Sandboxes haben andere Hostnamen), z. B.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Muss https:// sein; einfaches http:// nur zu diesem Computer (ein lokaler Simulator).</translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation>&amp;Org-ID</translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation>Die Salesforce-Org-ID (00D…, 15 oder 18 Zeichen), aus Setup &gt; Unternehmensinformationen. Sie ist der Aussteller (iss) des Tokens.</translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation>&amp;Call Center</translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation>Der API-Name des Call Centers, z. B. HVCC. Er ist das Subjekt (sub) des Tokens.</translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation>&amp;Anbietername</translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation>Optional. Wird, wenn gesetzt, als Header Telephony-Provider-Name gesendet: reines ASCII, z. B. Amazon Connect.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Schulung</translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation>Nur für Schulungsprofile: erlaubt einfaches http:// zum Simulator des Trainers auf einem anderen Computer (nie Salesforce oder eine öffentliche Adresse); das Fenster zeigt SCHULUNG.</translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation>&amp;Routenform</translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation>Wie der Weiterleitungsaufruf adressiert wird (Salesforce dokumentiert beide):
seed (Standard): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
Eine Antwort 405 heißt, dass der Server die andere erwartet.</translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation>&amp;Body-Format</translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation>json (Standard) oder xml (Wurzel &lt;routeVoiceCall&gt;, Flow-Eingaben als &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation>&amp;Flow-Eingaben als</translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation>object (Standard) sendet flowInputParameters als JSON-Objekt; string sendet es JSON-kodiert als Zeichenkette. Nur bei JSON-Bodys.</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>&amp;Zeitlimit</translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation>Frist für eine Weiterleitung, Wiederholung eingeschlossen (1–120 Sekunden, Standard 10).</translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation>Muster der Kontakt-ID</translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation>Optional. Ein regulärer Ausdruck, dem die Kontakt-IDs des Telefonieanbieters vollständig entsprechen, z. B. [0-9a-f-]{36} für die UUIDs von Amazon Connect. Leer: ein Wort, keine Leerzeichen.</translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation>&amp;Verzeichnis</translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation>Woher das Verzeichnis kommt: none (IDs einfügen), file (eine CSV- oder JSON-Datei der Administration), salesforce (die REST-API der Org) oder demo (das eingebaute).</translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation>Verzeichnisdatei</translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation>Pfad der Verzeichnisdatei (CSV oder JSON). Alle 5 s geprüft und bei Änderung neu geladen.</translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation>Anmelde-URL</translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation>https://login.salesforce.com (Standard), https://test.salesforce.com oder Ihre My-Domain-URL: die Zielgruppe (audience) des JWT.</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>Consumer Key</translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation>Der Consumer Key der verbundenen App: der Aussteller des JWT.</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>API-Benutzer</translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation>Der Integrationsbenutzer: das Subjekt des JWT. Sein Schlüssel wird mit transfer-panel credentials set --purpose salesforce-api gespeichert.</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>API-Version</translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation>REST-API-Version, z. B. 62.0 (Standard).</translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation>Präsenz-Aktualisierung</translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation>Wie oft die Präsenz der Agenten neu gelesen wird (10–3600 Sekunden, Standard 30).</translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation>Si&amp;gnieren</translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation>keyring (Standard): der Schlüssel des Call Centers im Schlüsselbund dieses PCs. openbao: OpenBao oder HashiCorp Vault Transit hält den Schlüssel; der Agent meldet sich dort an.</translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation>OpenBao-URL</translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation>Die Adresse von OpenBao oder Vault, z. B. https://openbao.example.com:8200.</translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation>Transit-Mount</translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation>Wo Transit eingehängt ist (Standard transit).</translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation>Transit-Schlüssel</translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation>Der Transit-Schlüssel, der den privaten Schlüssel des Call Centers hält.</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>Anmeldemethode</translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation>Wie sich Agenten bei OpenBao anmelden: oidc (der Browser), userpass, approle, cert oder token.</translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation>Anmelderolle</translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation>Die OIDC- oder Zertifikatsrolle, die die IT für das Panel eingerichtet hat; die RoleID bei approle.</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>Namespace</translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation>Optional: ein Namespace von Vault Enterprise / OpenBao.</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA-Datei</translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation>Optional: das CA-Zertifikat, das das von OpenBao signiert hat; sonst der Zertifikatsspeicher des Systems.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>Signieren</translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation>z. B. HVCC</translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation>optional, z. B. Amazon Connect</translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation>optional, z. B. [0-9a-f-]{36}</translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation>z. B. /srv/team.csv</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation>Schulungssimulator (einfaches http:// erlaubt)</translation>
    </message>
    <message>
        <source>Locked. {reason}</source>
        <translation>Gesperrt. {reason}</translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation>„Weiterleitung an … angefordert“</translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation>Ziel abgelehnt</translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation>die Begründung des Servers (das Ziel kann keine Sprachanrufe annehmen)</translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation>Abgelaufene oder ungültige Anmeldedaten</translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation>einen Konfigurationsfehler: Das Token wurde abgelehnt</translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation>Gedrosselt (Retry-After)</translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation>„in {throttle_s} s erneut versuchen“; es wurde nichts weitergeleitet</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Serverfehler</translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation>einen Serverfehler; nur eine Wiederholung von Hand</translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation>Langsame Antwort</translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation>die Anfrage {slow_s} s lang in Arbeit, dann Erfolg</translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation>Verbindung abgebrochen</translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation>„Ergebnis unbekannt“: Der Anruf wird womöglich schon weitergeleitet</translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation>Flow scheitert (Ausweich-Warteschlange)</translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation>die Weiterleitung an einen Flow gelingt nur über seine Ausweich-Warteschlange; ohne sie wird sie abgelehnt</translation>
    </message>
</context>
<context>
    <name>ServiceSession</name>
    <message>
        <source>Profile {name}</source>
        <translation>Profil {name}</translation>
    </message>
    <message>
        <source>Profile {name}: {endpoint}</source>
        <translation>Profil {name}: {endpoint}</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbindet neu…</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>Wird geschlossen…</translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation>Warte, bis die laufende Weiterleitung beendet ist.</translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation>Favoriten nicht gespeichert</translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation>{error}. Sie gelten, bis das Panel geschlossen wird.</translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation>Kein Favorit {number}</translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation>Markieren Sie ein Ziel mit einem Stern (☆ in seiner Zeile oder im Formular, oder Strg+D), um es mit Strg+1…9 zu wählen.</translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation>Signieren unmöglich</translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation>Das Demo-Verzeichnis ist leer.</translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation>Verzeichnis wird aus {source} geladen…</translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation>Für dieses Profil ist noch kein Verzeichnis eingerichtet.
Fügen Sie die ID eines Agenten (005…), einer Warteschlange (00G…) oder eines Flows (300…) in das Suchfeld ein, um dorthin weiterzuleiten.</translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation>Das Panel wurde während einer Weiterleitung geschlossen</translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation>Prüfen Sie das Softphone: Diese Anrufe wurden womöglich weitergeleitet. Sie stehen im Verlauf (Strg+H), und eine erneute Weiterleitung fragt zuerst nach.</translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation>Ein neuer Weiterleitungsverlauf wurde begonnen</translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation>Der alte war nicht verwendbar und wurde nach {path} verschoben.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Show in the f&amp;ile</source>
        <translation>In der &amp;Datei zeigen</translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation>Die Probleme in der Konfigurationsdatei zeigen</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Neues Profil</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>Profil &amp;speichern</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Profil speichern</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>Dieses Profil &amp;verwenden</translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation>Dieses Profil im Panel verwenden</translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation>Zurück zum Demomodus</translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation>Der eingebaute Simulator, Demo-Verzeichnis und -Anrufe; nichts erreicht Salesforce. Ihre Profile bleiben, wie sie sind.</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>Einstellungen schließen</translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation>Profi&amp;le</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>Konfigurationsdatei</translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation>Die Sprache des Panels</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>Wie der Desktop</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation>Dieser Start verwendet --lang {language}.</translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation>Das Panel spricht sie ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation>Das Panel ist im Demomodus: Weiterleitungen gehen an den eingebauten Simulator.</translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation>Das Panel verwendet das Profil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation>Das Panel ist nicht verbunden: Speichern Sie ein Profil, oder wählen Sie eines und verwenden Sie es.</translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation>&apos;{name}&apos; &amp;verwenden</translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>Konfigurationsdatei (%n Problem)</numerusform>
            <numerusform>Konfigurationsdatei (%n Probleme)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>Die Konfigurationsdatei {path} hat %n Problem: Das Panel kann sie erst verwenden, wenn es behoben ist (Konfigurationsdatei).</numerusform>
            <numerusform>Die Konfigurationsdatei {path} hat %n Probleme: Das Panel kann sie erst verwenden, wenn sie behoben sind (Konfigurationsdatei).</numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation>[profiles.{name}] {key} wird von Ihrer IT-Abteilung gesetzt ({site_path}); der Wert in {path} wird ignoriert.</translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation>Von Ihrer IT-Abteilung in {path} gesetzt; hier nicht änderbar.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>Nicht gespeichert. {reason}</translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation>Das Profil &apos;{name}&apos; wurde in {path} geschrieben, aber die Datei liest sich jetzt anders (siehe oben).</translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation>Profil &apos;{name}&apos; in {path} gespeichert. Das Panel verwendet es jetzt.</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation>OpenBao-Anmeldung</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>Nicht bei OpenBao angemeldet.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Anmelden…</translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation>Bei OpenBao anmelden</translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation>OpenBao-Benutzername</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation>OpenBao-Passwort</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation>Mit diesem Passwort anmelden</translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation>Anmeldung im Browser… schließen Sie sie dort ab und kommen Sie dann zurück.</translation>
    </message>
</context>
<context>
    <name>TargetDelegate</name>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>Flow</translation>
    </message>
</context>
<context>
    <name>TargetListModel</name>
    <message>
        <source>{target}, favorite</source>
        <translation>{target}, Favorit</translation>
    </message>
</context>
<context>
    <name>TargetView</name>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation>Omni-Channel-Flow</translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation>Entwicklername: {name}</translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation>API-Name: {name}</translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation>{kind} {id} (eingegebene ID)</translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation>Nicht im Verzeichnis: Prüfen Sie die ID vor dem Weiterleiten</translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation>Präsenz unbekannt</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation>Kurspläne (*.toml)</translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation>Der Agent sieht {what}</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation>Für das gewählte Ziel setzen</translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation>Das Ziel im Weiterleitungsformular des Panels trifft stattdessen auf dieses Szenario</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation>Plan laden…</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>Plan speichern…</translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation>Präsentationsansicht (große Schrift für einen Beamer)</translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation>Anfrage-Inspektor…</translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation>Was jede Weiterleitung gesendet und zurückbekommen hat (Strg+I)</translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation>Das Szenario für das gewählte Ziel setzen</translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation>Das Szenario des gewählten Ziels entfernen</translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation>Einen Kursplan laden</translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation>Den Kursplan speichern</translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation>Den Anfrage-Inspektor öffnen</translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation>&amp;Jede Weiterleitung trifft auf</translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation>Außer diesen &amp;Zielen</translation>
    </message>
    <message>
        <source>&amp;Scenario for the target in the panel&apos;s form</source>
        <translation>&amp;Szenario für das Ziel im Formular des Panels</translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation>Übernommen: Die nächsten Weiterleitungen folgen diesem Plan.</translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation>Wählen Sie zuerst ein Ziel im Panel; es trifft dann auf das hier gewählte Szenario.</translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation>Der Agent sieht {what}.</translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation>{target}: Der Agent sieht {what}</translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation>{error}
Der verwendete Plan ist unverändert.</translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation>{file} geladen: Die nächsten Weiterleitungen folgen diesem Plan.</translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation>In {path} gespeichert. Laden Sie ihn im nächsten Kurs, oder geben Sie ihn an `transfer-panel simulator --plan`.</translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation>Wählen Sie oben im Verzeichnis einen Agenten, eine Warteschlange oder einen Flow.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>TRANSFER</source>
        <translation>WEITERLEITUNG</translation>
    </message>
    <message>
        <source>&amp;Fallback queue</source>
        <translation>&amp;Ausweich-Warteschlange</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Weiterleiten</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>Aus den Favoriten entfernen</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>Zu den Favoriten hinzufügen</translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation>{action} (Strg+D); Strg+1…9 wählt Favorit 1…9</translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation>Kein Ziel gewählt</translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation>Durchsuchen Sie das Verzeichnis und wählen Sie eine Zeile (Eingabe oder Klick).</translation>
    </message>
    <message>
        <source>Presence: {state}</source>
        <translation>Präsenz: {state}</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>Wird weitergeleitet…</translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation>An {name} weiterleiten</translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation>Warte auf einen Anruf vom Softphone.</translation>
    </message>
    <message>
        <source>Pick the fallback queue: Enter takes the top match.</source>
        <translation>Wählen Sie die Ausweich-Warteschlange: Eingabe übernimmt den ersten Treffer.</translation>
    </message>
    <message>
        <source>available</source>
        <translation>verfügbar</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>away</source>
        <translation>abwesend</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
</context>
<context>
    <name>TransferSection</name>
    <message>
        <source>TRANSFER</source>
        <translation>WEITERLEITUNG</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
</context>
</TS>
