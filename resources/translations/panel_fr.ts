<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} progress</source>
        <translation>{name}&#xa0;: progression</translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation>Fermer {name}</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation>Changement après ce transfert</translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation>Le panneau se connectera comme choisi dans les Réglages une fois le transfert en cours terminé.</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation>En attente d&apos;un appel du softphone (ou collez son ID)</translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation>Source&#xa0;: ligne de commande</translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation>Source&#xa0;: softphone</translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation>Source&#xa0;: démo</translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation>Source&#xa0;: saisi</translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation>APPEL EN COURS</translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation>ID de l&apos;appel en cours</translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation>L&apos;ID VoiceCall (0LQ…) ou l&apos;ID de contact du fournisseur de téléphonie de l&apos;appel à transférer</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>Copier l&apos;ID de l&apos;appel</translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation>Copier l&apos;ID de l&apos;appel dans le presse-papiers</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation>Modifier l&apos;ID de l&apos;appel</translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation>Changer l&apos;ID de l&apos;appel à la main (Ctrl+L)</translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation>Nouvel appel de démo</translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation>Lancer un nouvel appel de démo</translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation>Simuler un nouvel appel entrant avec un nouvel ID VoiceCall</translation>
    </message>
    <message>
        <source>{source} · copied</source>
        <translation>{source} · copié</translation>
    </message>
    <message>
        <source>Caller: {caller}</source>
        <translation>Appelant&#xa0;: {caller}</translation>
    </message>
    <message>
        <source>✓ Salesforce VoiceCall ID</source>
        <translation>✓ ID VoiceCall Salesforce</translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation>✓ ID de contact téléphonie (utilisé tel quel)</translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation>{file} (fichier du service informatique), ligne {line}</translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation>{file} (fichier du service informatique)</translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation>Ligne {line}&#xa0;: {problem}</translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation>Problèmes dans le fichier de configuration</translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation>Corriger cette &amp;coquille</translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation>Renommer la clé mal orthographiée</translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation>Texte du fichier de configuration</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Rechar&amp;ger</translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation>Relire le fichier de configuration</translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation>Enregistrer le fic&amp;hier</translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation>Enregistrer le fichier de configuration</translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation>{path} (pas encore créé)</translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation>Le fichier a été modifié ailleurs depuis que vous avez commencé à le modifier&#xa0;: Recharger l&apos;affiche (et abandonne vos modifications)&#xa0;; Enregistrer ne l&apos;écrasera pas.</translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation>Renommer &apos;{typed}&apos; en &apos;{meant}&apos;</translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation>Modifié&#xa0;: pas encore enregistré.</translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>Modifié&#xa0;: %n problème à corriger avant de pouvoir enregistrer.</numerusform>
            <numerusform>Modifié&#xa0;: %n problèmes à corriger avant de pouvoir enregistrer.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>Non enregistré. {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>{path} enregistré&#xa0;: %n profil, aucun problème.</numerusform>
            <numerusform>{path} enregistré&#xa0;: %n profils, aucun problème.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation>Confirmer un second transfert</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Transférer à nouveau</translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation>Transférer à nouveau cet appel</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation>Annuler le second transfert</translation>
    </message>
    <message>
        <source>Transfer to {label} anyway</source>
        <translation>Transférer quand même vers {label}</translation>
    </message>
    <message>
        <source>Transfer anyway</source>
        <translation>Transférer quand même</translation>
    </message>
    <message>
        <source>{label} is {state}.</source>
        <translation>{label} est {state}.</translation>
    </message>
    <message>
        <source>{previous} Transfer the call to them anyway?</source>
        <translation>{previous} Lui transférer l&apos;appel quand même&#xa0;?</translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation>Cet appel est en cours de transfert.</translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation>Transférer à nouveau vers {label}</translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation>Cet appel est peut-être déjà en cours de transfert.</translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation>{previous} Le router à nouveau risque de le transférer deux fois. Le transférer quand même vers {label}&#xa0;?</translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation>En cours…</translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation>Impossible de lire le fichier&#xa0;: {error}.</translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation>Erreur inattendue ({error})&#xa0;; les détails sont dans le fichier journal.</translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation>Chargez le certificat {path} dans le Call Center (valide jusqu&apos;au {date}).
Empreinte du certificat (SHA-256)&#xa0;:
{first}
{second}</translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation>Clé privée (trousseau du système)</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>Phrase secrète de la clé</translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation>uniquement si le fichier PEM est chiffré</translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation>Saisissez-la avant de choisir le fichier&#xa0;; elle est effacée dès qu&apos;elle a servi.</translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation>Définir la clé &amp;privée depuis un fichier PEM…</translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation>Définir la clé privée depuis un fichier PEM</translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation>Créer une clé et un cert&amp;ificat…</translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation>Créer une clé et un certificat</translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation>Une nouvelle clé RSA de 2048 bits, conservée uniquement dans le trousseau, et le certificat auto-signé à charger dans le Call Center, enregistré à l&apos;endroit de votre choix.</translation>
    </message>
    <message>
        <source>E&amp;xport certificate…</source>
        <translation>E&amp;xporter le certificat…</translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation>Exporter le certificat</translation>
    </message>
    <message>
        <source>Save a new self-signed certificate for the stored key (e.g. when the first one was lost).</source>
        <translation>Enregistrer un nouveau certificat auto-signé pour la clé stockée (par exemple si le premier a été perdu).</translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation>&amp;Supprimer la clé</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Supprimer la clé</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>&amp;Tester</translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation>Tester la clé et afficher les claims d&apos;un jeton</translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation>&amp;Remplacer la clé…</translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation>Remplacer la clé stockée</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>La conserver</translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation>Conserver la clé stockée</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>Trousseau&#xa0;:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>Clé&#xa0;:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>P&amp;hrase secrète&#xa0;:</translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation>Enregistrez d&apos;abord le profil, puis stockez sa clé.</translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation>inconnu&#xa0;: le trousseau est inutilisable</translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation>stockée pour &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation>aucune stockée pour &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Clé privée (PEM)</translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation>Clés privées PEM (*.pem *.key)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation>Clé RSA de {bits} bits stockée pour &apos;{name}&apos;.
Empreinte&#xa0;: {fingerprint}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation>&apos;{name}&apos; a déjà une clé. Une nouvelle clé la remplace, et les transferts échouent tant que son certificat n&apos;est pas enregistré dans le Call Center.</translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation>Enregistrer le certificat (PEM)</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>Certificats PEM (*.pem *.crt)</translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation>Clé RSA de {bits} bits créée pour &apos;{name}&apos; dans le trousseau.</translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation>Elle remplace la clé précédente&#xa0;: les transferts échouent tant que ce certificat n&apos;est pas enregistré dans le Call Center.</translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation>Nouveau certificat enregistré pour la clé de &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation>Clé de &apos;{name}&apos; supprimée du trousseau.</translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation>Aucune clé n&apos;était stockée pour &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation>La clé fonctionne&#xa0;: un jeton a été émis pour &apos;{name}&apos;. Ses claims (le jeton lui-même n&apos;est jamais affiché)&#xa0;:</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>Panneau de transfert vocal</translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation>Afficher / masquer le panneau</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation>Tous</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agents</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>Flux</translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation>Afficher les agents</translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation>Afficher les files d&apos;attente</translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation>Afficher les flux</translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation>Afficher tous les types</translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears.</source>
        <translation>Tapez une partie d&apos;un nom&#xa0;; les flèches Haut et Bas parcourent les résultats, Entrée en choisit un, Échap efface la recherche.</translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation>Chargement de l&apos;annuaire…</translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation>ANNUAIRE</translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation>Rechercher agents, files, flux</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>Rechercher dans l&apos;annuaire</translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation>Rechercher (Ctrl+K)</translation>
    </message>
    <message>
        <source>Available only</source>
        <translation>Disponibles seulement</translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation>Agents disponibles seulement</translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation>Présence&#xa0;: disque vert avec une coche = Disponible&#xa0;; disque rouge avec une barre = Occupé ou en appel&#xa0;; disque orange avec des aiguilles = Absent&#xa0;; anneau gris = Hors ligne ou inconnu. Le statut est aussi écrit sous le nom de chaque agent.</translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation>Progression de l&apos;actualisation de l&apos;annuaire</translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation>Fraîcheur de l&apos;annuaire</translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation>Résultats de l&apos;annuaire</translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation>Masquer les agents occupés, absents ou hors ligne.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>%Ln résultat</numerusform>
            <numerusform>%Ln résultats</numerusform>
        </translation>
    </message>
    <message>
        <source>; {shown} listed, more as you move down</source>
        <translation>&#xa0;; {shown} affichés, d&apos;autres en descendant</translation>
    </message>
    <message>
        <source>{row}, {position} of {total}</source>
        <translation>{row}, {position} sur {total}</translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation>Aucun résultat pour «&#xa0;{query}&#xa0;».
Collez un ID d&apos;agent (005…), de file (00G…) ou de flux (300…) pour l&apos;utiliser directement.</translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation>Aucune cible.</translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation>Depuis {source}</translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation>À {time} · {source}</translation>
    </message>
    <message>
        <source>{used} of {limit} API calls used today</source>
        <translation>{used} appels d&apos;API sur {limit} utilisés aujourd&apos;hui</translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation>{as_of} · actualisation…</translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation>Échec de l&apos;actualisation&#xa0;: {reason}</translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation>{as_of}. {failed}</translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation>L&apos;annuaire est vide.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>%Ln ligne ignorée&#xa0;: {problem}</numerusform>
            <numerusform>%Ln lignes ignorées&#xa0;: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>Actualisation depuis {source}&#xa0;: {done} sur %Ln entrée…</numerusform>
            <numerusform>Actualisation depuis {source}&#xa0;: {done} sur %Ln entrées…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>Actualisation depuis {source}&#xa0;: %Ln entrée…</numerusform>
            <numerusform>Actualisation depuis {source}&#xa0;: %Ln entrées…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation>File de secours</translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation>Facultatif&#xa0;: la file d&apos;attente qui prend l&apos;appel si le routage vers le flux échoue. Tapez pour rechercher les files.</translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation>Utilisée si le routage vers le flux échoue (facultatif)</translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation>Aucune (facultatif) · tapez pour rechercher les files</translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation>Nom (nom d&apos;API)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation>Nom de l&apos;entrée de flux {number}</translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation>Valeur de l&apos;entrée de flux {number}</translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation>Supprimer l&apos;entrée de flux {number}</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Entrées du flux</translation>
    </message>
    <message>
        <source>None. This flow takes {names}: Add input, then Down in its name lists them.</source>
        <translation>Aucune. Ce flux prend {names}&#xa0;: cliquez sur «&#xa0;Ajouter une entrée&#xa0;», puis la flèche Bas dans le champ du nom les affiche.</translation>
    </message>
    <message>
        <source>Name (Down lists the flow&apos;s)</source>
        <translation>Nom (flèche Bas pour ceux du flux)</translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation>Aucune. Ajoutez les variables d&apos;entrée du flux s&apos;il en a besoin.</translation>
    </message>
    <message>
        <source>Add input</source>
        <translation>Ajouter une entrée</translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation>Ajouter une entrée de flux</translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation>Problème dans les entrées du flux</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation>Inspecteur de requêtes</translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation>Transférez un appel&#xa0;: sa requête et sa réponse s&apos;affichent ici.</translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation>Plus récentes en premier · le jeton n&apos;est jamais affiché, seulement ses claims décodés</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation>Requêtes, plus récentes en premier</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>Détails de la requête</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Effacer la liste</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation>ID de l&apos;appel</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Fallback queue</source>
        <translation>File de secours</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Entrées du flux</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation>Tous les résultats</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>90 derniers jours</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>Tout l&apos;historique conservé</translation>
    </message>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>%n entrée</numerusform>
            <numerusform>%n entrées</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Historique des transferts</translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation>ID de l&apos;appel ou cible</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>&amp;Résultat</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Période</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>Re&amp;chercher</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>Copier la ligne</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Transférer à nouveau</translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation>Router l&apos;appel en cours vers la cible de cette ligne</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Show flow-input values</source>
        <translation>Afficher les valeurs des entrées de flux</translation>
    </message>
    <message>
        <source>They may hold customer data: show them only when needed</source>
        <translation>Elles peuvent contenir des données client&#xa0;: ne les affichez qu&apos;en cas de besoin</translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation>Inclure les valeurs des entrées de flux</translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation>Elles peuvent contenir des données client&#xa0;: ne les incluez qu&apos;en cas de besoin</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation>Conserver les transferts pendant </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Appliquer</translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation>Conserver ce nombre de jours désormais&#xa0;; les transferts plus anciens sont supprimés maintenant</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Transferts</translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation>Transférer à nouveau l&apos;appel en cours vers cette cible</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>Exporter en CSV</translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation>Nombre de jours pendant lesquels l&apos;historique conserve les transferts</translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation>Appliquer la durée de conservation</translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>Transferts conservés pendant %n jour&#xa0;: {removed}</numerusform>
            <numerusform>Transferts conservés pendant %n jours&#xa0;: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>%Ln transfert plus ancien supprimé.</numerusform>
            <numerusform>%Ln transferts plus anciens supprimés.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>%Ln transfert (le plus récent&#xa0;; l&apos;export les écrit tous)</numerusform>
            <numerusform>%Ln transferts (les plus récents&#xa0;; l&apos;export les écrit tous)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>%Ln transfert</numerusform>
            <numerusform>%Ln transferts</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation>Exporter l&apos;historique en CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>Impossible d&apos;écrire {path}&#xa0;: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>%Ln transfert exporté vers {path}</numerusform>
            <numerusform>%Ln transferts exportés vers {path}</numerusform>
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
        <translation>cible</translation>
    </message>
    <message>
        <source>fallback queue</source>
        <translation>file de secours</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>ID de l&apos;appel</translation>
    </message>
    <message>
        <source>fault target</source>
        <translation>cible du scénario</translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation>l&apos;URL de base SCRT, par ex. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation>https://login.salesforce.com, https://test.salesforce.com ou l&apos;URL de votre My Domain</translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation>le simulateur du formateur, par ex. http://192.168.1.20:8765/telephony/v1</translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation>l&apos;adresse OpenBao ou Vault, par ex. https://openbao.example.com:8200</translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation>le nom de la clé Transit qui contient la clé privée du Call Center</translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation>le rôle {source} configuré par le service informatique pour le panneau</translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation>l&apos;ID d&apos;organisation à 15 ou 18 caractères (00D…) indiqué dans Configuration &gt; Informations sur la société</translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>le nom d&apos;API du Call Center, par ex. HVCC</translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation>Installez et démarrez un trousseau Secret Service (GNOME Keyring ou KWallet) dans votre session de bureau, puis réessayez.</translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation>Le trousseau du système / le Gestionnaire d&apos;identification n&apos;a pas répondu&#xa0;; reconnectez-vous et réessayez.</translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation>des parties manquent ou ne correspondent pas à sa somme de contrôle</translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation>il ne peut pas être décodé</translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation>son manifeste est illisible</translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation>il a été écrit par une version plus récente du panneau</translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation>ce n&apos;est pas un fichier de cache d&apos;annuaire</translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation>il ne correspond pas à sa somme de contrôle</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation>[profiles.{profile}] clé inconnue {key!r}&#xa0;: vouliez-vous dire {suggestion!r}&#xa0;?</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation>[profiles.{profile}] clé inconnue {key!r}&#xa0;: voir la référence de configuration du README</translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation>Aucun trousseau du système n&apos;est disponible ({backend} n&apos;est pas le magasin propre au système d&apos;exploitation), et les clés ne sont jamais stockées dans des fichiers en clair. {hint}</translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation>Aucun trousseau du système n&apos;est disponible, et les clés ne sont jamais stockées dans des fichiers en clair. {hint}</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation>[profiles.{profile}] {key} est manquant&#xa0;: {hint} ({by} = &quot;{source}&quot; en a besoin)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation>[profiles.{profile}] {key} est manquant&#xa0;: {by} = &quot;{source}&quot; en a besoin</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>occupé</translation>
    </message>
    <message>
        <source>away</source>
        <translation>absent</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: routing the call to them will likely fail.</source>
        <translation>{target_label} est {standing}&#xa0;: le routage de l&apos;appel vers cette personne échouera probablement.</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: the call may wait until they are free, or routing may fail.</source>
        <translation>{target_label} est {standing}&#xa0;: l&apos;appel risque d&apos;attendre que la personne se libère, ou le routage peut échouer.</translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation>Le routage de cet appel vers {target_label} a déjà été demandé à {when}.</translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation>Un transfert de cet appel vers {target_label} à {when} a peut-être abouti (son résultat est inconnu).</translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation>Le champ {field} est vide&#xa0;: saisissez un ID Salesforce de 15 ou 18 caractères.</translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation>Le champ {field} {text!r} n&apos;est pas un ID Salesforce&#xa0;: il doit comporter 15 ou 18 lettres et chiffres (il fait {length} caractères). Copiez l&apos;ID depuis l&apos;URL de l&apos;enregistrement.</translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation>Le champ {field} {text} a une somme de contrôle incorrecte (ses 3 derniers caractères devraient être {expected})&#xa0;: il a probablement été mal saisi ou sa casse a été modifiée. Copiez-le à nouveau depuis Salesforce.</translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation>Le champ {field} {id} est un ID de version de flux (301…)&#xa0;: utilisez l&apos;ID de définition du flux (300…), le DurableId du flux dans FlowDefinitionView.</translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation>Le champ {field} {id} n&apos;est ni un agent (005…), ni une file (00G…), ni un flux Omni-Channel (300…)&#xa0;: son préfixe {prefix} est un ID de type {kind}.</translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation>L&apos;ID de l&apos;appel est vide&#xa0;: collez l&apos;ID de l&apos;appel en cours depuis le softphone.</translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation>L&apos;ID de l&apos;appel contient un caractère de contrôle ou du texte invalide (par ex. un saut de ligne)&#xa0;: collez uniquement l&apos;ID.</translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation>L&apos;ID de l&apos;appel contient un caractère invisible (espace de largeur nulle, marque de sens du texte ou séparateur de ligne)&#xa0;: collez uniquement l&apos;ID, ou tapez-le.</translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation>L&apos;ID de l&apos;appel fait {length} caractères (au maximum {limit})&#xa0;: collez uniquement l&apos;ID.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation>{text!r} n&apos;est pas un ID d&apos;appel&#xa0;: collez l&apos;ID de l&apos;appel en cours.</translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation>{text!r} commence comme un ID VoiceCall Salesforce (0LQ…) mais n&apos;en est pas un&#xa0;: il doit comporter 15 ou 18 lettres et chiffres. Collez à nouveau l&apos;ID de l&apos;appel.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation>{text!r} n&apos;est pas un ID d&apos;appel&#xa0;: il contient une espace ou un autre caractère que le contact_id_pattern du profil n&apos;autorise pas. Collez uniquement l&apos;ID.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation>{text!r} n&apos;est pas un ID d&apos;appel&#xa0;: un ID de contact ne contient pas d&apos;espace. Collez uniquement l&apos;ID.</translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation>Une file de secours ne s&apos;applique qu&apos;au routage vers un flux Omni-Channel&#xa0;: supprimez-la, ou choisissez un flux au lieu de ce type ({kind}).</translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation>La file de secours {id} n&apos;est pas un ID de file d&apos;attente (00G…).</translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation>Les entrées de flux ne s&apos;appliquent qu&apos;au routage vers un flux Omni-Channel, pas vers un élément de type {kind}&#xa0;: supprimez-les.</translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>{count} entrée de flux fournie&#xa0;: {limit} au maximum sont autorisées.</numerusform>
            <numerusform>{count} entrées de flux fournies&#xa0;: {limit} au maximum sont autorisées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation>L&apos;entrée de flux {number} n&apos;a pas de nom&#xa0;: donnez-lui un nom ou supprimez la ligne.</translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation>Le nom de l&apos;entrée de flux {number} est trop long ou contient des sauts de ligne ou des tabulations&#xa0;: utilisez le nom d&apos;API de la variable du flux (au maximum {limit} caractères).</translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation>L&apos;entrée de flux {key!r} contient un caractère de contrôle ou du texte invalide&#xa0;: supprimez-le.</translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation>L&apos;entrée de flux {key!r} fait {length} caractères (au maximum {limit}).</translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation>L&apos;entrée de flux {key!r} est fournie deux fois (les noms sont comparés sans tenir compte de la casse, comme les noms d&apos;API Salesforce)&#xa0;: gardez soit {first!r}, soit {key!r}.</translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation>--flow-input {text!r} doit être de la forme KEY=VALUE.</translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation>{already} Rien n&apos;a été envoyé. Vérifiez le softphone&#xa0;; pour le router quand même à nouveau, ajoutez --again.</translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation>Un transfert de cet appel est déjà en cours&#xa0;: attendez son résultat.</translation>
    </message>
    <message>
        <source>{unavailable} Nothing was sent. Pick another target, or to route it there anyway, add --even-if-unavailable.</source>
        <translation>{unavailable} Rien n&apos;a été envoyé. Choisissez une autre cible ou, pour le router là quand même, ajoutez --even-if-unavailable.</translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation>Impossible de lire le fichier de configuration {path}&#xa0;: {reason}.</translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation>Le fichier de configuration {path} dépasse {limit_kib} Kio&#xa0;: ce n&apos;est pas un fichier de configuration. Vérifiez le chemin (--config, $TRANSFER_PANEL_CONFIG).</translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation>Le fichier de configuration {path} n&apos;est pas un TOML valide&#xa0;: {detail}.</translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation>Le fichier de configuration {path} imbrique des tables ou des tableaux trop profondément pour être un fichier de configuration.</translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>Le fichier de configuration {path} a {count} problème&#xa0;:</numerusform>
            <numerusform>Le fichier de configuration {path} a {count} problèmes&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation>{file}&#xa0;: clé de premier niveau inconnue {key!r}&#xa0;: les profils vont dans des tables [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation>{file}&#xa0;: &apos;profiles&apos; doit contenir des tables [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation>{file}&#xa0;: [profiles.{profile}] locked cite des clés inconnues&#xa0;: {keys}</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation>{file}&#xa0;: [profiles.{profile}] locked doit valoir true ou une liste de noms de clés</translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation>Aucun profil n&apos;est configuré dans {path}. Ajoutez une table [profiles.&lt;name&gt;] (voir la référence de configuration du README) ou utilisez --demo.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation>{count} profils sont configurés ({names})&#xa0;: choisissez-en un avec --profile NAME.</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation>Il n&apos;y a pas de profil {name!r} dans {path} (configurés&#xa0;: {known}).</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation>Il n&apos;y a pas de profil {name!r} dans {path} (configurés&#xa0;: aucun).</translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation>Le fichier de configuration {path} n&apos;a pas pu être écrit ({reason})&#xa0;: rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation>Aucun fichier de configuration dans {path} (recherché via --config, puis $TRANSFER_PANEL_CONFIG, puis le dossier de configuration de l&apos;utilisateur) et aucun fichier de site dans {site_path}. Ajoutez un profil&#xa0;: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation>Le fichier de configuration {path} a été écrit, mais sa relecture ne donne pas {what} tel qu&apos;enregistré&#xa0;: un autre programme le modifie peut-être. Vérifiez le fichier, puis enregistrez à nouveau.</translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation>Le fichier de configuration {path} a été modifié par quelqu&apos;un d&apos;autre depuis son ouverture ici&#xa0;: rien n&apos;a été enregistré. Rechargez-le, puis refaites la modification.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation>Le profil &apos;{profile}&apos; existe déjà dans {path}&#xa0;: ajoutez --replace pour le remplacer.</translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation>--set {text!r} doit être de la forme KEY=VALUE avec une valeur TOML, par ex. timeout_s=15 ou provider_name=&quot;Amazon Connect&quot; ({reason}).</translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation>[profiles.{profile}]&#xa0;: les noms de profil utilisent des lettres, des chiffres, &apos;-&apos; et &apos;_&apos; (64 au maximum)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation>[profiles.{profile}] doit être une table de clés</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation>[profiles.{profile}] {key} est manquant&#xa0;: {hint}</translation>
    </message>
    <message>
        <source>see the README</source>
        <translation>voir le README</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation>Le profil &apos;{profile}&apos; signe avec une clé du trousseau (signing = &quot;keyring&quot;)&#xa0;: il n&apos;y a pas de connexion OpenBao.</translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation>doit valoir true ou false (sans guillemets)</translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation>doit être un nombre de secondes</translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation>doit être compris entre {low} et {high} secondes</translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation>doit être une chaîne entre guillemets</translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation>doit être une URL complète&#xa0;: {example_text}</translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation>ne doit pas contenir de requête (?…) ni de fragment (#…)</translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation>ne doit pas contenir de nom d&apos;utilisateur ni de mot de passe</translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation>doit utiliser https:// (le http simple n&apos;est autorisé que vers cet ordinateur, par ex. un simulateur local, ou dans un profil avec training = true pour un simulateur de formation)</translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation>a un port qui n&apos;existe pas&#xa0;: utilisez un nombre de 1 à 65535, ou aucun</translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation>n&apos;est pas un nom d&apos;hôte ou une adresse que cet ordinateur peut joindre&#xa0;: utilisez des lettres, des chiffres, des points et des tirets (pas d&apos;espaces, de tabulations, de sauts de ligne ni d&apos;autres caractères&#xa0;; un nom dans une autre écriture sous sa forme xn--)</translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation>doit être un ID d&apos;organisation (00D…)</translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation>n&apos;est pas un ID valide</translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>doit être un nom d&apos;API&#xa0;: le nom d&apos;API du Call Center, par ex. HVCC</translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation>doit être imprimable, {limit} caractères au maximum</translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation>est envoyé dans un en-tête HTTP, qui ne transporte que de l&apos;ASCII simple ({limit} caractères au maximum)&#xa0;: écrivez-le sans accents ni autres écritures, par ex. &quot;Telefonica&quot;</translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation>doit être une version d&apos;API telle que &quot;62.0&quot;</translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation>doit être une expression régulière pour les ID de contact du fournisseur de téléphonie, {limit} caractères au maximum, par ex. &quot;[0-9a-f-]{{36}}&quot; ({reason})</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>doit être l&apos;une des valeurs {choices}</translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation>doit être un nom OpenBao&#xa0;: lettres, chiffres, &apos;_&apos;, &apos;-&apos; et &apos;.&apos; ({limit} au maximum)</translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation>doit être un chemin d&apos;espace de noms tel que &quot;contact-center&quot; ou &quot;emea/contact-center&quot;, ou vide</translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation>est Salesforce&#xa0;: un profil avec training = true doit pointer vers un simulateur de formation</translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation>est une adresse publique&#xa0;: un simulateur de formation doit être sur un réseau fermé (une adresse privée telle que 192.168.x.x ou 10.x.x.x)</translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation>Le trousseau ({backend}) est verrouillé. Déverrouillez-le (connectez-vous à votre session de bureau ou ouvrez votre application de trousseau) et réessayez.</translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation>Le trousseau ({backend}) n&apos;a pas pu effectuer l&apos;action «&#xa0;{action}&#xa0;» sur la clé&#xa0;: {error}. Vérifiez que votre trousseau est lancé et déverrouillé.</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation>Aucune clé privée n&apos;est stockée pour le profil &apos;{profile}&apos; dans {backend}. Stockez-la&#xa0;: transfer-panel credentials set --profile {profile} --key-file KEY.pem</translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation>La valeur {name} à stocker pour le profil &apos;{profile}&apos; est vide, trop longue ou n&apos;est pas du texte simple ({limit} caractères ASCII imprimables au maximum).</translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation>Ce n&apos;est pas une clé privée PEM&#xa0;: un fichier commençant par &apos;-----BEGIN PRIVATE KEY-----&apos; ou &apos;-----BEGIN RSA PRIVATE KEY-----&apos; est attendu.</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation>La clé privée est protégée par une phrase secrète&#xa0;: indiquez aussi la phrase secrète.</translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation>La clé privée n&apos;est pas protégée par une phrase secrète, mais une a été fournie&#xa0;: laissez-la vide.</translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation>La clé privée n&apos;a pas pu être lue&#xa0;: la phrase secrète est incorrecte ou le PEM est endommagé.</translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation>La clé privée est une clé {type}&#xa0;: l&apos;API SCRT exige une clé RSA (2048 ou 4096 bits).</translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation>La clé privée est une clé RSA de {bits} bits&#xa0;: utilisez une clé de 2048 ou 4096 bits, comme enregistré sur le certificat du Call Center.</translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation>{name} est trop volumineux pour être une clé privée (plus de {limit_kib} Kio).</translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation>Impossible de lire le fichier de clé {path}&#xa0;: {reason}.</translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation>La clé est protégée par une phrase secrète&#xa0;: transmettez-la avec --passphrase-env VAR.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>Le profil &apos;{profile}&apos; a déjà une clé {purpose} dans {backend}&#xa0;: rien n&apos;a été modifié. Une nouvelle clé la remplace, et les transferts échouent tant que le nouveau certificat n&apos;est pas enregistré dans le Call Center. Pour la remplacer, ajoutez --replace. Pour obtenir un certificat pour la clé existante&#xa0;: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation>Impossible d&apos;écrire le certificat dans {path} ({reason})&#xa0;: rien n&apos;a été modifié. Choisissez un dossier dans lequel vous pouvez écrire.</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>La nouvelle clé est stockée dans {backend}, mais son certificat n&apos;a pas pu être enregistré sous {path} ({reason}). Écrivez-le à nouveau&#xa0;: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation>{path} contient une clé privée&#xa0;: il n&apos;est jamais écrasé. Écrivez le certificat dans un autre fichier, par ex. {profile}.crt.</translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation>La variable d&apos;environnement {name} n&apos;est pas définie.</translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation>Le service de signature ne peut pas signer pour l&apos;instant ({reason}).</translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation>openbao_ca_file {path!r} ne peut pas être lu comme certificats PEM ({error})&#xa0;: corrigez le chemin dans le profil.</translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation>Le certificat client {cert} ou sa clé {key} ne peut pas être lu ({error})&#xa0;: vérifiez les deux fichiers.</translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation>OpenBao à {url} n&apos;a pas répondu à temps. Réessayez&#xa0;; si le problème persiste, prévenez le service informatique.</translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation>OpenBao à {url} a présenté un certificat auquel ce PC ne fait pas confiance&#xa0;: définissez openbao_ca_file sur le certificat de l&apos;autorité de certification de votre entreprise (PEM) ou installez-le dans le magasin de confiance du système.</translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation>OpenBao à {url} est injoignable ({error}). Vérifiez le réseau&#xa0;; si le problème persiste, prévenez le service informatique.</translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation>OpenBao à {url} est scellé&#xa0;: le service informatique doit le desceller&#xa0;; réessayez ensuite.</translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation>OpenBao à {url} n&apos;a pas pu répondre ({status}&#xa0;: {said}). Réessayez&#xa0;; si le problème persiste, prévenez le service informatique.</translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation>OpenBao a refusé l&apos;accès à {path} ({status}&#xa0;: {said}).</translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation>OpenBao n&apos;a rien à {path} (404)&#xa0;: vérifiez openbao_url, openbao_namespace et openbao_transit_mount dans le profil &apos;{profile}&apos;, ou demandez au service informatique si le moteur y est activé.</translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation>OpenBao a refusé la requête vers {path} ({status}&#xa0;: {said})&#xa0;: vérifiez les clés openbao_* du profil, ou demandez au service informatique.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation>La réponse d&apos;OpenBao dépasse {limit} octets.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation>Il manque &apos;{field}&apos; dans la réponse d&apos;OpenBao&#xa0;: openbao_url est-il bien un serveur OpenBao ou Vault&#xa0;?</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation>La signature d&apos;OpenBao n&apos;est pas du base64 valide.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation>La réponse d&apos;OpenBao ne contient aucune signature sous la forme vault:v1:….</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation>La clé OpenBao {key!r} n&apos;a aucune version&#xa0;: demandez au service informatique.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation>La clé OpenBao {key!r} n&apos;est pas une paire de clés RSA&#xa0;: utilisez le type rsa-2048 ou rsa-4096.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation>La stratégie OpenBao ne vous permet pas de signer avec {path} (403 permission refusée)&#xa0;: demandez au service informatique d&apos;attribuer à votre rôle la stratégie transfer-panel pour la clé {key!r}, ou vérifiez openbao_key et openbao_transit_mount dans le profil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation>La signature d&apos;OpenBao ne se vérifie pas avec sa propre clé publique ({error})&#xa0;: demandez au service informatique de vérifier la clé Transit.</translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation>Ce profil se connecte à OpenBao avec {auth}&#xa0;: exécutez transfer-panel credentials login --profile {profile}.</translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation>Indiquez votre nom d&apos;utilisateur OpenBao (sans &apos;/&apos;).</translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation>OpenBao a refusé la connexion ({said})&#xa0;: vérifiez ce que vous avez saisi, ou demandez au service informatique si votre compte peut utiliser le rôle du panneau.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation>La réponse d&apos;OpenBao à la connexion ne contient aucun jeton&#xa0;: demandez au service informatique.</translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation>OpenBao n&apos;accepte pas ce jeton (expiré, révoqué ou mal saisi).</translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation>La connexion par certificat nécessite --client-cert PATH et --client-key PATH.</translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation>OpenBao n&apos;a donné aucune adresse de connexion pour le rôle OIDC {role!r}&#xa0;: le service informatique doit ajouter {redirect_uri} aux allowed_redirect_uris du rôle.</translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation>Aucun navigateur n&apos;a pu être ouvert&#xa0;: ouvrez vous-même cette adresse pour vous connecter&#xa0;: {url}</translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation>Le navigateur n&apos;est pas revenu dans les {wait_s} s&#xa0;: connectez-vous à nouveau.</translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation>Le port {port} de ce PC est occupé ({reason}), le navigateur ne peut donc pas revenir au panneau&#xa0;: fermez l&apos;autre connexion (ou programme) et réessayez.</translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation>Le fournisseur d&apos;identité a refusé la connexion&#xa0;: {said}</translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation>Le navigateur est revenu sans code de connexion&#xa0;: connectez-vous à nouveau.</translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation>Conservez les transferts de {low} à {high} jours, pas {days}.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation>L&apos;historique des transferts {path} ne peut pas être écrit ({reason}).</translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>Le lien fait {length} caractères&#xa0;: transfer-panel://call/&lt;call ID&gt; est attendu.</translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>{text!r} n&apos;est pas un lien d&apos;appel&#xa0;: transfer-panel://call/&lt;call ID&gt; est attendu.</translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation>L&apos;ID de l&apos;appel dans le lien n&apos;est pas de l&apos;UTF-8 valide encodé en pourcentage.</translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation>L&apos;ID de l&apos;appel dans le lien commence ou se termine par une espace ou un caractère de contrôle.</translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation>Indiquez l&apos;appel avec --call-id ou avec un lien transfer-panel://, pas les deux.</translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation>Le message de l&apos;autre lancement est trop long.</translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation>Le message de l&apos;autre lancement n&apos;est pas de ceux que ce panneau envoie.</translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation>Le message de l&apos;autre lancement ne contient aucun ID d&apos;appel.</translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation>Le fichier {name} du panneau est manquant (recherché dans {looked}). Réinstallez le panneau.</translation>
    </message>
    <message>
        <source>Cannot reach Salesforce at {instance} ({error}). Check the network; the directory keeps its last copy.</source>
        <translation>Impossible de joindre Salesforce à {instance} ({error}). Vérifiez le réseau ; l&apos;annuaire garde sa dernière copie.</translation>
    </message>
    <message>
        <source>Salesforce refused a fresh access token for the directory (401). Check the integration user&apos;s permissions.</source>
        <translation>Salesforce a refusé un nouveau jeton d&apos;accès pour l&apos;annuaire (401). Vérifiez les autorisations de l&apos;utilisateur d&apos;intégration.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls ({used} of {limit} today). The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>L&apos;org a épuisé ses appels d&apos;API Salesforce du jour ({used} sur {limit} aujourd&apos;hui). L&apos;annuaire garde sa dernière copie ; il se rafraîchira quand la limite sera réinitialisée, ou demandez à votre administrateur d&apos;allonger l&apos;intervalle de rafraîchissement.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls. The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>L&apos;org a épuisé ses appels d&apos;API Salesforce du jour. L&apos;annuaire garde sa dernière copie ; il se rafraîchira quand la limite sera réinitialisée, ou demandez à votre administrateur d&apos;allonger l&apos;intervalle de rafraîchissement.</translation>
    </message>
    <message>
        <source>Salesforce answered {status} to the directory query: {message}. The directory keeps its last copy.</source>
        <translation>Salesforce a répondu {status} à la requête de l&apos;annuaire : {message}. L&apos;annuaire garde sa dernière copie.</translation>
    </message>
    <message>
        <source>Cannot reach the Salesforce login at {url} ({error}). Check the network.</source>
        <translation>Impossible de joindre la connexion Salesforce à {url} ({error}). Vérifiez le réseau.</translation>
    </message>
    <message>
        <source>Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, salesforce_username and that the connected app holds the certificate of the key stored with `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</source>
        <translation>Salesforce a refusé la connexion de l&apos;annuaire pour {username} : {reason}. Vérifiez salesforce_consumer_key, salesforce_username et que l&apos;application connectée détient le certificat de la clé enregistrée avec `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</translation>
    </message>
    <message>
        <source>Salesforce sent an answer that is not a query result. The directory keeps its last copy.</source>
        <translation>Salesforce a envoyé une réponse qui n&apos;est pas un résultat de requête. L&apos;annuaire garde sa dernière copie.</translation>
    </message>
    <message>
        <source>The demo directory {path} cannot be read ({error}). Reinstall the panel.</source>
        <translation>L&apos;annuaire de démo {path} ne peut pas être lu ({error}). Réinstallez le panneau.</translation>
    </message>
    <message>
        <source>The favorites file {path} cannot be read ({error}); starting without favorites. Starring a target writes a new one.</source>
        <translation>Le fichier des favoris {path} ne peut pas être lu ({error}) ; démarrage sans favoris. Ajouter une cible aux favoris en écrit un nouveau.</translation>
    </message>
    <message>
        <source>The favorites file {path} is damaged; starting without favorites. Starring a target writes a new one.</source>
        <translation>Le fichier des favoris {path} est endommagé ; démarrage sans favoris. Ajouter une cible aux favoris en écrit un nouveau.</translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation>une entrée de l&apos;annuaire doit être un agent, une file ou un flux, pas un élément de type {kind}</translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation>l&apos;ID {kind} {id} commence par {prefix}, qui est un ID {id_kind}, pas un ID {kind}</translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation>l&apos;élément {kind} {id} n&apos;a pas de nom</translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation>seuls les agents ont une présence&#xa0;; {label!r} est de type {kind}</translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation>Le fichier d&apos;annuaire {path} n&apos;existe pas. Vérifiez directory_file dans le profil.</translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation>Le fichier d&apos;annuaire {path} ne peut pas être lu ({reason}). Vérifiez directory_file dans le profil et que le fichier est lisible.</translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation>Le fichier d&apos;annuaire {path} n&apos;est pas un fichier ordinaire (un tube, un périphérique ou un dossier). Vérifiez directory_file dans le profil.</translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation>Le fichier d&apos;annuaire {path} fait {size} Mio&#xa0;; le panneau lit les fichiers d&apos;annuaire jusqu&apos;à {limit} Mio. Vérifiez qu&apos;il s&apos;agit bien de l&apos;annuaire, et retirez ce dont le panneau n&apos;a pas besoin.</translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation>Le fichier d&apos;annuaire {path} n&apos;est pas du texte UTF-8. Enregistrez-le en UTF-8.</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation>Le fichier d&apos;annuaire {path} doit avoir une ligne d&apos;en-tête avec les colonnes kind, id, name (et éventuellement detail, presence)&#xa0;; sa première ligne n&apos;en est pas une&#xa0;:</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation>Le fichier d&apos;annuaire {path} doit avoir une ligne d&apos;en-tête avec les colonnes kind, id, name (et éventuellement detail, presence)&#xa0;; manquantes&#xa0;: {missing}.</translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation>Le fichier d&apos;annuaire {path} doit être du JSON de la forme {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation>ligne {line}, cible {position}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>ligne {line}</translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation>elle dépasse {limit} octets</translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation>un guillemet ouvre un champ mais ne le ferme pas sur la même ligne</translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation>la ligne n&apos;est pas du CSV valide ({error})</translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation>la ligne n&apos;est pas du texte UTF-8&#xa0;; enregistrez le fichier en UTF-8</translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation>le kind {kind!r} doit être agent, queue ou flow</translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation>ce n&apos;est pas du JSON valide</translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation>elle contient des listes ou des objets, ou une chaîne qui ne se termine pas sur sa ligne</translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation>ce n&apos;est pas un objet avec kind, id et name</translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation>le fichier se termine à l&apos;intérieur</translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation>ligne {line}&#xa0;: l&apos;ID {id} figure aussi à la ligne {earlier_line}&#xa0;; c&apos;est cette ligne, plus loin, qui est utilisée</translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation>ligne {line}&#xa0;: le JSON est cassé ici (il manque une virgule ou un crochet fermant)&#xa0;; rien n&apos;est lu après</translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation>L&apos;annuaire enregistré {path} ne peut pas être lu ({reason})&#xa0;; il est ignoré.</translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation>L&apos;annuaire enregistré {path} est endommagé ou provient d&apos;une autre version ({why_text})&#xa0;; il est ignoré et sera remplacé à la prochaine actualisation.</translation>
    </message>
    <message>
        <source>Unknown scenario &apos;{scenario}&apos;: use one of {choices}.</source>
        <translation>Scénario inconnu &apos;{scenario}&apos; : utilisez l&apos;un de {choices}.</translation>
    </message>
    <message>
        <source>{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) only.</source>
        <translation>{target} n&apos;est pas un flux : « {scenario} » ne s&apos;applique qu&apos;aux flux Omni-Channel (300…).</translation>
    </message>
    <message>
        <source>Cannot save the class plan to {path}: {reason}</source>
        <translation>Impossible d&apos;enregistrer le plan de séance dans {path} : {reason}</translation>
    </message>
    <message>
        <source>Cannot read the class plan {path}: {reason}</source>
        <translation>Impossible de lire le plan de séance {path} : {reason}</translation>
    </message>
    <message>
        <source>{path} is not a class plan (TOML): {error}</source>
        <translation>{path} n&apos;est pas un plan de séance (TOML) : {error}</translation>
    </message>
    <message>
        <source>{source}: unknown keys {keys}; a plan has every_target and [targets].</source>
        <translation>{source} : clés inconnues {keys} ; un plan contient every_target et [targets].</translation>
    </message>
    <message>
        <source>{source}: every_target must be a scenario name and targets a table of target IDs.</source>
        <translation>{source} : every_target doit être un nom de scénario et targets une table d&apos;ID de cibles.</translation>
    </message>
    <message>
        <source>{source}: [targets.{target}] needs scenario = &quot;…&quot; (one of {choices}).</source>
        <translation>{source} : [targets.{target}] doit avoir scenario = &quot;…&quot; (l&apos;un de {choices}).</translation>
    </message>
    <message>
        <source>The class plan {source} cannot be used:</source>
        <translation>Le plan de séance {source} est inutilisable :</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation>Aucune clé privée n&apos;est stockée pour le profil &apos;{profile}&apos; dans {backend}&#xa0;: ouvrez Réglages… et définissez sa clé (les transferts échouent d&apos;ici là).</translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation>La clé privée stockée pour le profil &apos;{profile}&apos; dans {backend} est endommagée ({why_text}) et ne sera pas utilisée. Ouvrez Réglages… et définissez-la à nouveau.</translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation>Aucun profil n&apos;est configuré dans {path}&#xa0;: ajoutez-en un dans Réglages….</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation>Le profil &apos;{profile}&apos; a déjà une clé dans {backend}&#xa0;: rien n&apos;a été modifié. La remplacer bloque les transferts jusqu&apos;à ce que le nouveau certificat soit enregistré dans le Call Center&#xa0;; pour obtenir un certificat pour la clé existante, utilisez Exporter le certificat….</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation>La nouvelle clé est stockée dans {backend}, mais son certificat n&apos;a pas pu être enregistré sous {path} ({reason}). Utilisez Exporter le certificat… pour l&apos;enregistrer ailleurs.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation>{count} profils sont configurés ({names})&#xa0;: lancez le panneau avec --profile NAME.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation>L&apos;historique des transferts {path} est inutilisable ({reason_text}).</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation>Non connecté à OpenBao, qui signe les transferts de ce profil&#xa0;: connectez-vous avec Se connecter… en haut du panneau.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation>Votre connexion OpenBao a expiré ou a été révoquée&#xa0;: connectez-vous avec Se connecter… en haut du panneau.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation>Votre connexion OpenBao a expiré&#xa0;: connectez-vous avec Se connecter… en haut du panneau.</translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation>Déconnecté d&apos;OpenBao&#xa0;: connectez-vous avec Se connecter… en haut du panneau.</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>Aucun trousseau</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>Trousseau verrouillé</translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation>Erreur du trousseau</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>Aucune clé</translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation>Clé endommagée</translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation>{row} (ignorée)</translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation>ligne {line}&#xa0;: </translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation>{file}, ligne {line}&#xa0;: </translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>Non connecté à OpenBao.</translation>
    </message>
    <message>
        <source>a token</source>
        <translation>un jeton</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation>Connecté à OpenBao en tant que {who}, sans expiration</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation>Connecté à OpenBao en tant que {who}, jusqu&apos;à {until}</translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation>Déconnecté&#xa0;: le jeton OpenBao est révoqué.</translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation>Déconnecté (le jeton OpenBao avait déjà expiré ou été révoqué).</translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation>Déconnecté ici, mais OpenBao n&apos;a pas pu révoquer le jeton ({reason})&#xa0;; il cessera de fonctionner à son expiration.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation>Le profil &apos;{profile}&apos; n&apos;était pas connecté à OpenBao.</translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation>Routage demandé</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Refusé</translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation>Mauvaise forme de route</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Erreur serveur</translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation>Identifiants refusés</translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation>Aucun identifiant</translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation>Limité</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Non envoyé</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Résultat inconnu</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>Erreur interne</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation>Résultat inconnu ou en cours</translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation>Refusé par Salesforce</translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation>Non envoyé ou limité</translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation>Identifiants ou configuration</translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation>Vérifiez le softphone avant toute chose&#xa0;: si l&apos;appel n&apos;a pas bougé, réessayez.</translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;; vous pouvez réessayer sans risque.</translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: corrigez les identifiants et réessayez.</translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation>L&apos;historique des transferts n&apos;a pas pu être écrit&#xa0;: ce transfert n&apos;y figure pas.</translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation>Dans Réglages…, réglez la forme de route du profil &apos;{profile}&apos; sur {other_shape} et réessayez.</translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation>Réessayez dans {seconds} s.</translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation>Réessayez dans une minute.</translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation>Salesforce est surchargé ({status}) et n&apos;a pas traité la requête.</translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation>Le transfert vers {label} s&apos;est arrêté sur une erreur inattendue ({error}).</translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation>L&apos;appel est peut-être déjà en cours de transfert, ou pas&#xa0;: vérifiez le softphone avant de réessayer. Les détails sont dans le journal.</translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation>Le transfert vers {label} n&apos;a pas pu être envoyé&#xa0;: erreur inattendue ({error}).</translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation>Rien n&apos;a été envoyé. Les détails sont dans le journal&#xa0;; prévenez votre administrateur.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation>Salesforce ne connaît pas cet appel (404)&#xa0;: {said}.</translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation>Vérifiez l&apos;ID de l&apos;appel&#xa0;; l&apos;appel est peut-être terminé. Si tous les appels échouent ainsi, le serveur attend peut-être la forme de route {other_shape} (Réglages…).</translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation>Routage demandé vers {label}</translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation>Salesforce a refusé le routage vers {label} ({status})&#xa0;: {said}.</translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation>Vérifiez la cible et les entrées du flux&#xa0;; renvoyer la même requête ne servira à rien.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation>Le serveur n&apos;accepte pas la forme de route &apos;{route_shape}&apos; (405)&#xa0;: rien n&apos;a été routé.</translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation>Salesforce a refusé les identifiants ({status})&#xa0;: {said}. Rien n&apos;a été routé.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation>Vérifiez org_id et call_center dans le profil, le certificat enregistré dans le Call Center et l&apos;horloge de cet ordinateur&#xa0;; puis demandez à votre administrateur.</translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation>Salesforce a rencontré une erreur serveur ({status})&#xa0;: {said}.</translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation>L&apos;appel a peut-être déjà été transféré, ou pas&#xa0;: vérifiez le softphone avant de réessayer.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation>Impossible de joindre Salesforce ({error})&#xa0;: rien n&apos;a été envoyé.</translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation>Vérifiez la connexion réseau et réessayez&#xa0;; vous pouvez réessayer sans risque.</translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation>Pas de réponse de Salesforce ({error})&#xa0;: l&apos;appel est peut-être déjà en cours de routage.</translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation>Salesforce n&apos;a pas pu être joint dans les {timeout_s} s&#xa0;: rien n&apos;a été envoyé.</translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation>Pas de réponse de Salesforce dans les {timeout_s} s&#xa0;: l&apos;appel est peut-être déjà en cours de routage.</translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation>Le panneau s&apos;est fermé pendant le transfert vers {label}&#xa0;: l&apos;appel a peut-être été routé.</translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation>Le panneau a été quitté pendant le transfert vers {label}&#xa0;: l&apos;appel a peut-être été routé.</translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation>Vérifiez d&apos;abord le softphone&#xa0;: ne transférez à nouveau que si l&apos;appel n&apos;a pas bougé.</translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation>Ne réessayez pas à l&apos;aveugle&#xa0;: une seconde requête pourrait router l&apos;appel deux fois.</translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation>Restez avec l&apos;appelant&#xa0;; demandez à votre superviseur de transférer l&apos;appel&#xa0;: ce panneau ne peut pas transférer tant que le service informatique n&apos;a pas corrigé le problème.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation>Dites à l&apos;appelant que cela va prendre un instant, puis réessayez&#xa0;; si l&apos;échec persiste, demandez à votre superviseur.</translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation>Envoyez le fichier journal au service informatique (transfer-panel diagnostics).</translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation>Vérifiez que l&apos;agent {target} peut prendre des appels vocaux dans Omni-Channel (statut de présence, capacité).</translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation>Vérifiez que la file {target} prend en charge les appels vocaux et a une configuration de routage.</translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation>Vérifiez que {target} est un flux Omni-Channel actif (son ID de définition de flux 300…).</translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} tentative</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} tentatives</numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation>HTTP {status} · {elapsed} ms</translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation>Salesforce a répondu&#xa0;: {said}</translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: vous n&apos;êtes pas connecté à OpenBao.</translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation>Connectez-vous (Se connecter… en haut du panneau), puis transférez à nouveau.</translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: le trousseau est verrouillé.</translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation>Déverrouillez-le (trousseau ou gestionnaire de mots de passe de votre bureau), puis transférez à nouveau.</translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: ce panneau n&apos;a aucune clé utilisable pour signer les transferts.</translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: l&apos;historique des transferts ne peut pas être écrit.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: le panneau n&apos;a pas pu signer le transfert.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation>Dites à l&apos;appelant que vous le mettez en relation&#xa0;; essayez {alternative} ou demandez à votre superviseur.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation>Dites à l&apos;appelant que vous le mettez en relation, et demandez à votre superviseur où envoyer l&apos;appel.</translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>Vérifiez l&apos;entrée de flux ({count})&#xa0;: chaque nom doit être une variable d&apos;entrée du flux.</numerusform>
            <numerusform>Vérifiez les {count} entrées de flux&#xa0;: chaque nom doit être une variable d&apos;entrée du flux.</numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation>Vérifiez que la file de secours {queue} prend en charge les appels vocaux.</translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation>Renvoyer la même requête ne servira à rien.</translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation>Salesforce a refusé de router l&apos;appel vers {label}.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation>Salesforce ne connaît pas cet appel&#xa0;: il est peut-être terminé.</translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation>Vérifiez le softphone&#xa0;; si l&apos;appelant est toujours là, demandez à votre superviseur.</translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation>Vérifiez l&apos;ID d&apos;appel transmis par le softphone.</translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation>Si tous les appels échouent ainsi, le serveur attend peut-être la forme de route {other_shape}&#xa0;: réglez-la pour le profil &apos;{profile}&apos; dans Réglages….</translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation>Rien n&apos;a été routé&#xa0;: les réglages du panneau ne correspondent pas à Salesforce.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation>Le serveur n&apos;accepte pas la forme de route &apos;{route_shape}&apos;&#xa0;: {fix}</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation>Dites à l&apos;appelant que cela va prendre un instant&#xa0;; réessayez dans {seconds} s.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation>Dites à l&apos;appelant que cela va prendre un instant&#xa0;; réessayez dans une minute.</translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation>Salesforce est surchargé&#xa0;: rien n&apos;a été routé.</translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation>Salesforce n&apos;a pas traité la requête&#xa0;: vous pouvez la renvoyer sans risque.</translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation>Erreur&#xa0;: {error} (la trace est dans le fichier journal du panneau).</translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation>Le transfert s&apos;est arrêté sur une erreur inattendue&#xa0;: l&apos;appel est peut-être déjà en cours de transfert, ou pas.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation>Rien n&apos;a été envoyé&#xa0;: le panneau a rencontré une erreur inattendue.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation>Dites à l&apos;appelant que cela va prendre un instant, puis réessayez&#xa0;; si cela se reproduit, demandez à votre superviseur.</translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation>Résultat inconnu&#xa0;: l&apos;appel est peut-être déjà en cours de transfert.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation>Impossible de joindre Salesforce&#xa0;: rien n&apos;a été envoyé.</translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation>Vérifiez la connexion réseau de cet ordinateur et qu&apos;il peut joindre le base_url du profil.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation>Dites à l&apos;appelant que vous le mettez en relation&#xa0;; le softphone indique quand l&apos;appel est transféré.</translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation>Salesforce a accepté la demande de routage&#xa0;; sa réponse ne confirme pas que l&apos;appel a été transféré.</translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation>Rien n&apos;a été routé&#xa0;: Salesforce a refusé les identifiants de ce panneau.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation>Vérifiez org_id et call_center dans le profil, le certificat enregistré dans le Call Center (il doit correspondre à la clé du trousseau) et l&apos;horloge de cet ordinateur.</translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation>Salesforce a rencontré un problème&#xa0;: l&apos;appel a peut-être été transféré, ou pas.</translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation>Une défaillance côté Salesforce&#xa0;; le panneau ne répète jamais une telle requête de lui-même.</translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation>Avant tout envoi&#xa0;: {error}.</translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>Aucune connexion dans le délai du profil ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation>La requête a été envoyée, puis&#xa0;: {error}.</translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>La requête a été envoyée&#xa0;; aucune réponse dans le délai du profil ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation>Le panneau s&apos;est fermé pendant que la requête était en cours.</translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation>Le panneau a été quitté pendant que la requête était en cours.</translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation>Résultat du transfert</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation>Détails pour le service informatique</translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation>Affiche le statut HTTP, la réponse du serveur et ce que le service informatique doit vérifier</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation>Réessayer le transfert</translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation>Transfert vers {label}…</translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation>En attente de la réponse de Salesforce.</translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>Réessayer dans %n s</numerusform>
            <numerusform>Réessayer dans %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation>Pour le service informatique&#xa0;:</translation>
    </message>
</context>
<context>
    <name>PanelHeader</name>
    <message>
        <source>DEMO</source>
        <translation>DÉMO</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>Épingler</translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation>Compact et toujours au premier plan</translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation>Compact et toujours au premier plan, à côté du softphone</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Formateur</translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation>Outils du formateur</translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation>Scénarios, vue présentateur et inspecteur de requêtes (Ctrl+T)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Historique des transferts</translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation>Ce qui a été transféré, quand, et comment cela s&apos;est passé (Ctrl+H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Réglages…</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Ouvrir les réglages</translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation>Profils et clés (Ctrl+,)</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>Trousseau</translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation>Mode démo&#xa0;: les transferts vont au simulateur intégré à {endpoint}, jamais à Salesforce</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>FORMATION</translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation>Profil de formation&#xa0;: les transferts vont à {endpoint}</translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation>{reason}
Cliquez pour vérifier à nouveau.</translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation>{short}&#xa0;: {reason} Activez pour vérifier à nouveau.</translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>Panneau de transfert vocal</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Avis</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Réglages…</translation>
    </message>
    <message>
        <source>Open settings to fix this</source>
        <translation>Ouvrir les réglages pour corriger ceci</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation>Échec du démarrage ({error}). Les détails sont dans le journal.</translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation>Le panneau ne peut pas se connecter</translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation>Corrigez le problème affiché en haut (Réglages…) pour pouvoir transférer.</translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation>Pas d&apos;annuaire&#xa0;: le panneau n&apos;est pas connecté.</translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>Un problème est survenu (%n jusqu&apos;ici)</numerusform>
            <numerusform>Un problème est survenu (%n jusqu&apos;ici)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Un problème est survenu</translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation>{description}
Le panneau fonctionne toujours&#xa0;; les détails sont dans le journal.</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nom</translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation>Le nom du profil, utilisé avec --profile. Lettres, chiffres, &apos;-&apos; et &apos;_&apos; (64 au maximum). Un profil existant ne peut pas être renommé ici&#xa0;: créez-en un nouveau à la place.</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>URL de &amp;base</translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation>L&apos;URL de base SCRT, prise telle quelle (les sandbox utilisent d&apos;autres formes d&apos;hôte), par ex.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Doit être en https://&#xa0;; http:// simple uniquement vers cet ordinateur (un simulateur local).</translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation>&amp;ID d&apos;organisation</translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation>L&apos;ID d&apos;organisation Salesforce (00D…, 15 ou 18 caractères), depuis Configuration &gt; Informations sur la société. C&apos;est l&apos;émetteur du jeton (iss).</translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation>&amp;Call Center</translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation>Le nom d&apos;API du Call Center, par ex. HVCC. C&apos;est le sujet du jeton (sub).</translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation>Nom du &amp;fournisseur</translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation>Facultatif. Envoyé dans l&apos;en-tête Telephony-Provider-Name s&apos;il est défini&#xa0;: ASCII simple, par ex. Amazon Connect.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Formation</translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation>Profil de salle de formation uniquement&#xa0;: autorise le http:// simple vers le simulateur du formateur sur un autre ordinateur (jamais Salesforce ni une adresse publique)&#xa0;; la fenêtre affiche FORMATION.</translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation>Forme de &amp;route</translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation>Comment l&apos;appel de routage est adressé (Salesforce documente les deux)&#xa0;:
seed (par défaut)&#xa0;: POST {base}/voiceCalls/{id}/routeVoiceCall
connector&#xa0;: PATCH {base}/voiceCalls/route/{id}
Une réponse 405 signifie que le serveur attend l&apos;autre forme.</translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation>Format du cor&amp;ps</translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation>json (par défaut) ou xml (racine &lt;routeVoiceCall&gt;, entrées de flux sous la forme &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation>Entrées de flu&amp;x en</translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation>object (par défaut) envoie flowInputParameters sous forme d&apos;objet JSON&#xa0;; string l&apos;envoie encodé en JSON dans une chaîne. Corps JSON uniquement.</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>&amp;Délai</translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation>Délai maximal d&apos;un transfert, nouvelle tentative comprise (1 à 120 secondes, 10 par défaut).</translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation>Modèle d&apos;ID de contact</translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation>Facultatif. Une expression régulière à laquelle les ID de contact du fournisseur de téléphonie correspondent en entier, par ex. [0-9a-f-]{36} pour les UUID d&apos;Amazon Connect. Vide&#xa0;: un seul mot, sans espaces.</translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation>Annu&amp;aire</translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation>Provenance de l&apos;annuaire&#xa0;: none (coller des ID), file (un fichier CSV ou JSON d&apos;un administrateur), salesforce (l&apos;API REST de l&apos;organisation) ou demo (l&apos;annuaire intégré).</translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation>Fichier d&apos;annuaire</translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation>Chemin du fichier d&apos;annuaire (CSV ou JSON). Vérifié toutes les 5 s et rechargé quand il change.</translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation>URL de connexion</translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation>https://login.salesforce.com (par défaut), https://test.salesforce.com ou l&apos;URL de votre My Domain&#xa0;: l&apos;audience du JWT.</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>Clé client</translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation>La clé client de l&apos;application connectée&#xa0;: l&apos;émetteur du JWT.</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>Utilisateur API</translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation>L&apos;utilisateur d&apos;intégration&#xa0;: le sujet du JWT. Sa clé est stockée avec transfer-panel credentials set --purpose salesforce-api.</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>Version d&apos;API</translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation>Version de l&apos;API REST, par ex. 62.0 (par défaut).</translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation>Actualisation de la présence</translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation>Fréquence de relecture de la présence des agents (10 à 3600 secondes, 30 par défaut).</translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation>Si&amp;gnature</translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation>keyring (par défaut)&#xa0;: la clé du Call Center dans le trousseau de ce PC. openbao&#xa0;: OpenBao ou HashiCorp Vault Transit détient la clé&#xa0;; le conseiller s&apos;y connecte.</translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation>URL OpenBao</translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation>L&apos;adresse OpenBao ou Vault, par ex. https://openbao.example.com:8200.</translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation>Point de montage Transit</translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation>Emplacement où Transit est monté (transit par défaut).</translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation>Clé Transit</translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation>La clé Transit qui contient la clé privée du Call Center.</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>Méthode de connexion</translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation>Comment les conseillers se connectent à OpenBao&#xa0;: oidc (le navigateur), userpass, approle, cert ou token.</translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation>Rôle de connexion</translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation>Le rôle OIDC ou cert configuré par le service informatique pour le panneau&#xa0;; le RoleID pour approle.</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>Espace de noms</translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation>Facultatif&#xa0;: un espace de noms Vault Enterprise / OpenBao.</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>Fichier CA</translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation>Facultatif&#xa0;: le certificat de l&apos;autorité de certification qui a signé celui d&apos;OpenBao&#xa0;; sinon le magasin de confiance du système.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requêtes</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Annuaire</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation>par ex. HVCC</translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation>facultatif, par ex. Amazon Connect</translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation>facultatif, par ex. [0-9a-f-]{36}</translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation>par ex. /srv/team.csv</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation>Simulateur de formation (http:// simple autorisé)</translation>
    </message>
    <message>
        <source>Locked. {reason}</source>
        <translation>Verrouillé. {reason}</translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Success</source>
        <translation>Succès</translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation>«&#xa0;Routage demandé vers …&#xa0;»</translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation>Cible refusée</translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation>la raison donnée par le serveur (la cible ne peut pas prendre d&apos;appels vocaux)</translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation>Identifiants expirés ou invalides</translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation>une erreur de configuration&#xa0;: le jeton a été refusé</translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation>Limité (Retry-After)</translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation>«&#xa0;réessayez dans {throttle_s} s&#xa0;»&#xa0;; rien n&apos;a été routé</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Erreur serveur</translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation>une défaillance du serveur&#xa0;; nouvelle tentative manuelle uniquement</translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation>Réponse lente</translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation>la requête en cours pendant {slow_s} s, puis succès</translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation>Connexion interrompue</translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation>«&#xa0;résultat inconnu&#xa0;»&#xa0;: l&apos;appel est peut-être déjà en cours de transfert</translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation>Échec du flux (file de secours)</translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation>le routage vers un flux ne réussit que via sa file de secours&#xa0;; sans elle, il est refusé</translation>
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
        <translation>Profil {name}&#xa0;: {endpoint}</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Reconnexion…</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>Fermeture…</translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation>En attente de la fin du transfert en cours.</translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation>Favoris non enregistrés</translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation>{error}. Ils restent valables jusqu&apos;à la fermeture du panneau.</translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation>Aucun favori {number}</translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation>Ajoutez une cible aux favoris (☆ sur sa ligne ou dans le formulaire, ou Ctrl+D) pour la choisir avec Ctrl+1…9.</translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation>Signature impossible</translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation>L&apos;annuaire de démo est vide.</translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation>Chargement de l&apos;annuaire depuis {source}…</translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation>Aucun annuaire n&apos;est encore configuré pour ce profil.
Collez un ID d&apos;agent (005…), de file (00G…) ou de flux (300…) dans la zone de recherche pour y transférer l&apos;appel.</translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation>Le panneau s&apos;est fermé pendant un transfert</translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation>Vérifiez le softphone&#xa0;: ces appels ont peut-être été transférés. Ils figurent dans l&apos;historique (Ctrl+H) et les transférer à nouveau demande d&apos;abord une confirmation.</translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation>Un nouvel historique des transferts a été commencé</translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation>L&apos;ancien était inutilisable et a été déplacé vers {path}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Réglages</translation>
    </message>
    <message>
        <source>Show in the f&amp;ile</source>
        <translation>Afficher dans le fic&amp;hier</translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation>Afficher les problèmes dans le fichier de configuration</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profils</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>Nou&amp;veau</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Nouveau profil</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>&amp;Enregistrer le profil</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Enregistrer le profil</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>&amp;Utiliser ce profil</translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation>Utiliser ce profil dans le panneau</translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation>Revenir au mode démo</translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation>Le simulateur intégré, l&apos;annuaire et les appels de démo&#xa0;; rien n&apos;atteint Salesforce. Vos profils restent tels quels.</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>Fermer les réglages</translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation>Pr&amp;ofils</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>Fichier de configuration</translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation>La langue du panneau</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>Comme le bureau</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation>Ce démarrage utilise --lang {language}.</translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation>Le panneau l&apos;utilisera à partir de son prochain démarrage.</translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation>Le panneau est en mode démo&#xa0;: les transferts vont au simulateur intégré.</translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation>Le panneau utilise le profil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation>Le panneau n&apos;est pas connecté&#xa0;: enregistrez un profil, ou choisissez-en un et cliquez sur Utiliser.</translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation>&amp;Utiliser &apos;{name}&apos;</translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>Fichier de configuration (%n problème)</numerusform>
            <numerusform>Fichier de configuration (%n problèmes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>Le fichier de configuration {path} a %n problème&#xa0;: le panneau ne peut pas l&apos;utiliser tant qu&apos;il n&apos;est pas corrigé (Fichier de configuration).</numerusform>
            <numerusform>Le fichier de configuration {path} a %n problèmes&#xa0;: le panneau ne peut pas l&apos;utiliser tant qu&apos;ils ne sont pas corrigés (Fichier de configuration).</numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation>[profiles.{name}] {key} est défini par votre service informatique ({site_path})&#xa0;; la valeur dans {path} est ignorée.</translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation>Défini par votre service informatique dans {path}&#xa0;; ne peut pas être modifié ici.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>Non enregistré. {reason}</translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation>Le profil &apos;{name}&apos; a été écrit dans {path}, mais le fichier se lit désormais différemment (voir ci-dessus).</translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation>Profil &apos;{name}&apos; enregistré dans {path}. Le panneau l&apos;utilise désormais.</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation>Connexion OpenBao</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>Non connecté à OpenBao.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Se connecter…</translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation>Se connecter à OpenBao</translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation>Nom d&apos;utilisateur OpenBao</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation>Mot de passe OpenBao</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation>Se connecter avec ce mot de passe</translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation>Connexion via votre navigateur… terminez-la là-bas, puis revenez.</translation>
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
        <translation>File</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>Flux</translation>
    </message>
</context>
<context>
    <name>TargetListModel</name>
    <message>
        <source>{target}, favorite</source>
        <translation>{target}, favori</translation>
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
        <translation>File d&apos;attente</translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation>Flux Omni-Channel</translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation>Nom de développeur&#xa0;: {name}</translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation>Nom d&apos;API&#xa0;: {name}</translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation>{kind} {id} (ID saisi)</translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation>Absent de l&apos;annuaire&#xa0;: vérifiez l&apos;ID avant de transférer</translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation>Présence inconnue</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation>Plans de séance (*.toml)</translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation>Le conseiller voit {what}</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Formateur</translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation>Définir pour la cible sélectionnée</translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation>La cible choisie dans le formulaire de transfert du panneau reçoit plutôt ce scénario</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation>Charger un plan…</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>Enregistrer le plan…</translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation>Vue présentateur (grand texte pour un projecteur)</translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation>Inspecteur de requêtes…</translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation>Ce que chaque transfert a envoyé et reçu (Ctrl+I)</translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation>Définir le scénario de la cible sélectionnée</translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation>Supprimer le scénario de la cible sélectionnée</translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation>Charger un plan de séance</translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation>Enregistrer le plan de séance</translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation>Ouvrir l&apos;inspecteur de requêtes</translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation>&amp;Chaque transfert reçoit</translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation>Sauf ces &amp;cibles</translation>
    </message>
    <message>
        <source>&amp;Scenario for the target in the panel&apos;s form</source>
        <translation>&amp;Scénario pour la cible du formulaire du panneau</translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation>Appliqué&#xa0;: les prochains transferts suivent ce plan.</translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation>Choisissez d&apos;abord une cible dans le panneau&#xa0;; elle recevra ensuite le scénario choisi ici.</translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation>Le conseiller voit {what}.</translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation>{target}&#xa0;: le conseiller voit {what}</translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation>{error}
Le plan en cours est inchangé.</translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation>{file} chargé&#xa0;: les prochains transferts suivent ce plan.</translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation>Enregistré dans {path}. Chargez-le à la prochaine séance, ou passez-le à `transfer-panel simulator --plan`.</translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation>Choisissez un agent, une file ou un flux dans l&apos;annuaire ci-dessus.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>TRANSFER</source>
        <translation>TRANSFERT</translation>
    </message>
    <message>
        <source>&amp;Fallback queue</source>
        <translation>File de &amp;secours</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transférer</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>Retirer des favoris</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>Ajouter aux favoris</translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation>{action} (Ctrl+D)&#xa0;; Ctrl+1…9 choisit le favori 1…9</translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation>Aucune cible sélectionnée</translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation>Recherchez dans l&apos;annuaire, puis choisissez une ligne (Entrée ou clic).</translation>
    </message>
    <message>
        <source>Presence: {state}</source>
        <translation>Présence&#xa0;: {state}</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>Transfert…</translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation>Transférer vers {name}</translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation>En attente d&apos;un appel du softphone.</translation>
    </message>
    <message>
        <source>Pick the fallback queue: Enter takes the top match.</source>
        <translation>Choisissez la file de secours&#xa0;: Entrée prend le premier résultat.</translation>
    </message>
    <message>
        <source>available</source>
        <translation>disponible</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>occupé</translation>
    </message>
    <message>
        <source>away</source>
        <translation>absent</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
</context>
<context>
    <name>TransferSection</name>
    <message>
        <source>TRANSFER</source>
        <translation>TRANSFERT</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
</context>
</TS>
