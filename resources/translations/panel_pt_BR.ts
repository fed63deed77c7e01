<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} progress</source>
        <translation>Progresso de {name}</translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation>Dispensar {name}</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Dispensar</translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation>A troca será feita após esta transferência</translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation>O painel se conecta conforme escolhido nos Ajustes quando a transferência em andamento terminar.</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation>Aguardando uma chamada do softphone (ou cole o ID dela)</translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation>Origem: linha de comando</translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation>Origem: softphone</translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation>Origem: demonstração</translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation>Origem: digitado</translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation>CHAMADA ATIVA</translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation>ID da chamada ativa</translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation>O ID da VoiceCall (0LQ…) ou o ID de contato do fornecedor de telefonia da chamada a transferir</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>Copiar o ID da chamada</translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation>Copiar o ID da chamada para a área de transferência</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Editar</translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation>Editar o ID da chamada</translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation>Alterar o ID da chamada manualmente (Ctrl+L)</translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation>Nova chamada demo</translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation>Iniciar uma nova chamada de demonstração</translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation>Simular uma nova chamada recebida com um novo ID de VoiceCall</translation>
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
        <translation>✓ ID de VoiceCall do Salesforce</translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation>✓ ID de contato da telefonia (usado como está)</translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation>{file} (arquivo da TI), linha {line}</translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation>{file} (arquivo da TI)</translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation>Linha {line}: {problem}</translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation>Problemas no arquivo de configuração</translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation>Corrigir este &amp;erro de digitação</translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation>Renomear a chave digitada errado</translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation>Texto do arquivo de configuração</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Re&amp;carregar</translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation>Ler o arquivo de configuração novamente</translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation>Salvar &amp;arquivo</translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation>Salvar o arquivo de configuração</translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation>{path} (ainda não criado)</translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation>O arquivo foi alterado em outro lugar desde que você começou a editar: Recarregar mostra a nova versão (e descarta sua edição); Salvar não vai sobrescrevê-lo.</translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation>Renomear &apos;{typed}&apos; para &apos;{meant}&apos;</translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation>Editado: ainda não salvo.</translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>Editado: %n problema a corrigir antes de salvar.</numerusform>
            <numerusform>Editado: %n problemas a corrigir antes de salvar.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Salvando…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>Não salvo. {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>{path} salvo: %n perfil, nenhum problema.</numerusform>
            <numerusform>{path} salvo: %n perfis, nenhum problema.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation>Confirmar uma segunda transferência</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Transferir de novo</translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation>Transferir esta chamada de novo</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation>Cancelar a segunda transferência</translation>
    </message>
    <message>
        <source>Transfer to {label} anyway</source>
        <translation>Transferir para {label} mesmo assim</translation>
    </message>
    <message>
        <source>Transfer anyway</source>
        <translation>Transferir mesmo assim</translation>
    </message>
    <message>
        <source>{label} is {state}.</source>
        <translation>{label} está {state}.</translation>
    </message>
    <message>
        <source>{previous} Transfer the call to them anyway?</source>
        <translation>{previous} Transferir a chamada mesmo assim?</translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation>Esta chamada está sendo transferida.</translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation>Transferir de novo para {label}</translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation>Esta chamada talvez já esteja sendo movida.</translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation>{previous} Roteá-la de novo pode movê-la duas vezes. Transferir para {label} mesmo assim?</translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation>Processando…</translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation>Não é possível ler o arquivo: {error}.</translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation>Erro inesperado ({error}); os detalhes estão no arquivo de log.</translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation>Carregue o certificado {path} no Call Center (válido até {date}).
Impressão digital do certificado (SHA-256):
{first}
{second}</translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation>Chave privada (chaveiro do sistema)</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>Senha da chave</translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation>somente se o arquivo PEM estiver criptografado</translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation>Digite-a antes de escolher o arquivo; ela é apagada assim que for usada.</translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation>Definir &amp;chave privada a partir de arquivo PEM…</translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation>Definir chave privada a partir de arquivo PEM</translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation>Criar chave e cert&amp;ificado…</translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation>Criar chave e certificado</translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation>Uma nova chave RSA de 2048 bits, guardada somente no chaveiro, e o certificado autoassinado a ser carregado no Call Center, salvo onde você escolher.</translation>
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
        <translation>Salvar um novo certificado autoassinado para a chave armazenada (por exemplo, quando o primeiro foi perdido).</translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation>Re&amp;mover chave</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Remover chave</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>T&amp;estar</translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation>Testar a chave e mostrar as declarações (claims) de um token</translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation>Substituir a cha&amp;ve…</translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation>Substituir a chave armazenada</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Manter</translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation>Manter a chave armazenada</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>Chaveiro:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>Chave:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>Sen&amp;ha:</translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation>Salve o perfil primeiro e depois armazene a chave dele.</translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation>desconhecido: o chaveiro não pode ser usado</translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation>armazenada para &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation>nenhuma armazenada para &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Chave privada (PEM)</translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation>Chaves privadas PEM (*.pem *.key)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation>Chave RSA de {bits} bits armazenada para &apos;{name}&apos;.
Impressão digital: {fingerprint}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation>&apos;{name}&apos; já tem uma chave. Uma nova chave a substitui, e as transferências falham até que o certificado dela seja registrado no Call Center.</translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation>Salvar o certificado (PEM)</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>Certificados PEM (*.pem *.crt)</translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation>Chave RSA de {bits} bits criada para &apos;{name}&apos; no chaveiro.</translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation>Ela substitui a chave anterior: as transferências falham até que este certificado seja registrado no Call Center.</translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation>Novo certificado salvo para a chave de &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation>A chave de &apos;{name}&apos; foi removida do chaveiro.</translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation>Nenhuma chave estava armazenada para &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation>A chave funciona: um token para &apos;{name}&apos; foi gerado. As declarações dele (o token em si nunca é mostrado):</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>Painel de Transferência de Voz</translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation>Mostrar / ocultar o painel</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Sair</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation>Todos</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agentes</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Filas</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>Fluxos</translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation>Mostrar agentes</translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation>Mostrar filas</translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation>Mostrar fluxos</translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation>Mostrar todos os tipos</translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears.</source>
        <translation>Digite qualquer parte de um nome; as setas para cima e para baixo percorrem os resultados, Enter escolhe um e Esc limpa a busca.</translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation>Carregando o diretório…</translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation>DIRETÓRIO</translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation>Buscar agentes, filas, fluxos</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>Buscar no diretório</translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation>Buscar (Ctrl+K)</translation>
    </message>
    <message>
        <source>Available only</source>
        <translation>Só disponíveis</translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation>Somente agentes disponíveis</translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation>Presença: disco verde com visto = Disponível; disco vermelho com barra = Ocupado ou em chamada; disco âmbar com ponteiros de relógio = Ausente; anel cinza = Offline ou desconhecido. O status também aparece escrito abaixo do nome de cada agente.</translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation>Progresso da atualização do diretório</translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation>Atualidade do diretório</translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation>Resultados do diretório</translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation>Ocultar agentes ocupados, ausentes ou offline.</translation>
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
        <translation>; {shown} listados, mais ao descer</translation>
    </message>
    <message>
        <source>{row}, {position} of {total}</source>
        <translation>{row}, {position} de {total}</translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation>Nenhum resultado para “{query}”.
Cole um ID de agente (005…), fila (00G…) ou fluxo (300…) para usá-lo diretamente.</translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation>Nenhum destino.</translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation>De {source}</translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation>Em {time} · {source}</translation>
    </message>
    <message>
        <source>{used} of {limit} API calls used today</source>
        <translation>{used} de {limit} chamadas de API usadas hoje</translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation>{as_of} · atualizando…</translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation>Falha na atualização: {reason}</translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation>{as_of}. {failed}</translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation>O diretório está vazio.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>%Ln linha ignorada: {problem}</numerusform>
            <numerusform>%Ln linhas ignoradas: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>Atualizando de {source}: {done} de %Ln entrada…</numerusform>
            <numerusform>Atualizando de {source}: {done} de %Ln entradas…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>Atualizando de {source}: %Ln entrada…</numerusform>
            <numerusform>Atualizando de {source}: %Ln entradas…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation>Fila de contingência</translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation>Opcional: a fila que recebe a chamada se o roteamento para o fluxo falhar. Digite para buscar filas.</translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation>Usada se o roteamento para o fluxo falhar (opcional)</translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation>Nenhuma (opcional) · digite para buscar filas</translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation>Nome (nome de API)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation>Nome da entrada de fluxo {number}</translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation>Valor da entrada de fluxo {number}</translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation>Remover a entrada de fluxo {number}</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Entradas do fluxo</translation>
    </message>
    <message>
        <source>None. This flow takes {names}: Add input, then Down in its name lists them.</source>
        <translation>Nenhuma. Este fluxo recebe {names}: clique em Adicionar entrada e, no campo do nome, a seta para baixo as lista.</translation>
    </message>
    <message>
        <source>Name (Down lists the flow&apos;s)</source>
        <translation>Nome (seta para baixo lista as do fluxo)</translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation>Nenhuma. Adicione as variáveis de entrada do fluxo, se ele precisar.</translation>
    </message>
    <message>
        <source>Add input</source>
        <translation>Adicionar entrada</translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation>Adicionar uma entrada de fluxo</translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation>Problema nas entradas do fluxo</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation>Inspetor de requisições</translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation>Transfira uma chamada: a requisição e a resposta aparecem aqui.</translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation>Mais recentes primeiro · o token nunca é mostrado, apenas suas declarações decodificadas</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Limpar</translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation>Requisições, mais recentes primeiro</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>Detalhes da requisição</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Limpar a lista</translation>
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
        <translation>ID da chamada</translation>
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
        <translation>Duração</translation>
    </message>
    <message>
        <source>Fallback queue</source>
        <translation>Fila de contingência</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensagem</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>Entradas do fluxo</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation>Todos os resultados</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 dias</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 dias</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Últimos 90 dias</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>Tudo o que foi guardado</translation>
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
        <translation>Histórico de transferências</translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation>ID da chamada ou destino</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>&amp;Resultado</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Período</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>Copiar linha</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>Transferir de novo</translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation>Rotear a chamada ativa para o destino desta linha</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>Show flow-input values</source>
        <translation>Mostrar valores das entradas de fluxo</translation>
    </message>
    <message>
        <source>They may hold customer data: show them only when needed</source>
        <translation>Podem conter dados do cliente: mostre-os só quando necessário</translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation>Incluir valores das entradas de fluxo</translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation>Podem conter dados do cliente: deixe-os de fora, a menos que sejam necessários</translation>
    </message>
    <message>
        <source> days</source>
        <translation> dias</translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation>Guardar transferências por </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation>Guardar este número de dias daqui em diante; transferências mais antigas são excluídas agora</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Transferências</translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation>Transferir a chamada ativa de novo para este destino</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>Exportar para CSV</translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation>Por quantos dias o histórico guarda as transferências</translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation>Aplicar o período de retenção</translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>Guardando transferências por %n dia: {removed}</numerusform>
            <numerusform>Guardando transferências por %n dias: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>%Ln transferência mais antiga excluída.</numerusform>
            <numerusform>%Ln transferências mais antigas excluídas.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>%Ln transferência (as mais recentes; a exportação grava todas)</numerusform>
            <numerusform>%Ln transferências (as mais recentes; a exportação grava todas)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>%Ln transferência</numerusform>
            <numerusform>%Ln transferências</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation>Exportar o histórico para CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>Não foi possível gravar {path}: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>%Ln transferência exportada para {path}</numerusform>
            <numerusform>%Ln transferências exportadas para {path}</numerusform>
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
        <translation>fila de contingência</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>ID da chamada</translation>
    </message>
    <message>
        <source>fault target</source>
        <translation>destino do cenário</translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation>a URL base do SCRT, por exemplo https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation>https://login.salesforce.com, https://test.salesforce.com ou a URL do seu My Domain</translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation>o simulador do instrutor, por exemplo http://192.168.1.20:8765/telephony/v1</translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation>o endereço do OpenBao ou Vault, por exemplo https://openbao.example.com:8200</translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation>o nome da chave Transit que guarda a chave privada do Call Center</translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation>a função (role) {source} que a TI configurou para o painel</translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation>o ID da organização de 15 ou 18 caracteres (00D…), em Configuração &gt; Informações da empresa</translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>o nome de API do Call Center, por exemplo HVCC</translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation>Instale e inicie um chaveiro Secret Service (GNOME Keyring ou KWallet) na sua sessão da área de trabalho e tente novamente.</translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation>O chaveiro do sistema / Gerenciador de Credenciais não respondeu; entre novamente na sessão e tente de novo.</translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation>partes dele estão faltando ou não correspondem à soma de verificação</translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation>ele não pode ser decodificado</translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation>o manifesto dele está ilegível</translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation>ele foi gravado por uma versão mais nova do painel</translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation>não é um arquivo de um cache de diretório</translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation>ele não corresponde à soma de verificação</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation>[profiles.{profile}] chave desconhecida {key!r}: você quis dizer {suggestion!r}?</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation>[profiles.{profile}] chave desconhecida {key!r}: consulte a referência de configuração no README</translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation>Nenhum chaveiro do sistema está disponível ({backend} não é o armazenamento próprio do sistema operacional), e as chaves nunca são guardadas em arquivos comuns. {hint}</translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation>Nenhum chaveiro do sistema está disponível, e as chaves nunca são guardadas em arquivos comuns. {hint}</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation>[profiles.{profile}] {key} está faltando: {hint} ({by} = &quot;{source}&quot; precisa dela)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation>[profiles.{profile}] {key} está faltando: {by} = &quot;{source}&quot; precisa dela</translation>
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
        <translation>offline</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: routing the call to them will likely fail.</source>
        <translation>{target_label} está {standing}: o roteamento da chamada provavelmente vai falhar.</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: the call may wait until they are free, or routing may fail.</source>
        <translation>{target_label} está {standing}: a chamada pode esperar até a pessoa ficar livre, ou o roteamento pode falhar.</translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation>O roteamento desta chamada para {target_label} já foi solicitado às {when}.</translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation>Uma transferência desta chamada para {target_label} às {when} pode ter sido concluída (o resultado é desconhecido).</translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation>O campo {field} está vazio: informe um ID do Salesforce de 15 ou 18 caracteres.</translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation>{text!r} ({field}) não é um ID do Salesforce: ele deve ter 15 ou 18 letras e dígitos (tem {length} caracteres). Copie o ID da URL do registro.</translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation>{text} ({field}) tem uma soma de verificação errada (os 3 últimos caracteres deveriam ser {expected}): provavelmente foi digitado errado ou as maiúsculas/minúsculas foram alteradas. Copie-o de novo do Salesforce.</translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation>{id} ({field}) é um ID de versão de fluxo (301…): use o ID da definição do fluxo (300…), o DurableId do fluxo em FlowDefinitionView.</translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation>{id} ({field}) não é um agente (005…), uma fila (00G…) nem um fluxo do Omni-Channel (300…): o prefixo {prefix} é de um ID de {kind}.</translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation>O ID da chamada está vazio: cole o ID da chamada ativa a partir do softphone.</translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation>O ID da chamada contém um caractere de controle ou texto inválido (por exemplo, uma quebra de linha): cole apenas o ID.</translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation>O ID da chamada contém um caractere invisível (um espaço de largura zero, uma marca de direção de texto ou um separador de linha): cole apenas o ID ou digite-o.</translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation>O ID da chamada tem {length} caracteres (no máximo {limit}): cole apenas o ID.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation>{text!r} não é um ID de chamada: cole o ID da chamada ativa.</translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation>{text!r} começa como um ID de VoiceCall do Salesforce (0LQ…), mas não é um: deve ter 15 ou 18 letras e dígitos. Cole o ID da chamada novamente.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation>{text!r} não é um ID de chamada: contém um espaço ou outro caractere que o contact_id_pattern do perfil não permite. Cole apenas o ID.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation>{text!r} não é um ID de chamada: um ID de contato não tem espaços. Cole apenas o ID.</translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation>Uma fila de contingência só se aplica ao rotear para um fluxo do Omni-Channel: remova-a ou escolha um fluxo em vez deste destino ({kind}).</translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation>A fila de contingência {id} não é um ID de fila (00G…).</translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation>Entradas de fluxo só se aplicam ao rotear para um fluxo do Omni-Channel, não para um destino do tipo {kind}: remova-as.</translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>{count} entrada de fluxo informada: são permitidas no máximo {limit}.</numerusform>
            <numerusform>{count} entradas de fluxo informadas: são permitidas no máximo {limit}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation>A entrada de fluxo {number} não tem nome: dê um nome a ela ou remova a linha.</translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation>O nome da entrada de fluxo {number} é longo demais ou tem quebras de linha ou tabulações: use o nome de API da variável do fluxo (no máximo {limit} caracteres).</translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation>A entrada de fluxo {key!r} contém um caractere de controle ou texto inválido: remova-o.</translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation>A entrada de fluxo {key!r} tem {length} caracteres (no máximo {limit}).</translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation>A entrada de fluxo {key!r} foi informada duas vezes (os nomes são comparados sem diferenciar maiúsculas e minúsculas, como os nomes de API do Salesforce): mantenha apenas uma entre {first!r} e {key!r}.</translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation>--flow-input {text!r} deve estar no formato CHAVE=VALOR.</translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation>{already} Nada foi enviado. Verifique o softphone; para roteá-la de novo mesmo assim, adicione --again.</translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation>Uma transferência desta chamada já está em andamento: aguarde o resultado.</translation>
    </message>
    <message>
        <source>{unavailable} Nothing was sent. Pick another target, or to route it there anyway, add --even-if-unavailable.</source>
        <translation>{unavailable} Nada foi enviado. Escolha outro destino ou, para roteá-la para lá mesmo assim, adicione --even-if-unavailable.</translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation>Não é possível ler o arquivo de configuração {path}: {reason}.</translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation>O arquivo de configuração {path} tem mais de {limit_kib} KiB: isso não é um arquivo de configuração. Verifique o caminho (--config, $TRANSFER_PANEL_CONFIG).</translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation>O arquivo de configuração {path} não é um TOML válido: {detail}.</translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation>O arquivo de configuração {path} aninha tabelas ou listas em profundidade demais para ser um arquivo de configuração.</translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>O arquivo de configuração {path} tem {count} problema:</numerusform>
            <numerusform>O arquivo de configuração {path} tem {count} problemas:</numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: chave de nível superior desconhecida {key!r}: os perfis ficam em tabelas [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: &apos;profiles&apos; deve conter tabelas [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation>{file}: [profiles.{profile}] locked cita chaves desconhecidas: {keys}</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation>{file}: [profiles.{profile}] locked deve ser true ou uma lista de nomes de chaves</translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation>Nenhum perfil está configurado em {path}. Adicione uma tabela [profiles.&lt;name&gt;] (consulte a referência de configuração no README) ou use --demo.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation>{count} perfis estão configurados ({names}): escolha um com --profile NAME.</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation>Não existe o perfil {name!r} em {path} (configurados: {known}).</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation>Não existe o perfil {name!r} em {path} (configurados: nenhum).</translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation>Não foi possível gravar o arquivo de configuração {path} ({reason}): nada foi salvo.</translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation>Não há arquivo de configuração em {path} (procurado em --config, depois em $TRANSFER_PANEL_CONFIG, depois na pasta de configuração do usuário) nem arquivo do site em {site_path}. Adicione um perfil: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation>O arquivo de configuração {path} foi gravado, mas ao relê-lo {what} não aparece como foi salvo: outro programa pode estar alterando-o. Verifique o arquivo e salve novamente.</translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation>O arquivo de configuração {path} foi alterado por outra pessoa desde que foi aberto aqui: nada foi salvo. Recarregue-o e faça a alteração de novo.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation>O perfil &apos;{profile}&apos; já está em {path}: adicione --replace para substituí-lo.</translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation>--set {text!r} deve estar no formato CHAVE=VALOR com um valor TOML, por exemplo timeout_s=15 ou provider_name=&quot;Amazon Connect&quot; ({reason}).</translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation>[profiles.{profile}]: nomes de perfil usam letras, dígitos, &apos;-&apos; e &apos;_&apos; (no máximo 64)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation>[profiles.{profile}] deve ser uma tabela de chaves</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation>[profiles.{profile}] {key} está faltando: {hint}</translation>
    </message>
    <message>
        <source>see the README</source>
        <translation>consulte o README</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation>O perfil &apos;{profile}&apos; assina com uma chave do chaveiro (signing = &quot;keyring&quot;): não há login no OpenBao.</translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation>deve ser true ou false (sem aspas)</translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation>deve ser um número de segundos</translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation>deve estar entre {low} e {high} segundos</translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation>deve ser um texto entre aspas</translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation>deve ser uma URL completa: {example_text}</translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation>não pode ter uma consulta (?…) nem um fragmento (#…)</translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation>não pode conter nome de usuário nem senha</translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation>deve usar https:// (http simples só é permitido para este computador, por exemplo um simulador local, ou em um perfil com training = true para um simulador de sala de aula)</translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation>tem uma porta que não existe: use um número de 1 a 65535, ou nenhum</translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation>não é um nome de host ou endereço que este computador consiga alcançar: use letras, dígitos, pontos e hifens (sem espaços, tabulações, quebras de linha ou outros caracteres; um nome em outra escrita na forma xn--)</translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation>deve ser um ID de organização (00D…)</translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation>não é um ID válido</translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>deve ser um nome de API: o nome de API do Call Center, por exemplo HVCC</translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation>deve ser imprimível, com no máximo {limit} caracteres</translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation>é enviado como cabeçalho HTTP, que só aceita ASCII simples (no máximo {limit} caracteres): escreva sem acentos nem outras escritas, por exemplo &quot;Telefonica&quot;</translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation>deve ser uma versão de API como &quot;62.0&quot;</translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation>deve ser uma expressão regular para os IDs de contato do fornecedor de telefonia, com no máximo {limit} caracteres, por exemplo &quot;[0-9a-f-]{{36}}&quot; ({reason})</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>deve ser um destes: {choices}</translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation>deve ser um nome do OpenBao: letras, dígitos, &apos;_&apos;, &apos;-&apos; e &apos;.&apos; (no máximo {limit})</translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation>deve ser um caminho de namespace como &quot;contact-center&quot; ou &quot;emea/contact-center&quot;, ou vazio</translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation>é o Salesforce: um perfil com training = true deve apontar para um simulador de treinamento</translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation>é um endereço público: um simulador de treinamento deve ficar em uma rede fechada (um endereço privado como 192.168.x.x ou 10.x.x.x)</translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation>O chaveiro ({backend}) está bloqueado. Desbloqueie-o (entre na sua sessão da área de trabalho ou abra o aplicativo do chaveiro) e tente novamente.</translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation>O chaveiro ({backend}) não conseguiu processar a chave ({action}): {error}. Verifique se o chaveiro está em execução e desbloqueado.</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation>Nenhuma chave privada está armazenada para o perfil &apos;{profile}&apos; em {backend}. Armazene-a: transfer-panel credentials set --profile {profile} --key-file KEY.pem</translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation>O {name} a armazenar para o perfil &apos;{profile}&apos; está vazio, é longo demais ou não é texto simples (no máximo {limit} caracteres ASCII imprimíveis).</translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation>Isto não é uma chave privada PEM: era esperado um arquivo que começa com &apos;-----BEGIN PRIVATE KEY-----&apos; ou &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation>A chave privada é protegida por senha: informe a senha também.</translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation>A chave privada não é protegida por senha, mas uma senha foi informada: deixe-a vazia.</translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation>Não foi possível ler a chave privada: a senha está errada ou o PEM está danificado.</translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation>A chave privada é do tipo {type}: a API do SCRT precisa de uma chave RSA (2048 ou 4096 bits).</translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation>A chave privada é RSA de {bits} bits: use uma chave de 2048 ou 4096 bits, conforme registrada no certificado do Call Center.</translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation>{name} é grande demais para ser uma chave privada (mais de {limit_kib} KiB).</translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation>Não é possível ler o arquivo de chave {path}: {reason}.</translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation>A chave é protegida por senha: passe-a com --passphrase-env VAR.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>O perfil &apos;{profile}&apos; já tem uma chave {purpose} em {backend}: nada foi alterado. Uma nova chave a substitui, e as transferências falham até que o novo certificado seja registrado no Call Center. Para substituí-la, adicione --replace. Para obter um certificado para a chave que você tem: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation>Não é possível gravar o certificado em {path} ({reason}): nada foi alterado. Escolha uma pasta em que você possa gravar.</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>A nova chave está armazenada em {backend}, mas o certificado dela não pôde ser salvo como {path} ({reason}). Grave-o novamente: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation>{path} contém uma chave privada: ele nunca é sobrescrito. Grave o certificado em outro arquivo, por exemplo {profile}.crt.</translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation>A variável de ambiente {name} não está definida.</translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation>O serviço de assinatura não consegue assinar agora ({reason}).</translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation>openbao_ca_file {path!r} não pode ser lido como certificados PEM ({error}): corrija o caminho no perfil.</translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation>O certificado de cliente {cert} ou a chave dele {key} não pode ser lido ({error}): verifique os dois arquivos.</translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation>O OpenBao em {url} não respondeu a tempo. Tente novamente; se persistir, avise a TI.</translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation>O OpenBao em {url} apresentou um certificado em que este PC não confia: defina openbao_ca_file com o certificado da CA da sua empresa (PEM) ou instale-o no repositório de confiança do sistema.</translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation>O OpenBao em {url} não pode ser alcançado ({error}). Verifique a rede; se persistir, avise a TI.</translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation>O OpenBao em {url} está selado (sealed): a TI precisa fazer o unseal; depois tente novamente.</translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation>O OpenBao em {url} não conseguiu responder ({status}: {said}). Tente novamente; se persistir, avise a TI.</translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation>O OpenBao recusou o acesso a {path} ({status}: {said}).</translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation>O OpenBao não tem nada em {path} (404): verifique openbao_url, openbao_namespace e openbao_transit_mount no perfil &apos;{profile}&apos;, ou pergunte à TI se o mecanismo está habilitado ali.</translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation>O OpenBao recusou a requisição para {path} ({status}: {said}): verifique as chaves openbao_* do perfil ou pergunte à TI.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation>A resposta do OpenBao tem mais de {limit} bytes.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation>A resposta do OpenBao não tem &apos;{field}&apos;: openbao_url é um servidor OpenBao ou Vault?</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation>A assinatura do OpenBao não é base64 válido.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation>A resposta do OpenBao não contém assinatura na forma vault:v1:….</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation>A chave {key!r} do OpenBao não tem versões: pergunte à TI.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation>A chave {key!r} do OpenBao não é um par de chaves RSA: use o tipo rsa-2048 ou rsa-4096.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation>A política do OpenBao não permite que você assine com {path} (403 permission denied): peça à TI para dar à sua função (role) a política transfer-panel para a chave {key!r}, ou verifique openbao_key e openbao_transit_mount no perfil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation>A assinatura do OpenBao não confere com a própria chave pública dele ({error}): peça à TI para verificar a chave Transit.</translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation>Este perfil faz login no OpenBao com {auth}: execute transfer-panel credentials login --profile {profile}.</translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation>Informe seu nome de usuário do OpenBao (sem &apos;/&apos;).</translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation>O OpenBao recusou o login ({said}): verifique o que você digitou ou pergunte à TI se sua conta pode usar a função (role) do painel.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation>A resposta do OpenBao ao login não contém token: pergunte à TI.</translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation>O OpenBao não aceita este token (expirado, revogado ou digitado errado).</translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation>o login por cert precisa de --client-cert PATH e --client-key PATH.</translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation>O OpenBao não forneceu endereço de login para a função OIDC {role!r}: a TI precisa adicionar {redirect_uri} aos allowed_redirect_uris da função.</translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation>Não foi possível abrir nenhum navegador: abra você mesmo este endereço para fazer login: {url}</translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation>O navegador não retornou em {wait_s} s: faça login novamente.</translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation>A porta {port} deste PC está ocupada ({reason}), então o navegador não consegue voltar ao painel: feche o outro login (ou programa) e tente novamente.</translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation>O provedor de identidade recusou o login: {said}</translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation>O navegador voltou sem um código de login: faça login novamente.</translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation>Guarde transferências por {low} a {high} dias, não {days}.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation>Não é possível gravar o histórico de transferências {path} ({reason}).</translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>O link tem {length} caracteres: era esperado transfer-panel://call/&lt;call ID&gt;.</translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>{text!r} não é um link de chamada: era esperado transfer-panel://call/&lt;call ID&gt;.</translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation>O ID da chamada no link não é UTF-8 válido com codificação percentual.</translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation>O ID da chamada no link começa ou termina com um espaço ou caractere de controle.</translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation>Informe a chamada como --call-id ou como um link transfer-panel://, não os dois.</translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation>A mensagem da outra execução é longa demais.</translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation>A mensagem da outra execução não é do tipo que este painel envia.</translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation>A mensagem da outra execução não contém ID de chamada.</translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation>O arquivo {name} do painel está faltando (procurado em {looked}). Reinstale o painel.</translation>
    </message>
    <message>
        <source>Cannot reach Salesforce at {instance} ({error}). Check the network; the directory keeps its last copy.</source>
        <translation>Não é possível alcançar o Salesforce em {instance} ({error}). Verifique a rede; o diretório mantém sua última cópia.</translation>
    </message>
    <message>
        <source>Salesforce refused a fresh access token for the directory (401). Check the integration user&apos;s permissions.</source>
        <translation>O Salesforce recusou um novo token de acesso para o diretório (401). Verifique as permissões do usuário de integração.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls ({used} of {limit} today). The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>A org esgotou suas chamadas diárias de API do Salesforce ({used} de {limit} hoje). O diretório mantém sua última cópia; ele será atualizado quando o limite for redefinido, ou peça ao seu administrador para aumentar o intervalo de atualização.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls. The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>A org esgotou suas chamadas diárias de API do Salesforce. O diretório mantém sua última cópia; ele será atualizado quando o limite for redefinido, ou peça ao seu administrador para aumentar o intervalo de atualização.</translation>
    </message>
    <message>
        <source>Salesforce answered {status} to the directory query: {message}. The directory keeps its last copy.</source>
        <translation>O Salesforce respondeu {status} à consulta do diretório: {message}. O diretório mantém sua última cópia.</translation>
    </message>
    <message>
        <source>Cannot reach the Salesforce login at {url} ({error}). Check the network.</source>
        <translation>Não é possível alcançar o login do Salesforce em {url} ({error}). Verifique a rede.</translation>
    </message>
    <message>
        <source>Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, salesforce_username and that the connected app holds the certificate of the key stored with `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</source>
        <translation>O Salesforce recusou o login do diretório para {username}: {reason}. Verifique salesforce_consumer_key, salesforce_username e se o aplicativo conectado tem o certificado da chave armazenada com `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</translation>
    </message>
    <message>
        <source>Salesforce sent an answer that is not a query result. The directory keeps its last copy.</source>
        <translation>O Salesforce enviou uma resposta que não é um resultado de consulta. O diretório mantém sua última cópia.</translation>
    </message>
    <message>
        <source>The demo directory {path} cannot be read ({error}). Reinstall the panel.</source>
        <translation>Não é possível ler o diretório de demonstração {path} ({error}). Reinstale o painel.</translation>
    </message>
    <message>
        <source>The favorites file {path} cannot be read ({error}); starting without favorites. Starring a target writes a new one.</source>
        <translation>Não é possível ler o arquivo de favoritos {path} ({error}); começando sem favoritos. Marcar um destino com estrela grava um novo.</translation>
    </message>
    <message>
        <source>The favorites file {path} is damaged; starting without favorites. Starring a target writes a new one.</source>
        <translation>O arquivo de favoritos {path} está danificado; começando sem favoritos. Marcar um destino com estrela grava um novo.</translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation>uma entrada do diretório deve ser um agente, uma fila ou um fluxo, não do tipo {kind}</translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation>o ID de {kind} {id} começa com {prefix}, que é um ID de {id_kind}, não de {kind}</translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation>{kind} {id} não tem nome</translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation>somente agentes têm presença; {label!r} é do tipo {kind}</translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation>O arquivo de diretório {path} não existe. Verifique directory_file no perfil.</translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation>O arquivo de diretório {path} não pode ser lido ({reason}). Verifique directory_file no perfil e se o arquivo pode ser lido.</translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation>O arquivo de diretório {path} não é um arquivo comum (um pipe, um dispositivo ou uma pasta). Verifique directory_file no perfil.</translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation>O arquivo de diretório {path} tem {size} MiB; o painel lê arquivos de diretório de até {limit} MiB. Verifique se é o diretório e deixe de fora o que o painel não precisa.</translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation>O arquivo de diretório {path} não é texto UTF-8. Salve-o como UTF-8.</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation>O arquivo de diretório {path} precisa de uma linha de cabeçalho com as colunas kind, id, name (e, opcionalmente, detail, presence); a primeira linha dele não é uma:</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation>O arquivo de diretório {path} precisa de uma linha de cabeçalho com as colunas kind, id, name (e, opcionalmente, detail, presence); faltando: {missing}.</translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation>O arquivo de diretório {path} deve ser JSON na forma {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation>linha {line}, destino {position}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>linha {line}</translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation>tem mais de {limit} bytes</translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation>uma aspa abre um campo, mas não o fecha na mesma linha</translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation>a linha não é CSV válido ({error})</translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation>a linha não é texto UTF-8; salve o arquivo como UTF-8</translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation>o tipo (kind) {kind!r} deve ser agent, queue ou flow</translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation>não é JSON válido</translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation>contém listas ou objetos, ou um texto que não termina na própria linha</translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation>não é um objeto com kind, id e name</translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation>o arquivo termina no meio dele</translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation>linha {line}: o ID {id} também está na linha {earlier_line}; esta linha posterior é a usada</translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation>linha {line}: o JSON está quebrado aqui (falta uma vírgula ou um colchete/chave de fechamento); nada depois disso é lido</translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation>O diretório salvo {path} não pode ser lido ({reason}); ele é ignorado.</translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation>O diretório salvo {path} está danificado ou é de outra versão ({why_text}); ele é ignorado e substituído na próxima atualização.</translation>
    </message>
    <message>
        <source>Unknown scenario &apos;{scenario}&apos;: use one of {choices}.</source>
        <translation>Cenário desconhecido &apos;{scenario}&apos;: use um de {choices}.</translation>
    </message>
    <message>
        <source>{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) only.</source>
        <translation>{target} não é um fluxo: “{scenario}” só se aplica a fluxos do Omni-Channel (300…).</translation>
    </message>
    <message>
        <source>Cannot save the class plan to {path}: {reason}</source>
        <translation>Não é possível salvar o plano de aula em {path}: {reason}</translation>
    </message>
    <message>
        <source>Cannot read the class plan {path}: {reason}</source>
        <translation>Não é possível ler o plano de aula {path}: {reason}</translation>
    </message>
    <message>
        <source>{path} is not a class plan (TOML): {error}</source>
        <translation>{path} não é um plano de aula (TOML): {error}</translation>
    </message>
    <message>
        <source>{source}: unknown keys {keys}; a plan has every_target and [targets].</source>
        <translation>{source}: chaves desconhecidas {keys}; um plano tem every_target e [targets].</translation>
    </message>
    <message>
        <source>{source}: every_target must be a scenario name and targets a table of target IDs.</source>
        <translation>{source}: every_target deve ser um nome de cenário e targets uma tabela de IDs de destinos.</translation>
    </message>
    <message>
        <source>{source}: [targets.{target}] needs scenario = &quot;…&quot; (one of {choices}).</source>
        <translation>{source}: [targets.{target}] precisa de scenario = &quot;…&quot; (um de {choices}).</translation>
    </message>
    <message>
        <source>The class plan {source} cannot be used:</source>
        <translation>O plano de aula {source} não pode ser usado:</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation>Nenhuma chave privada está armazenada para o perfil &apos;{profile}&apos; em {backend}: abra Ajustes… e defina a chave dele (as transferências falham até lá).</translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation>A chave privada armazenada para o perfil &apos;{profile}&apos; em {backend} está danificada ({why_text}) e não será usada. Abra Ajustes… e defina-a novamente.</translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation>Nenhum perfil está configurado em {path}: adicione um em Ajustes….</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation>O perfil &apos;{profile}&apos; já tem uma chave em {backend}: nada foi alterado. Substituí-la interrompe as transferências até que o novo certificado seja registrado no Call Center; para obter um certificado para a chave que você tem, use Exportar certificado….</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation>A nova chave está armazenada em {backend}, mas o certificado dela não pôde ser salvo como {path} ({reason}). Use Exportar certificado… para salvá-lo em outro lugar.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation>{count} perfis estão configurados ({names}): inicie o painel com --profile NAME.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation>O histórico de transferências {path} não pode ser usado ({reason_text}).</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation>Sem login no OpenBao, que assina as transferências deste perfil: faça login com Entrar… no topo do painel.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation>Seu login no OpenBao expirou ou foi revogado: faça login com Entrar… no topo do painel.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation>Seu login no OpenBao expirou: faça login com Entrar… no topo do painel.</translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation>Você saiu do OpenBao: faça login com Entrar… no topo do painel.</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>Sem chaveiro</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>Chaveiro bloqueado</translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation>Erro no chaveiro</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>Sem chave</translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation>Chave danificada</translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation>{row} (ignorada)</translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation>linha {line}: </translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation>{file}, linha {line}: </translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>Sem login no OpenBao.</translation>
    </message>
    <message>
        <source>a token</source>
        <translation>um token</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation>Conectado ao OpenBao como {who}, sem expiração</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation>Conectado ao OpenBao como {who}, até {until}</translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation>Sessão encerrada: o token do OpenBao foi revogado.</translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation>Sessão encerrada (o token do OpenBao já tinha expirado ou sido revogado).</translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation>Sessão encerrada aqui, mas o OpenBao não conseguiu revogar o token ({reason}); ele deixa de funcionar quando expirar.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation>O perfil &apos;{profile}&apos; não estava conectado ao OpenBao.</translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation>Roteamento solicitado</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejeitada</translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation>Formato de rota errado</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Erro do servidor</translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation>Credenciais recusadas</translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation>Sem credenciais</translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation>Limitada pelo servidor</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Não enviada</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>Resultado desconhecido</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>Erro interno</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Enviando…</translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation>Resultado desconhecido ou em andamento</translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation>Rejeitada pelo Salesforce</translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation>Não enviada ou limitada pelo servidor</translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation>Credenciais ou configuração</translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation>Verifique o softphone antes de qualquer coisa: se a chamada não foi movida, tente novamente.</translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation>Nada foi enviado; é seguro tentar novamente.</translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation>Nada foi enviado: corrija as credenciais e tente novamente.</translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation>Não foi possível gravar o histórico de transferências: esta transferência não consta nele.</translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation>Em Ajustes…, defina o formato de rota do perfil &apos;{profile}&apos; como {other_shape} e tente novamente.</translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation>Tente novamente em {seconds} s.</translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation>Tente novamente em um minuto.</translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation>O Salesforce está ocupado ({status}) e não processou a requisição.</translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation>A transferência para {label} parou com um erro inesperado ({error}).</translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation>A chamada pode ou não estar sendo movida: verifique o softphone antes de tentar novamente. Os detalhes estão no log.</translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation>Não foi possível enviar a transferência para {label}: erro inesperado ({error}).</translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation>Nada foi enviado. Os detalhes estão no log; avise o administrador.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation>O Salesforce não conhece esta chamada (404): {said}.</translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation>Verifique o ID da chamada; a chamada pode ter terminado. Se todas as chamadas falharem assim, o servidor pode esperar o formato de rota {other_shape} (Ajustes…).</translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation>Roteamento solicitado para {label}</translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation>O Salesforce rejeitou o roteamento para {label} ({status}): {said}.</translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation>Verifique o destino e as entradas do fluxo; enviar a mesma requisição de novo não vai adiantar.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation>O servidor não aceita o formato de rota &apos;{route_shape}&apos; (405): nada foi roteado.</translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation>O Salesforce recusou as credenciais ({status}): {said}. Nada foi roteado.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation>Verifique org_id e call_center do perfil, o certificado registrado no Call Center e o relógio deste computador; depois fale com o administrador.</translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation>O Salesforce teve um erro de servidor ({status}): {said}.</translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation>A chamada pode ou não ter sido movida: verifique o softphone antes de tentar novamente.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation>Não foi possível alcançar o Salesforce ({error}): nada foi enviado.</translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation>Verifique a conexão de rede e tente novamente; é seguro tentar de novo.</translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation>Sem resposta do Salesforce ({error}): a chamada talvez já esteja sendo roteada.</translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation>Não foi possível alcançar o Salesforce em {timeout_s} s: nada foi enviado.</translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation>Sem resposta do Salesforce em {timeout_s} s: a chamada talvez já esteja sendo roteada.</translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation>O painel foi fechado durante a transferência para {label}: a chamada pode ter sido roteada.</translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation>O painel foi encerrado durante a transferência para {label}: a chamada pode ter sido roteada.</translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation>Verifique o softphone primeiro: transfira de novo só se a chamada não tiver sido movida.</translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation>Não tente de novo às cegas: uma segunda requisição pode rotear a chamada duas vezes.</translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation>Fique com o cliente; peça ao seu supervisor para transferir a chamada: este painel não consegue transferir até a TI corrigir o problema.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation>Diga ao cliente que vai levar um momento e tente novamente; se continuar falhando, fale com o seu supervisor.</translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation>Envie à TI o arquivo de log (transfer-panel diagnostics).</translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation>Verifique se o agente {target} pode receber chamadas de voz no Omni-Channel (status de presença, capacidade).</translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation>Verifique se a fila {target} aceita chamadas de voz e tem uma configuração de roteamento.</translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation>Verifique se {target} é um fluxo do Omni-Channel ativo (o ID de definição do fluxo 300…).</translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} tentativa</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} tentativas</numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation>HTTP {status} · {elapsed} ms</translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation>O Salesforce disse: {said}</translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation>Nada foi enviado: você não está conectado ao OpenBao.</translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation>Faça login (Entrar… no topo do painel) e transfira de novo.</translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation>Nada foi enviado: o chaveiro está bloqueado.</translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation>Desbloqueie-o (o chaveiro ou o aplicativo de senhas da sua área de trabalho) e transfira de novo.</translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation>Nada foi enviado: este painel não tem uma chave utilizável para assinar transferências.</translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation>Nada foi enviado: não é possível gravar o histórico de transferências.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation>Nada foi enviado: o painel não conseguiu assinar a transferência.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation>Diga ao cliente que você está transferindo a ligação; tente {alternative} ou fale com o seu supervisor.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation>Diga ao cliente que você está transferindo a ligação e pergunte ao seu supervisor para onde enviar a chamada.</translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>Verifique a {count} entrada do fluxo: cada nome deve ser uma variável de entrada do fluxo.</numerusform>
            <numerusform>Verifique as {count} entradas do fluxo: cada nome deve ser uma variável de entrada do fluxo.</numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation>Verifique se a fila de contingência {queue} aceita chamadas de voz.</translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation>Enviar a mesma requisição de novo não vai adiantar.</translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation>O Salesforce se recusou a rotear a chamada para {label}.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation>O Salesforce não conhece esta chamada: ela pode ter terminado.</translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation>Verifique o softphone; se o cliente ainda estiver na linha, fale com o seu supervisor.</translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation>Verifique o ID da chamada que o softphone repassou.</translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation>Se todas as chamadas falharem assim, o servidor pode esperar o formato de rota {other_shape}: defina-o para o perfil &apos;{profile}&apos; em Ajustes….</translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation>Nada foi roteado: as configurações do painel não correspondem ao Salesforce.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation>O servidor não aceita o formato de rota &apos;{route_shape}&apos;: {fix}</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation>Diga ao cliente que vai levar um momento; tente novamente em {seconds} s.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation>Diga ao cliente que vai levar um momento; tente novamente em um minuto.</translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation>O Salesforce está ocupado: nada foi roteado.</translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation>O Salesforce não processou a requisição: é seguro enviá-la de novo.</translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation>Erro: {error} (o traceback está no arquivo de log do painel).</translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation>A transferência parou com um erro inesperado: a chamada pode ou não estar sendo movida.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation>Nada foi enviado: o painel encontrou um erro inesperado.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation>Diga ao cliente que vai levar um momento e tente novamente; se continuar acontecendo, fale com o seu supervisor.</translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation>Resultado desconhecido: a chamada talvez já esteja sendo movida.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation>Não foi possível alcançar o Salesforce: nada foi enviado.</translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation>Verifique a conexão de rede deste computador e se ele consegue alcançar a base_url do perfil.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation>Diga ao cliente que você está transferindo a ligação; o softphone mostra quando a chamada for movida.</translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation>O Salesforce aceitou a requisição de roteamento; a resposta não confirma que a chamada foi movida.</translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation>Nada foi roteado: o Salesforce recusou as credenciais deste painel.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation>Verifique org_id e call_center do perfil, o certificado registrado no Call Center (ele deve corresponder à chave no chaveiro) e o relógio deste computador.</translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation>O Salesforce teve um problema: a chamada pode ou não ter sido movida.</translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation>Uma falha do lado do Salesforce; o painel nunca repete esse tipo de requisição sozinho.</translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation>Antes de qualquer envio: {error}.</translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>Sem conexão dentro do tempo limite do perfil ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation>A requisição foi enviada e então: {error}.</translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>A requisição foi enviada; sem resposta dentro do tempo limite do perfil ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation>O painel foi fechado enquanto a requisição estava em andamento.</translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation>O painel foi encerrado enquanto a requisição estava em andamento.</translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation>Resultado da transferência</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalhes</translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation>Detalhes para a TI</translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation>Mostra o status HTTP, a resposta do servidor e o que a TI deve verificar</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation>Repetir a transferência</translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation>Transferindo para {label}…</translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation>Aguardando a resposta do Salesforce.</translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>Repetir em %n s</numerusform>
            <numerusform>Repetir em %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation>Para a TI:</translation>
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
        <translation>Fixar</translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation>Compacto e sempre no topo</translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation>Compacto e sempre no topo, ao lado do softphone</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Instrutor</translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation>Ferramentas do instrutor</translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation>Cenários, modo apresentador e o inspetor de requisições (Ctrl+T)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Histórico</translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>Histórico de transferências</translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation>O que foi transferido, quando e como terminou (Ctrl+H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Ajustes…</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Abrir os ajustes</translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation>Perfis e chaves (Ctrl+,)</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>Chaveiro</translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation>Modo de demonstração: as transferências vão para o simulador integrado em {endpoint}, nunca para o Salesforce</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>TREINAMENTO</translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation>Perfil de treinamento: as transferências vão para {endpoint}</translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation>{reason}
Clique para verificar novamente.</translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation>{short}: {reason} Ative para verificar novamente.</translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>Painel de Transferência de Voz</translation>
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
        <translation>Abrir os ajustes para corrigir isto</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Não conectado</translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation>Falha ao iniciar ({error}). Os detalhes estão no log.</translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation>O painel não consegue se conectar</translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation>Corrija o problema mostrado no topo (Ajustes…) para poder transferir.</translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation>Sem diretório: o painel não está conectado.</translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>Algo deu errado (%n até agora)</numerusform>
            <numerusform>Algo deu errado (%n até agora)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>Algo deu errado</translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation>{description}
O painel continua funcionando; os detalhes estão no log.</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nome</translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation>O nome do perfil, usado com --profile. Letras, dígitos, &apos;-&apos; e &apos;_&apos; (no máximo 64). Um perfil existente não pode ser renomeado aqui: crie um novo.</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>URL &amp;base</translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation>A URL base do SCRT, usada por inteiro (sandboxes usam outros formatos de host), por exemplo
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Deve ser https://; http:// simples só para este computador (um simulador local).</translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation>ID da or&amp;ganização</translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation>O ID da organização do Salesforce (00D…, 15 ou 18 caracteres), em Configuração &gt; Informações da empresa. É o emissor (iss) do token.</translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation>&amp;Call Center</translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation>O nome de API do Call Center, por exemplo HVCC. É o assunto (sub) do token.</translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation>Nome do &amp;fornecedor</translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation>Opcional. Enviado como cabeçalho Telephony-Provider-Name quando definido: ASCII simples, por exemplo Amazon Connect.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation>Somente para perfil de sala de aula: permite http:// simples para o simulador do instrutor em outro computador (nunca o Salesforce nem um endereço público); a janela mostra TREINAMENTO.</translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation>Formato de &amp;rota</translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation>Como a chamada de roteamento é endereçada (o Salesforce documenta os dois):
seed (padrão): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
Uma resposta 405 significa que o servidor quer o outro.</translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation>Formato do cor&amp;po</translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation>json (padrão) ou xml (raiz &lt;routeVoiceCall&gt;, entradas de fluxo como &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation>Entradas de fluxo c&amp;omo</translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation>object (padrão) envia flowInputParameters como um objeto JSON; string o envia codificado em JSON como texto. Somente corpos JSON.</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>&amp;Tempo limite</translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation>Prazo para uma transferência, incluindo a nova tentativa (1–120 segundos, padrão 10).</translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation>Padrão do ID de contato</translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation>Opcional. Uma expressão regular à qual os IDs de contato do fornecedor de telefonia correspondem por inteiro, por exemplo [0-9a-f-]{36} para os UUIDs do Amazon Connect. Vazio: uma palavra, sem espaços.</translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation>&amp;Diretório</translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation>De onde vem o diretório: none (colar IDs), file (um arquivo CSV ou JSON de um administrador), salesforce (a API REST da organização) ou demo (o integrado).</translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation>Arquivo de diretório</translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation>Caminho do arquivo de diretório (CSV ou JSON). Verificado a cada 5 s e recarregado quando muda.</translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation>URL de login</translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation>https://login.salesforce.com (padrão), https://test.salesforce.com ou a URL do seu My Domain: o público (audience) do JWT.</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>Chave do consumidor</translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation>A chave do consumidor do aplicativo conectado: o emissor do JWT.</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>Usuário da API</translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation>O usuário de integração: o assunto do JWT. A chave dele é armazenada com transfer-panel credentials set --purpose salesforce-api.</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>Versão da API</translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation>Versão da API REST, por exemplo 62.0 (padrão).</translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation>Atualização de presença</translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation>Com que frequência a presença dos agentes é lida novamente (10–3600 segundos, padrão 30).</translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation>A&amp;ssinatura</translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation>keyring (padrão): a chave do Call Center no chaveiro deste PC. openbao: o Transit do OpenBao ou HashiCorp Vault guarda a chave; o atendente faz login nele.</translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation>URL do OpenBao</translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation>O endereço do OpenBao ou Vault, por exemplo https://openbao.example.com:8200.</translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation>Montagem do Transit</translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation>Onde o Transit está montado (padrão transit).</translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation>Chave Transit</translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation>A chave Transit que guarda a chave privada do Call Center.</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>Método de login</translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation>Como os atendentes fazem login no OpenBao: oidc (o navegador), userpass, approle, cert ou token.</translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation>Função de login</translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation>A função (role) OIDC ou cert que a TI configurou para o painel; o RoleID para approle.</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>Namespace</translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation>Opcional: um namespace do Vault Enterprise / OpenBao.</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>Arquivo da CA</translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation>Opcional: o certificado da CA que assinou o do OpenBao; senão, o repositório de confiança do sistema.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Conexão</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requisições</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Diretório</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>Assinatura</translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation>ex.: HVCC</translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation>opcional, ex.: Amazon Connect</translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation>opcional, ex.: [0-9a-f-]{36}</translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation>ex.: /srv/team.csv</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation>Simulador de sala de aula (http:// simples permitido)</translation>
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
        <translation>Sucesso</translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation>“Roteamento solicitado para …”</translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation>Destino rejeitado</translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation>o motivo do servidor (o destino não pode receber chamadas de voz)</translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation>Credenciais expiradas ou inválidas</translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation>um erro de configuração: o token foi recusado</translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation>Limitada pelo servidor (Retry-After)</translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation>“tente novamente em {throttle_s} s”; nada foi roteado</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Erro do servidor</translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation>uma falha do servidor; apenas nova tentativa manual</translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation>Resposta lenta</translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation>a requisição em andamento por {slow_s} s, depois sucesso</translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation>Conexão interrompida</translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation>“resultado desconhecido”: a chamada talvez já esteja sendo movida</translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation>Fluxo falha (fila de contingência)</translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation>o roteamento para um fluxo só funciona pela fila de contingência dele; sem ela, é recusado</translation>
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
        <translation>Fechando…</translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation>Aguardando a transferência em andamento terminar.</translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation>Favoritos não salvos</translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation>{error}. Eles valem até o painel ser fechado.</translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation>Nenhum favorito na posição {number}</translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation>Marque um destino com estrela (☆ na linha dele ou no formulário, ou Ctrl+D) para escolhê-lo com Ctrl+1…9.</translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation>Não é possível assinar</translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation>O diretório de demonstração está vazio.</translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation>Carregando o diretório de {source}…</translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation>Ainda não há diretório configurado para este perfil.
Cole um ID de agente (005…), fila (00G…) ou fluxo (300…) na caixa de busca para transferir para ele.</translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation>O painel foi fechado durante uma transferência</translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation>Verifique o softphone: estas chamadas podem ter sido movidas. Elas estão no histórico (Ctrl+H), e transferi-las de novo pede confirmação antes.</translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation>Um novo histórico de transferências foi iniciado</translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation>O antigo não pôde ser usado e foi movido para {path}.</translation>
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
        <translation>Mostrar no ar&amp;quivo</translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation>Mostrar os problemas no arquivo de configuração</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Perfis</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>No&amp;vo</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Novo perfil</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>Sa&amp;lvar perfil</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Salvar perfil</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>&amp;Usar este perfil</translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation>Usar este perfil no painel</translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation>Voltar ao modo de demonstração</translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation>O simulador integrado, o diretório e as chamadas de demonstração; nada chega ao Salesforce. Seus perfis ficam como estão.</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>Fechar os ajustes</translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation>&amp;Perfis</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>Arquivo de configuração</translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation>O idioma do painel</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>Como a área de trabalho</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>Idiom&amp;a:</translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation>Esta execução usa --lang {language}.</translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation>O painel usará este idioma a partir da próxima inicialização.</translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation>O painel está em modo de demonstração: as transferências vão para o simulador integrado.</translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation>O painel usa o perfil &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation>O painel não está conectado: salve um perfil, ou escolha um e clique em Usar.</translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation>&amp;Usar &apos;{name}&apos;</translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>Arquivo de configuração (%n problema)</numerusform>
            <numerusform>Arquivo de configuração (%n problemas)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>O arquivo de configuração {path} tem %n problema: o painel não pode usá-lo até que seja corrigido (Arquivo de configuração).</numerusform>
            <numerusform>O arquivo de configuração {path} tem %n problemas: o painel não pode usá-lo até que sejam corrigidos (Arquivo de configuração).</numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation>[profiles.{name}] {key} é definido pelo seu departamento de TI ({site_path}); o valor em {path} é ignorado.</translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation>Definido pelo seu departamento de TI em {path}; não pode ser alterado aqui.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Salvando…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>Não salvo. {reason}</translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation>O perfil &apos;{name}&apos; foi gravado em {path}, mas o arquivo agora tem outro conteúdo (veja acima).</translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation>Perfil &apos;{name}&apos; salvo em {path}. O painel agora o usa.</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation>Login no OpenBao</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>Sem login no OpenBao.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Entrar…</translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation>Entrar no OpenBao</translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation>Nome de usuário do OpenBao</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Senha</translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation>Senha do OpenBao</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Entrar</translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation>Entrar com esta senha</translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation>Fazendo login pelo navegador… conclua lá e depois volte.</translation>
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
        <translation>Fila</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>Fluxo</translation>
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
        <translation>Fila</translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation>Fluxo do Omni-Channel</translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation>Nome de desenvolvedor: {name}</translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation>Nome de API: {name}</translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation>{kind} {id} (ID digitado)</translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation>Fora do diretório: confira o ID antes de transferir</translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation>Presença desconhecida</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation>Planos de aula (*.toml)</translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation>O atendente vê {what}</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Instrutor</translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation>Definir para o destino selecionado</translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation>O destino no formulário de transferência do painel recebe este cenário em vez do geral</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remover</translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation>Carregar plano…</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>Salvar plano…</translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation>Modo apresentador (texto grande para projetor)</translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation>Inspetor de requisições…</translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation>O que cada transferência enviou e recebeu (Ctrl+I)</translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation>Definir o cenário para o destino selecionado</translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation>Remover o cenário do destino selecionado</translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation>Carregar um plano de aula</translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation>Salvar o plano de aula</translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation>Abrir o inspetor de requisições</translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation>&amp;Toda transferência recebe</translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation>Exceto estes &amp;destinos</translation>
    </message>
    <message>
        <source>&amp;Scenario for the target in the panel&apos;s form</source>
        <translation>&amp;Cenário para o destino no formulário do painel</translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation>Aplicado: as próximas transferências seguem este plano.</translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation>Primeiro escolha um destino no painel; ele então recebe o cenário escolhido aqui.</translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation>O atendente vê {what}.</translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation>{target}: o atendente vê {what}</translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation>{error}
O plano em uso não mudou.</translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation>{file} carregado: as próximas transferências seguem este plano.</translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation>Salvo em {path}. Carregue-o na próxima aula ou passe-o para `transfer-panel simulator --plan`.</translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation>Escolha um agente, fila ou fluxo no diretório acima.</translation>
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
        <translation>Fila de &amp;contingência</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transferir</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>Remover dos favoritos</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>Adicionar aos favoritos</translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation>{action} (Ctrl+D); Ctrl+1…9 escolhe o favorito 1…9</translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation>Nenhum destino selecionado</translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation>Busque no diretório e escolha uma linha (Enter ou clique).</translation>
    </message>
    <message>
        <source>Presence: {state}</source>
        <translation>Presença: {state}</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>Transferindo…</translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation>Transferir para {name}</translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation>Aguardando uma chamada do softphone.</translation>
    </message>
    <message>
        <source>Pick the fallback queue: Enter takes the top match.</source>
        <translation>Escolha a fila de contingência: Enter usa o primeiro resultado.</translation>
    </message>
    <message>
        <source>available</source>
        <translation>disponível</translation>
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
        <translation>offline</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconhecido</translation>
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
