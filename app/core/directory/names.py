"""Name pools for the demo directory and the generator: people from many languages,
the voice queues and routing flows of a plausible multinational contact center."""

# Given names and family names written in the Latin script, per language.
LATIN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Emma", "Oliver", "Olivia", "Liam", "Ava", "Noah", "Sophie", "James", "Grace", "Jack", "Chloe",
         "Harry", "Isla", "Thomas", "Amelia", "George", "Lucy", "Daniel", "Hannah", "Samuel", "Bill", "Billie"),
        ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Davies", "Evans", "O'Brien", "Murphy",
         "Walsh", "Campbell", "Billings", "Hughes", "Clarke", "Wright", "Bishop", "Baker", "McAllister"),
    ),
    "fr": (
        ("Élodie", "François", "Hélène", "Léa", "Chloé", "Théo", "Anaïs", "Noémie", "Jérôme", "Céline",
         "Benoît", "Gaëlle", "Loïc", "Amélie", "Raphaël", "Zoé"),
        ("Lefèvre", "Dubois", "Moreau", "Lambert", "Girard", "Bérenger", "Rousseau", "Fontaine", "Mercier",
         "Chevalier", "Gauthier", "Leroy", "Dupré", "Béranger", "Du Pont"),
    ),
    "de": (
        ("Jürgen", "Jörg", "Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Maximilian", "Sophia",
         "Käthe", "Günter", "Uwe", "Leonie", "Zoë", "Mia"),
        ("Müller", "Schmidt", "Schröder", "Weiß", "Köhler", "Groß", "Becker", "Hoffmann", "Wagner", "Krüger",
         "Strauß", "Fischer", "Böhm", "Meißner", "Muller"),
    ),
    "es": (
        ("José", "María", "Lucía", "Álvaro", "Sofía", "Martín", "Íñigo", "Inés", "Raúl", "Begoña", "Jesús",
         "Ángela", "Sergio", "Nuria", "Tomás"),
        ("Núñez", "García", "Fernández", "Martínez", "Rodríguez", "López", "Sánchez", "Gómez", "Muñoz",
         "Jiménez", "Peña", "Ibáñez", "Castaño", "Ortiz", "Domínguez"),
    ),
    "pt": (
        ("João", "Gonçalo", "Inês", "Sebastião", "Leonor", "Tiago", "Beatriz"),
        ("Gonçalves", "Araújo", "Magalhães", "Simões", "Conceição", "Ribeiro", "Carvalho"),
    ),
    "pl": (
        ("Łukasz", "Małgorzata", "Krzysztof", "Agnieszka", "Paweł", "Zofia", "Wojciech", "Katarzyna",
         "Michał", "Joanna", "Grzegorz", "Ewa", "Bartłomiej", "Żaneta", "Jędrzej"),
        ("Wójcik", "Nowak", "Kaczmarek", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek", "Dudek",
         "Wróbel", "Pawlak", "Michalak", "Sikora", "Kołodziej", "Szymczak"),
    ),
    "tr": (
        ("Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Büşra", "Oğuz", "Gül", "İlker", "Çağla",
         "Şule", "Ömer", "Ebru", "Barış"),
        ("Yılmaz", "Öztürk", "Çelik", "Şahin", "Demir", "Kaya", "Aydın", "Arslan", "Doğan", "Kılıç",
         "Yıldız", "Özdemir", "Koç", "Kurt", "Aksoy"),
    ),
    "nordic": (
        ("Søren", "Åsa", "Björn", "Øyvind", "Mikkel", "Ingrid", "Freja", "Lærke", "Jóhann", "Astrid",
         "Kåre", "Märta", "Sigrún", "Ægir"),
        ("Kjærgaard", "Lindqvist", "Ødegaard", "Håkansson", "Sørensen", "Ström", "Åberg", "Nyström",
         "Bjørnstad", "Lundgren", "Mæhle", "Østergaard", "Holmström", "Guðmundsson"),
    ),
}

# Vietnamese names: family, middle and given name, in that order.
VIETNAMESE_NAMES: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"),
    ("Thị", "Văn", "Minh", "Hữu", "Ngọc", "Đức"),
    ("Hương", "Minh", "Anh", "Linh", "Tuấn", "Hằng", "Dũng", "Thảo", "Quang", "Phương", "Hải", "Trang"),
)

# Names in another script, each with its romanisation, and how full names are written:
# (given names, family names, separator in the native script, family name first in the
# native script, family name first when romanised).
NativeNames = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str, bool, bool]
NATIVE_NAMES: dict[str, NativeNames] = {
    "ja": (
        (("優希", "Yūki"), ("翔太", "Shōta"), ("花子", "Hanako"), ("蓮", "Ren"), ("結衣", "Yui"),
         ("大輝", "Daiki"), ("美咲", "Misaki"), ("陽菜", "Hina"), ("健", "Ken"), ("葵", "Aoi")),
        (("田中", "Tanaka"), ("鈴木", "Suzuki"), ("佐藤", "Satō"), ("高橋", "Takahashi"), ("伊藤", "Itō"),
         ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi")),
        " ", True, False,
    ),
    "zh": (
        (("芳", "Fang"), ("伟", "Wei"), ("秀英", "Xiuying"), ("静", "Jing"), ("磊", "Lei"), ("婷", "Ting"),
         ("强", "Qiang"), ("敏", "Min"), ("杰", "Jie"), ("丽", "Li")),
        (("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
         ("黄", "Huang"), ("赵", "Zhao"), ("周", "Zhou"), ("吴", "Wu")),
        "", True, True,
    ),
    "ko": (
        (("민준", "Min-jun"), ("서연", "Seo-yeon"), ("지훈", "Ji-hoon"), ("하은", "Ha-eun"), ("도윤", "Do-yun")),
        (("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung")),
        "", True, True,
    ),
    "ar": (
        (("عمر", "Omar"), ("ليلى", "Layla"), ("يوسف", "Youssef"), ("فاطمة", "Fatima"), ("كريم", "Karim"),
         ("نور", "Nour"), ("أحمد", "Ahmed"), ("مريم", "Mariam"), ("خالد", "Khalid"), ("سلمى", "Salma")),
        (("حداد", "Haddad"), ("خوري", "Khoury"), ("منصور", "Mansour"), ("ناصر", "Nasser"), ("صالح", "Saleh"),
         ("فاروق", "Farouk"), ("حمدان", "Hamdan"), ("عزيز", "Aziz")),
        " ", False, False,
    ),
    "hi": (
        (("प्रिया", "Priya"), ("राहुल", "Rahul"), ("अनन्या", "Ananya"), ("अर्जुन", "Arjun"), ("काव्या", "Kavya"),
         ("रोहन", "Rohan"), ("स्नेहा", "Sneha"), ("विक्रम", "Vikram"), ("अदिति", "Aditi"), ("अमित", "Amit")),
        (("शर्मा", "Sharma"), ("पटेल", "Patel"), ("गुप्ता", "Gupta"), ("सिंह", "Singh"), ("अय्यर", "Iyer"),
         ("रेड्डी", "Reddy"), ("नायर", "Nair"), ("मेहता", "Mehta")),
        " ", False, False,
    ),
    # Russian family names in -ых/-их are the same for women and men.
    "ru": (
        (("Ольга", "Olga"), ("Дмитрий", "Dmitry"), ("Анна", "Anna"), ("Сергей", "Sergey"), ("Наталья", "Natalya"),
         ("Алексей", "Alexey"), ("Мария", "Maria"), ("Иван", "Ivan"), ("Екатерина", "Ekaterina"), ("Юлия", "Yulia")),
        (("Черных", "Chernykh"), ("Белых", "Belykh"), ("Седых", "Sedykh"), ("Долгих", "Dolgikh"),
         ("Крутых", "Krutykh"), ("Толстых", "Tolstykh")),
        " ", False, False,
    ),
    "uk": (
        (("Микола", "Mykola"), ("Олена", "Olena"), ("Сергій", "Serhii"), ("Оксана", "Oksana"), ("Андрій", "Andrii"),
         ("Ірина", "Iryna"), ("Юрій", "Yurii"), ("Наталія", "Nataliia")),
        (("Шевченко", "Shevchenko"), ("Коваленко", "Kovalenko"), ("Бондаренко", "Bondarenko"),
         ("Ткаченко", "Tkachenko"), ("Кравчук", "Kravchuk"), ("Мельник", "Melnyk"), ("Бойко", "Boiko")),
        " ", False, False,
    ),
    # Greek family names differ for women: men's names only.
    "el": (
        (("Γιώργος", "Giorgos"), ("Δημήτρης", "Dimitris"), ("Νίκος", "Nikos"), ("Κώστας", "Kostas"),
         ("Χρήστος", "Christos"), ("Γιάννης", "Giannis"), ("Παναγιώτης", "Panagiotis"), ("Ευάγγελος", "Evangelos")),
        (("Παπαδόπουλος", "Papadopoulos"), ("Παπαδάκης", "Papadakis"), ("Οικονόμου", "Oikonomou"),
         ("Γεωργίου", "Georgiou"), ("Βλαχος", "Vlachos"), ("Αντωνίου", "Antoniou")),
        " ", False, False,
    ),
}
# The scripts the bundled demo was generated with: more would change its every ID after the first
# one drawn differently (trainers' saved plans name them). Its Cyrillic and Greek agents are featured.
DEMO_SCRIPTS: tuple[str, ...] = ("ja", "zh", "ko", "ar", "hi")

# People every demo shows, so trainers can try accent-insensitive search on them:
# (name, other spellings search should find them by).
FEATURED_AGENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Zoë Müller", ()), ("Łukasz Wójcik", ()), ("Søren Kjærgaard", ()), ("Nguyễn Thị Hương", ()),
    ("José Ñúñez", ()), ("Jürgen Weiß", ()), ("Sigríður Jóhannsdóttir", ()), ("Đorđe Petrović", ()),
    ("Jiří Dvořák", ()), ("Ayşe Yılmaz", ()), ("İlker Çelik", ()), ("Élodie Lefèvre", ()),
    ("Åsa Lindqvist", ()), ("João Gonçalves", ()), ("Bill Evans", ()), ("Liam O'Brien", ()),
    ("田中 優希", ("Yūki Tanaka",)), ("Wang Fang", ("王芳",)), ("김민준", ("Kim Min-jun",)),
    ("عمر حداد", ("Omar Haddad",)), ("Priya Sharma", ("प्रिया शर्मा",)),
)
# Featured since, listed after the others (their own random draws, so no earlier ID or status changes):
# found by their Latin spellings without any given ("olga", "dmitry", "giorgos").
LATER_FEATURED_AGENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Ольга Смирнова", ()), ("Дмитрий Иванов", ()), ("Γιώργος Παπαδόπουλος", ()),
)

DEMO_QUEUES: tuple[str, ...] = (
    "Billing (EMEA)", "Billing (Americas)", "Billing (APAC)", "Technical Support Tier 1",
    "Technical Support Tier 2", "Technical Support Tier 3", "Retentions", "Spanish Line", "French Line",
    "German Line", "Japanese Line (日本語)", "Premium Care", "New Customers", "Sales – Small Business",
    "Sales – Enterprise", "Collections", "Fraud & Security", "Password Reset", "Returns & Refunds",
    "Orders & Delivery", "Device Repairs", "Accessibility Support", "Complaints", "Partner Desk",
    "Escalations (Supervisors)",
)

DEMO_FLOWS: tuple[str, ...] = (
    "After-hours Routing", "VIP Callback Flow", "Language Selection", "Business Hours Check",
    "Overflow to Partner", "Skills-based Routing", "Holiday Closure", "Outage Announcement",
    "Callback Scheduler", "Post-call Survey",
)

# The input variables of the demo's and generated routing flows, by purpose (a label before " ("):
# (API name, DataType, description). A real routing flow also takes `recordId`, the work item, which
# Omni-Channel fills in itself: the simulator's org lists it, and the panel leaves it out.
FLOW_INPUTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "After-hours Routing": (("CallbackNumber", "String", "The number to call back, as +4930123456"),),
    "VIP Callback Flow": (("CustomerTier", "String", "Gold, Silver or Bronze"),
                          ("CallbackNumber", "String", "The number to call back, as +4930123456")),
    "Language Selection": (("CallerLanguage", "String", "The caller's language: en, de, fr, es, pt or ja"),),
    "Overflow to Partner": (("PartnerCode", "String", "The partner site's code"),
                            ("Priority", "Number", "1 (urgent) to 5")),
    "Skills-based Routing": (("Skill", "String", "The skill the call needs, e.g. Billing"),
                             ("CallerLanguage", "String", "The caller's language: en, de, fr, es, pt or ja")),
    "Outage Announcement": (("OutageId", "String", "The incident's number"),),
    "Callback Scheduler": (("CallbackNumber", "String", "The number to call back, as +4930123456"),
                           ("PreferredTime", "DateTime", "When the caller wants the call back")),
    "Post-call Survey": (("SurveyOptIn", "Boolean", "true when the caller agreed to the survey"),),
    "Queue Overflow": (("Priority", "Number", "1 (urgent) to 5"),),
    "Priority Routing": (("Priority", "Number", "1 (urgent) to 5"),
                         ("CustomerTier", "String", "Gold, Silver or Bronze")),
    "Identity Check": (("CaseNumber", "String", "The open case, if any"),
                       ("VerifiedBy", "String", "How the caller was verified: PIN or questions")),
    "Outbound Callback": (("CallbackNumber", "String", "The number to call back, as +4930123456"),),
}

# Building blocks for generated orgs of any size.
QUEUE_TOPICS: tuple[str, ...] = (
    "Billing", "Technical Support Tier 1", "Technical Support Tier 2", "Technical Support Tier 3",
    "Retentions", "Premium Care", "New Customers", "Sales – Small Business", "Sales – Enterprise",
    "Collections", "Fraud & Security", "Password Reset", "Returns & Refunds", "Orders & Delivery",
    "Device Repairs", "Accessibility Support", "Complaints", "Partner Desk", "Escalations",
    "Spanish Line", "French Line", "German Line", "Polish Line", "Turkish Line", "Vietnamese Line",
)
FLOW_PURPOSES: tuple[str, ...] = DEMO_FLOWS + (
    "Queue Overflow", "Priority Routing", "Identity Check", "Outbound Callback", "Emergency Line",
)
REGIONS: tuple[str, ...] = ("EMEA", "Americas", "APAC", "UK", "DACH", "Nordics", "LATAM", "Iberia")
SITES: tuple[str, ...] = (
    "Lisbon", "Kraków", "Istanbul", "Manila", "Ho Chi Minh City", "Bengaluru", "Cairo", "Mexico City",
    "Dublin", "Leipzig", "Malmö", "Osaka", "Bogotá", "Montréal", "Cape Town", "Tallinn", "Porto",
    "Wrocław", "Izmir", "Da Nang",
)
