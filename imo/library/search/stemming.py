"""The words of Russian text as the search index stores them: the same lexemes on SQLite and PostgreSQL.

A word is a run of letters and digits (Unicode, NFC). It is folded (`imo.core.text.fold`: case, ё→е),
dropped when it is a stop word, then reduced by the Snowball Russian stemmer (PyStemmer) — the algorithm
behind PostgreSQL's `russian` text search configuration. Both databases store these stems (PostgreSQL
through the `simple` configuration, which only lower-cases), so a query matches the same documents on
both and the snippets, computed in Python from the same stems, are identical.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator

import Stemmer

from imo.core.text import fold

# Letters and digits; the underscore is a separator (PostgreSQL's parser and FTS5's unicode61 agree).
WORD = re.compile(r"[^\W_]+")
# Longer "words" are base64, hashes or glued garbage from a PDF: never worth a lexeme (PostgreSQL
# itself drops words over 2 KB; a short limit keeps the index small).
MAX_WORD = 60

# The stop words of PostgreSQL's `russian` configuration (tsearch_data/russian.stop of PostgreSQL 15,
# the Snowball project's list), copied so SQLite drops the same words. Already folded (no ё).
STOP_WORDS: frozenset[str] = frozenset((
    "и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она", "так", "его",
    "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее", "мне", "было", "вот", "от",
    "меня", "еще", "нет", "о", "из", "ему", "теперь", "когда", "даже", "ну", "вдруг", "ли", "если", "уже",
    "или", "ни", "быть", "был", "него", "до", "вас", "нибудь", "опять", "уж", "вам", "ведь", "там", "потом",
    "себя", "ничего", "ей", "может", "они", "тут", "где", "есть", "надо", "ней", "для", "мы", "тебя", "их",
    "чем", "была", "сам", "чтоб", "без", "будто", "чего", "раз", "тоже", "себе", "под", "будет", "ж", "тогда",
    "кто", "этот", "того", "потому", "этого", "какой", "совсем", "ним", "здесь", "этом", "один", "почти",
    "мой", "тем", "чтобы", "нее", "сейчас", "были", "куда", "зачем", "всех", "никогда", "можно", "при",
    "наконец", "два", "об", "другой", "хоть", "после", "над", "больше", "тот", "через", "эти", "нас", "про",
    "всего", "них", "какая", "много", "разве", "три", "эту", "моя", "впрочем", "хорошо", "свою", "этой",
    "перед", "иногда", "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда", "конечно", "всю",
    "между",
))  # fmt: skip

# PyStemmer objects are not thread-safe: one per thread (the server may run threads).
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("russian")
    return stemmer


def _fold_all(text: str) -> str:
    """fold() of a whole text without its space collapsing (words are split on spaces anyway, and the
    regular expression behind the collapsing costs ten times the rest on a long file)."""
    return unicodedata.normalize("NFC", text).casefold().replace("ё", "е")


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (the query needs to know what it dropped)."""
    if not text:
        return []
    return [w for w in WORD.findall(_fold_all(text)) if len(w) <= MAX_WORD]


def stem(word: str) -> str:
    """The stem of one folded word (no stop-word check)."""
    return str(_stemmer().stemWord(word))


def stems(text: str) -> list[str]:
    """The stems of `text` in order, stop words dropped: what the index stores for it."""
    kept = [w for w in words(text) if w not in STOP_WORDS]
    if not kept:
        return []
    # A text repeats its words: stem each distinct word once.
    distinct = list(set(kept))
    by_word = dict(zip(distinct, _stemmer().stemWords(distinct), strict=True))
    return [by_word[w] for w in kept]


def stemmed_text(text: str) -> str:
    """`stems(text)` joined by spaces: the value written to the index (FTS5 column or tsvector)."""
    return " ".join(stems(text))


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, stem) of every word of `text` that is not a stop word, positions in `text` itself.

    The snippet needs positions in the original string, so this folds word by word (fold() may change
    the length of a whole string, e.g. collapsed spaces) rather than the string at once."""
    stemmer = _stemmer()
    for match in WORD.finditer(text):
        word = fold(unicodedata.normalize("NFC", match.group()))
        if len(word) > MAX_WORD or word in STOP_WORDS:
            continue
        yield match.start(), match.end(), str(stemmer.stemWord(word))
