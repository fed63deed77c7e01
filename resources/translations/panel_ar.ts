<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar_EG" sourcelanguage="en_US">
<context>
    <name>Banner</name>
    <message>
        <source>{name} progress</source>
        <translation>تقدّم {name}</translation>
    </message>
    <message>
        <source>Dismiss {name}</source>
        <translation>إغلاق {name}</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>إغلاق</translation>
    </message>
</context>
<context>
    <name>Boot</name>
    <message>
        <source>Switching after this transfer</source>
        <translation>التبديل بعد هذا التحويل</translation>
    </message>
    <message>
        <source>The panel connects as chosen in Settings once the transfer in progress ends.</source>
        <translation>تتصل اللوحة حسب الاختيار في الإعدادات بعد انتهاء التحويل الجاري.</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Waiting for a call from the softphone (or paste its ID)</source>
        <translation>في انتظار مكالمة من الهاتف البرمجي (أو الصق معرّفها)</translation>
    </message>
    <message>
        <source>Source: command line</source>
        <translation>المصدر: سطر الأوامر</translation>
    </message>
    <message>
        <source>Source: softphone</source>
        <translation>المصدر: الهاتف البرمجي</translation>
    </message>
    <message>
        <source>Source: demo</source>
        <translation>المصدر: العرض التجريبي</translation>
    </message>
    <message>
        <source>Source: typed</source>
        <translation>المصدر: مُدخل يدويًا</translation>
    </message>
    <message>
        <source>ACTIVE CALL</source>
        <translation>المكالمة النشطة</translation>
    </message>
    <message>
        <source>Active call ID</source>
        <translation>معرّف المكالمة النشطة</translation>
    </message>
    <message>
        <source>The VoiceCall ID (0LQ…) or the telephony vendor&apos;s contact ID of the call to transfer</source>
        <translation>معرّف VoiceCall (0LQ…) أو معرّف جهة الاتصال لدى مزوّد الاتصالات للمكالمة المراد تحويلها</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>نسخ</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>نسخ معرّف المكالمة</translation>
    </message>
    <message>
        <source>Copy the call ID to the clipboard</source>
        <translation>نسخ معرّف المكالمة إلى الحافظة</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>تعديل</translation>
    </message>
    <message>
        <source>Edit the call ID</source>
        <translation>تعديل معرّف المكالمة</translation>
    </message>
    <message>
        <source>Change the call ID by hand (Ctrl+L)</source>
        <translation>تغيير معرّف المكالمة يدويًا (Ctrl+L)</translation>
    </message>
    <message>
        <source>New demo call</source>
        <translation>مكالمة تجريبية جديدة</translation>
    </message>
    <message>
        <source>Start a new demo call</source>
        <translation>بدء مكالمة تجريبية جديدة</translation>
    </message>
    <message>
        <source>Simulate a new incoming call with a fresh VoiceCall ID</source>
        <translation>محاكاة مكالمة واردة جديدة بمعرّف VoiceCall جديد</translation>
    </message>
    <message>
        <source>{source} · copied</source>
        <translation>{source} · تم النسخ</translation>
    </message>
    <message>
        <source>Caller: {caller}</source>
        <translation>المتصل: {caller}</translation>
    </message>
    <message>
        <source>✓ Salesforce VoiceCall ID</source>
        <translation>✓ معرّف VoiceCall في Salesforce</translation>
    </message>
    <message>
        <source>✓ Telephony contact ID (used as is)</source>
        <translation>✓ معرّف جهة اتصال هاتفية (يُستخدم كما هو)</translation>
    </message>
</context>
<context>
    <name>ConfigFilePage</name>
    <message>
        <source>{file} (IT&apos;s file), line {line}</source>
        <translation>{file} (ملف قسم تقنية المعلومات)، السطر {line}</translation>
    </message>
    <message>
        <source>{file} (IT&apos;s file)</source>
        <translation>{file} (ملف قسم تقنية المعلومات)</translation>
    </message>
    <message>
        <source>Line {line}: {problem}</source>
        <translation>السطر {line}: {problem}</translation>
    </message>
    <message>
        <source>Problems in the config file</source>
        <translation>مشكلات في ملف الإعدادات</translation>
    </message>
    <message>
        <source>Fix this &amp;typo</source>
        <translation>إصلاح هذا الخطأ الإملائي(&amp;T)</translation>
    </message>
    <message>
        <source>Rename the mistyped key</source>
        <translation>إعادة تسمية المفتاح المكتوب خطأً</translation>
    </message>
    <message>
        <source>Config file text</source>
        <translation>نص ملف الإعدادات</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>إعادة التحميل(&amp;L)</translation>
    </message>
    <message>
        <source>Read the config file again</source>
        <translation>قراءة ملف الإعدادات مرة أخرى</translation>
    </message>
    <message>
        <source>Save &amp;file</source>
        <translation>حفظ الملف(&amp;F)</translation>
    </message>
    <message>
        <source>Save the config file</source>
        <translation>حفظ ملف الإعدادات</translation>
    </message>
    <message>
        <source>{path} (not created yet)</source>
        <translation>{path} (لم يُنشأ بعد)</translation>
    </message>
    <message>
        <source>The file was changed elsewhere since you started editing: Reload shows it (and drops your edit); Save will not write over it.</source>
        <translation>تغيّر الملف في مكان آخر منذ بدأت التعديل: تعرضه إعادة التحميل (وتتجاهل تعديلك)؛ ولن يكتب الحفظ فوقه.</translation>
    </message>
    <message>
        <source>Rename &apos;{typed}&apos; to &apos;{meant}&apos;</source>
        <translation>إعادة تسمية &apos;{typed}&apos; إلى &apos;{meant}&apos;</translation>
    </message>
    <message>
        <source>Edited: not saved yet.</source>
        <translation>تم التعديل: لم يُحفظ بعد.</translation>
    </message>
    <message numerus="yes">
        <source>Edited: %n problem(s) to fix before it can be saved.</source>
        <translation>
            <numerusform>تم التعديل: لا مشكلات (%n) يجب إصلاحها قبل الحفظ.</numerusform>
            <numerusform>تم التعديل: مشكلة واحدة (%n) يجب إصلاحها قبل الحفظ.</numerusform>
            <numerusform>تم التعديل: مشكلتان (%n) يجب إصلاحهما قبل الحفظ.</numerusform>
            <numerusform>تم التعديل: %n مشكلات يجب إصلاحها قبل الحفظ.</numerusform>
            <numerusform>تم التعديل: %n مشكلة يجب إصلاحها قبل الحفظ.</numerusform>
            <numerusform>تم التعديل: %n مشكلة يجب إصلاحها قبل الحفظ.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>جارٍ الحفظ…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>لم يُحفظ. {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Saved {path}: %n profile(s), no problems.</source>
        <translation>
            <numerusform>تم حفظ {path}: %n ملف شخصي، بلا مشكلات.</numerusform>
            <numerusform>تم حفظ {path}: ملف شخصي واحد (%n)، بلا مشكلات.</numerusform>
            <numerusform>تم حفظ {path}: ملفان شخصيان (%n)، بلا مشكلات.</numerusform>
            <numerusform>تم حفظ {path}: %n ملفات شخصية، بلا مشكلات.</numerusform>
            <numerusform>تم حفظ {path}: %n ملفًا شخصيًا، بلا مشكلات.</numerusform>
            <numerusform>تم حفظ {path}: %n ملف شخصي، بلا مشكلات.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmBar</name>
    <message>
        <source>Confirm a second transfer</source>
        <translation>تأكيد تحويل ثانٍ</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>التحويل مرة أخرى</translation>
    </message>
    <message>
        <source>Transfer this call again</source>
        <translation>تحويل هذه المكالمة مرة أخرى</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Cancel the second transfer</source>
        <translation>إلغاء التحويل الثاني</translation>
    </message>
    <message>
        <source>Transfer to {label} anyway</source>
        <translation>التحويل إلى {label} على أي حال</translation>
    </message>
    <message>
        <source>Transfer anyway</source>
        <translation>التحويل على أي حال</translation>
    </message>
    <message>
        <source>{label} is {state}.</source>
        <translation>{label} {state}.</translation>
    </message>
    <message>
        <source>{previous} Transfer the call to them anyway?</source>
        <translation>{previous} هل تريد تحويل المكالمة على أي حال؟</translation>
    </message>
    <message>
        <source>This call is being transferred.</source>
        <translation>يجري تحويل هذه المكالمة.</translation>
    </message>
    <message>
        <source>Transfer again to {label}</source>
        <translation>التحويل مرة أخرى إلى {label}</translation>
    </message>
    <message>
        <source>This call may already be moving.</source>
        <translation>قد تكون هذه المكالمة قيد النقل بالفعل.</translation>
    </message>
    <message>
        <source>{previous} Routing it again may move it twice. Transfer it to {label} anyway?</source>
        <translation>{previous} قد يؤدي توجيهها مرة أخرى إلى نقلها مرتين. هل تريد تحويلها إلى {label} على أي حال؟</translation>
    </message>
</context>
<context>
    <name>CredentialsPanel</name>
    <message>
        <source>Working…</source>
        <translation>جارٍ العمل…</translation>
    </message>
    <message>
        <source>Cannot read the file: {error}.</source>
        <translation>تتعذّر قراءة الملف: {error}.</translation>
    </message>
    <message>
        <source>Unexpected error ({error}); details are in the log file.</source>
        <translation>خطأ غير متوقع ({error})؛ التفاصيل في ملف السجل.</translation>
    </message>
    <message>
        <source>Upload the certificate {path} on the Call Center (valid until {date}).
Certificate fingerprint (SHA-256):
{first}
{second}</source>
        <translation>ارفع الشهادة {path} إلى Call Center (صالحة حتى {date}).
بصمة الشهادة (SHA-256):
{first}
{second}</translation>
    </message>
    <message>
        <source>Private key (OS keyring)</source>
        <translation>المفتاح الخاص (سلسلة مفاتيح نظام التشغيل)</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>عبارة مرور المفتاح</translation>
    </message>
    <message>
        <source>only if the PEM file is encrypted</source>
        <translation>فقط إذا كان ملف PEM مشفّرًا</translation>
    </message>
    <message>
        <source>Type it before choosing the file; it is cleared as soon as it is used.</source>
        <translation>اكتبها قبل اختيار الملف؛ تُمسح فور استخدامها.</translation>
    </message>
    <message>
        <source>Set private &amp;key from PEM file…</source>
        <translation>تعيين المفتاح الخاص من ملف PEM…(&amp;K)</translation>
    </message>
    <message>
        <source>Set private key from PEM file</source>
        <translation>تعيين المفتاح الخاص من ملف PEM</translation>
    </message>
    <message>
        <source>Create key and cert&amp;ificate…</source>
        <translation>إنشاء مفتاح وشهادة…(&amp;I)</translation>
    </message>
    <message>
        <source>Create key and certificate</source>
        <translation>إنشاء مفتاح وشهادة</translation>
    </message>
    <message>
        <source>A new 2048-bit RSA key, kept only in the keyring, and the self-signed certificate to upload on the Call Center, saved where you choose.</source>
        <translation>مفتاح RSA جديد بطول 2048 بت، يُحفظ في سلسلة المفاتيح فقط، وشهادة موقّعة ذاتيًا لرفعها إلى Call Center، تُحفظ حيث تختار.</translation>
    </message>
    <message>
        <source>E&amp;xport certificate…</source>
        <translation>تصدير الشهادة…(&amp;X)</translation>
    </message>
    <message>
        <source>Export certificate</source>
        <translation>تصدير الشهادة</translation>
    </message>
    <message>
        <source>Save a new self-signed certificate for the stored key (e.g. when the first one was lost).</source>
        <translation>حفظ شهادة جديدة موقّعة ذاتيًا للمفتاح المخزَّن (مثلًا عند فقدان الشهادة الأولى).</translation>
    </message>
    <message>
        <source>Re&amp;move key</source>
        <translation>إزالة المفتاح(&amp;M)</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>إزالة المفتاح</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>اختبار(&amp;E)</translation>
    </message>
    <message>
        <source>Test the key and show a token&apos;s claims</source>
        <translation>اختبار المفتاح وعرض مطالبات رمز مميز</translation>
    </message>
    <message>
        <source>Replace the ke&amp;y…</source>
        <translation>استبدال المفتاح…(&amp;Y)</translation>
    </message>
    <message>
        <source>Replace the stored key</source>
        <translation>استبدال المفتاح المخزَّن</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>الاحتفاظ به</translation>
    </message>
    <message>
        <source>Keep the stored key</source>
        <translation>الاحتفاظ بالمفتاح المخزَّن</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>سلسلة المفاتيح:</translation>
    </message>
    <message>
        <source>Key:</source>
        <translation>المفتاح:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>عبارة المرور(&amp;A):</translation>
    </message>
    <message>
        <source>Save the profile first, then store its key.</source>
        <translation>احفظ الملف الشخصي أولًا، ثم خزّن مفتاحه.</translation>
    </message>
    <message>
        <source>unknown: the keyring cannot be used</source>
        <translation>غير معروف: لا يمكن استخدام سلسلة المفاتيح</translation>
    </message>
    <message>
        <source>stored for &apos;{name}&apos;</source>
        <translation>مخزَّن لـ &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>none stored for &apos;{name}&apos;</source>
        <translation>لا يوجد مفتاح مخزَّن لـ &apos;{name}&apos;</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>المفتاح الخاص (PEM)</translation>
    </message>
    <message>
        <source>PEM private keys (*.pem *.key)</source>
        <translation>مفاتيح PEM الخاصة (*.pem *.key)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>كل الملفات (*)</translation>
    </message>
    <message>
        <source>Stored the {bits}-bit RSA key for &apos;{name}&apos;.
Fingerprint: {fingerprint}</source>
        <translation>تم تخزين مفتاح RSA بطول {bits} بت لـ &apos;{name}&apos;.
البصمة: {fingerprint}</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; already has a key. A new one replaces it, and transfers fail until its certificate is registered on the Call Center.</source>
        <translation>&apos;{name}&apos; لديه مفتاح بالفعل. المفتاح الجديد يستبدله، وتفشل التحويلات حتى تُسجَّل شهادته في Call Center.</translation>
    </message>
    <message>
        <source>Save the certificate (PEM)</source>
        <translation>حفظ الشهادة (PEM)</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt)</source>
        <translation>شهادات PEM (*.pem *.crt)</translation>
    </message>
    <message>
        <source>Created a {bits}-bit RSA key for &apos;{name}&apos; in the keyring.</source>
        <translation>تم إنشاء مفتاح RSA بطول {bits} بت لـ &apos;{name}&apos; في سلسلة المفاتيح.</translation>
    </message>
    <message>
        <source>It replaces the previous key: transfers fail until this certificate is registered on the Call Center.</source>
        <translation>إنه يستبدل المفتاح السابق: تفشل التحويلات حتى تُسجَّل هذه الشهادة في Call Center.</translation>
    </message>
    <message>
        <source>Saved a new certificate for the key of &apos;{name}&apos;.</source>
        <translation>تم حفظ شهادة جديدة لمفتاح &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>Removed the key of &apos;{name}&apos; from the keyring.</source>
        <translation>تمت إزالة مفتاح &apos;{name}&apos; من سلسلة المفاتيح.</translation>
    </message>
    <message>
        <source>No key was stored for &apos;{name}&apos;.</source>
        <translation>لم يكن هناك مفتاح مخزَّن لـ &apos;{name}&apos;.</translation>
    </message>
    <message>
        <source>The key works: a token for &apos;{name}&apos; was minted. Its claims (the token itself is never shown):</source>
        <translation>المفتاح يعمل: تم إصدار رمز مميز لـ &apos;{name}&apos;. مطالباته (لا يُعرض الرمز المميز نفسه أبدًا):</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>لوحة تحويل المكالمات</translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation>إظهار / إخفاء اللوحة</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>إنهاء</translation>
    </message>
</context>
<context>
    <name>DirectoryPanel</name>
    <message>
        <source>All</source>
        <translation>الكل</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>الموظفون</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>القوائم</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>المسارات</translation>
    </message>
    <message>
        <source>Show agents</source>
        <translation>إظهار الموظفين</translation>
    </message>
    <message>
        <source>Show queues</source>
        <translation>إظهار قوائم الانتظار</translation>
    </message>
    <message>
        <source>Show flows</source>
        <translation>إظهار المسارات</translation>
    </message>
    <message>
        <source>Show all kinds</source>
        <translation>إظهار كل الأنواع</translation>
    </message>
    <message>
        <source>Type any part of a name; Up and Down move through the results, Enter picks one, Escape clears.</source>
        <translation>اكتب أي جزء من الاسم؛ يتنقل السهمان لأعلى ولأسفل بين النتائج، ويختار Enter إحداها، ويمسح Esc البحث.</translation>
    </message>
    <message>
        <source>Loading the directory…</source>
        <translation>جارٍ تحميل الدليل…</translation>
    </message>
    <message>
        <source>DIRECTORY</source>
        <translation>الدليل</translation>
    </message>
    <message>
        <source>Search agents, queues, flows</source>
        <translation>ابحث عن موظفين وقوائم انتظار ومسارات</translation>
    </message>
    <message>
        <source>Search the directory</source>
        <translation>البحث في الدليل</translation>
    </message>
    <message>
        <source>Search (Ctrl+K)</source>
        <translation>بحث (Ctrl+K)</translation>
    </message>
    <message>
        <source>Available only</source>
        <translation>المتاحون فقط</translation>
    </message>
    <message>
        <source>Available agents only</source>
        <translation>الموظفون المتاحون فقط</translation>
    </message>
    <message>
        <source>Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also written under each agent&apos;s name.</source>
        <translation>الحضور: دائرة خضراء بعلامة صح = متاح؛ دائرة حمراء بشرطة = مشغول أو في مكالمة؛ دائرة كهرمانية بعقارب ساعة = بعيد؛ حلقة رمادية = غير متصل أو غير معروف. تُكتب الحالة أيضًا تحت اسم كل موظف.</translation>
    </message>
    <message>
        <source>Directory refresh progress</source>
        <translation>تقدّم تحديث الدليل</translation>
    </message>
    <message>
        <source>Directory freshness</source>
        <translation>حداثة الدليل</translation>
    </message>
    <message>
        <source>Directory results</source>
        <translation>نتائج الدليل</translation>
    </message>
    <message>
        <source>Hide agents who are busy, away or offline.</source>
        <translation>إخفاء الموظفين المشغولين أو البعيدين أو غير المتصلين.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s)</source>
        <translation>
            <numerusform>لا نتائج (%Ln)</numerusform>
            <numerusform>نتيجة واحدة (%Ln)</numerusform>
            <numerusform>نتيجتان (%Ln)</numerusform>
            <numerusform>%Ln نتائج</numerusform>
            <numerusform>%Ln نتيجة</numerusform>
            <numerusform>%Ln نتيجة</numerusform>
        </translation>
    </message>
    <message>
        <source>; {shown} listed, more as you move down</source>
        <translation>؛ {shown} معروضة، والمزيد عند النزول</translation>
    </message>
    <message>
        <source>{row}, {position} of {total}</source>
        <translation>{row}، {position} من {total}</translation>
    </message>
    <message>
        <source>No match for “{query}”.
Paste an agent (005…), queue (00G…) or flow (300…) ID to use it directly.</source>
        <translation>لا توجد نتيجة مطابقة لـ “{query}”.
الصق معرّف موظف (005…) أو قائمة انتظار (00G…) أو مسار (300…) لاستخدامه مباشرة.</translation>
    </message>
    <message>
        <source>No targets.</source>
        <translation>لا توجد وجهات.</translation>
    </message>
</context>
<context>
    <name>DirectoryRefresher</name>
    <message>
        <source>From {source}</source>
        <translation>من {source}</translation>
    </message>
    <message>
        <source>As of {time} · {source}</source>
        <translation>حتى {time} · {source}</translation>
    </message>
    <message>
        <source>{used} of {limit} API calls used today</source>
        <translation>استُخدم اليوم {used} من {limit} من استدعاءات API</translation>
    </message>
    <message>
        <source>{as_of} · refreshing…</source>
        <translation>{as_of} · جارٍ التحديث…</translation>
    </message>
    <message>
        <source>Refresh failed: {reason}</source>
        <translation>فشل التحديث: {reason}</translation>
    </message>
    <message>
        <source>{as_of}. {failed}</source>
        <translation>{as_of}. {failed}</translation>
    </message>
    <message>
        <source>The directory is empty.</source>
        <translation>الدليل فارغ.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s) skipped: {problem}</source>
        <translation>
            <numerusform>لم يُتخطَّ أي صف (%Ln): {problem}</numerusform>
            <numerusform>تم تخطي صف واحد (%Ln): {problem}</numerusform>
            <numerusform>تم تخطي صفين (%Ln): {problem}</numerusform>
            <numerusform>تم تخطي %Ln صفوف: {problem}</numerusform>
            <numerusform>تم تخطي %Ln صفًا: {problem}</numerusform>
            <numerusform>تم تخطي %Ln صف: {problem}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: {done} of %Ln entries…</source>
        <translation>
            <numerusform>جارٍ التحديث من {source}: {done} من %Ln إدخال…</numerusform>
            <numerusform>جارٍ التحديث من {source}: {done} من إدخال واحد (%Ln)…</numerusform>
            <numerusform>جارٍ التحديث من {source}: {done} من إدخالين (%Ln)…</numerusform>
            <numerusform>جارٍ التحديث من {source}: {done} من %Ln إدخالات…</numerusform>
            <numerusform>جارٍ التحديث من {source}: {done} من %Ln إدخالًا…</numerusform>
            <numerusform>جارٍ التحديث من {source}: {done} من %Ln إدخال…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshing from {source}: %Ln entries…</source>
        <translation>
            <numerusform>جارٍ التحديث من {source}: %Ln إدخال…</numerusform>
            <numerusform>جارٍ التحديث من {source}: إدخال واحد (%Ln)…</numerusform>
            <numerusform>جارٍ التحديث من {source}: إدخالان (%Ln)…</numerusform>
            <numerusform>جارٍ التحديث من {source}: %Ln إدخالات…</numerusform>
            <numerusform>جارٍ التحديث من {source}: %Ln إدخالًا…</numerusform>
            <numerusform>جارٍ التحديث من {source}: %Ln إدخال…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FallbackPicker</name>
    <message>
        <source>Fallback queue</source>
        <translation>قائمة الانتظار البديلة</translation>
    </message>
    <message>
        <source>Optional: the queue that takes the call if routing to the flow fails. Type to search queues.</source>
        <translation>اختياري: قائمة الانتظار التي تستقبل المكالمة إذا فشل التوجيه إلى المسار. اكتب للبحث في قوائم الانتظار.</translation>
    </message>
    <message>
        <source>Used if routing to the flow fails (optional)</source>
        <translation>تُستخدم إذا فشل التوجيه إلى المسار (اختياري)</translation>
    </message>
    <message>
        <source>None (optional) · type to search queues</source>
        <translation>لا شيء (اختياري) · اكتب للبحث في قوائم الانتظار</translation>
    </message>
</context>
<context>
    <name>FlowInputsEditor</name>
    <message>
        <source>Name (API name)</source>
        <translation>الاسم (اسم API)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>القيمة</translation>
    </message>
    <message>
        <source>Flow input {number} name</source>
        <translation>اسم مُدخل المسار {number}</translation>
    </message>
    <message>
        <source>Flow input {number} value</source>
        <translation>قيمة مُدخل المسار {number}</translation>
    </message>
    <message>
        <source>Remove flow input {number}</source>
        <translation>إزالة مُدخل المسار {number}</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>مُدخلات المسار</translation>
    </message>
    <message>
        <source>None. This flow takes {names}: Add input, then Down in its name lists them.</source>
        <translation>لا شيء. يأخذ هذا المسار {names}: اضغط «إضافة مُدخل»، ثم السهم لأسفل في حقل الاسم يعرضها.</translation>
    </message>
    <message>
        <source>Name (Down lists the flow&apos;s)</source>
        <translation>الاسم (السهم لأسفل يعرض مُدخلات المسار)</translation>
    </message>
    <message>
        <source>None. Add the flow&apos;s input variables if it needs any.</source>
        <translation>لا شيء. أضف متغيرات الإدخال للمسار إذا كان يحتاج إليها.</translation>
    </message>
    <message>
        <source>Add input</source>
        <translation>إضافة مُدخل</translation>
    </message>
    <message>
        <source>Add a flow input</source>
        <translation>إضافة مُدخل للمسار</translation>
    </message>
    <message>
        <source>Flow inputs problem</source>
        <translation>مشكلة في مُدخلات المسار</translation>
    </message>
</context>
<context>
    <name>InspectorWindow</name>
    <message>
        <source>Request inspector</source>
        <translation>مفتش الطلبات</translation>
    </message>
    <message>
        <source>Transfer a call: its request and answer appear here.</source>
        <translation>حوّل مكالمة: يظهر طلبها وإجابتها هنا.</translation>
    </message>
    <message>
        <source>Newest first · the token is never shown, only its decoded claims</source>
        <translation>الأحدث أولًا · لا يُعرض الرمز المميز أبدًا، بل مطالباته المفكوكة فقط</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>مسح</translation>
    </message>
    <message>
        <source>Requests, newest first</source>
        <translation>الطلبات، الأحدث أولًا</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>تفاصيل الطلب</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>مسح القائمة</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Call ID</source>
        <translation>معرّف المكالمة</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>الوجهة</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>النتيجة</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>المدة</translation>
    </message>
    <message>
        <source>Fallback queue</source>
        <translation>قائمة الانتظار البديلة</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>الرسالة</translation>
    </message>
    <message>
        <source>Flow inputs</source>
        <translation>مُدخلات المسار</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>All outcomes</source>
        <translation>كل النتائج</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>آخر 7 أيام</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>آخر 30 يومًا</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>آخر 90 يومًا</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>كل ما هو محفوظ</translation>
    </message>
    <message numerus="yes">
        <source>%n input(s)</source>
        <translation>
            <numerusform>لا مُدخلات (%n)</numerusform>
            <numerusform>مُدخل واحد (%n)</numerusform>
            <numerusform>مُدخلان (%n)</numerusform>
            <numerusform>%n مُدخلات</numerusform>
            <numerusform>%n مُدخلًا</numerusform>
            <numerusform>%n مُدخل</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>سجل التحويلات</translation>
    </message>
    <message>
        <source>Call ID or target</source>
        <translation>معرّف المكالمة أو الوجهة</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>النتيجة(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>الفترة(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>بحث(&amp;F)</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>نسخ الصف</translation>
    </message>
    <message>
        <source>Transfer again</source>
        <translation>التحويل مرة أخرى</translation>
    </message>
    <message>
        <source>Route the active call to this row&apos;s target</source>
        <translation>توجيه المكالمة النشطة إلى وجهة هذا الصف</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>تصدير CSV…</translation>
    </message>
    <message>
        <source>Show flow-input values</source>
        <translation>إظهار قيم مُدخلات المسار</translation>
    </message>
    <message>
        <source>They may hold customer data: show them only when needed</source>
        <translation>قد تحتوي على بيانات العملاء: لا تُظهرها إلا عند الحاجة</translation>
    </message>
    <message>
        <source>Include flow-input values</source>
        <translation>تضمين قيم مُدخلات المسار</translation>
    </message>
    <message>
        <source>They may hold customer data: leave them out unless needed</source>
        <translation>قد تحتوي على بيانات العملاء: لا تضمّنها إلا عند الحاجة</translation>
    </message>
    <message>
        <source> days</source>
        <translation> يومًا</translation>
    </message>
    <message>
        <source>Keep transfers for </source>
        <translation>الاحتفاظ بالتحويلات لمدة </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>تطبيق</translation>
    </message>
    <message>
        <source>Keep this many days from now on; older transfers are deleted now</source>
        <translation>الاحتفاظ بهذا العدد من الأيام من الآن فصاعدًا؛ تُحذف التحويلات الأقدم الآن</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>التحويلات</translation>
    </message>
    <message>
        <source>Transfer the active call again to this target</source>
        <translation>تحويل المكالمة النشطة مرة أخرى إلى هذه الوجهة</translation>
    </message>
    <message>
        <source>Export to CSV</source>
        <translation>تصدير إلى CSV</translation>
    </message>
    <message>
        <source>How many days the history keeps transfers</source>
        <translation>عدد الأيام التي يحتفظ فيها السجل بالتحويلات</translation>
    </message>
    <message>
        <source>Apply the retention period</source>
        <translation>تطبيق مدة الاحتفاظ</translation>
    </message>
    <message numerus="yes">
        <source>Keeping transfers for %n day(s): {removed}</source>
        <translation>
            <numerusform>الاحتفاظ بالتحويلات لمدة %n يوم: {removed}</numerusform>
            <numerusform>الاحتفاظ بالتحويلات لمدة يوم واحد (%n): {removed}</numerusform>
            <numerusform>الاحتفاظ بالتحويلات لمدة يومين (%n): {removed}</numerusform>
            <numerusform>الاحتفاظ بالتحويلات لمدة %n أيام: {removed}</numerusform>
            <numerusform>الاحتفاظ بالتحويلات لمدة %n يومًا: {removed}</numerusform>
            <numerusform>الاحتفاظ بالتحويلات لمدة %n يوم: {removed}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln older transfer(s) deleted.</source>
        <translation>
            <numerusform>لم يُحذف أي تحويل أقدم (%Ln).</numerusform>
            <numerusform>حُذف تحويل أقدم واحد (%Ln).</numerusform>
            <numerusform>حُذف تحويلان أقدم (%Ln).</numerusform>
            <numerusform>حُذفت %Ln تحويلات أقدم.</numerusform>
            <numerusform>حُذف %Ln تحويلًا أقدم.</numerusform>
            <numerusform>حُذف %Ln تحويل أقدم.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s) (the newest; export writes them all)</source>
        <translation>
            <numerusform>لا تحويلات (%Ln) (الأحدث؛ يكتبها التصدير كلها)</numerusform>
            <numerusform>تحويل واحد (%Ln) (الأحدث؛ يكتبها التصدير كلها)</numerusform>
            <numerusform>تحويلان (%Ln) (الأحدث؛ يكتبها التصدير كلها)</numerusform>
            <numerusform>%Ln تحويلات (الأحدث؛ يكتبها التصدير كلها)</numerusform>
            <numerusform>%Ln تحويلًا (الأحدث؛ يكتبها التصدير كلها)</numerusform>
            <numerusform>%Ln تحويل (الأحدث؛ يكتبها التصدير كلها)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln transfer(s)</source>
        <translation>
            <numerusform>لا تحويلات (%Ln)</numerusform>
            <numerusform>تحويل واحد (%Ln)</numerusform>
            <numerusform>تحويلان (%Ln)</numerusform>
            <numerusform>%Ln تحويلات</numerusform>
            <numerusform>%Ln تحويلًا</numerusform>
            <numerusform>%Ln تحويل</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the history to CSV</source>
        <translation>تصدير السجل إلى CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>تعذّرت كتابة {path}: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln transfer(s) to {path}</source>
        <translation>
            <numerusform>لم يُصدَّر أي تحويل (%Ln) إلى {path}</numerusform>
            <numerusform>تم تصدير تحويل واحد (%Ln) إلى {path}</numerusform>
            <numerusform>تم تصدير تحويلين (%Ln) إلى {path}</numerusform>
            <numerusform>تم تصدير %Ln تحويلات إلى {path}</numerusform>
            <numerusform>تم تصدير %Ln تحويلًا إلى {path}</numerusform>
            <numerusform>تم تصدير %Ln تحويل إلى {path}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>ID</source>
        <translation>المعرّف</translation>
    </message>
    <message>
        <source>target</source>
        <translation>الوجهة</translation>
    </message>
    <message>
        <source>fallback queue</source>
        <translation>قائمة الانتظار البديلة</translation>
    </message>
    <message>
        <source>call ID</source>
        <translation>معرّف المكالمة</translation>
    </message>
    <message>
        <source>fault target</source>
        <translation>وجهة الخطأ</translation>
    </message>
    <message>
        <source>the SCRT base URL, e.g. https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</source>
        <translation>عنوان URL الأساسي لـ SCRT، مثل https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1</translation>
    </message>
    <message>
        <source>https://login.salesforce.com, https://test.salesforce.com or your My Domain URL</source>
        <translation>https://login.salesforce.com أو https://test.salesforce.com أو عنوان URL لنطاقك My Domain</translation>
    </message>
    <message>
        <source>the trainer&apos;s simulator, e.g. http://192.168.1.20:8765/telephony/v1</source>
        <translation>محاكي المدرّب، مثل http://192.168.1.20:8765/telephony/v1</translation>
    </message>
    <message>
        <source>the OpenBao or Vault address, e.g. https://openbao.example.com:8200</source>
        <translation>عنوان OpenBao أو Vault، مثل https://openbao.example.com:8200</translation>
    </message>
    <message>
        <source>the name of the Transit key that holds the Call Center&apos;s private key</source>
        <translation>اسم مفتاح Transit الذي يحتفظ بالمفتاح الخاص لـ Call Center</translation>
    </message>
    <message>
        <source>the {source} role IT set up for the panel</source>
        <translation>دور {source} الذي أعدّه قسم تقنية المعلومات للّوحة</translation>
    </message>
    <message>
        <source>the 15- or 18-character org ID (00D…) from Setup &gt; Company Information</source>
        <translation>معرّف المؤسسة المكوّن من 15 أو 18 حرفًا (00D…) من Setup &gt; Company Information</translation>
    </message>
    <message>
        <source>the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>اسم API لـ Call Center، مثل HVCC</translation>
    </message>
    <message>
        <source>Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, then try again.</source>
        <translation>ثبّت سلسلة مفاتيح Secret Service (GNOME Keyring أو KWallet) وشغّلها في جلسة سطح المكتب، ثم حاول مرة أخرى.</translation>
    </message>
    <message>
        <source>The system keychain / Credential Manager did not respond; sign in again and retry.</source>
        <translation>لم تستجب سلسلة مفاتيح النظام / Credential Manager؛ سجّل الدخول مرة أخرى وأعد المحاولة.</translation>
    </message>
    <message>
        <source>parts of it are missing or do not match its checksum</source>
        <translation>أجزاء منه مفقودة أو لا تطابق المجموع الاختباري</translation>
    </message>
    <message>
        <source>it cannot be decoded</source>
        <translation>تتعذّر قراءة ترميزه</translation>
    </message>
    <message>
        <source>its manifest is unreadable</source>
        <translation>بيانه غير مقروء</translation>
    </message>
    <message>
        <source>it was written by a newer version of the panel</source>
        <translation>كتبه إصدار أحدث من اللوحة</translation>
    </message>
    <message>
        <source>not a file of a directory cache</source>
        <translation>ليس ملفًا من ذاكرة تخزين مؤقت للدليل</translation>
    </message>
    <message>
        <source>it does not match its checksum</source>
        <translation>لا يطابق مجموعه الاختباري</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: did you mean {suggestion!r}?</source>
        <translation>[profiles.{profile}] مفتاح غير معروف {key!r}: هل تقصد {suggestion!r}؟</translation>
    </message>
    <message>
        <source>[profiles.{profile}] unknown key {key!r}: see the README&apos;s configuration reference</source>
        <translation>[profiles.{profile}] مفتاح غير معروف {key!r}: راجع مرجع الإعدادات في README</translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend} is not the operating system&apos;s own store), and keys are never stored in plain files. {hint}</source>
        <translation>لا تتوفر سلسلة مفاتيح لنظام التشغيل ({backend} ليس المخزن الخاص بنظام التشغيل)، ولا تُخزَّن المفاتيح أبدًا في ملفات عادية. {hint}</translation>
    </message>
    <message>
        <source>No OS keyring is available, and keys are never stored in plain files. {hint}</source>
        <translation>لا تتوفر سلسلة مفاتيح لنظام التشغيل، ولا تُخزَّن المفاتيح أبدًا في ملفات عادية. {hint}</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint} ({by} = &quot;{source}&quot; needs it)</source>
        <translation>[profiles.{profile}] المفتاح {key} مفقود: {hint} (يحتاج إليه {by} = &quot;{source}&quot;)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {by} = &quot;{source}&quot; needs it</source>
        <translation>[profiles.{profile}] المفتاح {key} مفقود: يحتاج إليه {by} = &quot;{source}&quot;</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>مشغول</translation>
    </message>
    <message>
        <source>away</source>
        <translation>بعيد</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>غير متصل</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: routing the call to them will likely fail.</source>
        <translation>{target_label} {standing}: من المرجح أن يفشل توجيه المكالمة.</translation>
    </message>
    <message>
        <source>{target_label} is {standing}: the call may wait until they are free, or routing may fail.</source>
        <translation>{target_label} {standing}: قد تنتظر المكالمة حتى يتفرغ، أو قد يفشل التوجيه.</translation>
    </message>
    <message>
        <source>Routing this call to {target_label} was already requested at {when}.</source>
        <translation>طُلب توجيه هذه المكالمة إلى {target_label} بالفعل في {when}.</translation>
    </message>
    <message>
        <source>A transfer of this call to {target_label} at {when} may have gone through (its outcome is unknown).</source>
        <translation>ربما تم تحويل هذه المكالمة إلى {target_label} في {when} (نتيجته غير معروفة).</translation>
    </message>
    <message>
        <source>The {field} is empty: enter a Salesforce ID of 15 or 18 characters.</source>
        <translation>الحقل {field} فارغ: أدخل معرّف Salesforce من 15 أو 18 حرفًا.</translation>
    </message>
    <message>
        <source>The {field} {text!r} is not a Salesforce ID: it must be 15 or 18 letters and digits (it is {length} characters long). Copy the ID from the record&apos;s URL.</source>
        <translation>{field} {text!r} ليس معرّف Salesforce: يجب أن يتكون من 15 أو 18 حرفًا ورقمًا (طوله {length} حرفًا). انسخ المعرّف من عنوان URL للسجل.</translation>
    </message>
    <message>
        <source>The {field} {text} has a wrong checksum (its last 3 characters should be {expected}): it was probably mistyped or its letter case was changed. Copy it again from Salesforce.</source>
        <translation>{field} {text} له مجموع اختباري خاطئ (يجب أن تكون أحرفه الثلاثة الأخيرة {expected}): ربما كُتب بشكل خاطئ أو تغيّر حالة أحرفه. انسخه مرة أخرى من Salesforce.</translation>
    </message>
    <message>
        <source>The {field} {id} is a flow version ID (301…): use the flow definition ID (300…), the DurableId of the flow in FlowDefinitionView.</source>
        <translation>{field} {id} هو معرّف إصدار مسار (301…): استخدم معرّف تعريف المسار (300…)، أي DurableId للمسار في FlowDefinitionView.</translation>
    </message>
    <message>
        <source>The {field} {id} is not an agent (005…), a queue (00G…) or an Omni-Channel flow (300…): its prefix {prefix} is a {kind} ID.</source>
        <translation>{field} {id} ليس موظفًا (005…) ولا قائمة انتظار (00G…) ولا مسار Omni-Channel (300…): بادئته {prefix} هي معرّف {kind}.</translation>
    </message>
    <message>
        <source>The call ID is empty: paste the active call&apos;s ID from the softphone.</source>
        <translation>معرّف المكالمة فارغ: الصق معرّف المكالمة النشطة من الهاتف البرمجي.</translation>
    </message>
    <message>
        <source>The call ID contains a control character or invalid text (e.g. a line break): paste just the ID.</source>
        <translation>يحتوي معرّف المكالمة على حرف تحكم أو نص غير صالح (مثل فاصل أسطر): الصق المعرّف فقط.</translation>
    </message>
    <message>
        <source>The call ID contains an invisible character (a zero-width space, a text-direction mark or a line separator): paste just the ID, or type it.</source>
        <translation>يحتوي معرّف المكالمة على حرف غير مرئي (مسافة بعرض صفري أو علامة اتجاه نص أو فاصل أسطر): الصق المعرّف فقط، أو اكتبه.</translation>
    </message>
    <message>
        <source>The call ID is {length} characters long (at most {limit}): paste just the ID.</source>
        <translation>طول معرّف المكالمة {length} حرفًا (الحد الأقصى {limit}): الصق المعرّف فقط.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: paste the active call&apos;s ID.</source>
        <translation>{text!r} ليس معرّف مكالمة: الصق معرّف المكالمة النشطة.</translation>
    </message>
    <message>
        <source>{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be 15 or 18 letters and digits. Paste the call ID again.</source>
        <translation>{text!r} يبدأ مثل معرّف VoiceCall في Salesforce (0LQ…) لكنه ليس كذلك: يجب أن يتكون من 15 أو 18 حرفًا ورقمًا. الصق معرّف المكالمة مرة أخرى.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: it holds a space or another character the profile&apos;s contact_id_pattern does not allow. Paste just the ID.</source>
        <translation>{text!r} ليس معرّف مكالمة: يحتوي على مسافة أو حرف آخر لا يسمح به contact_id_pattern في الملف الشخصي. الصق المعرّف فقط.</translation>
    </message>
    <message>
        <source>{text!r} is not a call ID: a contact ID has no spaces. Paste just the ID.</source>
        <translation>{text!r} ليس معرّف مكالمة: معرّف جهة الاتصال لا يحتوي على مسافات. الصق المعرّف فقط.</translation>
    </message>
    <message>
        <source>A fallback queue applies only when routing to an Omni-Channel flow: remove it, or choose a flow instead of this {kind}.</source>
        <translation>لا تنطبق قائمة الانتظار البديلة إلا عند التوجيه إلى مسار Omni-Channel: أزلها، أو اختر مسارًا بدلًا من {kind} هذا.</translation>
    </message>
    <message>
        <source>The fallback queue {id} is not a queue ID (00G…).</source>
        <translation>قائمة الانتظار البديلة {id} ليست معرّف قائمة انتظار (00G…).</translation>
    </message>
    <message>
        <source>Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: remove them.</source>
        <translation>لا تنطبق مُدخلات المسار إلا عند التوجيه إلى مسار Omni-Channel، وليس إلى {kind}: أزلها.</translation>
    </message>
    <message numerus="yes">
        <source>{count} flow inputs given: at most {limit} are allowed.</source>
        <translation>
            <numerusform>تم تقديم {count} مُدخل للمسار: الحد الأقصى المسموح به {limit}.</numerusform>
            <numerusform>تم تقديم مُدخل واحد للمسار ({count}): الحد الأقصى المسموح به {limit}.</numerusform>
            <numerusform>تم تقديم مُدخلين للمسار ({count}): الحد الأقصى المسموح به {limit}.</numerusform>
            <numerusform>تم تقديم {count} مُدخلات للمسار: الحد الأقصى المسموح به {limit}.</numerusform>
            <numerusform>تم تقديم {count} مُدخلًا للمسار: الحد الأقصى المسموح به {limit}.</numerusform>
            <numerusform>تم تقديم {count} مُدخل للمسار: الحد الأقصى المسموح به {limit}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Flow input {number} has no name: give it one or remove the row.</source>
        <translation>مُدخل المسار {number} بلا اسم: أعطه اسمًا أو أزل الصف.</translation>
    </message>
    <message>
        <source>Flow input {number}&apos;s name is too long or has line breaks or tabs: use the flow variable&apos;s API name (at most {limit} characters).</source>
        <translation>اسم مُدخل المسار {number} طويل جدًا أو يحتوي على فواصل أسطر أو علامات جدولة: استخدم اسم API لمتغير المسار (بحد أقصى {limit} حرفًا).</translation>
    </message>
    <message>
        <source>Flow input {key!r} contains a control character or invalid text: remove it.</source>
        <translation>مُدخل المسار {key!r} يحتوي على حرف تحكم أو نص غير صالح: أزله.</translation>
    </message>
    <message>
        <source>Flow input {key!r} is {length} characters long (at most {limit}).</source>
        <translation>طول مُدخل المسار {key!r} هو {length} حرفًا (الحد الأقصى {limit}).</translation>
    </message>
    <message>
        <source>Flow input {key!r} is given twice (names are compared ignoring case, like Salesforce API names): keep one of {first!r} and {key!r}.</source>
        <translation>مُدخل المسار {key!r} مذكور مرتين (تُقارن الأسماء دون تمييز حالة الأحرف، مثل أسماء API في Salesforce): احتفظ بواحد من {first!r} و{key!r}.</translation>
    </message>
    <message>
        <source>--flow-input {text!r} must be KEY=VALUE.</source>
        <translation>يجب أن يكون --flow-input {text!r} بالشكل KEY=VALUE.</translation>
    </message>
    <message>
        <source>{already} Nothing was sent. Check the softphone; to route it again anyway, add --again.</source>
        <translation>{already} لم يُرسل شيء. تحقق من الهاتف البرمجي؛ لتوجيهها مرة أخرى على أي حال، أضف --again.</translation>
    </message>
    <message>
        <source>A transfer of this call is already on its way: wait for its outcome.</source>
        <translation>تحويل هذه المكالمة جارٍ بالفعل: انتظر نتيجته.</translation>
    </message>
    <message>
        <source>{unavailable} Nothing was sent. Pick another target, or to route it there anyway, add --even-if-unavailable.</source>
        <translation>{unavailable} لم يُرسل شيء. اختر وجهة أخرى، أو لتوجيهها إلى هناك على أي حال، أضف --even-if-unavailable.</translation>
    </message>
    <message>
        <source>Cannot read the config file {path}: {reason}.</source>
        <translation>تتعذّر قراءة ملف الإعدادات {path}: {reason}.</translation>
    </message>
    <message>
        <source>The config file {path} is over {limit_kib} KiB: that is not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG).</source>
        <translation>ملف الإعدادات {path} يتجاوز {limit_kib} KiB: هذا ليس ملف إعدادات. تحقق من المسار (--config، $TRANSFER_PANEL_CONFIG).</translation>
    </message>
    <message>
        <source>The config file {path} is not valid TOML: {detail}.</source>
        <translation>ملف الإعدادات {path} ليس TOML صالحًا: {detail}.</translation>
    </message>
    <message>
        <source>The config file {path} nests tables or arrays too deeply to be a config file.</source>
        <translation>ملف الإعدادات {path} يتداخل فيه الجداول أو المصفوفات بعمق لا يناسب ملف إعدادات.</translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has {count} problem(s):</source>
        <translation>
            <numerusform>ملف الإعدادات {path} فيه {count} مشكلة:</numerusform>
            <numerusform>ملف الإعدادات {path} فيه مشكلة واحدة ({count}):</numerusform>
            <numerusform>ملف الإعدادات {path} فيه مشكلتان ({count}):</numerusform>
            <numerusform>ملف الإعدادات {path} فيه {count} مشكلات:</numerusform>
            <numerusform>ملف الإعدادات {path} فيه {count} مشكلة:</numerusform>
            <numerusform>ملف الإعدادات {path} فيه {count} مشكلة:</numerusform>
        </translation>
    </message>
    <message>
        <source>{file}: unknown top-level key {key!r}: profiles go in [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: مفتاح غير معروف في المستوى الأعلى {key!r}: توضع الملفات الشخصية في جداول [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: &apos;profiles&apos; must hold [profiles.&lt;name&gt;] tables</source>
        <translation>{file}: يجب أن يحتوي &apos;profiles&apos; على جداول [profiles.&lt;name&gt;]</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked names unknown keys: {keys}</source>
        <translation>{file}: [profiles.{profile}] يذكر locked مفاتيح غير معروفة: {keys}</translation>
    </message>
    <message>
        <source>{file}: [profiles.{profile}] locked must be true or a list of key names</source>
        <translation>{file}: [profiles.{profile}] يجب أن تكون قيمة locked هي true أو قائمة بأسماء مفاتيح</translation>
    </message>
    <message>
        <source>No profile is configured in {path}. Add a [profiles.&lt;name&gt;] table (see the README&apos;s configuration reference) or use --demo.</source>
        <translation>لا يوجد ملف شخصي مُعدّ في {path}. أضف جدول [profiles.&lt;name&gt;] (راجع مرجع الإعدادات في README) أو استخدم --demo.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): choose one with --profile NAME.</source>
        <translation>تم إعداد {count} ملفات شخصية ({names}): اختر واحدًا باستخدام --profile NAME.</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: {known}).</source>
        <translation>لا يوجد ملف شخصي {name!r} في {path} (المُعدّة: {known}).</translation>
    </message>
    <message>
        <source>There is no profile {name!r} in {path} (configured: none).</source>
        <translation>لا يوجد ملف شخصي {name!r} في {path} (المُعدّة: لا شيء).</translation>
    </message>
    <message>
        <source>The config file {path} could not be written ({reason}): nothing was saved.</source>
        <translation>تعذّرت كتابة ملف الإعدادات {path} ({reason}): لم يُحفظ شيء.</translation>
    </message>
    <message>
        <source>There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, then the user config folder) and no site file at {site_path}. Add a profile: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</source>
        <translation>لا يوجد ملف إعدادات في {path} (تم البحث في --config، ثم $TRANSFER_PANEL_CONFIG، ثم مجلد إعدادات المستخدم) ولا ملف موقع في {site_path}. أضف ملفًا شخصيًا: transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME</translation>
    </message>
    <message>
        <source>The config file {path} was written, but reading it back does not give {what} as saved: another program may be changing it. Check the file, then save again.</source>
        <translation>تمت كتابة ملف الإعدادات {path}، لكن قراءته مرة أخرى لا تعطي {what} كما حُفظ: ربما يغيّره برنامج آخر. تحقق من الملف، ثم احفظ مرة أخرى.</translation>
    </message>
    <message>
        <source>The config file {path} was changed by someone else since it was opened here: nothing was saved. Reload it, then make the change again.</source>
        <translation>غيّر شخص آخر ملف الإعدادات {path} منذ فتحه هنا: لم يُحفظ شيء. أعد تحميله، ثم أجرِ التغيير مرة أخرى.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; is already in {path}: add --replace to replace it.</source>
        <translation>الملف الشخصي &apos;{profile}&apos; موجود بالفعل في {path}: أضف --replace لاستبداله.</translation>
    </message>
    <message>
        <source>--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or provider_name=&quot;Amazon Connect&quot; ({reason}).</source>
        <translation>يجب أن يكون --set {text!r} بالشكل KEY=VALUE بقيمة TOML، مثل timeout_s=15 أو provider_name=&quot;Amazon Connect&quot; ({reason}).</translation>
    </message>
    <message>
        <source>[profiles.{profile}]: profile names use letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64)</source>
        <translation>[profiles.{profile}]: تستخدم أسماء الملفات الشخصية الأحرف والأرقام و&apos;-&apos; و&apos;_&apos; (بحد أقصى 64)</translation>
    </message>
    <message>
        <source>[profiles.{profile}] must be a table of keys</source>
        <translation>يجب أن يكون [profiles.{profile}] جدولًا من المفاتيح</translation>
    </message>
    <message>
        <source>[profiles.{profile}] {key} is missing: {hint}</source>
        <translation>[profiles.{profile}] المفتاح {key} مفقود: {hint}</translation>
    </message>
    <message>
        <source>see the README</source>
        <translation>راجع README</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; signs with a key in the keyring (signing = &quot;keyring&quot;): there is no OpenBao sign-in.</source>
        <translation>الملف الشخصي &apos;{profile}&apos; يوقّع بمفتاح في سلسلة المفاتيح (signing = &quot;keyring&quot;): لا يوجد تسجيل دخول إلى OpenBao.</translation>
    </message>
    <message>
        <source>must be true or false (no quotes)</source>
        <translation>يجب أن تكون true أو false (بلا علامات اقتباس)</translation>
    </message>
    <message>
        <source>must be a number of seconds</source>
        <translation>يجب أن تكون عددًا من الثواني</translation>
    </message>
    <message>
        <source>must be between {low} and {high} seconds</source>
        <translation>يجب أن تكون بين {low} و{high} ثانية</translation>
    </message>
    <message>
        <source>must be a string in quotes</source>
        <translation>يجب أن تكون سلسلة نصية بين علامتي اقتباس</translation>
    </message>
    <message>
        <source>must be a full URL: {example_text}</source>
        <translation>يجب أن يكون عنوان URL كاملًا: {example_text}</translation>
    </message>
    <message>
        <source>must not have a query (?…) or fragment (#…)</source>
        <translation>يجب ألا يحتوي على استعلام (?…) أو جزء (#…)</translation>
    </message>
    <message>
        <source>must not contain a user name or password</source>
        <translation>يجب ألا يحتوي على اسم مستخدم أو كلمة مرور</translation>
    </message>
    <message>
        <source>must use https:// (plain http is allowed only to this computer, e.g. a local simulator, or in a profile with training = true for a classroom simulator)</source>
        <translation>يجب أن يستخدم https:// (لا يُسمح بـ http العادي إلا لهذا الكمبيوتر، مثل محاكٍ محلي، أو في ملف شخصي فيه training = true لمحاكي قاعة تدريب)</translation>
    </message>
    <message>
        <source>has a port that does not exist: use a number from 1 to 65535, or none</source>
        <translation>يحتوي على منفذ غير موجود: استخدم رقمًا من 1 إلى 65535، أو لا شيء</translation>
    </message>
    <message>
        <source>is not a host name or address this computer can reach: use letters, digits, dots and dashes (no spaces, tabs, line breaks or other characters; a name in another script in its xn-- form)</source>
        <translation>ليس اسم مضيف أو عنوانًا يمكن لهذا الكمبيوتر الوصول إليه: استخدم الأحرف والأرقام والنقاط والشرطات (بلا مسافات أو علامات جدولة أو فواصل أسطر أو أحرف أخرى؛ والاسم بخط آخر يُكتب بصيغة xn--)</translation>
    </message>
    <message>
        <source>must be an organization ID (00D…)</source>
        <translation>يجب أن يكون معرّف مؤسسة (00D…)</translation>
    </message>
    <message>
        <source>is not a valid ID</source>
        <translation>ليس معرّفًا صالحًا</translation>
    </message>
    <message>
        <source>must be an API name: the Call Center&apos;s API name, e.g. HVCC</source>
        <translation>يجب أن يكون اسم API: اسم API لـ Call Center، مثل HVCC</translation>
    </message>
    <message>
        <source>must be printable, at most {limit} characters</source>
        <translation>يجب أن يكون قابلًا للطباعة، بحد أقصى {limit} حرفًا</translation>
    </message>
    <message>
        <source>is sent as an HTTP header, which carries plain ASCII only (at most {limit} characters): write it without accents or other scripts, e.g. &quot;Telefonica&quot;</source>
        <translation>يُرسل كترويسة HTTP، وهي تحمل نص ASCII عاديًا فقط (بحد أقصى {limit} حرفًا): اكتبه بلا تشكيل أو خطوط أخرى، مثل &quot;Telefonica&quot;</translation>
    </message>
    <message>
        <source>must be an API version such as &quot;62.0&quot;</source>
        <translation>يجب أن يكون إصدار API مثل &quot;62.0&quot;</translation>
    </message>
    <message>
        <source>must be a regular expression for the telephony vendor&apos;s contact IDs, at most {limit} characters, e.g. &quot;[0-9a-f-]{{36}}&quot; ({reason})</source>
        <translation>يجب أن يكون تعبيرًا نمطيًا لمعرّفات جهات الاتصال لدى مزوّد الاتصالات، بحد أقصى {limit} حرفًا، مثل &quot;[0-9a-f-]{{36}}&quot; ({reason})</translation>
    </message>
    <message>
        <source>must be one of {choices}</source>
        <translation>يجب أن يكون أحد: {choices}</translation>
    </message>
    <message>
        <source>must be an OpenBao name: letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos; (at most {limit})</source>
        <translation>يجب أن يكون اسم OpenBao: أحرف وأرقام و&apos;_&apos; و&apos;-&apos; و&apos;.&apos; (بحد أقصى {limit})</translation>
    </message>
    <message>
        <source>must be a namespace path such as &quot;contact-center&quot; or &quot;emea/contact-center&quot;, or empty</source>
        <translation>يجب أن يكون مسار مساحة أسماء مثل &quot;contact-center&quot; أو &quot;emea/contact-center&quot;، أو فارغًا</translation>
    </message>
    <message>
        <source>is Salesforce: a profile with training = true must point at a training simulator</source>
        <translation>هو Salesforce: يجب أن يشير الملف الشخصي الذي فيه training = true إلى محاكي تدريب</translation>
    </message>
    <message>
        <source>is a public address: a training simulator belongs on a closed network (a private address such as 192.168.x.x or 10.x.x.x)</source>
        <translation>عنوان عام: مكان محاكي التدريب شبكة مغلقة (عنوان خاص مثل 192.168.x.x أو 10.x.x.x)</translation>
    </message>
    <message>
        <source>The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open your keyring app) and try again.</source>
        <translation>سلسلة المفاتيح ({backend}) مقفلة. افتح قفلها (سجّل الدخول إلى جلسة سطح المكتب أو افتح تطبيق سلسلة المفاتيح) وحاول مرة أخرى.</translation>
    </message>
    <message>
        <source>The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is running and unlocked.</source>
        <translation>تعذّر على سلسلة المفاتيح ({backend}) تنفيذ {action} للمفتاح: {error}. تحقق من أن سلسلة المفاتيح تعمل وغير مقفلة.</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}. Store it: transfer-panel credentials set --profile {profile} --key-file KEY.pem</source>
        <translation>لا يوجد مفتاح خاص مخزَّن للملف الشخصي &apos;{profile}&apos; في {backend}. خزّنه: transfer-panel credentials set --profile {profile} --key-file KEY.pem</translation>
    </message>
    <message>
        <source>The {name} to store for profile &apos;{profile}&apos; is empty, too long or not plain text (at most {limit} printable ASCII characters).</source>
        <translation>قيمة {name} المراد تخزينها للملف الشخصي &apos;{profile}&apos; فارغة أو طويلة جدًا أو ليست نصًا عاديًا (بحد أقصى {limit} حرف ASCII قابل للطباعة).</translation>
    </message>
    <message>
        <source>This is not a PEM private key: expected a file that starts with &apos;-----BEGIN PRIVATE KEY-----&apos; or &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</source>
        <translation>هذا ليس مفتاحًا خاصًا بصيغة PEM: المتوقع ملف يبدأ بـ &apos;-----BEGIN PRIVATE KEY-----&apos; أو &apos;-----BEGIN RSA PRIVATE KEY-----&apos;.</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase: give the passphrase too.</source>
        <translation>المفتاح الخاص محمي بعبارة مرور: أدخل عبارة المرور أيضًا.</translation>
    </message>
    <message>
        <source>The private key is not protected by a passphrase, but one was given: leave it empty.</source>
        <translation>المفتاح الخاص غير محمي بعبارة مرور، لكن أُدخلت واحدة: اتركها فارغة.</translation>
    </message>
    <message>
        <source>The private key could not be read: the passphrase is wrong or the PEM is damaged.</source>
        <translation>تعذّرت قراءة المفتاح الخاص: عبارة المرور خاطئة أو ملف PEM تالف.</translation>
    </message>
    <message>
        <source>The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).</source>
        <translation>المفتاح الخاص من نوع {type}: تحتاج واجهة SCRT API إلى مفتاح RSA (2048 أو 4096 بت).</translation>
    </message>
    <message>
        <source>The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call Center&apos;s certificate.</source>
        <translation>المفتاح الخاص RSA بطول {bits} بت: استخدم مفتاحًا بطول 2048 أو 4096 بت، كما هو مسجّل في شهادة Call Center.</translation>
    </message>
    <message>
        <source>{name} is too big to be a private key (over {limit_kib} KiB).</source>
        <translation>{name} أكبر من أن يكون مفتاحًا خاصًا (أكثر من {limit_kib} KiB).</translation>
    </message>
    <message>
        <source>Cannot read the key file {path}: {reason}.</source>
        <translation>تتعذّر قراءة ملف المفتاح {path}: {reason}.</translation>
    </message>
    <message>
        <source>The key is protected by a passphrase: pass it with --passphrase-env VAR.</source>
        <translation>المفتاح محمي بعبارة مرور: مرّرها باستخدام --passphrase-env VAR.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a {purpose} key in {backend}: nothing was changed. A new key replaces it, and transfers fail until the new certificate is registered on the Call Center. To replace it, add --replace. To get a certificate for the key you have: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>الملف الشخصي &apos;{profile}&apos; لديه بالفعل مفتاح {purpose} في {backend}: لم يتغير شيء. المفتاح الجديد يستبدله، وتفشل التحويلات حتى تُسجَّل الشهادة الجديدة في Call Center. لاستبداله، أضف --replace. للحصول على شهادة للمفتاح الحالي: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder you can write to.</source>
        <translation>تتعذّر كتابة الشهادة إلى {path} ({reason}): لم يتغير شيء. اختر مجلدًا يمكنك الكتابة فيه.</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Write it again: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</source>
        <translation>خُزّن المفتاح الجديد في {backend}، لكن تعذّر حفظ شهادته باسم {path} ({reason}). اكتبها مرة أخرى: transfer-panel credentials export-cert --profile {profile} --cert-out PATH</translation>
    </message>
    <message>
        <source>{path} holds a private key: it is never overwritten. Write the certificate to another file, e.g. {profile}.crt.</source>
        <translation>{path} يحتوي على مفتاح خاص: لا يُكتب فوقه أبدًا. اكتب الشهادة في ملف آخر، مثل {profile}.crt.</translation>
    </message>
    <message>
        <source>The environment variable {name} is not set.</source>
        <translation>متغير البيئة {name} غير مُعيّن.</translation>
    </message>
    <message>
        <source>The signing service cannot sign now ({reason}).</source>
        <translation>لا تستطيع خدمة التوقيع التوقيع الآن ({reason}).</translation>
    </message>
    <message>
        <source>openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix the path in the profile.</source>
        <translation>تتعذّر قراءة openbao_ca_file {path!r} كشهادات PEM ({error}): أصلح المسار في الملف الشخصي.</translation>
    </message>
    <message>
        <source>The client certificate {cert} or its key {key} cannot be read ({error}): check both files.</source>
        <translation>تتعذّر قراءة شهادة العميل {cert} أو مفتاحها {key} ({error}): تحقق من الملفين.</translation>
    </message>
    <message>
        <source>OpenBao at {url} did not answer in time. Try again; if it persists, tell IT.</source>
        <translation>لم يُجب OpenBao على {url} في الوقت المحدد. حاول مرة أخرى؛ وإذا استمرت المشكلة، أبلغ قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file to your company&apos;s CA certificate (PEM) or install it in the OS trust store.</source>
        <translation>قدّم OpenBao على {url} شهادة لا يثق بها هذا الكمبيوتر: عيّن openbao_ca_file إلى شهادة CA الخاصة بشركتك (PEM) أو ثبّتها في مخزن الثقة لنظام التشغيل.</translation>
    </message>
    <message>
        <source>OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, tell IT.</source>
        <translation>يتعذّر الوصول إلى OpenBao على {url} ({error}). تحقق من الشبكة؛ وإذا استمرت المشكلة، أبلغ قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>OpenBao at {url} is sealed: IT must unseal it; try again then.</source>
        <translation>OpenBao على {url} مختوم: يجب على قسم تقنية المعلومات فك ختمه؛ ثم حاول مرة أخرى.</translation>
    </message>
    <message>
        <source>OpenBao at {url} could not answer ({status}: {said}). Try again; if it persists, tell IT.</source>
        <translation>تعذّر على OpenBao على {url} الإجابة ({status}: {said}). حاول مرة أخرى؛ وإذا استمرت المشكلة، أبلغ قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>OpenBao refused access to {path} ({status}: {said}).</source>
        <translation>رفض OpenBao الوصول إلى {path} ({status}: {said}).</translation>
    </message>
    <message>
        <source>OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and openbao_transit_mount in profile &apos;{profile}&apos;, or ask IT whether the engine is enabled there.</source>
        <translation>لا يوجد شيء لدى OpenBao على {path} (404): تحقق من openbao_url وopenbao_namespace وopenbao_transit_mount في الملف الشخصي &apos;{profile}&apos;، أو اسأل قسم تقنية المعلومات عمّا إذا كان المحرك مفعّلًا هناك.</translation>
    </message>
    <message>
        <source>OpenBao refused the request to {path} ({status}: {said}): check the profile&apos;s openbao_* keys, or ask IT.</source>
        <translation>رفض OpenBao الطلب إلى {path} ({status}: {said}): تحقق من مفاتيح openbao_* في الملف الشخصي، أو اسأل قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer is over {limit} bytes.</source>
        <translation>إجابة OpenBao تتجاوز {limit} بايت.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer lacks &apos;{field}&apos;: is openbao_url an OpenBao or Vault server?</source>
        <translation>إجابة OpenBao تفتقد &apos;{field}&apos;: هل openbao_url خادم OpenBao أو Vault؟</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature is not valid base64.</source>
        <translation>توقيع OpenBao ليس base64 صالحًا.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer holds no signature in the vault:v1:… form.</source>
        <translation>إجابة OpenBao لا تحتوي على توقيع بالصيغة vault:v1:….</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} has no versions: ask IT.</source>
        <translation>مفتاح OpenBao {key!r} ليس له إصدارات: اسأل قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.</source>
        <translation>مفتاح OpenBao {key!r} ليس زوج مفاتيح RSA: استخدم النوع rsa-2048 أو rsa-4096.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s policy does not let you sign with {path} (403 permission denied): ask IT to give your role the transfer-panel policy for key {key!r}, or check openbao_key and openbao_transit_mount in profile &apos;{profile}&apos;.</source>
        <translation>سياسة OpenBao لا تسمح لك بالتوقيع باستخدام {path} (403 permission denied): اطلب من قسم تقنية المعلومات منح دورك سياسة transfer-panel للمفتاح {key!r}، أو تحقق من openbao_key وopenbao_transit_mount في الملف الشخصي &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s signature does not verify against its own public key ({error}): ask IT to check the Transit key.</source>
        <translation>توقيع OpenBao لا يتحقق مقابل مفتاحه العام ({error}): اطلب من قسم تقنية المعلومات فحص مفتاح Transit.</translation>
    </message>
    <message>
        <source>This profile signs in to OpenBao with {auth}: run transfer-panel credentials login --profile {profile}.</source>
        <translation>يسجّل هذا الملف الشخصي الدخول إلى OpenBao باستخدام {auth}: شغّل transfer-panel credentials login --profile {profile}.</translation>
    </message>
    <message>
        <source>Give your OpenBao user name (no &apos;/&apos;).</source>
        <translation>أدخل اسم مستخدم OpenBao (بدون &apos;/&apos;).</translation>
    </message>
    <message>
        <source>OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether your account may use the panel&apos;s role.</source>
        <translation>رفض OpenBao تسجيل الدخول ({said}): تحقق مما كتبته، أو اسأل قسم تقنية المعلومات عمّا إذا كان حسابك يمكنه استخدام دور اللوحة.</translation>
    </message>
    <message>
        <source>OpenBao&apos;s answer to the sign-in holds no token: ask IT.</source>
        <translation>إجابة OpenBao على تسجيل الدخول لا تحتوي على رمز مميز: اسأل قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>OpenBao does not accept this token (expired, revoked or mistyped).</source>
        <translation>لا يقبل OpenBao هذا الرمز المميز (منتهي الصلاحية أو ملغى أو مكتوب بشكل خاطئ).</translation>
    </message>
    <message>
        <source>cert sign-in needs --client-cert PATH and --client-key PATH.</source>
        <translation>يحتاج تسجيل الدخول بالشهادة إلى --client-cert PATH و--client-key PATH.</translation>
    </message>
    <message>
        <source>OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} to the role&apos;s allowed_redirect_uris.</source>
        <translation>لم يُعطِ OpenBao عنوان تسجيل دخول لدور OIDC {role!r}: يجب على قسم تقنية المعلومات إضافة {redirect_uri} إلى allowed_redirect_uris للدور.</translation>
    </message>
    <message>
        <source>No browser could be opened: open this address yourself to sign in: {url}</source>
        <translation>تعذّر فتح أي متصفح: افتح هذا العنوان بنفسك لتسجيل الدخول: {url}</translation>
    </message>
    <message>
        <source>The browser did not come back within {wait_s} s: sign in again.</source>
        <translation>لم يعد المتصفح خلال {wait_s} s: سجّل الدخول مرة أخرى.</translation>
    </message>
    <message>
        <source>Port {port} on this PC is busy ({reason}), so the browser cannot come back to the panel: close the other sign-in (or program) and try again.</source>
        <translation>المنفذ {port} على هذا الكمبيوتر مشغول ({reason})، لذا لا يستطيع المتصفح العودة إلى اللوحة: أغلق تسجيل الدخول (أو البرنامج) الآخر وحاول مرة أخرى.</translation>
    </message>
    <message>
        <source>The identity provider refused the sign-in: {said}</source>
        <translation>رفض موفّر الهوية تسجيل الدخول: {said}</translation>
    </message>
    <message>
        <source>The browser came back without a sign-in code: sign in again.</source>
        <translation>عاد المتصفح بدون رمز تسجيل دخول: سجّل الدخول مرة أخرى.</translation>
    </message>
    <message>
        <source>Keep transfers for {low} to {high} days, not {days}.</source>
        <translation>احتفظ بالتحويلات من {low} إلى {high} يومًا، وليس {days}.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be written ({reason}).</source>
        <translation>تتعذّر الكتابة في سجل التحويلات {path} ({reason}).</translation>
    </message>
    <message>
        <source>The link is {length} characters long: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>طول الرابط {length} حرفًا: المتوقع transfer-panel://call/&lt;call ID&gt;.</translation>
    </message>
    <message>
        <source>{text!r} is not a call link: expected transfer-panel://call/&lt;call ID&gt;.</source>
        <translation>{text!r} ليس رابط مكالمة: المتوقع transfer-panel://call/&lt;call ID&gt;.</translation>
    </message>
    <message>
        <source>The call ID in the link is not valid percent-encoded UTF-8.</source>
        <translation>معرّف المكالمة في الرابط ليس UTF-8 صالحًا بترميز النسبة المئوية.</translation>
    </message>
    <message>
        <source>The call ID in the link starts or ends with a space or control character.</source>
        <translation>معرّف المكالمة في الرابط يبدأ أو ينتهي بمسافة أو حرف تحكم.</translation>
    </message>
    <message>
        <source>Give the call as --call-id or as a transfer-panel:// link, not both.</source>
        <translation>أعطِ المكالمة كـ --call-id أو كرابط transfer-panel://، وليس كليهما.</translation>
    </message>
    <message>
        <source>The message from the other launch is too long.</source>
        <translation>الرسالة من التشغيل الآخر طويلة جدًا.</translation>
    </message>
    <message>
        <source>The message from the other launch is not one this panel sends.</source>
        <translation>الرسالة من التشغيل الآخر ليست من النوع الذي ترسله هذه اللوحة.</translation>
    </message>
    <message>
        <source>The message from the other launch holds no call ID.</source>
        <translation>الرسالة من التشغيل الآخر لا تحتوي على معرّف مكالمة.</translation>
    </message>
    <message>
        <source>The panel&apos;s file {name} is missing (looked in {looked}). Reinstall the panel.</source>
        <translation>ملف اللوحة {name} مفقود (تم البحث في {looked}). أعد تثبيت اللوحة.</translation>
    </message>
    <message>
        <source>Cannot reach Salesforce at {instance} ({error}). Check the network; the directory keeps its last copy.</source>
        <translation>تعذّر الوصول إلى Salesforce على {instance} ({error}). تحقق من الشبكة؛ يحتفظ الدليل بآخر نسخة له.</translation>
    </message>
    <message>
        <source>Salesforce refused a fresh access token for the directory (401). Check the integration user&apos;s permissions.</source>
        <translation>رفض Salesforce رمز وصول جديدًا للدليل (401). تحقق من صلاحيات مستخدم التكامل.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls ({used} of {limit} today). The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>استنفدت المؤسسة استدعاءات واجهة Salesforce البرمجية لهذا اليوم ({used} من {limit} اليوم). يحتفظ الدليل بآخر نسخة له؛ وسيُحدَّث مجددًا عند إعادة تعيين الحد، أو اطلب من المسؤول زيادة فترة التحديث.</translation>
    </message>
    <message>
        <source>The org has used up its daily Salesforce API calls. The directory keeps its last copy; it refreshes again when the limit resets, or ask your admin to raise the refresh interval.</source>
        <translation>استنفدت المؤسسة استدعاءات واجهة Salesforce البرمجية لهذا اليوم. يحتفظ الدليل بآخر نسخة له؛ وسيُحدَّث مجددًا عند إعادة تعيين الحد، أو اطلب من المسؤول زيادة فترة التحديث.</translation>
    </message>
    <message>
        <source>Salesforce answered {status} to the directory query: {message}. The directory keeps its last copy.</source>
        <translation>أجاب Salesforce على استعلام الدليل بالرمز {status}: {message}. يحتفظ الدليل بآخر نسخة له.</translation>
    </message>
    <message>
        <source>Cannot reach the Salesforce login at {url} ({error}). Check the network.</source>
        <translation>تعذّر الوصول إلى تسجيل الدخول إلى Salesforce على {url} ({error}). تحقق من الشبكة.</translation>
    </message>
    <message>
        <source>Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, salesforce_username and that the connected app holds the certificate of the key stored with `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</source>
        <translation>رفض Salesforce تسجيل دخول الدليل للمستخدم {username}: {reason}. تحقق من salesforce_consumer_key وsalesforce_username ومن أن التطبيق المتصل يحمل شهادة المفتاح المخزَّن بالأمر `transfer-panel credentials set --profile {profile} --purpose salesforce-api`.</translation>
    </message>
    <message>
        <source>Salesforce sent an answer that is not a query result. The directory keeps its last copy.</source>
        <translation>أرسل Salesforce إجابة ليست نتيجة استعلام. يحتفظ الدليل بآخر نسخة له.</translation>
    </message>
    <message>
        <source>The demo directory {path} cannot be read ({error}). Reinstall the panel.</source>
        <translation>تعذّرت قراءة الدليل التجريبي {path} ({error}). أعد تثبيت اللوحة.</translation>
    </message>
    <message>
        <source>The favorites file {path} cannot be read ({error}); starting without favorites. Starring a target writes a new one.</source>
        <translation>تعذّرت قراءة ملف المفضلة {path} ({error})؛ البدء بدون مفضلة. وضع نجمة على وجهة يكتب ملفًا جديدًا.</translation>
    </message>
    <message>
        <source>The favorites file {path} is damaged; starting without favorites. Starring a target writes a new one.</source>
        <translation>ملف المفضلة {path} تالف؛ البدء بدون مفضلة. وضع نجمة على وجهة يكتب ملفًا جديدًا.</translation>
    </message>
    <message>
        <source>a directory entry must be an agent, a queue or a flow, not a {kind}</source>
        <translation>يجب أن يكون إدخال الدليل موظفًا أو قائمة انتظار أو مسارًا، وليس {kind}</translation>
    </message>
    <message>
        <source>the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a {kind} ID</source>
        <translation>معرّف {kind} {id} يبدأ بـ {prefix}، وهو معرّف {id_kind}، وليس معرّف {kind}</translation>
    </message>
    <message>
        <source>the {kind} {id} has no name</source>
        <translation>{kind} {id} بلا اسم</translation>
    </message>
    <message>
        <source>only agents have a presence; {label!r} is a {kind}</source>
        <translation>الموظفون فقط لهم حضور؛ {label!r} هو {kind}</translation>
    </message>
    <message>
        <source>The directory file {path} does not exist. Check directory_file in the profile.</source>
        <translation>ملف الدليل {path} غير موجود. تحقق من directory_file في الملف الشخصي.</translation>
    </message>
    <message>
        <source>The directory file {path} cannot be read ({reason}). Check directory_file in the profile and that the file can be read.</source>
        <translation>تتعذّر قراءة ملف الدليل {path} ({reason}). تحقق من directory_file في الملف الشخصي ومن إمكانية قراءة الملف.</translation>
    </message>
    <message>
        <source>The directory file {path} is not a regular file (a pipe, a device or a folder). Check directory_file in the profile.</source>
        <translation>ملف الدليل {path} ليس ملفًا عاديًا (أنبوب أو جهاز أو مجلد). تحقق من directory_file في الملف الشخصي.</translation>
    </message>
    <message>
        <source>The directory file {path} holds {size} MiB; the panel reads directory files of up to {limit} MiB. Check that it is the directory, and leave out what the panel does not need.</source>
        <translation>حجم ملف الدليل {path} هو {size} MiB؛ تقرأ اللوحة ملفات الدليل حتى {limit} MiB. تحقق من أنه الدليل، واحذف ما لا تحتاج إليه اللوحة.</translation>
    </message>
    <message>
        <source>The directory file {path} is not UTF-8 text. Save it as UTF-8.</source>
        <translation>ملف الدليل {path} ليس نص UTF-8. احفظه بترميز UTF-8.</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); its first line is not one:</source>
        <translation>يحتاج ملف الدليل {path} إلى صف عناوين بالأعمدة kind وid وname (واختياريًا detail وpresence)؛ سطره الأول ليس كذلك:</translation>
    </message>
    <message>
        <source>The directory file {path} needs a header row with the columns kind, id, name (and optionally detail, presence); missing: {missing}.</source>
        <translation>يحتاج ملف الدليل {path} إلى صف عناوين بالأعمدة kind وid وname (واختياريًا detail وpresence)؛ المفقود: {missing}.</translation>
    </message>
    <message>
        <source>The directory file {path} must be JSON of the form {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</source>
        <translation>يجب أن يكون ملف الدليل {path} بصيغة JSON على الشكل {{&quot;targets&quot;: [{{&quot;kind&quot;: …, &quot;id&quot;: …, &quot;name&quot;: …}}, …]}}.</translation>
    </message>
    <message>
        <source>line {line}, target {position}</source>
        <translation>السطر {line}، الوجهة {position}</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>السطر {line}</translation>
    </message>
    <message>
        <source>it is longer than {limit} bytes</source>
        <translation>أطول من {limit} بايت</translation>
    </message>
    <message>
        <source>a quote opens a field but does not close it on the same line</source>
        <translation>علامة اقتباس تفتح حقلًا لكنها لا تُغلقه في السطر نفسه</translation>
    </message>
    <message>
        <source>the line is not valid CSV ({error})</source>
        <translation>السطر ليس CSV صالحًا ({error})</translation>
    </message>
    <message>
        <source>the line is not UTF-8 text; save the file as UTF-8</source>
        <translation>السطر ليس نص UTF-8؛ احفظ الملف بترميز UTF-8</translation>
    </message>
    <message>
        <source>kind {kind!r} must be agent, queue or flow</source>
        <translation>يجب أن يكون النوع {kind!r} هو agent أو queue أو flow</translation>
    </message>
    <message>
        <source>it is not valid JSON</source>
        <translation>ليس JSON صالحًا</translation>
    </message>
    <message>
        <source>it holds lists or objects, or a string that does not end on its line</source>
        <translation>يحتوي على قوائم أو كائنات، أو سلسلة نصية لا تنتهي في سطرها</translation>
    </message>
    <message>
        <source>it is not an object with kind, id and name</source>
        <translation>ليس كائنًا يحتوي على kind وid وname</translation>
    </message>
    <message>
        <source>the file ends inside it</source>
        <translation>ينتهي الملف داخله</translation>
    </message>
    <message>
        <source>line {line}: the ID {id} is also on line {earlier_line}; this later row is used</source>
        <translation>السطر {line}: المعرّف {id} موجود أيضًا في السطر {earlier_line}؛ يُستخدم هذا الصف اللاحق</translation>
    </message>
    <message>
        <source>line {line}: the JSON is broken here (a comma or a closing bracket is missing); nothing after it is read</source>
        <translation>السطر {line}: JSON معطوب هنا (تنقص فاصلة أو قوس إغلاق)؛ لا يُقرأ شيء بعده</translation>
    </message>
    <message>
        <source>The saved directory {path} cannot be read ({reason}); it is ignored.</source>
        <translation>تتعذّر قراءة الدليل المحفوظ {path} ({reason})؛ تم تجاهله.</translation>
    </message>
    <message>
        <source>The saved directory {path} is damaged or from another version ({why_text}); it is ignored and replaced at the next refresh.</source>
        <translation>الدليل المحفوظ {path} تالف أو من إصدار آخر ({why_text})؛ تم تجاهله وسيُستبدل عند التحديث التالي.</translation>
    </message>
    <message>
        <source>Unknown scenario &apos;{scenario}&apos;: use one of {choices}.</source>
        <translation>سيناريو غير معروف &apos;{scenario}&apos;: استخدم واحدًا من {choices}.</translation>
    </message>
    <message>
        <source>{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) only.</source>
        <translation>{target} ليس مسارًا: «{scenario}» ينطبق على مسارات Omni-Channel (300…) فقط.</translation>
    </message>
    <message>
        <source>Cannot save the class plan to {path}: {reason}</source>
        <translation>تعذّر حفظ خطة الحصة في {path}: {reason}</translation>
    </message>
    <message>
        <source>Cannot read the class plan {path}: {reason}</source>
        <translation>تعذّرت قراءة خطة الحصة {path}: {reason}</translation>
    </message>
    <message>
        <source>{path} is not a class plan (TOML): {error}</source>
        <translation>{path} ليس خطة حصة (TOML): {error}</translation>
    </message>
    <message>
        <source>{source}: unknown keys {keys}; a plan has every_target and [targets].</source>
        <translation>{source}: مفاتيح غير معروفة {keys}؛ تحتوي الخطة على every_target و[targets].</translation>
    </message>
    <message>
        <source>{source}: every_target must be a scenario name and targets a table of target IDs.</source>
        <translation>{source}: يجب أن يكون every_target اسم سيناريو وأن يكون targets جدولًا بمعرّفات الوجهات.</translation>
    </message>
    <message>
        <source>{source}: [targets.{target}] needs scenario = &quot;…&quot; (one of {choices}).</source>
        <translation>{source}: يحتاج [targets.{target}] إلى scenario = &quot;…&quot; (واحد من {choices}).</translation>
    </message>
    <message>
        <source>The class plan {source} cannot be used:</source>
        <translation>لا يمكن استخدام خطة الحصة {source}:</translation>
    </message>
    <message>
        <source>No private key is stored for profile &apos;{profile}&apos; in {backend}: open Settings… and set its key (transfers fail until then).</source>
        <translation>لا يوجد مفتاح خاص مخزَّن للملف الشخصي &apos;{profile}&apos; في {backend}: افتح الإعدادات… وعيّن مفتاحه (تفشل التحويلات حتى ذلك الحين).</translation>
    </message>
    <message>
        <source>The private key stored for profile &apos;{profile}&apos; in {backend} is damaged ({why_text}) and will not be used. Open Settings… and set it again.</source>
        <translation>المفتاح الخاص المخزَّن للملف الشخصي &apos;{profile}&apos; في {backend} تالف ({why_text}) ولن يُستخدم. افتح الإعدادات… وعيّنه مرة أخرى.</translation>
    </message>
    <message>
        <source>No profile is configured in {path}: add one in Settings….</source>
        <translation>لا يوجد ملف شخصي مُعدّ في {path}: أضف واحدًا في الإعدادات….</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; already has a key in {backend}: nothing was changed. Replacing it stops transfers until the new certificate is registered on the Call Center; to get a certificate for the key you have, use Export certificate….</source>
        <translation>الملف الشخصي &apos;{profile}&apos; لديه بالفعل مفتاح في {backend}: لم يتغير شيء. استبداله يوقف التحويلات حتى تُسجَّل الشهادة الجديدة في Call Center؛ للحصول على شهادة للمفتاح الحالي، استخدم تصدير الشهادة….</translation>
    </message>
    <message>
        <source>The new key is stored in {backend}, but its certificate could not be saved as {path} ({reason}). Use Export certificate… to save it elsewhere.</source>
        <translation>خُزّن المفتاح الجديد في {backend}، لكن تعذّر حفظ شهادته باسم {path} ({reason}). استخدم تصدير الشهادة… لحفظها في مكان آخر.</translation>
    </message>
    <message>
        <source>{count} profiles are configured ({names}): start the panel with --profile NAME.</source>
        <translation>تم إعداد {count} ملفات شخصية ({names}): شغّل اللوحة باستخدام --profile NAME.</translation>
    </message>
    <message>
        <source>The transfer history {path} cannot be used ({reason_text}).</source>
        <translation>يتعذّر استخدام سجل التحويلات {path} ({reason_text}).</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao, which signs this profile&apos;s transfers: sign in with Sign in… at the top of the panel.</source>
        <translation>لم يتم تسجيل الدخول إلى OpenBao، الذي يوقّع تحويلات هذا الملف الشخصي: سجّل الدخول عبر تسجيل الدخول… أعلى اللوحة.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired or was revoked: sign in with Sign in… at the top of the panel.</source>
        <translation>انتهت صلاحية تسجيل دخولك إلى OpenBao أو أُلغي: سجّل الدخول عبر تسجيل الدخول… أعلى اللوحة.</translation>
    </message>
    <message>
        <source>Your OpenBao sign-in has expired: sign in with Sign in… at the top of the panel.</source>
        <translation>انتهت صلاحية تسجيل دخولك إلى OpenBao: سجّل الدخول عبر تسجيل الدخول… أعلى اللوحة.</translation>
    </message>
    <message>
        <source>Signed out of OpenBao: sign in with Sign in… at the top of the panel.</source>
        <translation>تم تسجيل الخروج من OpenBao: سجّل الدخول عبر تسجيل الدخول… أعلى اللوحة.</translation>
    </message>
    <message>
        <source>No keyring</source>
        <translation>لا توجد سلسلة مفاتيح</translation>
    </message>
    <message>
        <source>Keyring locked</source>
        <translation>سلسلة المفاتيح مقفلة</translation>
    </message>
    <message>
        <source>Keyring error</source>
        <translation>خطأ في سلسلة المفاتيح</translation>
    </message>
    <message>
        <source>No key</source>
        <translation>لا يوجد مفتاح</translation>
    </message>
    <message>
        <source>Key damaged</source>
        <translation>المفتاح تالف</translation>
    </message>
    <message>
        <source>{row} (skipped)</source>
        <translation>{row} (تم تخطيه)</translation>
    </message>
    <message>
        <source>line {line}: </source>
        <translation>السطر {line}: </translation>
    </message>
    <message>
        <source>{file}, line {line}: </source>
        <translation>{file}، السطر {line}: </translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>لم يتم تسجيل الدخول إلى OpenBao.</translation>
    </message>
    <message>
        <source>a token</source>
        <translation>رمز مميز</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, no expiry</source>
        <translation>تم تسجيل الدخول إلى OpenBao باسم {who}، بلا انتهاء صلاحية</translation>
    </message>
    <message>
        <source>Signed in to OpenBao as {who}, until {until}</source>
        <translation>تم تسجيل الدخول إلى OpenBao باسم {who}، حتى {until}</translation>
    </message>
    <message>
        <source>Signed out: the OpenBao token is revoked.</source>
        <translation>تم تسجيل الخروج: أُلغي الرمز المميز لـ OpenBao.</translation>
    </message>
    <message>
        <source>Signed out (the OpenBao token had already expired or been revoked).</source>
        <translation>تم تسجيل الخروج (كان الرمز المميز لـ OpenBao قد انتهت صلاحيته أو أُلغي بالفعل).</translation>
    </message>
    <message>
        <source>Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it expires.</source>
        <translation>تم تسجيل الخروج هنا، لكن تعذّر على OpenBao إلغاء الرمز المميز ({reason})؛ سيتوقف عن العمل عند انتهاء صلاحيته.</translation>
    </message>
    <message>
        <source>Profile &apos;{profile}&apos; was not signed in to OpenBao.</source>
        <translation>الملف الشخصي &apos;{profile}&apos; لم يكن مسجّل الدخول إلى OpenBao.</translation>
    </message>
    <message>
        <source>Routing requested</source>
        <translation>طُلب التوجيه</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>مرفوض</translation>
    </message>
    <message>
        <source>Wrong route shape</source>
        <translation>شكل توجيه خاطئ</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>خطأ في الخادم</translation>
    </message>
    <message>
        <source>Credentials refused</source>
        <translation>بيانات الاعتماد مرفوضة</translation>
    </message>
    <message>
        <source>No credentials</source>
        <translation>لا توجد بيانات اعتماد</translation>
    </message>
    <message>
        <source>Throttled</source>
        <translation>تم تقييد الطلبات</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>لم يُرسل</translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation>النتيجة غير معروفة</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>خطأ داخلي</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>جارٍ الإرسال…</translation>
    </message>
    <message>
        <source>Outcome unknown or in progress</source>
        <translation>النتيجة غير معروفة أو قيد التنفيذ</translation>
    </message>
    <message>
        <source>Rejected by Salesforce</source>
        <translation>رفضه Salesforce</translation>
    </message>
    <message>
        <source>Not sent or throttled</source>
        <translation>لم يُرسل أو تم تقييده</translation>
    </message>
    <message>
        <source>Credentials or setup</source>
        <translation>بيانات الاعتماد أو الإعداد</translation>
    </message>
    <message>
        <source>Check the softphone before doing anything: if the call did not move, try again.</source>
        <translation>تحقق من الهاتف البرمجي قبل أي إجراء: إذا لم تنتقل المكالمة، فحاول مرة أخرى.</translation>
    </message>
    <message>
        <source>Nothing was sent; trying again is safe.</source>
        <translation>لم يُرسل شيء؛ إعادة المحاولة آمنة.</translation>
    </message>
    <message>
        <source>Nothing was sent: fix the credentials and try again.</source>
        <translation>لم يُرسل شيء: أصلح بيانات الاعتماد وحاول مرة أخرى.</translation>
    </message>
    <message>
        <source>The transfer history could not be written: this transfer is missing from it.</source>
        <translation>تعذّرت الكتابة في سجل التحويلات: هذا التحويل غير مسجّل فيه.</translation>
    </message>
    <message>
        <source>In Settings…, set the route shape of profile &apos;{profile}&apos; to {other_shape} and try again.</source>
        <translation>في الإعدادات…، عيّن شكل التوجيه للملف الشخصي &apos;{profile}&apos; إلى {other_shape} وحاول مرة أخرى.</translation>
    </message>
    <message>
        <source>Try again in {seconds} s.</source>
        <translation>حاول مرة أخرى خلال {seconds} s.</translation>
    </message>
    <message>
        <source>Try again in a minute.</source>
        <translation>حاول مرة أخرى بعد دقيقة.</translation>
    </message>
    <message>
        <source>Salesforce is busy ({status}) and did not process the request.</source>
        <translation>Salesforce مشغول ({status}) ولم يعالج الطلب.</translation>
    </message>
    <message>
        <source>The transfer to {label} stopped with an unexpected error ({error}).</source>
        <translation>توقف التحويل إلى {label} بخطأ غير متوقع ({error}).</translation>
    </message>
    <message>
        <source>The call may or may not be moving: check the softphone before trying again. Details are in the log.</source>
        <translation>قد تكون المكالمة تنتقل وقد لا تكون: تحقق من الهاتف البرمجي قبل إعادة المحاولة. التفاصيل في السجل.</translation>
    </message>
    <message>
        <source>The transfer to {label} could not be sent: an unexpected error ({error}).</source>
        <translation>تعذّر إرسال التحويل إلى {label}: خطأ غير متوقع ({error}).</translation>
    </message>
    <message>
        <source>Nothing was sent. Details are in the log; tell your administrator.</source>
        <translation>لم يُرسل شيء. التفاصيل في السجل؛ أبلغ المسؤول.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call (404): {said}.</source>
        <translation>لا يعرف Salesforce هذه المكالمة (404): {said}.</translation>
    </message>
    <message>
        <source>Check the call ID; the call may have ended. If every call fails this way, the server may expect the {other_shape} route shape (Settings…).</source>
        <translation>تحقق من معرّف المكالمة؛ ربما انتهت المكالمة. إذا فشلت كل المكالمات بهذه الطريقة، فربما يتوقع الخادم شكل التوجيه {other_shape} (الإعدادات…).</translation>
    </message>
    <message>
        <source>Routing requested to {label}</source>
        <translation>طُلب التوجيه إلى {label}</translation>
    </message>
    <message>
        <source>Salesforce rejected routing to {label} ({status}): {said}.</source>
        <translation>رفض Salesforce التوجيه إلى {label} ({status}): {said}.</translation>
    </message>
    <message>
        <source>Check the target and the flow inputs; sending the same request again will not help.</source>
        <translation>تحقق من الوجهة ومُدخلات المسار؛ لن يفيد إرسال الطلب نفسه مرة أخرى.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape (405): nothing was routed.</source>
        <translation>لا يقبل الخادم شكل التوجيه &apos;{route_shape}&apos; (405): لم يُوجَّه شيء.</translation>
    </message>
    <message>
        <source>Salesforce refused the credentials ({status}): {said}. Nothing was routed.</source>
        <translation>رفض Salesforce بيانات الاعتماد ({status}): {said}. لم يُوجَّه شيء.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center, and this computer&apos;s clock; then ask your administrator.</source>
        <translation>تحقق من org_id وcall_center في الملف الشخصي، والشهادة المسجّلة في Call Center، وساعة هذا الكمبيوتر؛ ثم اسأل المسؤول.</translation>
    </message>
    <message>
        <source>Salesforce had a server error ({status}): {said}.</source>
        <translation>حدث خطأ في خادم Salesforce ({status}): {said}.</translation>
    </message>
    <message>
        <source>The call may or may not have moved: check the softphone before you try again.</source>
        <translation>قد تكون المكالمة انتقلت وقد لا تكون: تحقق من الهاتف البرمجي قبل إعادة المحاولة.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce ({error}): nothing was sent.</source>
        <translation>تعذّر الوصول إلى Salesforce ({error}): لم يُرسل شيء.</translation>
    </message>
    <message>
        <source>Check the network connection and try again; retrying is safe.</source>
        <translation>تحقق من اتصال الشبكة وحاول مرة أخرى؛ إعادة المحاولة آمنة.</translation>
    </message>
    <message>
        <source>No answer from Salesforce ({error}): the call may already be routing.</source>
        <translation>لا رد من Salesforce ({error}): ربما يجري توجيه المكالمة بالفعل.</translation>
    </message>
    <message>
        <source>Salesforce could not be reached within {timeout_s} s: nothing was sent.</source>
        <translation>تعذّر الوصول إلى Salesforce خلال {timeout_s} s: لم يُرسل شيء.</translation>
    </message>
    <message>
        <source>No answer from Salesforce within {timeout_s} s: the call may already be routing.</source>
        <translation>لا رد من Salesforce خلال {timeout_s} s: ربما يجري توجيه المكالمة بالفعل.</translation>
    </message>
    <message>
        <source>The panel closed during the transfer to {label}: the call may have been routed.</source>
        <translation>أُغلقت اللوحة أثناء التحويل إلى {label}: ربما وُجّهت المكالمة.</translation>
    </message>
    <message>
        <source>The panel quit during the transfer to {label}: the call may have been routed.</source>
        <translation>خرجت اللوحة أثناء التحويل إلى {label}: ربما وُجّهت المكالمة.</translation>
    </message>
    <message>
        <source>Check the softphone first: transfer again only if the call did not move.</source>
        <translation>تحقق من الهاتف البرمجي أولًا: لا تحوّل مرة أخرى إلا إذا لم تنتقل المكالمة.</translation>
    </message>
    <message>
        <source>Do not retry blindly: a second request could route the call twice.</source>
        <translation>لا تُعِد المحاولة دون تحقق: قد يوجّه طلب ثانٍ المكالمة مرتين.</translation>
    </message>
    <message>
        <source>Stay with the caller; ask your supervisor to transfer the call: this panel cannot transfer until IT fixes it.</source>
        <translation>ابقَ مع المتصل؛ اطلب من مشرفك تحويل المكالمة: لا تستطيع هذه اللوحة التحويل حتى يصلحها قسم تقنية المعلومات.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps failing, ask your supervisor.</source>
        <translation>أخبر المتصل أن الأمر سيستغرق لحظة، ثم حاول مرة أخرى؛ وإذا استمر الفشل، اسأل مشرفك.</translation>
    </message>
    <message>
        <source>Send IT the log file (transfer-panel diagnostics).</source>
        <translation>أرسل ملف السجل إلى قسم تقنية المعلومات (transfer-panel diagnostics).</translation>
    </message>
    <message>
        <source>Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).</source>
        <translation>تحقق من أن الموظف {target} يمكنه استقبال المكالمات الصوتية في Omni-Channel (حالة الحضور، السعة).</translation>
    </message>
    <message>
        <source>Check that queue {target} supports voice calls and has a routing configuration.</source>
        <translation>تحقق من أن قائمة الانتظار {target} تدعم المكالمات الصوتية ولها إعداد توجيه.</translation>
    </message>
    <message>
        <source>Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).</source>
        <translation>تحقق من أن {target} مسار Omni-Channel نشط (معرّف تعريف المسار 300…).</translation>
    </message>
    <message numerus="yes">
        <source>HTTP {status} · {elapsed} ms · {attempts} attempts</source>
        <translation>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} محاولة</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · محاولة واحدة ({attempts})</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · محاولتان ({attempts})</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} محاولات</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} محاولة</numerusform>
            <numerusform>HTTP {status} · {elapsed} ms · {attempts} محاولة</numerusform>
        </translation>
    </message>
    <message>
        <source>HTTP {status} · {elapsed} ms</source>
        <translation>HTTP {status} · {elapsed} ms</translation>
    </message>
    <message>
        <source>Salesforce said: {said}</source>
        <translation>قال Salesforce: {said}</translation>
    </message>
    <message>
        <source>Nothing was sent: you are not signed in to OpenBao.</source>
        <translation>لم يُرسل شيء: لم تسجّل الدخول إلى OpenBao.</translation>
    </message>
    <message>
        <source>Sign in (Sign in… at the top of the panel), then transfer again.</source>
        <translation>سجّل الدخول (تسجيل الدخول… أعلى اللوحة)، ثم حوّل مرة أخرى.</translation>
    </message>
    <message>
        <source>Nothing was sent: the keyring is locked.</source>
        <translation>لم يُرسل شيء: سلسلة المفاتيح مقفلة.</translation>
    </message>
    <message>
        <source>Unlock it (your desktop&apos;s keyring or password app), then transfer again.</source>
        <translation>افتح قفلها (تطبيق سلسلة المفاتيح أو كلمات المرور في سطح المكتب)، ثم حوّل مرة أخرى.</translation>
    </message>
    <message>
        <source>Nothing was sent: this panel has no usable key to sign transfers.</source>
        <translation>لم يُرسل شيء: لا تملك هذه اللوحة مفتاحًا صالحًا لتوقيع التحويلات.</translation>
    </message>
    <message>
        <source>Nothing was sent: the transfer history cannot be written.</source>
        <translation>لم يُرسل شيء: تتعذّر الكتابة في سجل التحويلات.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel could not sign the transfer.</source>
        <translation>لم يُرسل شيء: تعذّر على اللوحة توقيع التحويل.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; try {alternative} or ask your supervisor.</source>
        <translation>أخبر المتصل أنك تقوم بتوصيله؛ جرّب {alternative} أو اسأل مشرفك.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them, and ask your supervisor where to send the call.</source>
        <translation>أخبر المتصل أنك تقوم بتوصيله، واسأل مشرفك إلى أين ترسل المكالمة.</translation>
    </message>
    <message numerus="yes">
        <source>Check the {count} flow input(s): each name must be an input variable of the flow.</source>
        <translation>
            <numerusform>تحقق من مُدخلات المسار ({count}): يجب أن يكون كل اسم متغير إدخال في المسار.</numerusform>
            <numerusform>تحقق من مُدخل المسار ({count}): يجب أن يكون اسمه متغير إدخال في المسار.</numerusform>
            <numerusform>تحقق من مُدخلَي المسار ({count}): يجب أن يكون كل اسم متغير إدخال في المسار.</numerusform>
            <numerusform>تحقق من مُدخلات المسار الـ {count}: يجب أن يكون كل اسم متغير إدخال في المسار.</numerusform>
            <numerusform>تحقق من مُدخلات المسار الـ {count}: يجب أن يكون كل اسم متغير إدخال في المسار.</numerusform>
            <numerusform>تحقق من مُدخلات المسار الـ {count}: يجب أن يكون كل اسم متغير إدخال في المسار.</numerusform>
        </translation>
    </message>
    <message>
        <source>Check that the fallback queue {queue} supports voice calls.</source>
        <translation>تحقق من أن قائمة الانتظار البديلة {queue} تدعم المكالمات الصوتية.</translation>
    </message>
    <message>
        <source>Sending the same request again will not help.</source>
        <translation>لن يفيد إرسال الطلب نفسه مرة أخرى.</translation>
    </message>
    <message>
        <source>Salesforce refused to route the call to {label}.</source>
        <translation>رفض Salesforce توجيه المكالمة إلى {label}.</translation>
    </message>
    <message>
        <source>Salesforce does not know this call: it may have ended.</source>
        <translation>لا يعرف Salesforce هذه المكالمة: ربما انتهت.</translation>
    </message>
    <message>
        <source>Check the softphone; if the caller is still there, ask your supervisor.</source>
        <translation>تحقق من الهاتف البرمجي؛ إذا كان المتصل لا يزال على الخط، اسأل مشرفك.</translation>
    </message>
    <message>
        <source>Check the call ID the softphone handed over.</source>
        <translation>تحقق من معرّف المكالمة الذي سلّمه الهاتف البرمجي.</translation>
    </message>
    <message>
        <source>If every call fails this way, the server may expect the {other_shape} route shape: set it for profile &apos;{profile}&apos; in Settings….</source>
        <translation>إذا فشلت كل المكالمات بهذه الطريقة، فربما يتوقع الخادم شكل التوجيه {other_shape}: عيّنه للملف الشخصي &apos;{profile}&apos; في الإعدادات….</translation>
    </message>
    <message>
        <source>Nothing was routed: the panel&apos;s settings do not match Salesforce.</source>
        <translation>لم يُوجَّه شيء: إعدادات اللوحة لا تطابق Salesforce.</translation>
    </message>
    <message>
        <source>The server does not accept the &apos;{route_shape}&apos; route shape: {fix}</source>
        <translation>لا يقبل الخادم شكل التوجيه &apos;{route_shape}&apos;: {fix}</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in {seconds} s.</source>
        <translation>أخبر المتصل أن الأمر سيستغرق لحظة؛ حاول مرة أخرى خلال {seconds} s.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment; try again in a minute.</source>
        <translation>أخبر المتصل أن الأمر سيستغرق لحظة؛ حاول مرة أخرى بعد دقيقة.</translation>
    </message>
    <message>
        <source>Salesforce is busy: nothing was routed.</source>
        <translation>Salesforce مشغول: لم يُوجَّه شيء.</translation>
    </message>
    <message>
        <source>Salesforce did not process the request: sending it again is safe.</source>
        <translation>لم يعالج Salesforce الطلب: إرساله مرة أخرى آمن.</translation>
    </message>
    <message>
        <source>Error: {error} (the traceback is in the panel&apos;s log file).</source>
        <translation>خطأ: {error} (تتبّع الأخطاء في ملف سجل اللوحة).</translation>
    </message>
    <message>
        <source>The transfer stopped with an unexpected error: the call may or may not be moving.</source>
        <translation>توقف التحويل بخطأ غير متوقع: قد تكون المكالمة تنتقل وقد لا تكون.</translation>
    </message>
    <message>
        <source>Nothing was sent: the panel hit an unexpected error.</source>
        <translation>لم يُرسل شيء: واجهت اللوحة خطأً غير متوقع.</translation>
    </message>
    <message>
        <source>Tell the caller it will take a moment, then try again; if it keeps happening, ask your supervisor.</source>
        <translation>أخبر المتصل أن الأمر سيستغرق لحظة، ثم حاول مرة أخرى؛ وإذا تكرر ذلك، اسأل مشرفك.</translation>
    </message>
    <message>
        <source>Outcome unknown: the call may already be moving.</source>
        <translation>النتيجة غير معروفة: ربما تنتقل المكالمة بالفعل.</translation>
    </message>
    <message>
        <source>Could not reach Salesforce: nothing was sent.</source>
        <translation>تعذّر الوصول إلى Salesforce: لم يُرسل شيء.</translation>
    </message>
    <message>
        <source>Check this computer&apos;s network connection and that it can reach the profile&apos;s base_url.</source>
        <translation>تحقق من اتصال هذا الكمبيوتر بالشبكة ومن قدرته على الوصول إلى base_url في الملف الشخصي.</translation>
    </message>
    <message>
        <source>Tell the caller you are connecting them; the softphone shows when the call moves.</source>
        <translation>أخبر المتصل أنك تقوم بتوصيله؛ يُظهر الهاتف البرمجي متى تنتقل المكالمة.</translation>
    </message>
    <message>
        <source>Salesforce accepted the routing request; its answer does not confirm that the call moved.</source>
        <translation>قبل Salesforce طلب التوجيه؛ ورده لا يؤكد أن المكالمة انتقلت.</translation>
    </message>
    <message>
        <source>Nothing was routed: Salesforce refused this panel&apos;s credentials.</source>
        <translation>لم يُوجَّه شيء: رفض Salesforce بيانات اعتماد هذه اللوحة.</translation>
    </message>
    <message>
        <source>Check the profile&apos;s org_id and call_center, the certificate registered on the Call Center (it must match the key in the keyring), and this computer&apos;s clock.</source>
        <translation>تحقق من org_id وcall_center في الملف الشخصي، والشهادة المسجّلة في Call Center (يجب أن تطابق المفتاح في سلسلة المفاتيح)، وساعة هذا الكمبيوتر.</translation>
    </message>
    <message>
        <source>Salesforce had a problem: the call may or may not have moved.</source>
        <translation>واجه Salesforce مشكلة: قد تكون المكالمة انتقلت وقد لا تكون.</translation>
    </message>
    <message>
        <source>A failure on Salesforce&apos;s side; the panel never repeats such a request by itself.</source>
        <translation>عطل من جهة Salesforce؛ لا تكرر اللوحة مثل هذا الطلب من تلقاء نفسها أبدًا.</translation>
    </message>
    <message>
        <source>Before anything was sent: {error}.</source>
        <translation>قبل إرسال أي شيء: {error}.</translation>
    </message>
    <message>
        <source>No connection within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>لا اتصال خلال المهلة المحددة في الملف الشخصي ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The request was sent, then: {error}.</source>
        <translation>أُرسل الطلب، ثم: {error}.</translation>
    </message>
    <message>
        <source>The request was sent; no answer within the profile&apos;s timeout ({timeout_s} s).</source>
        <translation>أُرسل الطلب؛ لا رد خلال المهلة المحددة في الملف الشخصي ({timeout_s} s).</translation>
    </message>
    <message>
        <source>The panel closed while the request was out.</source>
        <translation>أُغلقت اللوحة أثناء إرسال الطلب.</translation>
    </message>
    <message>
        <source>The panel quit while the request was out.</source>
        <translation>خرجت اللوحة أثناء إرسال الطلب.</translation>
    </message>
</context>
<context>
    <name>OutcomeBanner</name>
    <message>
        <source>Transfer outcome</source>
        <translation>نتيجة التحويل</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>التفاصيل</translation>
    </message>
    <message>
        <source>Details for IT</source>
        <translation>تفاصيل لقسم تقنية المعلومات</translation>
    </message>
    <message>
        <source>Shows the HTTP status, the server&apos;s answer and what IT should check</source>
        <translation>يعرض حالة HTTP وإجابة الخادم وما يجب على قسم تقنية المعلومات التحقق منه</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>إعادة المحاولة</translation>
    </message>
    <message>
        <source>Retry the transfer</source>
        <translation>إعادة محاولة التحويل</translation>
    </message>
    <message>
        <source>Transferring to {label}…</source>
        <translation>جارٍ التحويل إلى {label}…</translation>
    </message>
    <message>
        <source>Waiting for Salesforce to answer.</source>
        <translation>في انتظار رد Salesforce.</translation>
    </message>
    <message numerus="yes">
        <source>Retry in %n s</source>
        <translation>
            <numerusform>إعادة المحاولة خلال %n s</numerusform>
            <numerusform>إعادة المحاولة خلال %n s</numerusform>
            <numerusform>إعادة المحاولة خلال %n s</numerusform>
            <numerusform>إعادة المحاولة خلال %n s</numerusform>
            <numerusform>إعادة المحاولة خلال %n s</numerusform>
            <numerusform>إعادة المحاولة خلال %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>For IT:</source>
        <translation>لقسم تقنية المعلومات:</translation>
    </message>
</context>
<context>
    <name>PanelHeader</name>
    <message>
        <source>DEMO</source>
        <translation>تجريبي</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>جارٍ البدء…</translation>
    </message>
    <message>
        <source>On top</source>
        <translation>في المقدمة</translation>
    </message>
    <message>
        <source>Compact and always on top</source>
        <translation>مضغوط ودائمًا في المقدمة</translation>
    </message>
    <message>
        <source>Compact and always on top, beside the softphone</source>
        <translation>مضغوط ودائمًا في المقدمة، بجانب الهاتف البرمجي</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>المدرّب</translation>
    </message>
    <message>
        <source>Trainer tools</source>
        <translation>أدوات المدرّب</translation>
    </message>
    <message>
        <source>Scenarios, presenter view and the request inspector (Ctrl+T)</source>
        <translation>السيناريوهات وعرض المقدّم ومفتش الطلبات (Ctrl+T)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>السجل</translation>
    </message>
    <message>
        <source>Transfer history</source>
        <translation>سجل التحويلات</translation>
    </message>
    <message>
        <source>What was transferred, when, and how it went (Ctrl+H)</source>
        <translation>ما الذي حُوِّل، ومتى، وكيف كانت النتيجة (Ctrl+H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>الإعدادات…</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>فتح الإعدادات</translation>
    </message>
    <message>
        <source>Profiles and keys (Ctrl+,)</source>
        <translation>الملفات الشخصية والمفاتيح (Ctrl+,)</translation>
    </message>
    <message>
        <source>Keyring</source>
        <translation>سلسلة المفاتيح</translation>
    </message>
    <message>
        <source>Demo mode: transfers go to the built-in simulator at {endpoint}, never to Salesforce</source>
        <translation>الوضع التجريبي: تذهب التحويلات إلى المحاكي المدمج على {endpoint}، ولا تذهب أبدًا إلى Salesforce</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>تدريب</translation>
    </message>
    <message>
        <source>Training profile: transfers go to {endpoint}</source>
        <translation>ملف التدريب: تذهب التحويلات إلى {endpoint}</translation>
    </message>
    <message>
        <source>{reason}
Click to check again.</source>
        <translation>{reason}
انقر للتحقق مرة أخرى.</translation>
    </message>
    <message>
        <source>{short}: {reason} Activate to check again.</source>
        <translation>{short}: {reason} فعّل للتحقق مرة أخرى.</translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Voice Transfer Panel</source>
        <translation>لوحة تحويل المكالمات</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>تنبيه</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>الإعدادات…</translation>
    </message>
    <message>
        <source>Open settings to fix this</source>
        <translation>افتح الإعدادات لإصلاح هذه المشكلة</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>جارٍ البدء…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>غير متصل</translation>
    </message>
    <message>
        <source>Starting failed ({error}). Details are in the log.</source>
        <translation>فشل البدء ({error}). التفاصيل في السجل.</translation>
    </message>
    <message>
        <source>The panel cannot connect</source>
        <translation>لا تستطيع اللوحة الاتصال</translation>
    </message>
    <message>
        <source>Fix the problem shown at the top (Settings…) to transfer.</source>
        <translation>أصلح المشكلة المعروضة في الأعلى (الإعدادات…) لتتمكن من التحويل.</translation>
    </message>
    <message>
        <source>No directory: the panel is not connected.</source>
        <translation>لا يوجد دليل: اللوحة غير متصلة.</translation>
    </message>
    <message numerus="yes">
        <source>Something went wrong (%n so far)</source>
        <translation>
            <numerusform>حدث خطأ ما (%n حتى الآن)</numerusform>
            <numerusform>حدث خطأ ما (مرة واحدة حتى الآن، %n)</numerusform>
            <numerusform>حدث خطأ ما (مرتان حتى الآن، %n)</numerusform>
            <numerusform>حدث خطأ ما (%n مرات حتى الآن)</numerusform>
            <numerusform>حدث خطأ ما (%n مرة حتى الآن)</numerusform>
            <numerusform>حدث خطأ ما (%n مرة حتى الآن)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>حدث خطأ ما</translation>
    </message>
    <message>
        <source>{description}
The panel is still working; details are in the log.</source>
        <translation>{description}
ما زالت اللوحة تعمل؛ التفاصيل في السجل.</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>الاسم(&amp;N)</translation>
    </message>
    <message>
        <source>The profile&apos;s name, used with --profile. Letters, digits, &apos;-&apos; and &apos;_&apos; (at most 64). An existing profile cannot be renamed here: create a new one instead.</source>
        <translation>اسم الملف الشخصي، ويُستخدم مع --profile. أحرف وأرقام و&apos;-&apos; و&apos;_&apos; (بحد أقصى 64). لا يمكن إعادة تسمية ملف شخصي موجود هنا: أنشئ ملفًا جديدًا بدلًا من ذلك.</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>عنوان URL الأساسي(&amp;B)</translation>
    </message>
    <message>
        <source>The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
Must be https://; plain http:// only to this computer (a local simulator).</source>
        <translation>عنوان URL الأساسي لـ SCRT، يؤخذ كاملًا (بيئات sandbox تستخدم أشكال مضيف أخرى)، مثل
https://&lt;MyDomain&gt;.my.salesforce-scrt.com/telephony/v1
يجب أن يكون https://؛ ولا يُسمح بـ http:// العادي إلا لهذا الكمبيوتر (محاكٍ محلي).</translation>
    </message>
    <message>
        <source>&amp;Org ID</source>
        <translation>معرّف المؤسسة(&amp;O)</translation>
    </message>
    <message>
        <source>The Salesforce org ID (00D…, 15 or 18 characters), from Setup &gt; Company Information. It is the token&apos;s issuer (iss).</source>
        <translation>معرّف مؤسسة Salesforce (00D…، من 15 أو 18 حرفًا)، من Setup &gt; Company Information. إنه مُصدر الرمز المميز (iss).</translation>
    </message>
    <message>
        <source>&amp;Call center</source>
        <translation>مركز الاتصال(&amp;C)</translation>
    </message>
    <message>
        <source>The Call Center&apos;s API name, e.g. HVCC. It is the token&apos;s subject (sub).</source>
        <translation>اسم API لـ Call Center، مثل HVCC. إنه موضوع الرمز المميز (sub).</translation>
    </message>
    <message>
        <source>&amp;Provider name</source>
        <translation>اسم الموفّر(&amp;P)</translation>
    </message>
    <message>
        <source>Optional. Sent as the Telephony-Provider-Name header when set: plain ASCII, e.g. Amazon Connect.</source>
        <translation>اختياري. يُرسل كترويسة Telephony-Provider-Name عند تعيينه: نص ASCII عادي، مثل Amazon Connect.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>تدريب</translation>
    </message>
    <message>
        <source>A classroom profile only: allows plain http:// to the trainer&apos;s simulator on another computer (never Salesforce or a public address); the window says TRAINING.</source>
        <translation>لملف قاعة التدريب فقط: يسمح بـ http:// العادي إلى محاكي المدرّب على كمبيوتر آخر (وليس Salesforce أو عنوانًا عامًا أبدًا)؛ وتعرض النافذة كلمة تدريب.</translation>
    </message>
    <message>
        <source>&amp;Route shape</source>
        <translation>شكل التوجيه(&amp;R)</translation>
    </message>
    <message>
        <source>How the route call is addressed (Salesforce documents both):
seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
A 405 answer means the server wants the other one.</source>
        <translation>كيفية عنونة طلب توجيه المكالمة (يوثّق Salesforce الشكلين):
seed (الافتراضي): POST {base}/voiceCalls/{id}/routeVoiceCall
connector: PATCH {base}/voiceCalls/route/{id}
الرد 405 يعني أن الخادم يريد الشكل الآخر.</translation>
    </message>
    <message>
        <source>Bo&amp;dy format</source>
        <translation>تنسيق النص الأساسي(&amp;D)</translation>
    </message>
    <message>
        <source>json (default) or xml (root &lt;routeVoiceCall&gt;, flow inputs as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</source>
        <translation>json (الافتراضي) أو xml (الجذر &lt;routeVoiceCall&gt;، ومُدخلات المسار كـ &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;).</translation>
    </message>
    <message>
        <source>&amp;Flow inputs as</source>
        <translation>مُدخلات المسار بصيغة(&amp;F)</translation>
    </message>
    <message>
        <source>object (default) sends flowInputParameters as a JSON object; string sends it JSON-encoded as a string. JSON bodies only.</source>
        <translation>object (الافتراضي) يرسل flowInputParameters ككائن JSON؛ وstring يرسله مرمّزًا بـ JSON كسلسلة نصية. لنصوص JSON فقط.</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>المهلة(&amp;T)</translation>
    </message>
    <message>
        <source>Deadline for one transfer, retry included (1–120 seconds, default 10).</source>
        <translation>الحد الزمني لتحويل واحد، بما في ذلك إعادة المحاولة (1–120 ثانية، الافتراضي 10).</translation>
    </message>
    <message>
        <source>Contact ID pattern</source>
        <translation>نمط معرّف جهة الاتصال</translation>
    </message>
    <message>
        <source>Optional. A regular expression the telephony vendor&apos;s contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect&apos;s UUIDs. Empty: one word, no spaces.</source>
        <translation>اختياري. تعبير نمطي تطابقه معرّفات جهات الاتصال لدى مزوّد الاتصالات بالكامل، مثل [0-9a-f-]{36} لمعرّفات UUID في Amazon Connect. فارغ: كلمة واحدة بلا مسافات.</translation>
    </message>
    <message>
        <source>Director&amp;y</source>
        <translation>الدليل(&amp;Y)</translation>
    </message>
    <message>
        <source>Where the directory comes from: none (paste IDs), file (an admin&apos;s CSV or JSON file), salesforce (the org&apos;s REST API) or demo (the built-in one).</source>
        <translation>مصدر الدليل: none (لصق المعرّفات)، أو file (ملف CSV أو JSON من المسؤول)، أو salesforce (واجهة REST API للمؤسسة)، أو demo (الدليل المدمج).</translation>
    </message>
    <message>
        <source>Directory file</source>
        <translation>ملف الدليل</translation>
    </message>
    <message>
        <source>Path of the directory file (CSV or JSON). Checked every 5 s and reloaded when it changes.</source>
        <translation>مسار ملف الدليل (CSV أو JSON). يُفحص كل 5 s ويُعاد تحميله عند تغيّره.</translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation>عنوان URL لتسجيل الدخول</translation>
    </message>
    <message>
        <source>https://login.salesforce.com (default), https://test.salesforce.com or your My Domain URL: the JWT&apos;s audience.</source>
        <translation>https://login.salesforce.com (الافتراضي) أو https://test.salesforce.com أو عنوان URL لنطاقك My Domain: جمهور JWT.</translation>
    </message>
    <message>
        <source>Consumer key</source>
        <translation>مفتاح المستهلك</translation>
    </message>
    <message>
        <source>The connected app&apos;s consumer key: the JWT&apos;s issuer.</source>
        <translation>مفتاح المستهلك للتطبيق المتصل: مُصدر JWT.</translation>
    </message>
    <message>
        <source>API user</source>
        <translation>مستخدم API</translation>
    </message>
    <message>
        <source>The integration user: the JWT&apos;s subject. Its key is stored with transfer-panel credentials set --purpose salesforce-api.</source>
        <translation>مستخدم التكامل: موضوع JWT. يُخزَّن مفتاحه باستخدام transfer-panel credentials set --purpose salesforce-api.</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>إصدار API</translation>
    </message>
    <message>
        <source>REST API version, e.g. 62.0 (default).</source>
        <translation>إصدار REST API، مثل 62.0 (الافتراضي).</translation>
    </message>
    <message>
        <source>Presence refresh</source>
        <translation>تحديث الحضور</translation>
    </message>
    <message>
        <source>How often agents&apos; presence is read again (10–3600 seconds, default 30).</source>
        <translation>عدد مرات إعادة قراءة حضور الموظفين (10–3600 ثانية، الافتراضي 30).</translation>
    </message>
    <message>
        <source>Si&amp;gning</source>
        <translation>التوقيع(&amp;G)</translation>
    </message>
    <message>
        <source>keyring (default): the Call Center&apos;s key in this PC&apos;s keyring. openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to it.</source>
        <translation>keyring (الافتراضي): مفتاح Call Center في سلسلة مفاتيح هذا الكمبيوتر. openbao: يحتفظ OpenBao أو HashiCorp Vault Transit بالمفتاح؛ ويسجّل الموظف الدخول إليه.</translation>
    </message>
    <message>
        <source>OpenBao URL</source>
        <translation>عنوان URL لـ OpenBao</translation>
    </message>
    <message>
        <source>The OpenBao or Vault address, e.g. https://openbao.example.com:8200.</source>
        <translation>عنوان OpenBao أو Vault، مثل https://openbao.example.com:8200.</translation>
    </message>
    <message>
        <source>Transit mount</source>
        <translation>نقطة تركيب Transit</translation>
    </message>
    <message>
        <source>Where Transit is mounted (default transit).</source>
        <translation>مكان تركيب Transit (الافتراضي transit).</translation>
    </message>
    <message>
        <source>Transit key</source>
        <translation>مفتاح Transit</translation>
    </message>
    <message>
        <source>The Transit key that holds the Call Center&apos;s private key.</source>
        <translation>مفتاح Transit الذي يحتفظ بالمفتاح الخاص لـ Call Center.</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>طريقة تسجيل الدخول</translation>
    </message>
    <message>
        <source>How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert or token.</source>
        <translation>كيفية تسجيل دخول الموظفين إلى OpenBao: oidc (المتصفح) أو userpass أو approle أو cert أو token.</translation>
    </message>
    <message>
        <source>Sign-in role</source>
        <translation>دور تسجيل الدخول</translation>
    </message>
    <message>
        <source>The OIDC or cert role IT set up for the panel; the RoleID for approle.</source>
        <translation>دور OIDC أو cert الذي أعدّه قسم تقنية المعلومات للّوحة؛ أو RoleID لـ approle.</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>مساحة الأسماء</translation>
    </message>
    <message>
        <source>Optional: a Vault Enterprise / OpenBao namespace.</source>
        <translation>اختياري: مساحة أسماء Vault Enterprise / OpenBao.</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>ملف CA</translation>
    </message>
    <message>
        <source>Optional: the CA certificate that signed OpenBao&apos;s; else the OS trust store.</source>
        <translation>اختياري: شهادة CA التي وقّعت شهادة OpenBao؛ وإلا فمخزن الثقة لنظام التشغيل.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>الاتصال</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>الطلبات</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>الدليل</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>التوقيع</translation>
    </message>
    <message>
        <source>e.g. HVCC</source>
        <translation>مثل HVCC</translation>
    </message>
    <message>
        <source>optional, e.g. Amazon Connect</source>
        <translation>اختياري، مثل Amazon Connect</translation>
    </message>
    <message>
        <source>optional, e.g. [0-9a-f-]{36}</source>
        <translation>اختياري، مثل [0-9a-f-]{36}</translation>
    </message>
    <message>
        <source>e.g. /srv/team.csv</source>
        <translation>مثل /srv/team.csv</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Classroom simulator (plain http:// allowed)</source>
        <translation>محاكي قاعة التدريب (يُسمح بـ http:// العادي)</translation>
    </message>
    <message>
        <source>Locked. {reason}</source>
        <translation>مقفل. {reason}</translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Success</source>
        <translation>نجاح</translation>
    </message>
    <message>
        <source>“Routing requested to …”</source>
        <translation>“طُلب التوجيه إلى …”</translation>
    </message>
    <message>
        <source>Target rejected</source>
        <translation>الوجهة مرفوضة</translation>
    </message>
    <message>
        <source>the server&apos;s reason (the target cannot take voice calls)</source>
        <translation>سبب الخادم (لا تستطيع الوجهة استقبال المكالمات الصوتية)</translation>
    </message>
    <message>
        <source>Expired or invalid credentials</source>
        <translation>بيانات اعتماد منتهية الصلاحية أو غير صالحة</translation>
    </message>
    <message>
        <source>a configuration error: the token was refused</source>
        <translation>خطأ في الإعداد: رُفض الرمز المميز</translation>
    </message>
    <message>
        <source>Throttled (Retry-After)</source>
        <translation>تقييد الطلبات (Retry-After)</translation>
    </message>
    <message>
        <source>“try again in {throttle_s} s”; nothing was routed</source>
        <translation>“حاول مرة أخرى خلال {throttle_s} s”؛ لم يُوجَّه شيء</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>خطأ في الخادم</translation>
    </message>
    <message>
        <source>a server failure; a manual retry only</source>
        <translation>عطل في الخادم؛ إعادة محاولة يدوية فقط</translation>
    </message>
    <message>
        <source>Slow answer</source>
        <translation>رد بطيء</translation>
    </message>
    <message>
        <source>the request in progress for {slow_s} s, then success</source>
        <translation>الطلب قيد التنفيذ لمدة {slow_s} s، ثم نجاح</translation>
    </message>
    <message>
        <source>Connection dropped</source>
        <translation>انقطع الاتصال</translation>
    </message>
    <message>
        <source>“outcome unknown”: the call may already be moving</source>
        <translation>“النتيجة غير معروفة”: ربما تنتقل المكالمة بالفعل</translation>
    </message>
    <message>
        <source>Flow fails (fallback queue)</source>
        <translation>فشل المسار (قائمة الانتظار البديلة)</translation>
    </message>
    <message>
        <source>routing to a flow succeeds only through its fallback queue; without one it is refused</source>
        <translation>ينجح التوجيه إلى مسار فقط عبر قائمة الانتظار البديلة له؛ وبدونها يُرفض</translation>
    </message>
</context>
<context>
    <name>ServiceSession</name>
    <message>
        <source>Profile {name}</source>
        <translation>الملف الشخصي {name}</translation>
    </message>
    <message>
        <source>Profile {name}: {endpoint}</source>
        <translation>الملف الشخصي {name}: {endpoint}</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>جارٍ إعادة الاتصال…</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>جارٍ الإغلاق…</translation>
    </message>
    <message>
        <source>Waiting for the transfer in progress to finish.</source>
        <translation>في انتظار انتهاء التحويل الجاري.</translation>
    </message>
    <message>
        <source>Favorites not saved</source>
        <translation>لم تُحفظ المفضلة</translation>
    </message>
    <message>
        <source>{error}. They last until the panel closes.</source>
        <translation>{error}. تبقى حتى إغلاق اللوحة.</translation>
    </message>
    <message>
        <source>No favorite {number}</source>
        <translation>لا توجد مفضلة رقم {number}</translation>
    </message>
    <message>
        <source>Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with Ctrl+1…9.</source>
        <translation>ضع نجمة على وجهة (☆ في صفها أو في النموذج، أو Ctrl+D) لاختيارها باستخدام Ctrl+1…9.</translation>
    </message>
    <message>
        <source>Cannot sign</source>
        <translation>تعذّر التوقيع</translation>
    </message>
    <message>
        <source>The demo directory is empty.</source>
        <translation>الدليل التجريبي فارغ.</translation>
    </message>
    <message>
        <source>Loading the directory from {source}…</source>
        <translation>جارٍ تحميل الدليل من {source}…</translation>
    </message>
    <message>
        <source>No directory is set up for this profile yet.
Paste an agent (005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.</source>
        <translation>لم يُعدّ أي دليل لهذا الملف الشخصي بعد.
الصق معرّف موظف (005…) أو قائمة انتظار (00G…) أو مسار (300…) في مربع البحث للتحويل إليه.</translation>
    </message>
    <message>
        <source>The panel closed during a transfer</source>
        <translation>أُغلقت اللوحة أثناء تحويل</translation>
    </message>
    <message>
        <source>Check the softphone: these calls may have moved. They are in the history (Ctrl+H) and transferring them again asks first.</source>
        <translation>تحقق من الهاتف البرمجي: ربما نُقلت هذه المكالمات. إنها في السجل (Ctrl+H) وسيُطلب منك التأكيد قبل تحويلها مرة أخرى.</translation>
    </message>
    <message>
        <source>A new transfer history was started</source>
        <translation>بدأ سجل تحويلات جديد</translation>
    </message>
    <message>
        <source>The old one could not be used and was moved to {path}.</source>
        <translation>تعذّر استخدام السجل القديم ونُقل إلى {path}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <source>Show in the f&amp;ile</source>
        <translation>الإظهار في الملف(&amp;I)</translation>
    </message>
    <message>
        <source>Show the problems in the config file</source>
        <translation>إظهار المشكلات في ملف الإعدادات</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>الملفات الشخصية</translation>
    </message>
    <message>
        <source>Ne&amp;w</source>
        <translation>جديد(&amp;W)</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>ملف شخصي جديد</translation>
    </message>
    <message>
        <source>&amp;Save profile</source>
        <translation>حفظ الملف الشخصي(&amp;S)</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>حفظ الملف الشخصي</translation>
    </message>
    <message>
        <source>&amp;Use this profile</source>
        <translation>استخدام هذا الملف الشخصي(&amp;U)</translation>
    </message>
    <message>
        <source>Use this profile in the panel</source>
        <translation>استخدام هذا الملف الشخصي في اللوحة</translation>
    </message>
    <message>
        <source>Back to demo mode</source>
        <translation>العودة إلى الوضع التجريبي</translation>
    </message>
    <message>
        <source>The built-in simulator, demo directory and calls; nothing reaches Salesforce. Your profiles stay as they are.</source>
        <translation>المحاكي المدمج والدليل والمكالمات التجريبية؛ لا يصل شيء إلى Salesforce. تبقى ملفاتك الشخصية كما هي.</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>إغلاق الإعدادات</translation>
    </message>
    <message>
        <source>Profi&amp;les</source>
        <translation>الملفات الشخصية(&amp;L)</translation>
    </message>
    <message>
        <source>Config file</source>
        <translation>ملف الإعدادات</translation>
    </message>
    <message>
        <source>The panel&apos;s language</source>
        <translation>لغة اللوحة</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>مثل سطح المكتب</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>اللغة(&amp;L):</translation>
    </message>
    <message>
        <source>This start uses --lang {language}.</source>
        <translation>هذا التشغيل يستخدم --lang {language}.</translation>
    </message>
    <message>
        <source>The panel speaks it from its next start.</source>
        <translation>تستخدمها اللوحة من تشغيلها التالي.</translation>
    </message>
    <message>
        <source>The panel is in demo mode: transfers go to the built-in simulator.</source>
        <translation>اللوحة في الوضع التجريبي: تذهب التحويلات إلى المحاكي المدمج.</translation>
    </message>
    <message>
        <source>The panel uses profile &apos;{profile}&apos;.</source>
        <translation>تستخدم اللوحة الملف الشخصي &apos;{profile}&apos;.</translation>
    </message>
    <message>
        <source>The panel is not connected: save a profile, or choose one and Use it.</source>
        <translation>اللوحة غير متصلة: احفظ ملفًا شخصيًا، أو اختر واحدًا واضغط استخدام.</translation>
    </message>
    <message>
        <source>&amp;Use &apos;{name}&apos;</source>
        <translation>استخدام &apos;{name}&apos;(&amp;U)</translation>
    </message>
    <message numerus="yes">
        <source>Config file (%n problem(s))</source>
        <translation>
            <numerusform>ملف الإعدادات (لا مشكلات، %n)</numerusform>
            <numerusform>ملف الإعدادات (مشكلة واحدة، %n)</numerusform>
            <numerusform>ملف الإعدادات (مشكلتان، %n)</numerusform>
            <numerusform>ملف الإعدادات (%n مشكلات)</numerusform>
            <numerusform>ملف الإعدادات (%n مشكلة)</numerusform>
            <numerusform>ملف الإعدادات (%n مشكلة)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The config file {path} has %n problem(s): the panel cannot use it until they are fixed (Config file).</source>
        <translation>
            <numerusform>ملف الإعدادات {path} فيه %n مشكلة: لا تستطيع اللوحة استخدامه حتى تُصلح (ملف الإعدادات).</numerusform>
            <numerusform>ملف الإعدادات {path} فيه مشكلة واحدة (%n): لا تستطيع اللوحة استخدامه حتى تُصلح (ملف الإعدادات).</numerusform>
            <numerusform>ملف الإعدادات {path} فيه مشكلتان (%n): لا تستطيع اللوحة استخدامه حتى تُصلحا (ملف الإعدادات).</numerusform>
            <numerusform>ملف الإعدادات {path} فيه %n مشكلات: لا تستطيع اللوحة استخدامه حتى تُصلح (ملف الإعدادات).</numerusform>
            <numerusform>ملف الإعدادات {path} فيه %n مشكلة: لا تستطيع اللوحة استخدامه حتى تُصلح (ملف الإعدادات).</numerusform>
            <numerusform>ملف الإعدادات {path} فيه %n مشكلة: لا تستطيع اللوحة استخدامه حتى تُصلح (ملف الإعدادات).</numerusform>
        </translation>
    </message>
    <message>
        <source>[profiles.{name}] {key} is set by your IT department ({site_path}); the value in {path} is ignored.</source>
        <translation>[profiles.{name}] المفتاح {key} يعيّنه قسم تقنية المعلومات ({site_path})؛ تُتجاهل القيمة في {path}.</translation>
    </message>
    <message>
        <source>Set by your IT department in {path}; it cannot be changed here.</source>
        <translation>يعيّنه قسم تقنية المعلومات في {path}؛ لا يمكن تغييره هنا.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>جارٍ الحفظ…</translation>
    </message>
    <message>
        <source>Not saved. {reason}</source>
        <translation>لم يُحفظ. {reason}</translation>
    </message>
    <message>
        <source>Profile &apos;{name}&apos; was written to {path}, but the file now reads differently (see above).</source>
        <translation>كُتب الملف الشخصي &apos;{name}&apos; في {path}، لكن الملف يُقرأ الآن بشكل مختلف (انظر أعلاه).</translation>
    </message>
    <message>
        <source>Saved profile &apos;{name}&apos; to {path}. The panel now uses it.</source>
        <translation>تم حفظ الملف الشخصي &apos;{name}&apos; في {path}. تستخدمه اللوحة الآن.</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>OpenBao sign-in</source>
        <translation>تسجيل الدخول إلى OpenBao</translation>
    </message>
    <message>
        <source>Not signed in to OpenBao.</source>
        <translation>لم يتم تسجيل الدخول إلى OpenBao.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>تسجيل الدخول…</translation>
    </message>
    <message>
        <source>Sign in to OpenBao</source>
        <translation>تسجيل الدخول إلى OpenBao</translation>
    </message>
    <message>
        <source>OpenBao user name</source>
        <translation>اسم مستخدم OpenBao</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>كلمة المرور</translation>
    </message>
    <message>
        <source>OpenBao password</source>
        <translation>كلمة مرور OpenBao</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>تسجيل الدخول</translation>
    </message>
    <message>
        <source>Sign in with this password</source>
        <translation>تسجيل الدخول بكلمة المرور هذه</translation>
    </message>
    <message>
        <source>Signing in with your browser… finish there, then come back.</source>
        <translation>جارٍ تسجيل الدخول عبر المتصفح… أكمل هناك، ثم عد.</translation>
    </message>
</context>
<context>
    <name>TargetDelegate</name>
    <message>
        <source>Agent</source>
        <translation>موظف</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>قائمة انتظار</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>مسار</translation>
    </message>
</context>
<context>
    <name>TargetListModel</name>
    <message>
        <source>{target}, favorite</source>
        <translation>{target}، مفضلة</translation>
    </message>
</context>
<context>
    <name>TargetView</name>
    <message>
        <source>Agent</source>
        <translation>موظف</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>قائمة انتظار</translation>
    </message>
    <message>
        <source>Omni-Channel flow</source>
        <translation>مسار Omni-Channel</translation>
    </message>
    <message>
        <source>Developer name: {name}</source>
        <translation>اسم المطوّر: {name}</translation>
    </message>
    <message>
        <source>API name: {name}</source>
        <translation>اسم API: {name}</translation>
    </message>
    <message>
        <source>{kind} {id} (entered ID)</source>
        <translation>{kind} {id} (معرّف مُدخل)</translation>
    </message>
    <message>
        <source>Not in the directory: check the ID before you transfer</source>
        <translation>غير موجود في الدليل: تحقق من المعرّف قبل التحويل</translation>
    </message>
    <message>
        <source>Presence unknown</source>
        <translation>الحضور غير معروف</translation>
    </message>
</context>
<context>
    <name>TrainerWindow</name>
    <message>
        <source>Class plans (*.toml)</source>
        <translation>خطط الحصص (*.toml)</translation>
    </message>
    <message>
        <source>The rep sees {what}</source>
        <translation>يرى الموظف {what}</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>المدرّب</translation>
    </message>
    <message>
        <source>Set for the selected target</source>
        <translation>تعيين للوجهة المحددة</translation>
    </message>
    <message>
        <source>The target in the panel&apos;s transfer form meets this scenario instead</source>
        <translation>الوجهة في نموذج التحويل باللوحة تواجه هذا السيناريو بدلًا من ذلك</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Load plan…</source>
        <translation>تحميل خطة…</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>حفظ الخطة…</translation>
    </message>
    <message>
        <source>Presenter view (large text for a projector)</source>
        <translation>عرض المقدّم (نص كبير لجهاز العرض)</translation>
    </message>
    <message>
        <source>Request inspector…</source>
        <translation>مفتش الطلبات…</translation>
    </message>
    <message>
        <source>What each transfer sent and got back (Ctrl+I)</source>
        <translation>ما أرسله كل تحويل وما تلقاه (Ctrl+I)</translation>
    </message>
    <message>
        <source>Set the scenario for the selected target</source>
        <translation>تعيين السيناريو للوجهة المحددة</translation>
    </message>
    <message>
        <source>Remove the selected target&apos;s scenario</source>
        <translation>إزالة سيناريو الوجهة المحددة</translation>
    </message>
    <message>
        <source>Load a class plan</source>
        <translation>تحميل خطة حصة</translation>
    </message>
    <message>
        <source>Save the class plan</source>
        <translation>حفظ خطة الحصة</translation>
    </message>
    <message>
        <source>Open the request inspector</source>
        <translation>فتح مفتش الطلبات</translation>
    </message>
    <message>
        <source>&amp;Every transfer meets</source>
        <translation>كل تحويل يواجه(&amp;E)</translation>
    </message>
    <message>
        <source>Except these &amp;targets</source>
        <translation>باستثناء هذه الوجهات(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Scenario for the target in the panel&apos;s form</source>
        <translation>السيناريو للوجهة في نموذج اللوحة(&amp;S)</translation>
    </message>
    <message>
        <source>Applied: the next transfers meet this plan.</source>
        <translation>تم التطبيق: التحويلات التالية تواجه هذه الخطة.</translation>
    </message>
    <message>
        <source>Pick a target in the panel first; it then meets the scenario chosen here.</source>
        <translation>اختر وجهة في اللوحة أولًا؛ ثم تواجه السيناريو المختار هنا.</translation>
    </message>
    <message>
        <source>The rep sees {what}.</source>
        <translation>يرى الموظف {what}.</translation>
    </message>
    <message>
        <source>{target}: the rep sees {what}</source>
        <translation>{target}: يرى الموظف {what}</translation>
    </message>
    <message>
        <source>{error}
The plan in use is unchanged.</source>
        <translation>{error}
الخطة المستخدمة لم تتغير.</translation>
    </message>
    <message>
        <source>Loaded {file}: the next transfers meet this plan.</source>
        <translation>تم تحميل {file}: التحويلات التالية تواجه هذه الخطة.</translation>
    </message>
    <message>
        <source>Saved to {path}. Load it next class, or give it to `transfer-panel simulator --plan`.</source>
        <translation>تم الحفظ في {path}. حمّلها في الحصة التالية، أو مرّرها إلى `transfer-panel simulator --plan`.</translation>
    </message>
</context>
<context>
    <name>TransferForm</name>
    <message>
        <source>Choose an agent, queue or flow in the directory above.</source>
        <translation>اختر موظفًا أو قائمة انتظار أو مسارًا من الدليل أعلاه.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>جارٍ البدء…</translation>
    </message>
    <message>
        <source>TRANSFER</source>
        <translation>تحويل</translation>
    </message>
    <message>
        <source>&amp;Fallback queue</source>
        <translation>قائمة الانتظار البديلة(&amp;F)</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>تحويل</translation>
    </message>
    <message>
        <source>Remove from favorites</source>
        <translation>إزالة من المفضلة</translation>
    </message>
    <message>
        <source>Add to favorites</source>
        <translation>إضافة إلى المفضلة</translation>
    </message>
    <message>
        <source>{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9</source>
        <translation>{action} (Ctrl+D)؛ Ctrl+1…9 يختار المفضلة 1…9</translation>
    </message>
    <message>
        <source>No target selected</source>
        <translation>لم تُحدَّد وجهة</translation>
    </message>
    <message>
        <source>Search the directory, then pick a row (Enter or click).</source>
        <translation>ابحث في الدليل، ثم اختر صفًا (Enter أو نقرة).</translation>
    </message>
    <message>
        <source>Presence: {state}</source>
        <translation>الحضور: {state}</translation>
    </message>
    <message>
        <source>Transferring…</source>
        <translation>جارٍ التحويل…</translation>
    </message>
    <message>
        <source>Transfer to {name}</source>
        <translation>تحويل إلى {name}</translation>
    </message>
    <message>
        <source>Waiting for a call from the softphone.</source>
        <translation>في انتظار مكالمة من الهاتف البرمجي.</translation>
    </message>
    <message>
        <source>Pick the fallback queue: Enter takes the top match.</source>
        <translation>اختر قائمة الانتظار البديلة: يأخذ Enter أول نتيجة مطابقة.</translation>
    </message>
    <message>
        <source>available</source>
        <translation>متاح</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>مشغول</translation>
    </message>
    <message>
        <source>away</source>
        <translation>بعيد</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>غير متصل</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>غير معروف</translation>
    </message>
</context>
<context>
    <name>TransferSection</name>
    <message>
        <source>TRANSFER</source>
        <translation>تحويل</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>جارٍ البدء…</translation>
    </message>
</context>
</TS>
