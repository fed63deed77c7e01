"""How directory text is compared: folded to case- and accent-free words.

`fold` lowercases (casefold, so "ß" becomes "ss"), decomposes (NFKD, so "é" becomes
"e" + a combining accent and full-width "Ａ" becomes "a") and drops the accents. Only
the diacritic blocks are dropped, not every combining mark: Devanagari vowel signs and
the Japanese voicing marks are letters' parts, and removing them would merge different
names. A small table handles the Latin letters NFKD leaves whole ("ø", "æ", "ł", "đ"…).
Arabic vowel marks and hamza are dropped too, so "احمد" finds "أحمد".

Both sides are folded, so matching is accent-insensitive in both directions: "zoe" finds
"Zoë" and "zoë" finds "Zoe". "ü" folds to "u", not "ue": "muller" finds "Müller",
"mueller" does not.

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
