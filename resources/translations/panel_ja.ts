<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} progress</source>
        <translation>{name} の進行状況</translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation>{name} を閉じる</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation>この転送の後に切り替えます</translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation>進行中の転送が終わると、パネルは設定で選んだとおりに接続します。</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation>ソフトフォンからの通話を待っています(または ID を貼り付け)</translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation>取得元: コマンドライン</translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation>取得元: ソフトフォン</translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation>取得元: デモ</translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation>取得元: 手入力</translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation>通話中</translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation>通話中の通話 ID</translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation>転送する通話の VoiceCall ID (0LQ…) または電話システムのコンタクト ID</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>通話 ID をコピー</translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation>通話 ID をクリップボードにコピー</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation>通話 ID を編集</translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation>通話 ID を手で変更 (Ctrl+L)</translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation>新しいデモ通話</translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation>新しいデモ通話を開始</translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation>新しい VoiceCall ID で着信をシミュレートします</translation>
    </message>
    <message>
        <source>{source} · copied</source>
        <translation>{source} · コピーしました</translation>
    </message>
    <message>
        <source>Caller: {caller}</source>
        <translation>発信者: {caller}</translation>
    </message>
    <message>
        <source>✓ Salesforce VoiceCall ID</source>
        <translation>✓ Salesforce VoiceCall ID</translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation>✓ 電話システムのコンタクト ID (そのまま使用)</translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation>{file} (IT の設定ファイル)、{line} 行目</translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation>{file} (IT の設定ファイル)</translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation>{line} 行目: {problem}</translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation>設定ファイルの問題</translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation>この入力ミスを修正(&amp;T)</translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation>入力ミスのあるキー名を修正</translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation>設定ファイルの内容</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>再読み込み(&amp;L)</translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation>設定ファイルを読み込み直す</translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation>ファイルを保存(&amp;F)</translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation>設定ファイルを保存</translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation>{path} (未作成)</translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation>編集を始めた後、ファイルが別の場所で変更されました。「再読み込み」で表示できます(編集内容は破棄されます)。「保存」では上書きしません。</translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation>&apos;{typed}&apos; を &apos;{meant}&apos; に変更</translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation>編集済み: まだ保存されていません。</translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>編集済み: 保存する前に修正が必要な問題が %n 件あります。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>保存しています…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>保存されませんでした。{reason}</translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>{path} を保存しました: プロファイル %n 件、問題はありません。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation>2 回目の転送の確認</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>もう一度転送</translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation>この通話をもう一度転送</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation>2 回目の転送をキャンセル</translation>
    </message>
    <message>
        <source>Transfer to {label} anyway</source>
        <translation>それでも {label} に転送</translation>
    </message>
    <message>
        <source>Transfer anyway</source>
        <translation>それでも転送</translation>
    </message>
    <message>
        <source>{label} is {state}.</source>
        <translation>{label} は {state} です。</translation>
    </message>
    <message>
        <source>{previous} Transfer the call to them anyway?</source>
        <translation>{previous} それでも転送しますか?</translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation>この通話は転送中です。</translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation>{label} にもう一度転送</translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation>この通話はすでに移動中の可能性があります。</translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation>{previous} もう一度ルーティングすると、二重に移動する可能性があります。それでも {label} に転送しますか?</translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation>処理中…</translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation>ファイルを読み取れません: {error}。</translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation>予期しないエラー ({error})。詳細はログファイルにあります。</translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation>証明書 {path} を Call Center にアップロードしてください ({date} まで有効)。
証明書のフィンガープリント (SHA-256):
{first}
{second}</translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation>秘密鍵 (OS のキーリング)</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>鍵のパスフレーズ</translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation>PEM ファイルが暗号化されている場合のみ</translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation>ファイルを選ぶ前に入力してください。使用後すぐに消去されます。</translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation>PEM ファイルから秘密鍵を設定(&amp;K)…</translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation>PEM ファイルから秘密鍵を設定</translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation>鍵と証明書を作成(&amp;I)…</translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation>鍵と証明書を作成</translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation>新しい 2048 ビット RSA 鍵(キーリングにのみ保管)と、Call Center にアップロードする自己署名証明書を作成し、指定した場所に保存します。</translation>
    </message>
    <message>
        <source>E&amp;xport certificate…</source>
        <translation>証明書をエクスポート(&amp;X)…</translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation>証明書をエクスポート</translation>
    </message>
    <message>
        <source>Save a new self-signed certificate for the stored key (e.g. when the first one was lost).</source>
        <translation>保存済みの鍵に対して新しい自己署名証明書を保存します(最初の証明書を紛失した場合など)。</translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation>鍵を削除(&amp;M)</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>鍵を削除</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>テスト(&amp;E)</translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation>鍵をテストし、トークンのクレームを表示</translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation>鍵を置き換える(&amp;Y)…</translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation>保存済みの鍵を置き換える</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>そのままにする</translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation>保存済みの鍵をそのままにする</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>キーリング:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>鍵:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>パスフレーズ(&amp;A):</translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation>先にプロファイルを保存してから、鍵を保管してください。</translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation>不明: キーリングを使用できません</translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation>&apos;{name}&apos; 用に保管済み</translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation>&apos;{name}&apos; 用の鍵は保管されていません</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>秘密鍵 (PEM)</translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation>PEM 秘密鍵 (*.pem *.key)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation>&apos;{name}&apos; 用の {bits} ビット RSA 鍵を保管しました。
フィンガープリント: {fingerprint}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation>&apos;{name}&apos; にはすでに鍵があります。新しい鍵で置き換えると、その証明書が Call Center に登録されるまで転送は失敗します。</translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation>証明書を保存 (PEM)</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>PEM 証明書 (*.pem *.crt)</translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation>&apos;{name}&apos; 用の {bits} ビット RSA 鍵をキーリングに作成しました。</translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation>以前の鍵は置き換えられます。この証明書が Call Center に登録されるまで転送は失敗します。</translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation>&apos;{name}&apos; の鍵に対して新しい証明書を保存しました。</translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation>&apos;{name}&apos; の鍵をキーリングから削除しました。</translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation>&apos;{name}&apos; 用の鍵は保管されていませんでした。</translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation>鍵は有効です: &apos;{name}&apos; のトークンを発行しました。そのクレーム(トークン自体は表示されません):</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>音声転送パネル</translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation>パネルの表示/非表示</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>エージェント</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>フロー</translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation>エージェントを表示</translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation>キューを表示</translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation>フローを表示</translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation>すべての種類を表示</translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears.</source>
        <translation>名前の一部を入力してください。上下の矢印キーで結果を移動し、Enter で選択、Esc で消去します。</translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation>ディレクトリを読み込んでいます…</translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation>ディレクトリ</translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation>エージェント、キュー、フローを検索</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>ディレクトリを検索</translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation>検索 (Ctrl+K)</translation>
    </message>
    <message>
        <source>Available only</source>
        <translation>対応可能のみ</translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation>対応可能なエージェントのみ</translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation>在席状況: チェック付きの緑の円 = 対応可能、横棒付きの赤い円 = 取り込み中または通話中、時計の針付きの黄色の円 = 離席中、灰色の輪 = オフラインまたは不明。状態は各エージェント名の下にも表示されます。</translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation>ディレクトリ更新の進行状況</translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation>ディレクトリの鮮度</translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation>ディレクトリの検索結果</translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation>取り込み中、離席中、オフラインのエージェントを非表示にします。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>%Ln 件</numerusform>
        </translation>
    </message>
    <message>
        <source>; {shown} listed, more as you move down</source>
        <translation>、{shown} 件を表示中 (下へ移動すると続きを表示)</translation>
    </message>
    <message>
        <source>{row}, {position} of {total}</source>
        <translation>{row}、{total} 件中 {position} 件目</translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation>「{query}」に一致するものはありません。
エージェント (005…)、キュー (00G…)、フロー (300…) の ID を貼り付けると直接使用できます。</translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation>転送先がありません。</translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation>{source} から</translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation>{time} 時点 · {source}</translation>
    </message>
    <message>
        <source>{used} of {limit} API calls used today</source>
        <translation>本日の API 呼び出し: {limit} 回中 {used} 回</translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation>{as_of} · 更新中…</translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation>更新に失敗しました: {reason}</translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation>{as_of}。{failed}</translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation>ディレクトリは空です。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>%Ln 行をスキップしました: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>{source} から更新中: %Ln 件中 {done} 件…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>{source} から更新中: %Ln 件…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation>フォールバックキュー</translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation>任意: フローへのルーティングが失敗したときに通話を受けるキューです。入力してキューを検索します。</translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation>フローへのルーティングが失敗したときに使用 (任意)</translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation>なし (任意) · 入力してキューを検索</translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation>名前 (API 参照名)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation>フロー入力 {number} の名前</translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation>フロー入力 {number} の値</translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation>フロー入力 {number} を削除</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>フロー入力</translation>
    </message>
    <message>
        <source>None. This flow takes {names}: Add input, then Down in its name lists them.</source>
        <translation>なし。このフローの入力は {names} です。「入力を追加」の後、名前欄で下矢印キーを押すと一覧が表示されます。</translation>
    </message>
    <message>
        <source>Name (Down lists the flow&apos;s)</source>
        <translation>名前 (下矢印キーでフローの入力を一覧表示)</translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation>なし。フローに入力変数が必要な場合は追加してください。</translation>
    </message>
    <message>
        <source>Add input</source>
        <translation>入力を追加</translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation>フロー入力を追加</translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation>フロー入力の問題</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation>リクエストインスペクター</translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation>通話を転送すると、そのリクエストと応答がここに表示されます。</translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation>新しい順 · トークン自体は表示されず、デコードしたクレームのみ表示されます</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>クリア</translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation>リクエスト (新しい順)</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>リクエストの詳細</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>一覧をクリア</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation>通話 ID</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>転送先</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>所要時間</translation>
    </message>
    <message>
        <source>Fallback queue</source>
        <translation>フォールバックキュー</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>フロー入力</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation>すべての結果</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>過去 30 日間</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>過去 90 日間</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>保存分すべて</translation>
    </message>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>入力 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>転送履歴</translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation>通話 ID または転送先</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>結果(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>期間(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>検索(&amp;F)</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>行をコピー</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>もう一度転送</translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation>通話中の通話をこの行の転送先にルーティング</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV にエクスポート…</translation>
    </message>
    <message>
        <source>Show flow-input values</source>
        <translation>フロー入力の値を表示</translation>
    </message>
    <message>
        <source>They may hold customer data: show them only when needed</source>
        <translation>顧客データが含まれる場合があります。必要な場合にのみ表示してください</translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation>フロー入力の値を含める</translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation>顧客データが含まれる場合があります。必要な場合以外は含めないでください</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 日間</translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation>転送の保存期間: </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation>今後この日数だけ保存します。それより古い転送は今すぐ削除されます</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>転送</translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation>通話中の通話をこの転送先にもう一度転送</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>CSV にエクスポート</translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation>履歴で転送を保存する日数</translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation>保存期間を適用</translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>転送を %n 日間保存します: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>古い転送を %Ln 件削除しました。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>転送 %Ln 件 (新しいもの。エクスポートではすべて書き出します)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>転送 %Ln 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation>履歴を CSV にエクスポート</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>{path} に書き込めませんでした: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>転送 %Ln 件を {path} にエクスポートしました</numerusform>
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
        <translation>転送先</translation>
    </message>
    <message>
        <source>fallback queue</source>
        <translation>フォールバックキュー</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>通話 ID</translation>
    </message>
    <message>
        <source>fault target</source>
        <translation>障害時の転送先</translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation>SCRT のベース URL (例: https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1)</translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation>https://login.salesforce.com、https://test.salesforce.com、または組織の私のドメイン URL</translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation>トレーナーのシミュレーター (例: http://192.168.1.20:8765/telephony/v1)</translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation>OpenBao または Vault のアドレス (例: https://openbao.example.com:8200)</translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation>Call Center の秘密鍵を保持する Transit キーの名前</translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation>IT がパネル用に設定した {source} ロール</translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation>「設定」&gt;「組織情報」にある 15 文字または 18 文字の組織 ID (00D…)</translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>Call Center の API 参照名 (例: HVCC)</translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation>デスクトップセッションで Secret Service キーリング (GNOME Keyring または KWallet) をインストールして起動してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation>システムのキーチェーン/資格情報マネージャーが応答しませんでした。サインインし直して、もう一度お試しください。</translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation>一部が欠けているか、チェックサムと一致しません</translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation>デコードできません</translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation>マニフェストを読み取れません</translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation>新しいバージョンのパネルで書き込まれています</translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation>ディレクトリキャッシュのファイルではありません</translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation>チェックサムと一致しません</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation>[profiles.{profile}] 不明なキー {key!r}: {suggestion!r} の誤りではありませんか?</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation>[profiles.{profile}] 不明なキー {key!r}: README の設定リファレンスを参照してください</translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation>OS のキーリングを使用できません ({backend} はオペレーティングシステム自体のストアではありません)。鍵は通常のファイルには保存されません。{hint}</translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation>OS のキーリングを使用できません。鍵は通常のファイルには保存されません。{hint}</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation>[profiles.{profile}] {key} がありません: {hint} ({by} = &quot;{source}&quot; で必要です)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation>[profiles.{profile}] {key} がありません: {by} = &quot;{source}&quot; で必要です</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>取り込み中</translation>
    </message>
    <message>
        <source>away</source>
        <translation>離席中</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: routing the call to them will likely fail.</source>
        <translation>{target_label} は {standing} です。通話をルーティングしても失敗する可能性が高いです。</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: the call may wait until they are free, or routing may fail.</source>
        <translation>{target_label} は {standing} です。対応可能になるまで通話が待機するか、ルーティングが失敗する可能性があります。</translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation>この通話の {target_label} へのルーティングは {when} にすでに要求されています。</translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation>{when} に行ったこの通話の {target_label} への転送は、完了している可能性があります (結果は不明です)。</translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation>{field} が空です。15 文字または 18 文字の Salesforce ID を入力してください。</translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation>{field} {text!r} は Salesforce ID ではありません。15 文字または 18 文字の英数字である必要があります (現在 {length} 文字です)。レコードの URL から ID をコピーしてください。</translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation>{field} {text} のチェックサムが正しくありません (末尾 3 文字は {expected} のはずです)。入力ミスか、大文字と小文字が変わった可能性があります。Salesforce からもう一度コピーしてください。</translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation>{field} {id} はフローバージョン ID (301…) です。フロー定義 ID (300…)、つまり FlowDefinitionView のフローの DurableId を使用してください。</translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation>{field} {id} はエージェント (005…)、キュー (00G…)、Omni-Channel フロー (300…) のいずれでもありません。プレフィックス {prefix} は {kind} の ID です。</translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation>通話 ID が空です。ソフトフォンから通話中の通話の ID を貼り付けてください。</translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation>通話 ID に制御文字または無効な文字 (改行など) が含まれています。ID だけを貼り付けてください。</translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation>通話 ID に見えない文字 (ゼロ幅スペース、文字方向マーク、行区切り) が含まれています。ID だけを貼り付けるか、手で入力してください。</translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation>通話 ID が {length} 文字あります (最大 {limit} 文字)。ID だけを貼り付けてください。</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation>{text!r} は通話 ID ではありません。通話中の通話の ID を貼り付けてください。</translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation>{text!r} は Salesforce VoiceCall ID (0LQ…) のように始まっていますが、有効な ID ではありません。15 文字または 18 文字の英数字である必要があります。通話 ID をもう一度貼り付けてください。</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation>{text!r} は通話 ID ではありません。スペースなど、プロファイルの contact_id_pattern で許可されていない文字が含まれています。ID だけを貼り付けてください。</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation>{text!r} は通話 ID ではありません。コンタクト ID にスペースは含まれません。ID だけを貼り付けてください。</translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation>フォールバックキューは Omni-Channel フローへのルーティングでのみ使用されます。削除するか、この {kind} ではなくフローを選んでください。</translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation>フォールバックキュー {id} はキュー ID (00G…) ではありません。</translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation>フロー入力は Omni-Channel フローへのルーティングでのみ使用され、{kind} には使用できません。削除してください。</translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>フロー入力が {count} 個指定されています。指定できるのは最大 {limit} 個です。</numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation>フロー入力 {number} に名前がありません。名前を付けるか、行を削除してください。</translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation>フロー入力 {number} の名前が長すぎるか、改行やタブが含まれています。フロー変数の API 参照名を使用してください (最大 {limit} 文字)。</translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation>フロー入力 {key!r} に制御文字または無効な文字が含まれています。削除してください。</translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation>フロー入力 {key!r} が {length} 文字あります (最大 {limit} 文字)。</translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation>フロー入力 {key!r} が 2 回指定されています (Salesforce の API 参照名と同様、大文字と小文字は区別されません)。{first!r} と {key!r} のどちらか一方を残してください。</translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation>--flow-input {text!r} は KEY=VALUE の形式にしてください。</translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation>{already} 何も送信していません。ソフトフォンを確認してください。それでももう一度ルーティングする場合は --again を付けてください。</translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation>この通話の転送はすでに進行中です。結果をお待ちください。</translation>
    </message>
    <message>
        <source>{unavailable} Nothing was sent. Pick another target, or to route it there anyway, add --even-if-unavailable.</source>
        <translation>{unavailable} 何も送信していません。別の転送先を選ぶか、それでもルーティングする場合は --even-if-unavailable を付けてください。</translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation>設定ファイル {path} を読み取れません: {reason}。</translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation>設定ファイル {path} が {limit_kib} KiB を超えています。設定ファイルではありません。パス (--config、$TRANSFER_PANEL_CONFIG) を確認してください。</translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation>設定ファイル {path} は有効な TOML ではありません: {detail}。</translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation>設定ファイル {path} はテーブルや配列の入れ子が深すぎるため、設定ファイルとして扱えません。</translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>設定ファイル {path} に {count} 件の問題があります:</numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: 不明な最上位キー {key!r}: プロファイルは [profiles.&lt;name&gt;] テーブルに記述します</translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: &apos;profiles&apos; には [profiles.&lt;name&gt;] テーブルを記述する必要があります</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation>{file}: [profiles.{profile}] locked に不明なキーが指定されています: {keys}</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation>{file}: [profiles.{profile}] locked は true またはキー名のリストにしてください</translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation>{path} にプロファイルが設定されていません。[profiles.&lt;name&gt;] テーブルを追加するか (README の設定リファレンスを参照)、--demo を使用してください。</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation>{count} 個のプロファイルが設定されています ({names})。--profile NAME で 1 つ選んでください。</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation>{path} にプロファイル {name!r} はありません (設定済み: {known})。</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation>{path} にプロファイル {name!r} はありません (設定済み: なし)。</translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation>設定ファイル {path} に書き込めませんでした ({reason})。何も保存されていません。</translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation>{path} に設定ファイルがなく (--config、$TRANSFER_PANEL_CONFIG、ユーザー設定フォルダーの順に確認)、{site_path} にサイトファイルもありません。プロファイルを追加してください: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation>設定ファイル {path} に書き込みましたが、読み直すと {what} が保存したとおりになっていません。別のプログラムが変更している可能性があります。ファイルを確認してから、もう一度保存してください。</translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation>設定ファイル {path} は、ここで開いた後に他のユーザーによって変更されました。何も保存されていません。再読み込みしてから、もう一度変更してください。</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation>プロファイル &apos;{profile}&apos; はすでに {path} にあります。置き換えるには --replace を付けてください。</translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation>--set {text!r} は TOML の値を使った KEY=VALUE の形式にしてください。例: timeout_s=15 または provider_name=&quot;Amazon Connect&quot; ({reason})。</translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation>[profiles.{profile}]: プロファイル名には英字、数字、&apos;-&apos;、&apos;_&apos; を使用します (最大 64 文字)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation>[profiles.{profile}] はキーのテーブルである必要があります</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation>[profiles.{profile}] {key} がありません: {hint}</translation>
    </message>
    <message>
        <source>see the README</source>
        <translation>README を参照してください</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation>プロファイル &apos;{profile}&apos; はキーリングの鍵で署名します (signing = &quot;keyring&quot;)。OpenBao へのサインインはありません。</translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation>true または false にしてください (引用符なし)</translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation>秒数にしてください</translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation>{low} ～ {high} 秒にしてください</translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation>引用符で囲んだ文字列にしてください</translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation>完全な URL にしてください: {example_text}</translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation>クエリ (?…) やフラグメント (#…) は含められません</translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation>ユーザー名やパスワードは含められません</translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation>https:// を使用してください (http はこのコンピューター上のローカルシミュレーターなど、または教室のシミュレーター用に training = true を指定したプロファイルでのみ使用できます)</translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation>存在しないポートです。1 ～ 65535 の数値を使用するか、指定しないでください</translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation>このコンピューターから到達できるホスト名またはアドレスではありません。英字、数字、ドット、ハイフンを使用してください (スペース、タブ、改行などの文字は使用不可。他の文字体系の名前は xn-- 形式で記述)</translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation>組織 ID (00D…) にしてください</translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation>有効な ID ではありません</translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>API 参照名にしてください: Call Center の API 参照名 (例: HVCC)</translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation>印刷可能な文字で、最大 {limit} 文字にしてください</translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation>HTTP ヘッダーとして送信されるため、ASCII 文字のみ使用できます (最大 {limit} 文字)。アクセント記号や他の文字体系を使わずに記述してください (例: &quot;Telefonica&quot;)</translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation>&quot;62.0&quot; のような API バージョンにしてください</translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation>電話システムのコンタクト ID を表す正規表現にしてください (最大 {limit} 文字、例: &quot;[0-9a-f-]{{36}}&quot;) ({reason})</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>{choices} のいずれかにしてください</translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation>OpenBao の名前にしてください: 英字、数字、&apos;_&apos;、&apos;-&apos;、&apos;.&apos; (最大 {limit} 文字)</translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation>&quot;contact-center&quot; や &quot;emea/contact-center&quot; のような名前空間パスにするか、空にしてください</translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation>Salesforce です。training = true のプロファイルはトレーニング用シミュレーターを指定する必要があります</translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation>パブリックアドレスです。トレーニング用シミュレーターは閉じたネットワーク上に置いてください (192.168.x.x や 10.x.x.x などのプライベートアドレス)</translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation>キーリング ({backend}) がロックされています。ロックを解除して (デスクトップセッションにサインインするか、キーリングアプリを開く)、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation>キーリング ({backend}) で鍵を{action}できませんでした: {error}。キーリングが起動していて、ロックが解除されていることを確認してください。</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation>プロファイル &apos;{profile}&apos; の秘密鍵が {backend} に保管されていません。保管してください: transfer-panel credentials set --profile {profile} --key-file KEY.pem</translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation>プロファイル &apos;{profile}&apos; に保管する {name} が空か、長すぎるか、プレーンテキストではありません (印刷可能な ASCII 文字で最大 {limit} 文字)。</translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation>PEM 秘密鍵ではありません。&apos;-----BEGIN PRIVATE KEY-----&apos; または &apos;-----BEGIN RSA PRIVATE KEY-----&apos; で始まるファイルが必要です。</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation>秘密鍵はパスフレーズで保護されています。パスフレーズも入力してください。</translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation>秘密鍵はパスフレーズで保護されていませんが、パスフレーズが入力されています。空にしてください。</translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation>秘密鍵を読み取れませんでした。パスフレーズが間違っているか、PEM が破損しています。</translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation>秘密鍵は {type} 鍵です。SCRT API には RSA 鍵 (2048 ビットまたは 4096 ビット) が必要です。</translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation>秘密鍵は RSA {bits} ビットです。Call Center の証明書に登録したとおり、2048 ビットまたは 4096 ビットの鍵を使用してください。</translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation>{name} は秘密鍵としては大きすぎます ({limit_kib} KiB 超)。</translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation>鍵ファイル {path} を読み取れません: {reason}。</translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation>鍵はパスフレーズで保護されています。--passphrase-env VAR で渡してください。</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>プロファイル &apos;{profile}&apos; には {backend} にすでに {purpose} 鍵があります。何も変更していません。新しい鍵で置き換えると、新しい証明書が Call Center に登録されるまで転送は失敗します。置き換えるには --replace を付けてください。今ある鍵の証明書を取得するには: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation>証明書を {path} に書き込めません ({reason})。何も変更していません。書き込み可能なフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>新しい鍵は {backend} に保管しましたが、証明書を {path} として保存できませんでした ({reason})。もう一度書き出してください: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation>{path} には秘密鍵が含まれているため、上書きされません。証明書は別のファイル ({profile}.crt など) に書き出してください。</translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation>環境変数 {name} が設定されていません。</translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation>署名サービスは現在署名できません ({reason})。</translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation>openbao_ca_file {path!r} を PEM 証明書として読み取れません ({error})。プロファイルのパスを修正してください。</translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation>クライアント証明書 {cert} またはその鍵 {key} を読み取れません ({error})。両方のファイルを確認してください。</translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation>{url} の OpenBao が時間内に応答しませんでした。もう一度お試しください。続く場合は IT に連絡してください。</translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation>{url} の OpenBao が、この PC で信頼されていない証明書を提示しました。openbao_ca_file に会社の CA 証明書 (PEM) を設定するか、OS の信頼ストアにインストールしてください。</translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation>{url} の OpenBao に接続できません ({error})。ネットワークを確認してください。続く場合は IT に連絡してください。</translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation>{url} の OpenBao は封印 (seal) されています。IT による封印解除の後、もう一度お試しください。</translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation>{url} の OpenBao が応答できませんでした ({status}: {said})。もう一度お試しください。続く場合は IT に連絡してください。</translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation>OpenBao が {path} へのアクセスを拒否しました ({status}: {said})。</translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation>OpenBao の {path} には何もありません (404)。プロファイル &apos;{profile}&apos; の openbao_url、openbao_namespace、openbao_transit_mount を確認するか、そこでエンジンが有効になっているか IT に確認してください。</translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation>OpenBao が {path} へのリクエストを拒否しました ({status}: {said})。プロファイルの openbao_* キーを確認するか、IT に問い合わせてください。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation>OpenBao の応答が {limit} バイトを超えています。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation>OpenBao の応答に &apos;{field}&apos; がありません。openbao_url は OpenBao または Vault サーバーですか?</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation>OpenBao の署名が有効な base64 ではありません。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation>OpenBao の応答に vault:v1:… 形式の署名が含まれていません。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation>OpenBao の鍵 {key!r} にバージョンがありません。IT に問い合わせてください。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation>OpenBao の鍵 {key!r} は RSA 鍵ペアではありません。タイプ rsa-2048 または rsa-4096 を使用してください。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation>OpenBao のポリシーで {path} による署名が許可されていません (403 permission denied)。鍵 {key!r} の transfer-panel ポリシーをロールに付与するよう IT に依頼するか、プロファイル &apos;{profile}&apos; の openbao_key と openbao_transit_mount を確認してください。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation>OpenBao の署名が自身の公開鍵で検証できません ({error})。Transit キーの確認を IT に依頼してください。</translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation>このプロファイルは {auth} で OpenBao にサインインします。transfer-panel credentials login --profile {profile} を実行してください。</translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation>OpenBao のユーザー名を入力してください (&apos;/&apos; は不可)。</translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation>OpenBao がサインインを拒否しました ({said})。入力内容を確認するか、アカウントでパネルのロールを使用できるか IT に確認してください。</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation>OpenBao のサインイン応答にトークンが含まれていません。IT に問い合わせてください。</translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation>OpenBao はこのトークンを受け付けません (期限切れ、取り消し済み、または入力ミス)。</translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation>cert サインインには --client-cert PATH と --client-key PATH が必要です。</translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation>OpenBao から OIDC ロール {role!r} のサインインアドレスが返されませんでした。IT がロールの allowed_redirect_uris に {redirect_uri} を追加する必要があります。</translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation>ブラウザーを開けませんでした。サインインするには、このアドレスを手動で開いてください: {url}</translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation>{wait_s} s 以内にブラウザーから戻りませんでした。もう一度サインインしてください。</translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation>この PC のポート {port} が使用中のため ({reason})、ブラウザーからパネルに戻れません。他のサインイン (またはプログラム) を閉じて、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation>ID プロバイダーがサインインを拒否しました: {said}</translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation>ブラウザーからサインインコードなしで戻りました。もう一度サインインしてください。</translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation>転送の保存期間は {days} 日ではなく、{low} ～ {high} 日にしてください。</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation>転送履歴 {path} に書き込めません ({reason})。</translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>リンクが {length} 文字あります。transfer-panel://call/&lt;call ID&gt; の形式が必要です。</translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>{text!r} は通話リンクではありません。transfer-panel://call/&lt;call ID&gt; の形式が必要です。</translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation>リンク内の通話 ID が、有効なパーセントエンコードの UTF-8 ではありません。</translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation>リンク内の通話 ID の先頭または末尾にスペースか制御文字があります。</translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation>通話は --call-id または transfer-panel:// リンクのどちらか一方で指定してください。</translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation>別の起動からのメッセージが長すぎます。</translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation>別の起動からのメッセージは、このパネルが送信する形式ではありません。</translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation>別の起動からのメッセージに通話 ID が含まれていません。</translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation>パネルのファイル {name} がありません ({looked} を確認しました)。パネルを再インストールしてください。</translation>
    </message>
    <message>
        <source>Cannot reach Salesforce at {instance} ({error}). Check the network; the directory keeps its last copy.</source>
        <translation>{instance} の Salesforce に接続できません ({error})。ネットワークを確認してください。ディレクトリは最後のコピーを使い続けます。</translation>
    </message>
    <message>
        <source>Salesforce refused a fresh access token for the directory (401). Check the integration user&apos;s permissions.</source>
        <translation>Salesforce がディレクトリ用の新しいアクセストークンを拒否しました (401)。連携ユーザーの権限を確認してください。</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls ({used} of {limit} today). The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>組織は本日の Salesforce API 呼び出しを使い切りました (本日 {limit} 回中 {used} 回)。ディレクトリは最後のコピーを使い続けます。上限がリセットされると再び更新されます。または管理者に更新間隔を長くするよう依頼してください。</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls. The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>組織は本日の Salesforce API 呼び出しを使い切りました。ディレクトリは最後のコピーを使い続けます。上限がリセットされると再び更新されます。または管理者に更新間隔を長くするよう依頼してください。</translation>
    </message>
    <message>
        <source>Salesforce answered {status} to the directory query: {message}. The directory keeps its last copy.</source>
        <translation>Salesforce はディレクトリのクエリに {status} で応答しました: {message}。ディレクトリは最後のコピーを使い続けます。</translation>
    </message>
    <message>
        <source>Cannot reach the Salesforce login at {url} ({error}). Check the network.</source>
        <translation>{url} の Salesforce ログインに接続できません ({error})。ネットワークを確認してください。</translation>
    </message>
    <message>
        <source>Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, salesforce_username and that the connected app holds the certificate of the key stored with `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</source>
        <translation>Salesforce が {username} のディレクトリ ログインを拒否しました: {reason}。salesforce_consumer_key と salesforce_username、および接続アプリケーションが `transfer-panel credentials set --profile {profile} --purpose salesforce-api` で保存した鍵の証明書を持っていることを確認してください。</translation>
    </message>
    <message>
        <source>Salesforce sent an answer that is not a query result. The directory keeps its last copy.</source>
        <translation>Salesforce がクエリ結果ではない応答を返しました。ディレクトリは最後のコピーを使い続けます。</translation>
    </message>
    <message>
        <source>The demo directory {path} cannot be read ({error}). Reinstall the panel.</source>
        <translation>デモ ディレクトリ {path} を読み込めません ({error})。パネルを再インストールしてください。</translation>
    </message>
    <message>
        <source>The favorites file {path} cannot be read ({error}); starting without favorites. Starring a target writes a new one.</source>
        <translation>お気に入りファイル {path} を読み込めません ({error})。お気に入りなしで開始します。転送先に星を付けると新しいファイルが書き込まれます。</translation>
    </message>
    <message>
        <source>The favorites file {path} is damaged; starting without favorites. Starring a target writes a new one.</source>
        <translation>お気に入りファイル {path} が壊れています。お気に入りなしで開始します。転送先に星を付けると新しいファイルが書き込まれます。</translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation>ディレクトリの項目はエージェント、キュー、フローのいずれかである必要があり、{kind} は使用できません</translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation>{kind} ID {id} は {prefix} で始まっています。これは {id_kind} の ID で、{kind} の ID ではありません</translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation>{kind} {id} に名前がありません</translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation>在席状況があるのはエージェントのみです。{label!r} は {kind} です</translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation>ディレクトリファイル {path} が存在しません。プロファイルの directory_file を確認してください。</translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation>ディレクトリファイル {path} を読み取れません ({reason})。プロファイルの directory_file と、ファイルが読み取り可能かを確認してください。</translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation>ディレクトリファイル {path} は通常のファイルではありません (パイプ、デバイス、またはフォルダー)。プロファイルの directory_file を確認してください。</translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation>ディレクトリファイル {path} は {size} MiB あります。パネルが読み込めるディレクトリファイルは最大 {limit} MiB です。ディレクトリのファイルであることを確認し、パネルに不要な内容を省いてください。</translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation>ディレクトリファイル {path} は UTF-8 テキストではありません。UTF-8 で保存してください。</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation>ディレクトリファイル {path} には kind、id、name (および任意で detail、presence) の列を含むヘッダー行が必要ですが、1 行目がヘッダー行ではありません:</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation>ディレクトリファイル {path} には kind、id、name (および任意で detail、presence) の列を含むヘッダー行が必要です。不足している列: {missing}。</translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation>ディレクトリファイル {path} は {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}} の形式の JSON にしてください。</translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation>{line} 行目、転送先 {position}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>{line} 行目</translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation>{limit} バイトを超えています</translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation>引用符でフィールドが始まっていますが、同じ行で閉じられていません</translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation>行が有効な CSV ではありません ({error})</translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation>行が UTF-8 テキストではありません。ファイルを UTF-8 で保存してください</translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation>kind {kind!r} は agent、queue、flow のいずれかにしてください</translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation>有効な JSON ではありません</translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation>リストやオブジェクト、または行内で終わらない文字列が含まれています</translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation>kind、id、name を持つオブジェクトではありません</translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation>その途中でファイルが終わっています</translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation>{line} 行目: ID {id} は {earlier_line} 行目にもあります。後の行が使用されます</translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation>{line} 行目: ここで JSON が壊れています (カンマまたは閉じ括弧がありません)。これ以降は読み込まれません</translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation>保存されたディレクトリ {path} を読み取れません ({reason})。無視します。</translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation>保存されたディレクトリ {path} は破損しているか、別のバージョンのものです ({why_text})。無視し、次回の更新時に置き換えます。</translation>
    </message>
    <message>
        <source>Unknown scenario &apos;{scenario}&apos;: use one of {choices}.</source>
        <translation>不明なシナリオ &apos;{scenario}&apos;: {choices} のいずれかを使ってください。</translation>
    </message>
    <message>
        <source>{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) only.</source>
        <translation>{target} はフローではありません: 「{scenario}」は Omni-Channel フロー (300…) にのみ適用されます。</translation>
    </message>
    <message>
        <source>Cannot save the class plan to {path}: {reason}</source>
        <translation>クラスプランを {path} に保存できません: {reason}</translation>
    </message>
    <message>
        <source>Cannot read the class plan {path}: {reason}</source>
        <translation>クラスプラン {path} を読み込めません: {reason}</translation>
    </message>
    <message>
        <source>{path} is not a class plan (TOML): {error}</source>
        <translation>{path} はクラスプラン (TOML) ではありません: {error}</translation>
    </message>
    <message>
        <source>{source}: unknown keys {keys}; a plan has every_target and [targets].</source>
        <translation>{source}: 不明なキー {keys}。プランには every_target と [targets] があります。</translation>
    </message>
    <message>
        <source>{source}: every_target must be a scenario name and targets a table of target IDs.</source>
        <translation>{source}: every_target はシナリオ名、targets は転送先 ID の表である必要があります。</translation>
    </message>
    <message>
        <source>{source}: [targets.{target}] needs scenario = &quot;…&quot; (one of {choices}).</source>
        <translation>{source}: [targets.{target}] には scenario = &quot;…&quot; が必要です ({choices} のいずれか)。</translation>
    </message>
    <message>
        <source>The class plan {source} cannot be used:</source>
        <translation>クラスプラン {source} は使用できません:</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation>プロファイル &apos;{profile}&apos; の秘密鍵が {backend} に保管されていません。「設定…」を開いて鍵を設定してください (設定するまで転送は失敗します)。</translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation>{backend} に保管されているプロファイル &apos;{profile}&apos; の秘密鍵が破損しているため ({why_text})、使用しません。「設定…」を開いて、もう一度設定してください。</translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation>{path} にプロファイルが設定されていません。「設定…」で追加してください。</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation>プロファイル &apos;{profile}&apos; には {backend} にすでに鍵があります。何も変更していません。置き換えると、新しい証明書が Call Center に登録されるまで転送が止まります。今ある鍵の証明書を取得するには「証明書をエクスポート…」を使用してください。</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation>新しい鍵は {backend} に保管しましたが、証明書を {path} として保存できませんでした ({reason})。「証明書をエクスポート…」で別の場所に保存してください。</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation>{count} 個のプロファイルが設定されています ({names})。--profile NAME を付けてパネルを起動してください。</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation>転送履歴 {path} を使用できません ({reason_text})。</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation>このプロファイルの転送に署名する OpenBao にサインインしていません。パネル上部の「サインイン…」からサインインしてください。</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation>OpenBao のサインインが期限切れになったか、取り消されました。パネル上部の「サインイン…」からサインインしてください。</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation>OpenBao のサインインが期限切れになりました。パネル上部の「サインイン…」からサインインしてください。</translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation>OpenBao からサインアウトしました。パネル上部の「サインイン…」からサインインしてください。</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>キーリングなし</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>キーリングがロック中</translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation>キーリングのエラー</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>鍵なし</translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation>鍵が破損</translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation>{row} (スキップ)</translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation>{line} 行目: </translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation>{file}、{line} 行目: </translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>OpenBao にサインインしていません。</translation>
    </message>
    <message>
        <source>a token</source>
        <translation>トークン</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation>{who} として OpenBao にサインイン中 (期限なし)</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation>{who} として OpenBao にサインイン中 ({until} まで)</translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation>サインアウトしました: OpenBao のトークンは取り消されました。</translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation>サインアウトしました (OpenBao のトークンはすでに期限切れか、取り消されていました)。</translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation>ここではサインアウトしましたが、OpenBao がトークンを取り消せませんでした ({reason})。トークンは期限が切れると使用できなくなります。</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation>プロファイル &apos;{profile}&apos; は OpenBao にサインインしていませんでした。</translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation>ルーティング要求済み</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒否</translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation>ルート形式の誤り</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>サーバーエラー</translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation>資格情報の拒否</translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation>資格情報なし</translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation>制限中</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>未送信</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>結果不明</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>内部エラー</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation>結果不明または処理中</translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation>Salesforce が拒否</translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation>未送信または制限中</translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation>資格情報または設定</translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation>何か操作する前にソフトフォンを確認してください。通話が移動していなければ、もう一度お試しください。</translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation>何も送信していません。もう一度試しても安全です。</translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation>何も送信していません。資格情報を修正して、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation>転送履歴に書き込めませんでした。この転送は履歴に記録されていません。</translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation>「設定…」でプロファイル &apos;{profile}&apos; のルート形式を {other_shape} にして、もう一度お試しください。</translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation>{seconds} s 後にもう一度お試しください。</translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation>1 分後にもう一度お試しください。</translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation>Salesforce が混雑しているため ({status})、リクエストは処理されませんでした。</translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation>{label} への転送が予期しないエラーで停止しました ({error})。</translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation>通話が移動中かどうかは不明です。もう一度試す前にソフトフォンを確認してください。詳細はログにあります。</translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation>{label} への転送を送信できませんでした: 予期しないエラー ({error})。</translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation>何も送信していません。詳細はログにあります。管理者に連絡してください。</translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation>Salesforce はこの通話を認識していません (404): {said}。</translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation>通話 ID を確認してください。通話が終了している可能性があります。すべての通話がこのように失敗する場合、サーバーは {other_shape} のルート形式を求めている可能性があります (設定…)。</translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation>{label} へのルーティングを要求しました</translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation>Salesforce が {label} へのルーティングを拒否しました ({status}): {said}。</translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation>転送先とフロー入力を確認してください。同じリクエストを再送しても解決しません。</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation>サーバーは &apos;{route_shape}&apos; のルート形式を受け付けません (405)。何もルーティングされていません。</translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation>Salesforce が資格情報を拒否しました ({status}): {said}。何もルーティングされていません。</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation>プロファイルの org_id と call_center、Call Center に登録された証明書、このコンピューターの時計を確認してから、管理者に問い合わせてください。</translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation>Salesforce でサーバーエラーが発生しました ({status}): {said}。</translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation>通話が移動したかどうかは不明です。もう一度試す前にソフトフォンを確認してください。</translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation>Salesforce に接続できませんでした ({error})。何も送信していません。</translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation>ネットワーク接続を確認して、もう一度お試しください。再試行しても安全です。</translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation>Salesforce から応答がありません ({error})。通話はすでにルーティング中の可能性があります。</translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation>{timeout_s} s 以内に Salesforce に接続できませんでした。何も送信していません。</translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation>{timeout_s} s 以内に Salesforce から応答がありません。通話はすでにルーティング中の可能性があります。</translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation>{label} への転送中にパネルが閉じられました。通話はルーティングされた可能性があります。</translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation>{label} への転送中にパネルが終了しました。通話はルーティングされた可能性があります。</translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation>まずソフトフォンを確認してください。通話が移動していない場合のみ、もう一度転送してください。</translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation>確認せずに再試行しないでください。2 回目のリクエストで通話が二重にルーティングされる可能性があります。</translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation>発信者との通話を続け、スーパーバイザーに転送を依頼してください。IT が修正するまで、このパネルでは転送できません。</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation>発信者に少しお待ちいただくよう伝えてから、もう一度お試しください。失敗が続く場合はスーパーバイザーに相談してください。</translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation>ログファイル (transfer-panel diagnostics) を IT に送ってください。</translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation>エージェント {target} が Omni-Channel で音声通話を受けられるか (在席状況、キャパシティ) を確認してください。</translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation>キュー {target} が音声通話に対応し、ルーティング設定があるかを確認してください。</translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation>{target} が有効な Omni-Channel フロー (300… のフロー定義 ID) であるかを確認してください。</translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} 回試行</numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation>HTTP {status} · {elapsed} ms</translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation>Salesforce の応答: {said}</translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation>何も送信していません: OpenBao にサインインしていません。</translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation>サインインしてから (パネル上部の「サインイン…」)、もう一度転送してください。</translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation>何も送信していません: キーリングがロックされています。</translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation>ロックを解除してから (デスクトップのキーリングまたはパスワードアプリ)、もう一度転送してください。</translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation>何も送信していません: このパネルには転送に署名できる鍵がありません。</translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation>何も送信していません: 転送履歴に書き込めません。</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation>何も送信していません: パネルが転送に署名できませんでした。</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation>発信者におつなぎしている旨を伝えてください。{alternative} を試すか、スーパーバイザーに相談してください。</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation>発信者におつなぎしている旨を伝え、通話の転送先をスーパーバイザーに確認してください。</translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>{count} 個のフロー入力を確認してください。各名前はフローの入力変数である必要があります。</numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation>フォールバックキュー {queue} が音声通話に対応しているかを確認してください。</translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation>同じリクエストを再送しても解決しません。</translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation>Salesforce が {label} への通話のルーティングを拒否しました。</translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation>Salesforce はこの通話を認識していません。通話が終了している可能性があります。</translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation>ソフトフォンを確認してください。発信者がまだ通話中であれば、スーパーバイザーに相談してください。</translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation>ソフトフォンから渡された通話 ID を確認してください。</translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation>すべての通話がこのように失敗する場合、サーバーは {other_shape} のルート形式を求めている可能性があります。「設定…」でプロファイル &apos;{profile}&apos; に設定してください。</translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation>何もルーティングされていません: パネルの設定が Salesforce と一致しません。</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation>サーバーは &apos;{route_shape}&apos; のルート形式を受け付けません: {fix}</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation>発信者に少しお待ちいただくよう伝え、{seconds} s 後にもう一度お試しください。</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation>発信者に少しお待ちいただくよう伝え、1 分後にもう一度お試しください。</translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation>Salesforce が混雑しています: 何もルーティングされていません。</translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation>Salesforce はリクエストを処理しませんでした。再送しても安全です。</translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation>エラー: {error} (トレースバックはパネルのログファイルにあります)。</translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation>転送が予期しないエラーで停止しました。通話が移動中かどうかは不明です。</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation>何も送信していません: パネルで予期しないエラーが発生しました。</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation>発信者に少しお待ちいただくよう伝えてから、もう一度お試しください。繰り返し発生する場合はスーパーバイザーに相談してください。</translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation>結果不明: 通話はすでに移動中の可能性があります。</translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation>Salesforce に接続できませんでした: 何も送信していません。</translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation>このコンピューターのネットワーク接続と、プロファイルの base_url に接続できるかを確認してください。</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation>発信者におつなぎしている旨を伝えてください。通話が移動するとソフトフォンに表示されます。</translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation>Salesforce はルーティング要求を受け付けました。ただし、応答は通話の移動を確認するものではありません。</translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation>何もルーティングされていません: Salesforce がこのパネルの資格情報を拒否しました。</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation>プロファイルの org_id と call_center、Call Center に登録された証明書 (キーリングの鍵と一致している必要があります)、このコンピューターの時計を確認してください。</translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation>Salesforce で問題が発生しました。通話が移動したかどうかは不明です。</translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation>Salesforce 側の障害です。パネルがこのようなリクエストを自動で再送することはありません。</translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation>送信前: {error}。</translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>プロファイルのタイムアウト ({timeout_s} s) 以内に接続できませんでした。</translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation>リクエストを送信した後: {error}。</translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>リクエストを送信しましたが、プロファイルのタイムアウト ({timeout_s} s) 以内に応答がありませんでした。</translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation>リクエストの処理中にパネルが閉じられました。</translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation>リクエストの処理中にパネルが終了しました。</translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation>転送結果</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation>IT 向けの詳細</translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation>HTTP ステータス、サーバーの応答、IT が確認すべき点を表示します</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>再試行</translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation>転送を再試行</translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation>{label} に転送しています…</translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation>Salesforce の応答を待っています。</translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>%n s 後に再試行</numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation>IT 向け:</translation>
    </message>
</context>
<context>
    <name>PanelHeader</name>
    <message>
        <source>DEMO</source>
        <translation>デモ</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>起動中…</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>最前面</translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation>コンパクト表示で常に最前面</translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation>ソフトフォンの横にコンパクト表示で常に最前面</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>トレーナー</translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation>トレーナーツール</translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation>シナリオ、プレゼンター表示、リクエストインスペクター (Ctrl+T)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>転送履歴</translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation>何をいつ転送し、どうなったか (Ctrl+H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>設定を開く</translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation>プロファイルと鍵 (Ctrl+,)</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>キーリング</translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation>デモモード: 転送は {endpoint} の組み込みシミュレーターに送られ、Salesforce には送られません</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>トレーニング</translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation>トレーニング用プロファイル: 転送は {endpoint} に送られます</translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation>{reason}
クリックすると再確認します。</translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation>{short}: {reason} 実行すると再確認します。</translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>音声転送パネル</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>お知らせ</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <source>Open settings to fix this</source>
        <translation>設定を開いてこの問題を修正</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>起動中…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未接続</translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation>起動に失敗しました ({error})。詳細はログにあります。</translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation>パネルが接続できません</translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation>転送するには、上部に表示された問題を修正してください (設定…)。</translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation>ディレクトリなし: パネルが接続されていません。</translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>問題が発生しました (これまでに %n 件)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>問題が発生しました</translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation>{description}
パネルは引き続き動作しています。詳細はログにあります。</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>名前(&amp;N)</translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation>プロファイルの名前 (--profile で使用)。英字、数字、&apos;-&apos;、&apos;_&apos; (最大 64 文字)。既存のプロファイルの名前はここでは変更できません。代わりに新しいプロファイルを作成してください。</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>ベース URL(&amp;B)</translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation>SCRT のベース URL (そのまま使用されます。Sandbox では別のホスト形式になります)。例:
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
https:// にしてください。http:// はこのコンピューター (ローカルシミュレーター) に対してのみ使用できます。</translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation>組織 ID(&amp;O)</translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation>Salesforce の組織 ID (00D…、15 文字または 18 文字)。「設定」&gt;「組織情報」で確認できます。トークンの発行者 (iss) になります。</translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation>Call Center(&amp;C)</translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation>Call Center の API 参照名 (例: HVCC)。トークンのサブジェクト (sub) になります。</translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation>プロバイダー名(&amp;P)</translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation>任意。設定すると Telephony-Provider-Name ヘッダーとして送信されます。ASCII 文字のみ (例: Amazon Connect)。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>トレーニング</translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation>教室用プロファイル専用: 別のコンピューター上のトレーナーのシミュレーターへの http:// を許可します (Salesforce やパブリックアドレスには不可)。ウィンドウに「トレーニング」と表示されます。</translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation>ルート形式(&amp;R)</translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation>ルーティング呼び出しの宛先の指定方法 (Salesforce のドキュメントには両方が記載されています):
seed (既定): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
405 の応答は、サーバーがもう一方を求めていることを意味します。</translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation>本文の形式(&amp;D)</translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation>json (既定) または xml (ルート要素 &lt;routeVoiceCall&gt;、フロー入力は &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;)。</translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation>フロー入力の形式(&amp;F)</translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation>object (既定) は flowInputParameters を JSON オブジェクトとして送信し、string は JSON エンコードした文字列として送信します。JSON 本文のみ。</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>タイムアウト(&amp;T)</translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation>1 回の転送の期限 (再試行を含む。1 ～ 120 秒、既定は 10)。</translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation>コンタクト ID のパターン</translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation>任意。電話システムのコンタクト ID 全体に一致する正規表現 (例: Amazon Connect の UUID には [0-9a-f-]{36})。空の場合: スペースなしの 1 語。</translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation>ディレクトリ(&amp;Y)</translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation>ディレクトリの取得元: none (ID を貼り付け)、file (管理者の CSV または JSON ファイル)、salesforce (組織の REST API)、demo (組み込み)。</translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation>ディレクトリファイル</translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation>ディレクトリファイル (CSV または JSON) のパス。5 s ごとに確認し、変更されると再読み込みします。</translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation>ログイン URL</translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation>https://login.salesforce.com (既定)、https://test.salesforce.com、または組織の私のドメイン URL: JWT のオーディエンスです。</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>コンシューマー鍵</translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation>接続アプリケーションのコンシューマー鍵: JWT の発行者です。</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>API ユーザー</translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation>インテグレーションユーザー: JWT のサブジェクトです。その鍵は transfer-panel credentials set --purpose salesforce-api で保管します。</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>API バージョン</translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation>REST API のバージョン (例: 62.0 (既定))。</translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation>在席状況の更新</translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation>エージェントの在席状況を読み込み直す間隔 (10 ～ 3600 秒、既定は 30)。</translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation>署名(&amp;G)</translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation>keyring (既定): この PC のキーリングにある Call Center の鍵。openbao: OpenBao または HashiCorp Vault の Transit が鍵を保持し、担当者がサインインします。</translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation>OpenBao の URL</translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation>OpenBao または Vault のアドレス (例: https://openbao.example.com:8200)。</translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation>Transit のマウント</translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation>Transit のマウント先 (既定は transit)。</translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation>Transit キー</translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation>Call Center の秘密鍵を保持する Transit キー。</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>サインイン方法</translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation>担当者が OpenBao にサインインする方法: oidc (ブラウザー)、userpass、approle、cert、token。</translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation>サインインロール</translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation>IT がパネル用に設定した OIDC または cert のロール。approle の場合は RoleID。</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>名前空間</translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation>任意: Vault Enterprise / OpenBao の名前空間。</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA ファイル</translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation>任意: OpenBao の証明書に署名した CA 証明書。指定しない場合は OS の信頼ストアを使用します。</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>接続</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>リクエスト</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>ディレクトリ</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>署名</translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation>例: HVCC</translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation>任意、例: Amazon Connect</translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation>任意、例: [0-9a-f-]{36}</translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation>例: /srv/team.csv</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation>教室用シミュレーター (http:// を許可)</translation>
    </message>
    <message>
        <source>Locked. {reason}</source>
        <translation>ロック中。{reason}</translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Success</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation>「… へのルーティングを要求しました」</translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation>転送先が拒否</translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation>サーバーが示す理由 (転送先が音声通話を受けられない)</translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation>資格情報の期限切れまたは無効</translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation>設定エラー: トークンが拒否された</translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation>制限中 (Retry-After)</translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation>「{throttle_s} s 後にもう一度お試しください」。何もルーティングされない</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>サーバーエラー</translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation>サーバー障害。手動での再試行のみ</translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation>応答の遅延</translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation>リクエストが {slow_s} s 処理中になった後、成功</translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation>接続の切断</translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation>「結果不明」: 通話はすでに移動中の可能性がある</translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation>フローの失敗 (フォールバックキュー)</translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation>フローへのルーティングはフォールバックキュー経由でのみ成功し、フォールバックキューがなければ拒否される</translation>
    </message>
</context>
<context>
    <name>ServiceSession</name>
    <message>
        <source>Profile {name}</source>
        <translation>プロファイル {name}</translation>
    </message>
    <message>
        <source>Profile {name}: {endpoint}</source>
        <translation>プロファイル {name}: {endpoint}</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>再接続中…</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>終了中…</translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation>進行中の転送が終わるのを待っています。</translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation>お気に入りは保存されていません</translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation>{error}。お気に入りはパネルを閉じるまで有効です。</translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation>お気に入り {number} はありません</translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation>転送先に星を付けると (行またはフォームの ☆、または Ctrl+D)、Ctrl+1…9 で選べます。</translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation>署名できません</translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation>デモディレクトリは空です。</translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation>{source} からディレクトリを読み込んでいます…</translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation>このプロファイルにはまだディレクトリが設定されていません。
転送するには、エージェント (005…)、キュー (00G…)、フロー (300…) の ID を検索ボックスに貼り付けてください。</translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation>転送中にパネルが閉じられました</translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation>ソフトフォンを確認してください。これらの通話は移動した可能性があります。履歴 (Ctrl+H) に記録されており、もう一度転送する場合は先に確認を求めます。</translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation>新しい転送履歴を開始しました</translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation>以前の履歴は使用できなかったため、{path} に移動しました。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Show in the f&amp;ile</source>
        <translation>ファイル内で表示(&amp;I)</translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation>設定ファイル内の問題を表示</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>新規(&amp;W)</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新しいプロファイル</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>プロファイルを保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>プロファイルを保存</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>このプロファイルを使用(&amp;U)</translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation>このプロファイルをパネルで使用</translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation>デモモードに戻る</translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation>組み込みのシミュレーター、デモディレクトリ、デモ通話を使用します。Salesforce には何も送られません。プロファイルはそのまま残ります。</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>設定を閉じる</translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation>プロファイル(&amp;L)</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>設定ファイル</translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation>パネルの言語</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>デスクトップと同じ</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation>今回の起動では --lang {language} を使用しています。</translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation>次回の起動からこの言語で表示されます。</translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation>パネルはデモモードです: 転送は組み込みシミュレーターに送られます。</translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation>パネルはプロファイル &apos;{profile}&apos; を使用しています。</translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation>パネルは接続されていません。プロファイルを保存するか、プロファイルを選んで「使用」してください。</translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation>&apos;{name}&apos; を使用(&amp;U)</translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>設定ファイル (問題 %n 件)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>設定ファイル {path} に %n 件の問題があります。修正するまでパネルはこのファイルを使用できません (設定ファイル)。</numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation>[profiles.{name}] {key} は IT 部門が設定しています ({site_path})。{path} の値は無視されます。</translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation>IT 部門が {path} で設定しています。ここでは変更できません。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>保存しています…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>保存されませんでした。{reason}</translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation>プロファイル &apos;{name}&apos; を {path} に書き込みましたが、現在のファイルの内容が異なります (上記を参照)。</translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation>プロファイル &apos;{name}&apos; を {path} に保存しました。パネルはこのプロファイルを使用しています。</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation>OpenBao へのサインイン</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>OpenBao にサインインしていません。</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>サインイン…</translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation>OpenBao にサインイン</translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation>OpenBao のユーザー名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation>OpenBao のパスワード</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation>このパスワードでサインイン</translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation>ブラウザーでサインインしています… ブラウザーで完了してから戻ってください。</translation>
    </message>
</context>
<context>
    <name>TargetDelegate</name>
    <message>
        <source>Agent</source>
        <translation>エージェント</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>フロー</translation>
    </message>
</context>
<context>
    <name>TargetListModel</name>
    <message>
        <source>{target}, favorite</source>
        <translation>{target}、お気に入り</translation>
    </message>
</context>
<context>
    <name>TargetView</name>
    <message>
        <source>Agent</source>
        <translation>エージェント</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation>Omni-Channel フロー</translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation>開発者名: {name}</translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation>API 参照名: {name}</translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation>{kind} {id} (入力した ID)</translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation>ディレクトリにありません: 転送する前に ID を確認してください</translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation>在席状況不明</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation>クラスプラン (*.toml)</translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation>担当者に表示される内容: {what}</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>トレーナー</translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation>選択した転送先に設定</translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation>パネルの転送フォームの転送先には、代わりにこのシナリオが適用されます</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation>プランを読み込む…</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>プランを保存…</translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation>プレゼンター表示 (プロジェクター用の大きな文字)</translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation>リクエストインスペクター…</translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation>各転送で送信した内容と返された内容 (Ctrl+I)</translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation>選択した転送先のシナリオを設定</translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation>選択した転送先のシナリオを削除</translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation>クラスプランを読み込む</translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation>クラスプランを保存</translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation>リクエストインスペクターを開く</translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation>すべての転送に適用(&amp;E)</translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation>例外とする転送先(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Scenario for the target in the panel&apos;s form</source>
        <translation>パネルのフォームの転送先のシナリオ(&amp;S)</translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation>適用しました: 次の転送からこのプランが適用されます。</translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation>先にパネルで転送先を選んでください。その転送先に、ここで選んだシナリオが適用されます。</translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation>担当者に表示される内容: {what}。</translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation>{target}: 担当者に表示される内容: {what}</translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation>{error}
使用中のプランは変更されていません。</translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation>{file} を読み込みました: 次の転送からこのプランが適用されます。</translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation>{path} に保存しました。次のクラスで読み込むか、`transfer-panel simulator --plan` に渡してください。</translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation>上のディレクトリでエージェント、キュー、フローを選んでください。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>起動中…</translation>
    </message>
    <message>
        <source>TRANSFER</source>
        <translation>転送</translation>
    </message>
    <message>
        <source>&amp;Fallback queue</source>
        <translation>フォールバックキュー(&amp;F)</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>転送</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>お気に入りから削除</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>お気に入りに追加</translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation>{action} (Ctrl+D)。Ctrl+1…9 でお気に入り 1…9 を選択</translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation>転送先が選択されていません</translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation>ディレクトリを検索し、行を選んでください (Enter またはクリック)。</translation>
    </message>
    <message>
        <source>Presence: {state}</source>
        <translation>在席状況: {state}</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>転送中…</translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation>{name} に転送</translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation>ソフトフォンからの通話を待っています。</translation>
    </message>
    <message>
        <source>Pick the fallback queue: Enter takes the top match.</source>
        <translation>フォールバックキューを選んでください。Enter で一番上の候補を選択します。</translation>
    </message>
    <message>
        <source>available</source>
        <translation>対応可能</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>取り込み中</translation>
    </message>
    <message>
        <source>away</source>
        <translation>離席中</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
</context>
<context>
    <name>TransferSection</name>
    <message>
        <source>TRANSFER</source>
        <translation>転送</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>起動中…</translation>
    </message>
</context>
</TS>
