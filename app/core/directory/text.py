"""How directory text is compared: folded to case- and accent-free words.

`fold` lowercases (casefold, so "ß" becomes "ss"), decomposes (NFKD, so "é" becomes
"e" + a combining accent and full-width "Ａ" becomes "a") and drops the accents. Only
the diacritic blocks are dropped, not every combining mark: Devanagari vowel signs and
the Japanese voicing marks are letters' parts, and removing them would merge different
names. A small table handles the Latin letters NFKD leaves whole ("ø", "æ", "ł", "đ"…).
Arabic vowel marks and hamza are dropped too, so "احمد" finds "أحمد".

Both sides are folded, so matching is accent-insensitive in both directions: "zoe" finds
"Zoë" and "zoë" finds "Zoe". "ü" folds to "u": "muller" finds "Müller".

`other_spellings` gives the words a rep may type for a name besides its folded words, which
the search index adds to what it searches: umlauts and Nordic letters written out ("mueller"
finds Müller, "soeren" Søren, "aasa" Åsa; "weiss" finds Weiß by folding already), and
Cyrillic and Greek names in the Latin spellings in common use ("olga" finds Ольга,
"dmitry", "dmitriy" and "dmitrii" find Дмитрий, "mykola" finds Микола, "giorgos" Γιώργος).

`words` then splits on whitespace and punctuation ("Billing (EMEA)", "Billing_EMEA" and
"billing-emea" all give ["billing", "emea"]).
"""

import re
import unicodedata

# Combining diacritics (Latin, Greek, Cyrillic, Vietnamese tone marks), their supplements,
# half marks, and the Arabic harakat, hamza and superscript alef.
_DIACRITICS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670]+"
)
# Lowercase letters (after casefold) that NFKD does not split into base + accent. Replaced
# by a regular expression: `str.translate` looks every character of a non-ASCII text up.
_LETTERS = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŀ": "l", "ŋ": "ng", "ĸ": "k",
}
_WHOLE_LETTERS = re.compile(f"[{''.join(_LETTERS)}]")
# Whitespace, control characters, ASCII punctuation and symbols (underscore included),
# Latin-1 punctuation, general punctuation, CJK punctuation and the katakana middle dot.
# Words therefore hold no character below "!", which the search index relies on.
_SEPARATORS = re.compile(
    r"[\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\xd7\xf7\u2000-\u206f\u3000-\u303f\u30fb]+"
)


def fold(text: str) -> str:
    """Case- and accent-free form of `text` (same length or longer; punctuation kept)."""
    if text.isascii():
        return text.lower()  # the common case, and casefold == lower for ASCII
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return _WHOLE_LETTERS.sub(lambda letter: _LETTERS[letter[0]], _DIACRITICS.sub("", decomposed))


def words(text: str) -> list[str]:
    """The folded words of `text`, without punctuation."""
    return _SEPARATORS.sub(" ", fold(text)).split()


# The separators above except "\x1e" and "\x1f", which `folded_fields` keeps (\s holds them, so
# its other characters are written out: they are in these ranges but for U+1680).
_SEPARATORS_BUT_MARKS = re.compile(
    r"[\x00-\x1d\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\xd7\xf7\u1680\u2000-\u206f\u3000-\u303f\u30fb]+"
)
_SPACE_AROUND_MARKS = re.compile(" ?([\x1e\x1f]) ?")


def folded_words(texts: list[str]) -> str:
    """`words` of many texts in one go: one string, each text's words joined by single spaces,
    the texts separated by "\\x1e". A "\\x1f" in a text (which holds no "\\x1e") stays, with
    no space around it: it separates fields.

    Folding a few thousand names in one string runs the normalisation and the regular
    expressions once, in C, instead of once per name: several times faster for a directory.
    """
    spaced = _SEPARATORS_BUT_MARKS.sub(" ", fold("\x1e".join(texts)))
    return _SPACE_AROUND_MARKS.sub(r"\1", spaced).strip(" ")


# ---- other spellings ----------------------------------------------------------------------------
# What calls for other spellings: umlauts and Nordic letters (composed or not), Greek and Cyrillic.
_SPELLED_OTHERWISE = re.compile("[äöüÄÖÜøØåÅ\u0308\u030a\u0370-\u03ff\u0400-\u04ff\u1f00-\u1fff]")
_WRITTEN_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa"})
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Cyrillic letters (lowercase, composed) as most schemes write them; each scheme below changes a few.
_CYRILLIC_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j",
    "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "'": "", "’": "",
}
_WORD_START, _WORD_END = r"(?<![^\W\d_])", r"(?![^\W\d_])"  # not after, not before a letter
# (rules applied first, letters): English as newspapers write Russian names (Dmitry, Yulia, Fyodor);
# BGN/PCGN without its diacritics (Dmitriy, Yuliya); ICAO 9303, Russian passports since 2013 (Dmitrii,
# Iuliia); Ukrainian national (Mykola, Serhii, Yevhen).
_CYRILLIC_SCHEMES: tuple[tuple[tuple[tuple[re.Pattern[str], str], ...], dict[int, str]], ...] = tuple(
    (tuple((re.compile(pattern), latin) for pattern, latin in rules),
     str.maketrans({**_CYRILLIC_LETTERS, **changed}))
    for rules, changed in (
        (((f"[иы]й{_WORD_END}", "y"), (f"ия{_WORD_END}", "ia")), {"ё": "yo"}),
        ((), {}),
        ((), {"й": "i", "ю": "iu", "я": "ia", "ъ": "ie", "ї": "i", "є": "ie"}),
        (tuple((_WORD_START + letter, latin) for letter, latin in (("є", "ye"), ("ї", "yi"), ("й", "y"),
                                                                   ("ю", "yu"), ("я", "ya"))),
         {"г": "h", "и": "y", "й": "i", "ю": "iu", "я": "ia", "ї": "i", "є": "ie"}),
    )
)
# Greek, folded (no accents, "ς" is "σ"), after ELOT 743: digraphs first, then letters; a second
# spelling writes "χ" as "h" (Christos, Hristos).
_GREEK = re.compile("[\u0370-\u03ff]")
_GREEK_DIGRAPHS = (("ου", "ou"), ("αυ", "av"), ("ευ", "ev"), ("ηυ", "iv"), ("γγ", "ng"), ("γκ", "gk"),
                   ("γξ", "nx"), ("γχ", "nch"))
_GREEK_LETTERS = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "τ": "t", "υ": "y",
    "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
_GREEK_SCHEMES = (str.maketrans(_GREEK_LETTERS), str.maketrans({**_GREEK_LETTERS, "χ": "h"}))


def other_spellings(text: str) -> str:
    """The words a rep may type for `text` that its own folded words do not hold (see the module's
    docstring), folded and separated by spaces; "" when there are none (the common case, found fast)."""
    if not _SPELLED_OTHERWISE.search(text):
        return ""
    lower = unicodedata.normalize("NFC", text).casefold()
    spellings = [lower.translate(_WRITTEN_OUT)]
    if _CYRILLIC.search(lower):
        for rules, letters in _CYRILLIC_SCHEMES:
            spelled = lower
            for pattern, latin in rules:
                spelled = pattern.sub(latin, spelled)
            spellings.append(spelled.translate(letters))
    if _GREEK.search(folded := fold(lower)):
        for letters in _GREEK_SCHEMES:
            spelled = folded
            for greek, latin in _GREEK_DIGRAPHS:
                spelled = spelled.replace(greek, latin)
            spellings.append(spelled.translate(letters))
    own = set(words(text))
    found = dict.fromkeys(word for spelled in spellings for word in words(spelled) if word not in own)
    return " ".join(found)
