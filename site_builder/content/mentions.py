"""The names a text mentions, for articles that list no entities (an imported archive).

Proper-noun phrases: runs of capitalised words ('Bill de Blasio', 'Strait of Hormuz'), joined
by a few lowercase particles. A word that only starts a sentence or a quotation is a name only
when it is rare in the language (`wordfreq`'s word frequencies, which ship with the package): so
'The', 'After' and 'Bill' opening a sentence are not names, 'Moderna' is. A phrase of one common
word ('Senate' aside) is not a name either. Nothing is downloaded; languages wordfreq does not
know fall back to English frequencies.
"""
from __future__ import annotations

import re
from functools import lru_cache

MAX_NAMES = 12          # names kept per article, most mentioned first
COMMON_WORD = 5.3       # a single word more frequent than this (Zipf scale) is not a name by itself
OPENING_WORD = 3.5      # ... and one that opens a sentence must be rarer than this to be a name
OPENERS = frozenset("""the a an after in on at for with when as but during last while under since before and or if by
from to this that these those his her their its our my we he she they it i yesterday today meanwhile however also
then now there here what why how where who which whose once so because although though until unless whether ahead
amid despite following without within across against among around over through toward towards upon via like unlike
near beyond behind inside outside into per not no did does do is are was were will would can could should has have
had every all some many most both each another such only even just""".split())
# a phrase opened by one of these ('After Joe Biden', 'Did Ma'Khia Bryant', 'No Republicans') is without it
PARTICLES = frozenset({"of", "de", "del", "da", "di", "van", "von", "der", "bin", "al", "la", "le", "du", "the"})
CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec mon tue
wed thu fri sat sun""".split())   # capitalised, but not names
TITLE_WORDS = frozenset(
    "president prime minister foreign defence defense interior deputy chief secretary state ambassador "
    "supreme leader ayatollah field marshal air admiral staff army naval general commander spokesperson "
    "spokesman spokeswoman mr mrs ms dr sir senator governor mayor king queen prince former un us eu of the "
    "speaker sen rep gov judge justice director chairman chairwoman chair pope professor prof rev lt sgt "
    "iranian russian israeli american pakistani european french german british chinese ukrainian".split())
# words of a title before a name ('Foreign Minister Abbas Araqchi', 'Speaker Nancy Pelosi'): the name is without them
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish)$", re.I)   # 'Russian', 'Chinese': a people's adjective, not a name
_POSSESSIVE = re.compile(r"[’']s$")
_WORD = re.compile(r"[^\W\d_][\w’'.\-]*", re.U)
_DIGIT = re.compile(r"\d")
# between two words: a sentence's or a clause's end, or a quotation's opening or close ('Biden: 'We …'')
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»()\[\]—–‘'’…]")


@lru_cache(maxsize=65536)
def _frequency(word: str, language: str) -> float:
    # imported when first needed: a tenth of a second, and most builds parse no article without names
    from wordfreq import zipf_frequency
    try:
        return zipf_frequency(word, language)
    except (LookupError, ValueError):
        return zipf_frequency(word, "en")


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper() or (word.isupper() and 1 < len(word) <= 5)


def article_names(title: str, body: str, language: str = "en") -> tuple[str, ...]:
    """The names an article's body mentions, and its title's unless the title capitalises most
    of its words (a headline in title case says nothing of what is a name)."""
    words = title.split()
    capitals = sum(1 for w in words if w[:1].isupper())
    return mentioned_names((title + "\n" if capitals <= 0.6 * len(words) else "") + body, language)


def mentioned_names(text: str, language: str = "en") -> tuple[str, ...]:
    """The proper-noun phrases `text` mentions, most mentioned first (then in order of mention)."""
    counts: dict[str, int] = {}
    for paragraph in text.split("\n"):
        for phrase, opening in _phrases(paragraph):
            words = phrase.split()
            if len(words) > 1 and words[0].casefold() in OPENERS:
                words, opening = words[1:], False      # 'After Joe Biden' opening a sentence: 'Joe Biden'
            while words and words[0].casefold() in PARTICLES:
                words = words[1:]
            while len(words) > 1 and words[-1].casefold().strip(".") in CALENDAR:
                words = words[:-1]                     # 'told CNN Friday': 'CNN'
            while len(words) > 1 and words[0].casefold().strip(".") in CALENDAR:
                words = words[1:]
            titled = len(words)
            while len(words) > 1 and words[0].casefold().strip(".") in TITLE_WORDS:
                words = words[1:]
            if len(words) < titled and len(words) == 1 and _frequency(words[0].casefold(), language) > COMMON_WORD:
                continue
            if not words or (len(words) == 1 and (words[0].casefold() in CALENDAR or _DEMONYM.search(words[0]))):
                continue
            if len(words) == 1:
                limit = OPENING_WORD if opening else COMMON_WORD
                if _frequency(words[0].strip(".'’").casefold(), language) > limit:
                    continue
            name = " ".join(words).strip(".'’-")
            if len(name) > 1:
                counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda n: -counts[n])
    return tuple(ranked[:MAX_NAMES])


def _phrases(text: str) -> list[tuple[str, bool]]:
    """Runs of capitalised words, and whether each opens a sentence."""
    found: list[tuple[str, bool]] = []
    run: list[str] = []
    pending: list[str] = []      # particles after a capitalised word, kept if another follows
    opening = start_of_run = True
    position = 0

    def flush() -> None:
        if run:
            found.append((" ".join(run), start_of_run))
        run.clear()
        pending.clear()

    for match in _WORD.finditer(text):
        token = match.group(0)
        trail = len(token) - len(token.rstrip("."))
        if trail > 1:                                  # an ellipsis: 'Mr. Biden’s...'
            token = token[:-trail] + "."
        word = token.rstrip("'’-") or token
        if word.endswith(".") and "." not in word[:-1]:
            word = word[:-1] or token
        possessive = bool(_POSSESSIVE.search(word))
        word = _POSSESSIVE.sub("", word) or word
        between = text[position: match.start()]
        position = match.end()
        if _SENTENCE_END.search(between) or "," in between or _DIGIT.search(between):
            flush()                                    # a number too: 'the No. 3 Republican'
        if _SENTENCE_END.search(between):
            opening = True
        if _capitalised(word):
            if not run:
                start_of_run = opening
            run.extend(pending + [word])
            pending.clear()
            if possessive:                             # 'CNN’s Deirdre Walsh': two names
                flush()
        elif run and word.casefold() in PARTICLES:
            pending.append(word)
        else:
            flush()
        # a full stop ends the sentence, unless it ends an abbreviation ('U.S.', 'Mr.', 'Jan.'); an
        # acronym's does ('… told CNN. No arrests')
        opening = (token[-1:] in ".!?" and "." not in token[:-1]
                   and (len(word) > 3 or (len(word) > 1 and word.isupper())))
        if opening:
            flush()
    flush()
    return found
