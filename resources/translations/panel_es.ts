<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} progress</source>
        <translation>Progreso de {name}</translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation>Descartar {name}</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Descartar</translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation>Cambio tras esta transferencia</translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation>El panel se conectará según lo elegido en Ajustes cuando termine la transferencia en curso.</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation>Esperando una llamada del softphone (o pegue su ID)</translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation>Origen: línea de comandos</translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation>Origen: softphone</translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation>Origen: demo</translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation>Origen: escrito</translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation>LLAMADA ACTIVA</translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation>ID de la llamada activa</translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation>El ID de VoiceCall (0LQ…) o el ID de contacto del proveedor de telefonía de la llamada que se va a transferir</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>Copiar el ID de la llamada</translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation>Copiar el ID de la llamada al portapapeles</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Editar</translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation>Editar el ID de la llamada</translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation>Cambiar el ID de la llamada a mano (Ctrl+L)</translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation>Nueva llamada demo</translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation>Iniciar una nueva llamada demo</translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation>Simular una nueva llamada entrante con un ID de VoiceCall nuevo</translation>
    </message>
    <message>
        <source>{source} · copied</source>
        <translation>{source} · copiado</translation>
    </message>
    <message>
        <source>Caller: {caller}</source>
        <translation>Cliente: {caller}</translation>
    </message>
    <message>
        <source>✓ Salesforce VoiceCall ID</source>
        <translation>✓ ID de VoiceCall de Salesforce</translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation>✓ ID de contacto de telefonía (se usa tal cual)</translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation>{file} (archivo de TI), línea {line}</translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation>{file} (archivo de TI)</translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation>Línea {line}: {problem}</translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation>Problemas en el archivo de configuración</translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation>Corregir esta &amp;errata</translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation>Renombrar la clave mal escrita</translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation>Texto del archivo de configuración</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>&amp;Recargar</translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation>Volver a leer el archivo de configuración</translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation>Guardar &amp;archivo</translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation>Guardar el archivo de configuración</translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation>{path} (aún no creado)</translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation>El archivo se modificó en otro lugar desde que empezó a editarlo: Recargar lo muestra (y descarta su edición); Guardar archivo no lo sobrescribirá.</translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation>Renombrar &apos;{typed}&apos; a &apos;{meant}&apos;</translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation>Editado: aún no guardado.</translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>Editado: %n problema que corregir antes de poder guardarlo.</numerusform>
            <numerusform>Editado: %n problemas que corregir antes de poder guardarlo.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>No guardado. {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>{path} guardado: %n perfil, sin problemas.</numerusform>
            <numerusform>{path} guardado: %n perfiles, sin problemas.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation>Confirmar una segunda transferencia</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Transferir de nuevo</translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation>Transferir esta llamada de nuevo</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation>Cancelar la segunda transferencia</translation>
    </message>
    <message>
        <source>Transfer to {label} anyway</source>
        <translation>Transferir a {label} de todos modos</translation>
    </message>
    <message>
        <source>Transfer anyway</source>
        <translation>Transferir de todos modos</translation>
    </message>
    <message>
        <source>{label} is {state}.</source>
        <translation>{label} está {state}.</translation>
    </message>
    <message>
        <source>{previous} Transfer the call to them anyway?</source>
        <translation>{previous} ¿Transferirle la llamada de todos modos?</translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation>Esta llamada se está transfiriendo.</translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation>Transferir de nuevo a {label}</translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation>Puede que esta llamada ya se esté moviendo.</translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation>{previous} Enrutarla de nuevo puede moverla dos veces. ¿Transferirla a {label} de todos modos?</translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation>Trabajando…</translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation>No se puede leer el archivo: {error}.</translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation>Error inesperado ({error}); los detalles están en el archivo de registro.</translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation>Suba el certificado {path} al Call Center (válido hasta {date}).
Huella del certificado (SHA-256):
{first}
{second}</translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation>Clave privada (llavero del sistema)</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>Frase de contraseña de la clave</translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation>solo si el archivo PEM está cifrado</translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation>Escríbala antes de elegir el archivo; se borra en cuanto se usa.</translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation>Establecer clave privada desde archivo &amp;PEM…</translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation>Establecer clave privada desde archivo PEM</translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation>Crear clave &amp;y certificado…</translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation>Crear clave y certificado</translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation>Una nueva clave RSA de 2048 bits, guardada solo en el llavero, y el certificado autofirmado que debe subir al Call Center, guardado donde usted elija.</translation>
    </message>
    <message>
        <source>E&amp;xport certificate…</source>
        <translation>E&amp;xportar certificado…</translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation>Exportar certificado</translation>
    </message>
    <message>
        <source>Save a new self-signed certificate for the stored key (e.g. when the first one was lost).</source>
        <translation>Guardar un nuevo certificado autofirmado para la clave guardada (p. ej. si se perdió el primero).</translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation>&amp;Eliminar clave</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Eliminar clave</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>Prob&amp;ar</translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation>Probar la clave y mostrar los claims de un token</translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation>&amp;Sustituir la clave…</translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation>Sustituir la clave guardada</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Conservarla</translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation>Conservar la clave guardada</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>Llavero:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>Clave:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>Frase de con&amp;traseña:</translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation>Guarde primero el perfil y después guarde su clave.</translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation>desconocido: no se puede usar el llavero</translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation>guardada para &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation>ninguna guardada para &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Clave privada (PEM)</translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation>Claves privadas PEM (*.pem *.key)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation>Clave RSA de {bits} bits guardada para &apos;{name}&apos;.
Huella: {fingerprint}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation>&apos;{name}&apos; ya tiene una clave. Una nueva la sustituye y las transferencias fallan hasta que su certificado se registre en el Call Center.</translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation>Guardar el certificado (PEM)</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>Certificados PEM (*.pem *.crt)</translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation>Se creó una clave RSA de {bits} bits para &apos;{name}&apos; en el llavero.</translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation>Sustituye a la clave anterior: las transferencias fallan hasta que este certificado se registre en el Call Center.</translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation>Se guardó un nuevo certificado para la clave de &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation>Se eliminó del llavero la clave de &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation>No había ninguna clave guardada para &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation>La clave funciona: se emitió un token para &apos;{name}&apos;. Sus claims (el token en sí nunca se muestra):</translation>
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
        <translation>Mostrar / ocultar el panel</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation>Todo</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agentes</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Colas</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>Flujos</translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation>Mostrar agentes</translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation>Mostrar colas</translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation>Mostrar flujos</translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation>Mostrar todos los tipos</translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears.</source>
        <translation>Escriba cualquier parte de un nombre; las flechas Arriba y Abajo recorren los resultados, Intro elige uno y Esc borra la búsqueda.</translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation>Cargando el directorio…</translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation>DIRECTORIO</translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation>Buscar agentes, colas, flujos</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>Buscar en el directorio</translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation>Buscar (Ctrl+K)</translation>
    </message>
    <message>
        <source>Available only</source>
        <translation>Solo disponibles</translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation>Solo agentes disponibles</translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation>Presencia: disco verde con una marca = Disponible; disco rojo con una barra = Ocupado o en llamada; disco ámbar con agujas de reloj = Ausente; anillo gris = Desconectado o desconocido. El estado también figura bajo el nombre de cada agente.</translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation>Progreso de la actualización del directorio</translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation>Actualidad del directorio</translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation>Resultados del directorio</translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation>Ocultar los agentes ocupados, ausentes o desconectados.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>%Ln resultado</numerusform>
            <numerusform>%Ln resultados</numerusform>
        </translation>
    </message>
    <message>
        <source>; {shown} listed, more as you move down</source>
        <translation>; {shown} en la lista, más al bajar</translation>
    </message>
    <message>
        <source>{row}, {position} of {total}</source>
        <translation>{row}, {position} de {total}</translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation>Nada coincide con «{query}».
Pegue un ID de agente (005…), cola (00G…) o flujo (300…) para usarlo directamente.</translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation>No hay destinos.</translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation>Desde {source}</translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation>A las {time} · {source}</translation>
    </message>
    <message>
        <source>{used} of {limit} API calls used today</source>
        <translation>{used} de {limit} llamadas a la API usadas hoy</translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation>{as_of} · actualizando…</translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation>La actualización ha fallado: {reason}</translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation>{as_of}. {failed}</translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation>El directorio está vacío.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>%Ln fila omitida: {problem}</numerusform>
            <numerusform>%Ln filas omitidas: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>Actualizando desde {source}: {done} de %Ln entrada…</numerusform>
            <numerusform>Actualizando desde {source}: {done} de %Ln entradas…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>Actualizando desde {source}: %Ln entrada…</numerusform>
            <numerusform>Actualizando desde {source}: %Ln entradas…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation>Cola de respaldo</translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation>Opcional: la cola que recibe la llamada si falla el enrutamiento al flujo. Escriba para buscar colas.</translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation>Se usa si falla el enrutamiento al flujo (opcional)</translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation>Ninguna (opcional) · escriba para buscar colas</translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation>Nombre (nombre de API)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation>Nombre de la entrada de flujo {number}</translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation>Valor de la entrada de flujo {number}</translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation>Quitar la entrada de flujo {number}</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Entradas del flujo</translation>
    </message>
    <message>
        <source>None. This flow takes {names}: Add input, then Down in its name lists them.</source>
        <translation>Ninguna. Este flujo admite {names}: pulse Añadir entrada y luego la flecha Abajo en el campo del nombre las muestra.</translation>
    </message>
    <message>
        <source>Name (Down lists the flow&apos;s)</source>
        <translation>Nombre (Abajo muestra las del flujo)</translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation>Ninguna. Añada las variables de entrada del flujo si las necesita.</translation>
    </message>
    <message>
        <source>Add input</source>
        <translation>Añadir entrada</translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation>Añadir una entrada de flujo</translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation>Problema con las entradas del flujo</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation>Inspector de solicitudes</translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation>Transfiera una llamada: su solicitud y su respuesta aparecerán aquí.</translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation>Lo más reciente primero · el token nunca se muestra, solo sus claims descodificados</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Limpiar</translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation>Solicitudes, la más reciente primero</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>Detalles de la solicitud</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Limpiar la lista</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation>ID de llamada</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Destino</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Fallback queue</source>
        <translation>Cola de respaldo</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Entradas del flujo</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation>Todos los resultados</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Últimos 90 días</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>Todo lo conservado</translation>
    </message>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>%n entrada</numerusform>
            <numerusform>%n entradas</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Historial de transferencias</translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation>ID de llamada o destino</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>&amp;Resultado</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Periodo</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>Copiar fila</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Transferir de nuevo</translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation>Enrutar la llamada activa al destino de esta fila</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>Show flow-input values</source>
        <translation>Mostrar los valores de las entradas de flujo</translation>
    </message>
    <message>
        <source>They may hold customer data: show them only when needed</source>
        <translation>Pueden contener datos de clientes: muéstrelos solo cuando sea necesario</translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation>Incluir los valores de las entradas de flujo</translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation>Pueden contener datos de clientes: no los incluya salvo que sea necesario</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation>Conservar transferencias durante </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation>Conservar esta cantidad de días a partir de ahora; las transferencias más antiguas se eliminan ya</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Transferencias</translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation>Transferir de nuevo la llamada activa a este destino</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>Exportar a CSV</translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation>Cuántos días conserva el historial las transferencias</translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation>Aplicar el período de conservación</translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>Se conservan las transferencias durante %n día: {removed}</numerusform>
            <numerusform>Se conservan las transferencias durante %n días: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>%Ln transferencia antigua eliminada.</numerusform>
            <numerusform>%Ln transferencias antiguas eliminadas.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>%Ln transferencia (la más reciente; la exportación las escribe todas)</numerusform>
            <numerusform>%Ln transferencias (las más recientes; la exportación las escribe todas)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>%Ln transferencia</numerusform>
            <numerusform>%Ln transferencias</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation>Exportar el historial a CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>No se pudo escribir {path}: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>%Ln transferencia exportada a {path}</numerusform>
            <numerusform>%Ln transferencias exportadas a {path}</numerusform>
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
        <translation>destino</translation>
    </message>
    <message>
        <source>fallback queue</source>
        <translation>cola de respaldo</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>ID de llamada</translation>
    </message>
    <message>
        <source>fault target</source>
        <translation>destino de fallo</translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation>la URL base de SCRT, p. ej. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation>https://login.salesforce.com, https://test.salesforce.com o la URL de su My Domain</translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation>el simulador del formador, p. ej. http://192.168.1.20:8765/telephony/v1</translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation>la dirección de OpenBao o Vault, p. ej. https://openbao.example.com:8200</translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation>el nombre de la clave de Transit que guarda la clave privada del Call Center</translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation>el rol de {source} que TI configuró para el panel</translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation>el ID de organización de 15 o 18 caracteres (00D…) de Configuración &gt; Información de la empresa</translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>el nombre de API del Call Center, p. ej. HVCC</translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation>Instale e inicie un llavero Secret Service (GNOME Keyring o KWallet) en su sesión de escritorio y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation>El llavero del sistema / Administrador de credenciales no respondió; vuelva a iniciar sesión e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation>faltan partes o no coinciden con su suma de comprobación</translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation>no se puede descodificar</translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation>su manifiesto no se puede leer</translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation>lo escribió una versión más reciente del panel</translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation>no es un archivo de una caché de directorio</translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation>no coincide con su suma de comprobación</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation>[profiles.{profile}] clave desconocida {key!r}: ¿quiso decir {suggestion!r}?</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation>[profiles.{profile}] clave desconocida {key!r}: consulte la referencia de configuración del README</translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation>No hay ningún llavero del sistema disponible ({backend} no es el almacén propio del sistema operativo) y las claves nunca se guardan en archivos sin cifrar. {hint}</translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation>No hay ningún llavero del sistema disponible y las claves nunca se guardan en archivos sin cifrar. {hint}</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation>[profiles.{profile}] falta {key}: {hint} ({by} = &quot;{source}&quot; lo necesita)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation>[profiles.{profile}] falta {key}: {by} = &quot;{source}&quot; lo necesita</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>ocupado</translation>
    </message>
    <message>
        <source>away</source>
        <translation>ausente</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>desconectado</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: routing the call to them will likely fail.</source>
        <translation>{target_label} está {standing}: lo más probable es que el enrutamiento de la llamada falle.</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: the call may wait until they are free, or routing may fail.</source>
        <translation>{target_label} está {standing}: la llamada puede esperar hasta que quede libre, o el enrutamiento puede fallar.</translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation>El enrutamiento de esta llamada a {target_label} ya se solicitó a las {when}.</translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation>Puede que una transferencia de esta llamada a {target_label} a las {when} se haya realizado (su resultado es desconocido).</translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation>El campo {field} está vacío: introduzca un ID de Salesforce de 15 o 18 caracteres.</translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation>{field} {text!r} no es un ID de Salesforce: debe tener 15 o 18 letras y dígitos (tiene {length} caracteres). Copie el ID de la URL del registro.</translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation>{field} {text} tiene una suma de comprobación incorrecta (sus 3 últimos caracteres deberían ser {expected}): probablemente se escribió mal o se cambiaron mayúsculas y minúsculas. Cópielo de nuevo desde Salesforce.</translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation>{field} {id} es un ID de versión de flujo (301…): use el ID de definición del flujo (300…), el DurableId del flujo en FlowDefinitionView.</translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation>{field} {id} no es un agente (005…), una cola (00G…) ni un flujo de Omni-Channel (300…): su prefijo {prefix} es un ID de {kind}.</translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation>El ID de llamada está vacío: pegue el ID de la llamada activa desde el softphone.</translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation>El ID de llamada contiene un carácter de control o texto no válido (p. ej. un salto de línea): pegue solo el ID.</translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation>El ID de llamada contiene un carácter invisible (un espacio de ancho cero, una marca de dirección de texto o un separador de línea): pegue solo el ID o escríbalo.</translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation>El ID de llamada tiene {length} caracteres (como máximo {limit}): pegue solo el ID.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation>{text!r} no es un ID de llamada: pegue el ID de la llamada activa.</translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation>{text!r} empieza como un ID de VoiceCall de Salesforce (0LQ…) pero no lo es: debe tener 15 o 18 letras y dígitos. Pegue de nuevo el ID de llamada.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation>{text!r} no es un ID de llamada: contiene un espacio u otro carácter que el contact_id_pattern del perfil no permite. Pegue solo el ID.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation>{text!r} no es un ID de llamada: un ID de contacto no tiene espacios. Pegue solo el ID.</translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation>Una cola de respaldo solo se aplica al enrutar a un flujo de Omni-Channel: quítela o elija un flujo en lugar de este destino ({kind}).</translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation>La cola de respaldo {id} no es un ID de cola (00G…).</translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation>Las entradas de flujo solo se aplican al enrutar a un flujo de Omni-Channel, no a un destino de tipo {kind}: quítelas.</translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>{count} entrada de flujo indicada: se permiten como máximo {limit}.</numerusform>
            <numerusform>{count} entradas de flujo indicadas: se permiten como máximo {limit}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation>La entrada de flujo {number} no tiene nombre: póngale uno o quite la fila.</translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation>El nombre de la entrada de flujo {number} es demasiado largo o tiene saltos de línea o tabulaciones: use el nombre de API de la variable del flujo (como máximo {limit} caracteres).</translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation>La entrada de flujo {key!r} contiene un carácter de control o texto no válido: quítelo.</translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation>La entrada de flujo {key!r} tiene {length} caracteres (como máximo {limit}).</translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation>La entrada de flujo {key!r} aparece dos veces (los nombres se comparan sin distinguir mayúsculas, como los nombres de API de Salesforce): conserve solo una de {first!r} y {key!r}.</translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation>--flow-input {text!r} debe tener la forma KEY=VALUE.</translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation>{already} No se ha enviado nada. Compruebe el softphone; para enrutarla de nuevo de todos modos, añada --again.</translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation>Ya hay una transferencia de esta llamada en curso: espere su resultado.</translation>
    </message>
    <message>
        <source>{unavailable} Nothing was sent. Pick another target, or to route it there anyway, add --even-if-unavailable.</source>
        <translation>{unavailable} No se ha enviado nada. Elija otro destino o, para enrutarla allí de todos modos, añada --even-if-unavailable.</translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation>No se puede leer el archivo de configuración {path}: {reason}.</translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation>El archivo de configuración {path} supera los {limit_kib} KiB: no es un archivo de configuración. Compruebe la ruta (--config, $TRANSFER_PANEL_CONFIG).</translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation>El archivo de configuración {path} no es TOML válido: {detail}.</translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation>El archivo de configuración {path} anida tablas o matrices a demasiada profundidad para ser un archivo de configuración.</translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>El archivo de configuración {path} tiene {count} problema:</numerusform>
            <numerusform>El archivo de configuración {path} tiene {count} problemas:</numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: clave de nivel superior desconocida {key!r}: los perfiles van en tablas [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: &apos;profiles&apos; debe contener tablas [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation>{file}: [profiles.{profile}] locked nombra claves desconocidas: {keys}</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation>{file}: [profiles.{profile}] locked debe ser true o una lista de nombres de claves</translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation>No hay ningún perfil configurado en {path}. Añada una tabla [profiles.&lt;name&gt;] (consulte la referencia de configuración del README) o use --demo.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation>Hay {count} perfiles configurados ({names}): elija uno con --profile NAME.</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation>No existe el perfil {name!r} en {path} (configurados: {known}).</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation>No existe el perfil {name!r} en {path} (configurados: ninguno).</translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation>No se pudo escribir el archivo de configuración {path} ({reason}): no se ha guardado nada.</translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation>No hay ningún archivo de configuración en {path} (se buscó en --config, luego en $TRANSFER_PANEL_CONFIG y luego en la carpeta de configuración del usuario) ni archivo del sitio en {site_path}. Añada un perfil: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation>Se escribió el archivo de configuración {path}, pero al volver a leerlo no da {what} tal como se guardó: puede que otro programa lo esté modificando. Compruebe el archivo y guarde de nuevo.</translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation>Otra persona modificó el archivo de configuración {path} desde que se abrió aquí: no se ha guardado nada. Vuelva a cargarlo y repita el cambio.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation>El perfil &apos;{profile}&apos; ya está en {path}: añada --replace para sustituirlo.</translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation>--set {text!r} debe tener la forma KEY=VALUE con un valor TOML, p. ej. timeout_s=15 o provider_name=&quot;Amazon Connect&quot; ({reason}).</translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation>[profiles.{profile}]: los nombres de perfil usan letras, dígitos, &apos;-&apos; y &apos;_&apos; (como máximo 64)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation>[profiles.{profile}] debe ser una tabla de claves</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation>[profiles.{profile}] falta {key}: {hint}</translation>
    </message>
    <message>
        <source>see the README</source>
        <translation>consulte el README</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation>El perfil &apos;{profile}&apos; firma con una clave del llavero (signing = &quot;keyring&quot;): no hay inicio de sesión en OpenBao.</translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation>debe ser true o false (sin comillas)</translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation>debe ser un número de segundos</translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation>debe estar entre {low} y {high} segundos</translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation>debe ser una cadena entre comillas</translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation>debe ser una URL completa: {example_text}</translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation>no debe tener consulta (?…) ni fragmento (#…)</translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation>no debe contener nombre de usuario ni contraseña</translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation>debe usar https:// (http sin cifrar solo se permite hacia este equipo, p. ej. un simulador local, o en un perfil con training = true para un simulador de aula)</translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation>tiene un puerto que no existe: use un número del 1 al 65535, o ninguno</translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation>no es un nombre de host ni una dirección que este equipo pueda alcanzar: use letras, dígitos, puntos y guiones (sin espacios, tabulaciones, saltos de línea ni otros caracteres; un nombre en otra escritura en su forma xn--)</translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation>debe ser un ID de organización (00D…)</translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation>no es un ID válido</translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>debe ser un nombre de API: el nombre de API del Call Center, p. ej. HVCC</translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation>debe ser imprimible, como máximo {limit} caracteres</translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation>se envía como cabecera HTTP, que solo admite ASCII simple (como máximo {limit} caracteres): escríbalo sin acentos ni otras escrituras, p. ej. &quot;Telefonica&quot;</translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation>debe ser una versión de API como &quot;62.0&quot;</translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation>debe ser una expresión regular para los ID de contacto del proveedor de telefonía, como máximo {limit} caracteres, p. ej. &quot;[0-9a-f-]{{36}}&quot; ({reason})</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>debe ser uno de {choices}</translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation>debe ser un nombre de OpenBao: letras, dígitos, &apos;_&apos;, &apos;-&apos; y &apos;.&apos; (como máximo {limit})</translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation>debe ser una ruta de espacio de nombres como &quot;contact-center&quot; o &quot;emea/contact-center&quot;, o estar vacío</translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation>es Salesforce: un perfil con training = true debe apuntar a un simulador de formación</translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation>es una dirección pública: un simulador de formación debe estar en una red cerrada (una dirección privada como 192.168.x.x o 10.x.x.x)</translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation>El llavero ({backend}) está bloqueado. Desbloquéelo (inicie sesión en su escritorio o abra su aplicación de llavero) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation>El llavero ({backend}) no pudo completar la operación «{action}» con la clave: {error}. Compruebe que su llavero está en marcha y desbloqueado.</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation>No hay ninguna clave privada guardada para el perfil &apos;{profile}&apos; en {backend}. Guárdela: transfer-panel credentials set --profile {profile} --key-file KEY.pem</translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation>El valor {name} que se va a guardar para el perfil &apos;{profile}&apos; está vacío, es demasiado largo o no es texto simple (como máximo {limit} caracteres ASCII imprimibles).</translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation>No es una clave privada PEM: se esperaba un archivo que empiece por &apos;-----BEGIN PRIVATE KEY-----&apos; o &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation>La clave privada está protegida con una frase de contraseña: indíquela también.</translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation>La clave privada no está protegida con una frase de contraseña, pero se indicó una: déjela vacía.</translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation>No se pudo leer la clave privada: la frase de contraseña es incorrecta o el PEM está dañado.</translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation>La clave privada es de tipo {type}: la API de SCRT necesita una clave RSA (2048 o 4096 bits).</translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation>La clave privada es RSA de {bits} bits: use una clave de 2048 o 4096 bits, como la registrada en el certificado del Call Center.</translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation>{name} es demasiado grande para ser una clave privada (más de {limit_kib} KiB).</translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation>No se puede leer el archivo de clave {path}: {reason}.</translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation>La clave está protegida con una frase de contraseña: pásela con --passphrase-env VAR.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>El perfil &apos;{profile}&apos; ya tiene una clave de {purpose} en {backend}: no se ha cambiado nada. Una clave nueva la sustituye y las transferencias fallan hasta que el nuevo certificado se registre en el Call Center. Para sustituirla, añada --replace. Para obtener un certificado de la clave que tiene: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation>No se puede escribir el certificado en {path} ({reason}): no se ha cambiado nada. Elija una carpeta en la que pueda escribir.</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>La clave nueva está guardada en {backend}, pero su certificado no se pudo guardar como {path} ({reason}). Escríbalo de nuevo: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation>{path} contiene una clave privada: nunca se sobrescribe. Escriba el certificado en otro archivo, p. ej. {profile}.crt.</translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation>La variable de entorno {name} no está definida.</translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation>El servicio de firma no puede firmar ahora ({reason}).</translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation>openbao_ca_file {path!r} no se puede leer como certificados PEM ({error}): corrija la ruta en el perfil.</translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation>No se puede leer el certificado de cliente {cert} o su clave {key} ({error}): compruebe ambos archivos.</translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation>OpenBao en {url} no respondió a tiempo. Vuelva a intentarlo; si persiste, avise a TI.</translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation>OpenBao en {url} presentó un certificado en el que este equipo no confía: configure openbao_ca_file con el certificado de la CA de su empresa (PEM) o instálelo en el almacén de confianza del sistema.</translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation>No se puede acceder a OpenBao en {url} ({error}). Compruebe la red; si persiste, avise a TI.</translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation>OpenBao en {url} está sellado: TI debe desellarlo; vuelva a intentarlo después.</translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation>OpenBao en {url} no pudo responder ({status}: {said}). Vuelva a intentarlo; si persiste, avise a TI.</translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation>OpenBao denegó el acceso a {path} ({status}: {said}).</translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation>OpenBao no tiene nada en {path} (404): compruebe openbao_url, openbao_namespace y openbao_transit_mount en el perfil &apos;{profile}&apos;, o pregunte a TI si el motor está habilitado ahí.</translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation>OpenBao rechazó la solicitud a {path} ({status}: {said}): compruebe las claves openbao_* del perfil o pregunte a TI.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation>La respuesta de OpenBao supera los {limit} bytes.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation>A la respuesta de OpenBao le falta &apos;{field}&apos;: ¿es openbao_url un servidor OpenBao o Vault?</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation>La firma de OpenBao no es base64 válido.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation>La respuesta de OpenBao no contiene ninguna firma con la forma vault:v1:….</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation>La clave {key!r} de OpenBao no tiene versiones: pregunte a TI.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation>La clave {key!r} de OpenBao no es un par de claves RSA: use el tipo rsa-2048 o rsa-4096.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation>La política de OpenBao no le permite firmar con {path} (403 permiso denegado): pida a TI que asigne a su rol la política transfer-panel para la clave {key!r}, o compruebe openbao_key y openbao_transit_mount en el perfil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation>La firma de OpenBao no se verifica con su propia clave pública ({error}): pida a TI que revise la clave de Transit.</translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation>Este perfil inicia sesión en OpenBao con {auth}: ejecute transfer-panel credentials login --profile {profile}.</translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation>Indique su nombre de usuario de OpenBao (sin &apos;/&apos;).</translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation>OpenBao rechazó el inicio de sesión ({said}): compruebe lo que escribió o pregunte a TI si su cuenta puede usar el rol del panel.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation>La respuesta de OpenBao al inicio de sesión no contiene ningún token: pregunte a TI.</translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation>OpenBao no acepta este token (caducado, revocado o mal escrito).</translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation>el inicio de sesión con cert necesita --client-cert PATH y --client-key PATH.</translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation>OpenBao no dio ninguna dirección de inicio de sesión para el rol OIDC {role!r}: TI debe añadir {redirect_uri} a las allowed_redirect_uris del rol.</translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation>No se pudo abrir ningún navegador: abra usted esta dirección para iniciar sesión: {url}</translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation>El navegador no volvió en {wait_s} s: inicie sesión de nuevo.</translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation>El puerto {port} de este equipo está ocupado ({reason}), así que el navegador no puede volver al panel: cierre el otro inicio de sesión (o programa) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation>El proveedor de identidad rechazó el inicio de sesión: {said}</translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation>El navegador volvió sin código de inicio de sesión: inicie sesión de nuevo.</translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation>Conserve las transferencias de {low} a {high} días, no {days}.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation>No se puede escribir el historial de transferencias {path} ({reason}).</translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>El enlace tiene {length} caracteres: se esperaba transfer-panel://call/&lt;call ID&gt;.</translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>{text!r} no es un enlace de llamada: se esperaba transfer-panel://call/&lt;call ID&gt;.</translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation>El ID de llamada del enlace no es UTF-8 válido con codificación porcentual.</translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation>El ID de llamada del enlace empieza o termina con un espacio o un carácter de control.</translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation>Indique la llamada con --call-id o con un enlace transfer-panel://, no ambos.</translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation>El mensaje del otro inicio es demasiado largo.</translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation>El mensaje del otro inicio no es de los que envía este panel.</translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation>El mensaje del otro inicio no contiene ningún ID de llamada.</translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation>Falta el archivo {name} del panel (se buscó en {looked}). Reinstale el panel.</translation>
    </message>
    <message>
        <source>Cannot reach Salesforce at {instance} ({error}). Check the network; the directory keeps its last copy.</source>
        <translation>No se puede conectar con Salesforce en {instance} ({error}). Compruebe la red; el directorio conserva su última copia.</translation>
    </message>
    <message>
        <source>Salesforce refused a fresh access token for the directory (401). Check the integration user&apos;s permissions.</source>
        <translation>Salesforce rechazó un nuevo token de acceso para el directorio (401). Compruebe los permisos del usuario de integración.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls ({used} of {limit} today). The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>La org agotó sus llamadas diarias a la API de Salesforce ({used} de {limit} hoy). El directorio conserva su última copia; se actualizará cuando se restablezca el límite, o pida a su administrador que aumente el intervalo de actualización.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls. The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>La org agotó sus llamadas diarias a la API de Salesforce. El directorio conserva su última copia; se actualizará cuando se restablezca el límite, o pida a su administrador que aumente el intervalo de actualización.</translation>
    </message>
    <message>
        <source>Salesforce answered {status} to the directory query: {message}. The directory keeps its last copy.</source>
        <translation>Salesforce respondió {status} a la consulta del directorio: {message}. El directorio conserva su última copia.</translation>
    </message>
    <message>
        <source>Cannot reach the Salesforce login at {url} ({error}). Check the network.</source>
        <translation>No se puede conectar con el inicio de sesión de Salesforce en {url} ({error}). Compruebe la red.</translation>
    </message>
    <message>
        <source>Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, salesforce_username and that the connected app holds the certificate of the key stored with `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</source>
        <translation>Salesforce rechazó el inicio de sesión del directorio para {username}: {reason}. Compruebe salesforce_consumer_key, salesforce_username y que la aplicación conectada tenga el certificado de la clave guardada con `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</translation>
    </message>
    <message>
        <source>Salesforce sent an answer that is not a query result. The directory keeps its last copy.</source>
        <translation>Salesforce envió una respuesta que no es un resultado de consulta. El directorio conserva su última copia.</translation>
    </message>
    <message>
        <source>The demo directory {path} cannot be read ({error}). Reinstall the panel.</source>
        <translation>No se puede leer el directorio de demostración {path} ({error}). Reinstale el panel.</translation>
    </message>
    <message>
        <source>The favorites file {path} cannot be read ({error}); starting without favorites. Starring a target writes a new one.</source>
        <translation>No se puede leer el archivo de favoritos {path} ({error}); se empieza sin favoritos. Marcar un destino con estrella escribe uno nuevo.</translation>
    </message>
    <message>
        <source>The favorites file {path} is damaged; starting without favorites. Starring a target writes a new one.</source>
        <translation>El archivo de favoritos {path} está dañado; se empieza sin favoritos. Marcar un destino con estrella escribe uno nuevo.</translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation>una entrada del directorio debe ser un agente, una cola o un flujo, no {kind}</translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation>el ID de {kind} {id} empieza por {prefix}, que es un ID de {id_kind}, no un ID de {kind}</translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation>{kind} {id} no tiene nombre</translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation>solo los agentes tienen presencia; {label!r} es {kind}</translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation>El archivo de directorio {path} no existe. Compruebe directory_file en el perfil.</translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation>No se puede leer el archivo de directorio {path} ({reason}). Compruebe directory_file en el perfil y que el archivo se pueda leer.</translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation>El archivo de directorio {path} no es un archivo normal (una tubería, un dispositivo o una carpeta). Compruebe directory_file en el perfil.</translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation>El archivo de directorio {path} ocupa {size} MiB; el panel lee archivos de directorio de hasta {limit} MiB. Compruebe que es el directorio y omita lo que el panel no necesita.</translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation>El archivo de directorio {path} no es texto UTF-8. Guárdelo como UTF-8.</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation>El archivo de directorio {path} necesita una fila de encabezado con las columnas kind, id, name (y opcionalmente detail, presence); su primera línea no lo es:</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation>El archivo de directorio {path} necesita una fila de encabezado con las columnas kind, id, name (y opcionalmente detail, presence); faltan: {missing}.</translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation>El archivo de directorio {path} debe ser JSON con la forma {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation>línea {line}, destino {position}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>línea {line}</translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation>supera los {limit} bytes</translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation>unas comillas abren un campo pero no lo cierran en la misma línea</translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation>la línea no es CSV válido ({error})</translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation>la línea no es texto UTF-8; guarde el archivo como UTF-8</translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation>kind {kind!r} debe ser agent, queue o flow</translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation>no es JSON válido</translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation>contiene listas u objetos, o una cadena que no termina en su línea</translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation>no es un objeto con kind, id y name</translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation>el archivo termina dentro de él</translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation>línea {line}: el ID {id} también está en la línea {earlier_line}; se usa esta fila posterior</translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation>línea {line}: el JSON está roto aquí (falta una coma o un corchete de cierre); no se lee nada de lo que sigue</translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation>No se puede leer el directorio guardado {path} ({reason}); se ignora.</translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation>El directorio guardado {path} está dañado o es de otra versión ({why_text}); se ignora y se sustituye en la próxima actualización.</translation>
    </message>
    <message>
        <source>Unknown scenario &apos;{scenario}&apos;: use one of {choices}.</source>
        <translation>Escenario desconocido &apos;{scenario}&apos;: use uno de {choices}.</translation>
    </message>
    <message>
        <source>{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) only.</source>
        <translation>{target} no es un flujo: «{scenario}» solo se aplica a flujos de Omni-Channel (300…).</translation>
    </message>
    <message>
        <source>Cannot save the class plan to {path}: {reason}</source>
        <translation>No se puede guardar el plan de clase en {path}: {reason}</translation>
    </message>
    <message>
        <source>Cannot read the class plan {path}: {reason}</source>
        <translation>No se puede leer el plan de clase {path}: {reason}</translation>
    </message>
    <message>
        <source>{path} is not a class plan (TOML): {error}</source>
        <translation>{path} no es un plan de clase (TOML): {error}</translation>
    </message>
    <message>
        <source>{source}: unknown keys {keys}; a plan has every_target and [targets].</source>
        <translation>{source}: claves desconocidas {keys}; un plan tiene every_target y [targets].</translation>
    </message>
    <message>
        <source>{source}: every_target must be a scenario name and targets a table of target IDs.</source>
        <translation>{source}: every_target debe ser un nombre de escenario y targets una tabla de ID de destinos.</translation>
    </message>
    <message>
        <source>{source}: [targets.{target}] needs scenario = &quot;…&quot; (one of {choices}).</source>
        <translation>{source}: [targets.{target}] necesita scenario = &quot;…&quot; (uno de {choices}).</translation>
    </message>
    <message>
        <source>The class plan {source} cannot be used:</source>
        <translation>El plan de clase {source} no se puede usar:</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation>No hay ninguna clave privada guardada para el perfil &apos;{profile}&apos; en {backend}: abra Ajustes… y configure su clave (hasta entonces las transferencias fallan).</translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation>La clave privada guardada para el perfil &apos;{profile}&apos; en {backend} está dañada ({why_text}) y no se usará. Abra Ajustes… y configúrela de nuevo.</translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation>No hay ningún perfil configurado en {path}: añada uno en Ajustes….</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation>El perfil &apos;{profile}&apos; ya tiene una clave en {backend}: no se ha cambiado nada. Sustituirla detiene las transferencias hasta que el nuevo certificado se registre en el Call Center; para obtener un certificado de la clave que tiene, use Exportar certificado….</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation>La clave nueva está guardada en {backend}, pero su certificado no se pudo guardar como {path} ({reason}). Use Exportar certificado… para guardarlo en otro lugar.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation>Hay {count} perfiles configurados ({names}): inicie el panel con --profile NAME.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation>No se puede usar el historial de transferencias {path} ({reason_text}).</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation>No ha iniciado sesión en OpenBao, que firma las transferencias de este perfil: inicie sesión con Iniciar sesión… en la parte superior del panel.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation>Su sesión de OpenBao ha caducado o se ha revocado: inicie sesión con Iniciar sesión… en la parte superior del panel.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation>Su sesión de OpenBao ha caducado: inicie sesión con Iniciar sesión… en la parte superior del panel.</translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation>Sesión de OpenBao cerrada: inicie sesión con Iniciar sesión… en la parte superior del panel.</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>Sin llavero</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>Llavero bloqueado</translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation>Error del llavero</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>Sin clave</translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation>Clave dañada</translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation>{row} (omitida)</translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation>línea {line}: </translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation>{file}, línea {line}: </translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>No ha iniciado sesión en OpenBao.</translation>
    </message>
    <message>
        <source>a token</source>
        <translation>un token</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation>Sesión iniciada en OpenBao como {who}, sin caducidad</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation>Sesión iniciada en OpenBao como {who}, hasta {until}</translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation>Sesión cerrada: el token de OpenBao está revocado.</translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation>Sesión cerrada (el token de OpenBao ya había caducado o se había revocado).</translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation>Sesión cerrada aquí, pero OpenBao no pudo revocar el token ({reason}); dejará de funcionar cuando caduque.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation>El perfil &apos;{profile}&apos; no tenía sesión iniciada en OpenBao.</translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation>Enrutamiento solicitado</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rechazada</translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation>Forma de ruta incorrecta</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Error del servidor</translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation>Credenciales rechazadas</translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation>Sin credenciales</translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation>Limitada</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>No enviada</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Resultado desconocido</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>Error interno</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Enviando…</translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation>Resultado desconocido o en curso</translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation>Rechazada por Salesforce</translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation>No enviada o limitada</translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation>Credenciales o configuración</translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation>Compruebe el softphone antes de hacer nada: si la llamada no se movió, vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation>No se ha enviado nada; es seguro volver a intentarlo.</translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation>No se ha enviado nada: corrija las credenciales y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation>No se pudo escribir el historial de transferencias: esta transferencia no figura en él.</translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation>En Ajustes…, cambie la forma de ruta del perfil &apos;{profile}&apos; a {other_shape} y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation>Vuelva a intentarlo en {seconds} s.</translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation>Vuelva a intentarlo dentro de un minuto.</translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation>Salesforce está ocupado ({status}) y no procesó la solicitud.</translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation>La transferencia a {label} se detuvo por un error inesperado ({error}).</translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation>Puede que la llamada se esté moviendo o no: compruebe el softphone antes de volver a intentarlo. Los detalles están en el registro.</translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation>No se pudo enviar la transferencia a {label}: error inesperado ({error}).</translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation>No se ha enviado nada. Los detalles están en el registro; avise a su administrador.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation>Salesforce no conoce esta llamada (404): {said}.</translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation>Compruebe el ID de llamada; puede que la llamada haya terminado. Si todas las llamadas fallan así, puede que el servidor espere la forma de ruta {other_shape} (Ajustes…).</translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation>Enrutamiento solicitado a {label}</translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation>Salesforce rechazó el enrutamiento a {label} ({status}): {said}.</translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation>Compruebe el destino y las entradas del flujo; enviar la misma solicitud otra vez no servirá.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation>El servidor no acepta la forma de ruta &apos;{route_shape}&apos; (405): no se ha enrutado nada.</translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation>Salesforce rechazó las credenciales ({status}): {said}. No se ha enrutado nada.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation>Compruebe org_id y call_center del perfil, el certificado registrado en el Call Center y el reloj de este equipo; después consulte a su administrador.</translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation>Salesforce tuvo un error del servidor ({status}): {said}.</translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation>Puede que la llamada se haya movido o no: compruebe el softphone antes de volver a intentarlo.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation>No se pudo acceder a Salesforce ({error}): no se ha enviado nada.</translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation>Compruebe la conexión de red y vuelva a intentarlo; reintentar es seguro.</translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation>Sin respuesta de Salesforce ({error}): puede que la llamada ya se esté enrutando.</translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation>No se pudo acceder a Salesforce en {timeout_s} s: no se ha enviado nada.</translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation>Sin respuesta de Salesforce en {timeout_s} s: puede que la llamada ya se esté enrutando.</translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation>El panel se cerró durante la transferencia a {label}: puede que la llamada se haya enrutado.</translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation>El panel terminó durante la transferencia a {label}: puede que la llamada se haya enrutado.</translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation>Compruebe primero el softphone: transfiera de nuevo solo si la llamada no se movió.</translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation>No reintente a ciegas: una segunda solicitud podría enrutar la llamada dos veces.</translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation>Permanezca con el cliente; pida a su supervisor que transfiera la llamada: este panel no puede transferir hasta que TI lo corrija.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation>Diga al cliente que tardará un momento y vuelva a intentarlo; si sigue fallando, consulte a su supervisor.</translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation>Envíe a TI el archivo de registro (transfer-panel diagnostics).</translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation>Compruebe que el agente {target} puede atender llamadas de voz en Omni-Channel (estado de presencia, capacidad).</translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation>Compruebe que la cola {target} admite llamadas de voz y tiene una configuración de enrutamiento.</translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation>Compruebe que {target} es un flujo de Omni-Channel activo (su ID de definición de flujo 300…).</translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} intento</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} intentos</numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation>HTTP {status} · {elapsed} ms</translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation>Salesforce respondió: {said}</translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation>No se ha enviado nada: no ha iniciado sesión en OpenBao.</translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation>Inicie sesión (Iniciar sesión… en la parte superior del panel) y vuelva a transferir.</translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation>No se ha enviado nada: el llavero está bloqueado.</translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation>Desbloquéelo (el llavero o la aplicación de contraseñas de su escritorio) y vuelva a transferir.</translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation>No se ha enviado nada: este panel no tiene ninguna clave utilizable para firmar transferencias.</translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation>No se ha enviado nada: no se puede escribir el historial de transferencias.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation>No se ha enviado nada: el panel no pudo firmar la transferencia.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation>Diga al cliente que lo está comunicando; pruebe con {alternative} o consulte a su supervisor.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation>Diga al cliente que lo está comunicando y pregunte a su supervisor adónde enviar la llamada.</translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>Compruebe la entrada de flujo ({count}): cada nombre debe ser una variable de entrada del flujo.</numerusform>
            <numerusform>Compruebe las {count} entradas de flujo: cada nombre debe ser una variable de entrada del flujo.</numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation>Compruebe que la cola de respaldo {queue} admite llamadas de voz.</translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation>Enviar la misma solicitud otra vez no servirá.</translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation>Salesforce se negó a enrutar la llamada a {label}.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation>Salesforce no conoce esta llamada: puede que haya terminado.</translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation>Compruebe el softphone; si el cliente sigue ahí, consulte a su supervisor.</translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation>Compruebe el ID de llamada que entregó el softphone.</translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation>Si todas las llamadas fallan así, puede que el servidor espere la forma de ruta {other_shape}: configúrela para el perfil &apos;{profile}&apos; en Ajustes….</translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation>No se ha enrutado nada: los ajustes del panel no coinciden con Salesforce.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation>El servidor no acepta la forma de ruta &apos;{route_shape}&apos;: {fix}</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation>Diga al cliente que tardará un momento; vuelva a intentarlo en {seconds} s.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation>Diga al cliente que tardará un momento; vuelva a intentarlo dentro de un minuto.</translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation>Salesforce está ocupado: no se ha enrutado nada.</translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation>Salesforce no procesó la solicitud: es seguro enviarla de nuevo.</translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation>Error: {error} (la traza está en el archivo de registro del panel).</translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation>La transferencia se detuvo por un error inesperado: puede que la llamada se esté moviendo o no.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation>No se ha enviado nada: el panel sufrió un error inesperado.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation>Diga al cliente que tardará un momento y vuelva a intentarlo; si sigue ocurriendo, consulte a su supervisor.</translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation>Resultado desconocido: puede que la llamada ya se esté moviendo.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation>No se pudo acceder a Salesforce: no se ha enviado nada.</translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation>Compruebe la conexión de red de este equipo y que puede acceder a la base_url del perfil.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation>Diga al cliente que lo está comunicando; el softphone indica cuándo se mueve la llamada.</translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation>Salesforce aceptó la solicitud de enrutamiento; su respuesta no confirma que la llamada se haya movido.</translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation>No se ha enrutado nada: Salesforce rechazó las credenciales de este panel.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation>Compruebe org_id y call_center del perfil, el certificado registrado en el Call Center (debe coincidir con la clave del llavero) y el reloj de este equipo.</translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation>Salesforce tuvo un problema: puede que la llamada se haya movido o no.</translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation>Un fallo del lado de Salesforce; el panel nunca repite por sí solo una solicitud así.</translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation>Antes de enviar nada: {error}.</translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>Sin conexión dentro del tiempo de espera del perfil ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation>La solicitud se envió y después: {error}.</translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>La solicitud se envió; sin respuesta dentro del tiempo de espera del perfil ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation>El panel se cerró mientras la solicitud estaba en curso.</translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation>El panel terminó mientras la solicitud estaba en curso.</translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation>Resultado de la transferencia</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation>Detalles para TI</translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation>Muestra el estado HTTP, la respuesta del servidor y lo que TI debe revisar</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation>Reintentar la transferencia</translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation>Transfiriendo a {label}…</translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation>Esperando la respuesta de Salesforce.</translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>Reintento en %n s</numerusform>
            <numerusform>Reintento en %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation>Para TI:</translation>
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
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>Encima</translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation>Compacto y siempre encima</translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation>Compacto y siempre encima, junto al softphone</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Formador</translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation>Herramientas del formador</translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation>Escenarios, vista de presentador e inspector de solicitudes (Ctrl+T)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Historial de transferencias</translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation>Qué se transfirió, cuándo y cómo fue (Ctrl+H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Ajustes…</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Abrir los ajustes</translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation>Perfiles y claves (Ctrl+,)</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>Llavero</translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation>Modo demo: las transferencias van al simulador integrado en {endpoint}, nunca a Salesforce</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>FORMACIÓN</translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation>Perfil de formación: las transferencias van a {endpoint}</translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation>{reason}
Haga clic para comprobarlo de nuevo.</translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation>{short}: {reason} Actívelo para comprobarlo de nuevo.</translation>
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
        <translation>Aviso</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Ajustes…</translation>
    </message>
    <message>
        <source>Open settings to fix this</source>
        <translation>Abra los ajustes para corregirlo</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation>El inicio ha fallado ({error}). Los detalles están en el registro.</translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation>El panel no puede conectarse</translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation>Corrija el problema indicado arriba (Ajustes…) para transferir.</translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation>Sin directorio: el panel no está conectado.</translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>Algo ha fallado (%n hasta ahora)</numerusform>
            <numerusform>Algo ha fallado (%n hasta ahora)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Algo ha fallado</translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation>{description}
El panel sigue funcionando; los detalles están en el registro.</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nombre</translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation>El nombre del perfil, que se usa con --profile. Letras, dígitos, &apos;-&apos; y &apos;_&apos; (como máximo 64). Un perfil existente no se puede renombrar aquí: cree uno nuevo.</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>URL &amp;base</translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation>La URL base de SCRT, tomada completa (los sandboxes usan otras formas de host), p. ej.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Debe ser https://; http:// sin cifrar solo hacia este equipo (un simulador local).</translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation>ID de &amp;organización</translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation>El ID de organización de Salesforce (00D…, 15 o 18 caracteres), de Configuración &gt; Información de la empresa. Es el emisor (iss) del token.</translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation>&amp;Call Center</translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation>El nombre de API del Call Center, p. ej. HVCC. Es el sujeto (sub) del token.</translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation>Nombre del &amp;proveedor</translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation>Opcional. Se envía como cabecera Telephony-Provider-Name si se indica: ASCII simple, p. ej. Amazon Connect.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Formación</translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation>Solo para un perfil de aula: permite http:// sin cifrar hacia el simulador del formador en otro equipo (nunca Salesforce ni una dirección pública); la ventana indica FORMACIÓN.</translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation>Forma de &amp;ruta</translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation>Cómo se dirige la llamada de enrutamiento (Salesforce documenta ambas):
seed (predeterminada): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
Una respuesta 405 significa que el servidor quiere la otra.</translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation>&amp;Formato del cuerpo</translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation>json (predeterminado) o xml (raíz &lt;routeVoiceCall&gt;, entradas de flujo como &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation>Entradas de flu&amp;jo como</translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation>object (predeterminado) envía flowInputParameters como objeto JSON; string lo envía codificado en JSON como cadena. Solo cuerpos JSON.</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>&amp;Tiempo de espera</translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation>Plazo para una transferencia, reintento incluido (1–120 segundos, 10 por defecto).</translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation>Patrón de ID de contacto</translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation>Opcional. Una expresión regular con la que coinciden por completo los ID de contacto del proveedor de telefonía, p. ej. [0-9a-f-]{36} para los UUID de Amazon Connect. Vacío: una palabra, sin espacios.</translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation>&amp;Directorio</translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation>De dónde procede el directorio: none (pegar ID), file (un archivo CSV o JSON de un administrador), salesforce (la API REST de la organización) o demo (el integrado).</translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation>Archivo de directorio</translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation>Ruta del archivo de directorio (CSV o JSON). Se comprueba cada 5 s y se vuelve a cargar cuando cambia.</translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation>URL de inicio de sesión</translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation>https://login.salesforce.com (predeterminada), https://test.salesforce.com o la URL de su My Domain: la audiencia del JWT.</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>Clave de consumidor</translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation>La clave de consumidor de la aplicación conectada: el emisor del JWT.</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>Usuario de API</translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation>El usuario de integración: el sujeto del JWT. Su clave se guarda con transfer-panel credentials set --purpose salesforce-api.</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>Versión de API</translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation>Versión de la API REST, p. ej. 62.0 (predeterminada).</translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation>Actualización de presencia</translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation>Cada cuánto se vuelve a leer la presencia de los agentes (10–3600 segundos, 30 por defecto).</translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation>Fir&amp;ma</translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation>keyring (predeterminado): la clave del Call Center en el llavero de este equipo. openbao: OpenBao o HashiCorp Vault Transit guarda la clave; el agente inicia sesión en él.</translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation>URL de OpenBao</translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation>La dirección de OpenBao o Vault, p. ej. https://openbao.example.com:8200.</translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation>Montaje de Transit</translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation>Dónde está montado Transit (transit por defecto).</translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation>Clave de Transit</translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation>La clave de Transit que guarda la clave privada del Call Center.</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>Método de inicio de sesión</translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation>Cómo inician sesión los agentes en OpenBao: oidc (el navegador), userpass, approle, cert o token.</translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation>Rol de inicio de sesión</translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation>El rol OIDC o cert que TI configuró para el panel; el RoleID para approle.</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>Espacio de nombres</translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation>Opcional: un espacio de nombres de Vault Enterprise / OpenBao.</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>Archivo de CA</translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation>Opcional: el certificado de la CA que firmó el de OpenBao; si no, el almacén de confianza del sistema.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Conexión</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Solicitudes</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Directorio</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation>p. ej. HVCC</translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation>opcional, p. ej. Amazon Connect</translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation>opcional, p. ej. [0-9a-f-]{36}</translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation>p. ej. /srv/team.csv</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation>Simulador de aula (se permite http:// sin cifrar)</translation>
    </message>
    <message>
        <source>Locked. {reason}</source>
        <translation>Bloqueado. {reason}</translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Success</source>
        <translation>Éxito</translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation>«Enrutamiento solicitado a …»</translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation>Destino rechazado</translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation>el motivo del servidor (el destino no puede atender llamadas de voz)</translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation>Credenciales caducadas o no válidas</translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation>un error de configuración: se rechazó el token</translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation>Limitada (Retry-After)</translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation>«vuelva a intentarlo en {throttle_s} s»; no se ha enrutado nada</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Error del servidor</translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation>un fallo del servidor; solo reintento manual</translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation>Respuesta lenta</translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation>la solicitud en curso durante {slow_s} s y después éxito</translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation>Conexión cortada</translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation>«resultado desconocido»: puede que la llamada ya se esté moviendo</translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation>El flujo falla (cola de respaldo)</translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation>el enrutamiento a un flujo solo tiene éxito a través de su cola de respaldo; sin ella se rechaza</translation>
    </message>
</context>
<context>
    <name>ServiceSession</name>
    <message>
        <source>Profile {name}</source>
        <translation>Perfil {name}</translation>
    </message>
    <message>
        <source>Profile {name}: {endpoint}</source>
        <translation>Perfil {name}: {endpoint}</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Reconectando…</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>Cerrando…</translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation>Esperando a que termine la transferencia en curso.</translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation>Favoritos no guardados</translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation>{error}. Se conservan hasta que se cierre el panel.</translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation>No hay favorito {number}</translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation>Marque un destino con estrella (☆ en su fila o en el formulario, o Ctrl+D) para elegirlo con Ctrl+1…9.</translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation>No se puede firmar</translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation>El directorio demo está vacío.</translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation>Cargando el directorio desde {source}…</translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation>Este perfil aún no tiene un directorio configurado.
Pegue un ID de agente (005…), cola (00G…) o flujo (300…) en el cuadro de búsqueda para transferir a él.</translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation>El panel se cerró durante una transferencia</translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation>Compruebe el softphone: puede que estas llamadas se hayan movido. Están en el historial (Ctrl+H) y, si las transfiere de nuevo, se le pedirá confirmación.</translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation>Se ha iniciado un nuevo historial de transferencias</translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation>El anterior no se podía usar y se ha movido a {path}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <source>Show in the f&amp;ile</source>
        <translation>Mostrar en el arc&amp;hivo</translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation>Mostrar los problemas del archivo de configuración</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Perfiles</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>Nue&amp;vo</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Nuevo perfil</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>&amp;Guardar perfil</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Guardar perfil</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>&amp;Usar este perfil</translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation>Usar este perfil en el panel</translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation>Volver al modo demo</translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation>El simulador integrado, el directorio y las llamadas de demostración; nada llega a Salesforce. Sus perfiles se quedan como están.</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>Cerrar los ajustes</translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation>Perfi&amp;les</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>Archivo de configuración</translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation>El idioma del panel</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>Como el escritorio</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation>Este inicio usa --lang {language}.</translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation>El panel lo usará a partir del próximo inicio.</translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation>El panel está en modo demo: las transferencias van al simulador integrado.</translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation>El panel usa el perfil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation>El panel no está conectado: guarde un perfil, o elija uno y pulse Usar.</translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation>&amp;Usar &apos;{name}&apos;</translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>Archivo de configuración (%n problema)</numerusform>
            <numerusform>Archivo de configuración (%n problemas)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>El archivo de configuración {path} tiene %n problema: el panel no puede usarlo hasta que se corrija (Archivo de configuración).</numerusform>
            <numerusform>El archivo de configuración {path} tiene %n problemas: el panel no puede usarlo hasta que se corrijan (Archivo de configuración).</numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation>[profiles.{name}] {key} lo define su departamento de TI ({site_path}); el valor de {path} se ignora.</translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation>Lo define su departamento de TI en {path}; no se puede cambiar aquí.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>No guardado. {reason}</translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation>El perfil &apos;{name}&apos; se escribió en {path}, pero ahora el archivo dice otra cosa (vea arriba).</translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation>Perfil &apos;{name}&apos; guardado en {path}. El panel lo usa ahora.</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation>Inicio de sesión en OpenBao</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>No ha iniciado sesión en OpenBao.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Iniciar sesión…</translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation>Iniciar sesión en OpenBao</translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation>Nombre de usuario de OpenBao</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation>Contraseña de OpenBao</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation>Iniciar sesión con esta contraseña</translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation>Iniciando sesión con su navegador… termine allí y vuelva aquí.</translation>
    </message>
</context>
<context>
    <name>TargetDelegate</name>
    <message>
        <source>Agent</source>
        <translation>Agente</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>Flujo</translation>
    </message>
</context>
<context>
    <name>TargetListModel</name>
    <message>
        <source>{target}, favorite</source>
        <translation>{target}, favorito</translation>
    </message>
</context>
<context>
    <name>TargetView</name>
    <message>
        <source>Agent</source>
        <translation>Agente</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation>Flujo de Omni-Channel</translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation>Nombre de desarrollador: {name}</translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation>Nombre de API: {name}</translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation>{kind} {id} (ID introducido)</translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation>No está en el directorio: compruebe el ID antes de transferir</translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation>Presencia desconocida</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation>Planes de clase (*.toml)</translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation>El agente ve {what}</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Formador</translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation>Asignar al destino seleccionado</translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation>El destino del formulario de transferencia del panel recibe este escenario en su lugar</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation>Cargar plan…</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>Guardar plan…</translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation>Vista de presentador (texto grande para un proyector)</translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation>Inspector de solicitudes…</translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation>Qué envió y recibió cada transferencia (Ctrl+I)</translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation>Asignar el escenario al destino seleccionado</translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation>Quitar el escenario del destino seleccionado</translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation>Cargar un plan de clase</translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation>Guardar el plan de clase</translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation>Abrir el inspector de solicitudes</translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation>&amp;Toda transferencia recibe</translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation>Excepto estos &amp;destinos</translation>
    </message>
    <message>
        <source>&amp;Scenario for the target in the panel&apos;s form</source>
        <translation>&amp;Escenario para el destino del formulario del panel</translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation>Aplicado: las próximas transferencias siguen este plan.</translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation>Elija primero un destino en el panel; después recibirá el escenario elegido aquí.</translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation>El agente ve {what}.</translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation>{target}: el agente ve {what}</translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation>{error}
El plan en uso no ha cambiado.</translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation>Se cargó {file}: las próximas transferencias siguen este plan.</translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation>Guardado en {path}. Cárguelo en la próxima clase o páselo a `transfer-panel simulator --plan`.</translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation>Elija un agente, una cola o un flujo en el directorio de arriba.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>TRANSFER</source>
        <translation>TRANSFERIR</translation>
    </message>
    <message>
        <source>&amp;Fallback queue</source>
        <translation>Cola de &amp;respaldo</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transferir</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>Quitar de favoritos</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>Añadir a favoritos</translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation>{action} (Ctrl+D); Ctrl+1…9 elige el favorito 1…9</translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation>Ningún destino seleccionado</translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation>Busque en el directorio y elija una fila (Intro o clic).</translation>
    </message>
    <message>
        <source>Presence: {state}</source>
        <translation>Presencia: {state}</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>Transfiriendo…</translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation>Transferir a {name}</translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation>Esperando una llamada del softphone.</translation>
    </message>
    <message>
        <source>Pick the fallback queue: Enter takes the top match.</source>
        <translation>Elija la cola de respaldo: Intro toma la primera coincidencia.</translation>
    </message>
    <message>
        <source>available</source>
        <translation>disponible</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>ocupado</translation>
    </message>
    <message>
        <source>away</source>
        <translation>ausente</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>desconectado</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
</context>
<context>
    <name>TransferSection</name>
    <message>
        <source>TRANSFER</source>
        <translation>TRANSFERIR</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
</context>
</TS>
