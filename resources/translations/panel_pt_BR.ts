<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the call ID came from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call ID check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{source} · copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller: {caller}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ Salesforce VoiceCall ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config file status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyring backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xport certificate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a new self-signed certificate for the stored key (e.g. when the first one was lost).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the stored key?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token claims and key fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} · call {call_id} · {target} ({kind} {target_id}) · {status} · {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by call ID or target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of transfers shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fallback queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>call ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fault target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>see the README</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer outcome details for IT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{ms}&#xa0;ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PanelHeader</name>
    <message>
        <source>DEMO</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open settings to fix this</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked. {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServiceSession</name>
    <message>
        <source>Profile {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile {name}: {endpoint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration file problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in the f&amp;ile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the panel uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao sign-in status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TargetDelegate</name>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flow</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TargetListModel</name>
    <message>
        <source>{target}, favorite</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TargetView</name>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenario for every target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the rep sees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenarios for single targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scenario for the target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trainer status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presenter view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TRANSFER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target kind icon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target kind and ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presence icon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent presence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fallback queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why Transfer is not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kind} icon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransferSection</name>
    <message>
        <source>TRANSFER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
