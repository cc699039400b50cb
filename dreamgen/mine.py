"""Mine a user's own text for imagery and propose a grammar overlay: each find goes to the
built-in symbol whose rules it fits, in the form those rules expect."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .corpus import TEXT_SUFFIXES
from .errors import CorpusError
from .settings import (DEFAULT_MAX_MINE_BYTES, DEFAULT_NOVELTY_WORDS, DEFAULT_OVERLAY_WEIGHT,
                       DEFAULT_REACH_DREAMS, DEFAULT_REACH_SAMPLES)
from .text import said_twice, split_sentences

__all__ = [
    "DEFAULT_MAX_MINE_BYTES",
    "DEFAULT_REACH_DREAMS",
    "DEFAULT_REACH_SAMPLES",
    "KINDS",
    "PLACES",
    "Find",
    "Reach",
    "mine_files",
    "mine_text",
    "overlay",
    "reach",
    "to_json",
    "to_sources",
    "to_yaml",
]

# Mined entries stay short enough to sit inside a beat's sentence (a Markov sentence's own
# limit is settings.DEFAULT_MAX_WORDS).
MAX_FIND_WORDS = 9
# An entry is marked rare when a run of DEFAULT_REACH_DREAMS dreams (settings.py) misses it at
# least this often (1 in 50), taking its share of dreams two standard errors below the measured
# one: an entry in 17% of dreams (a 1 in 40 miss) was missing from dreams 0 to 28.
RARE_MISS = 0.02

# What each pattern finds, in the order the output lists them.
KINDS = ("colour", "scent", "sound", "material", "cloud", "simile", "as if")

# symbol -> what its rules say with it. An entry goes in as "+symbol", added to the built-in
# list, in the form the list's own entries have; the output lists symbols in this order.
PLACES = {
    "glows": "the dream's light colour, one word or a compound (silver, rose-gold)",
    "scents": "what the air smells of, with no article (lilacs, wet cedar)",
    "sounds": "a sound of the place that fades into the hush (the murmur of the reeds)",
    "cries": "the witnesses' cry at the impact (a shriek of sorrow)",
    "heartbeats": "the faint beat in the wound (a slow and stumbling pulse)",
    "materials": "what the fallen thing is made of (crystal, porcelain)",
    "skyShapes": "what the clouds are like, plural (sleeping whales)",
    "horizonSimiles": "how the horizon waits (as if morning were waiting for a cue)",
    "footsteps": "how your steps fall as you approach (as if you are treading on whispers)",
    "steadyThings": "what you stand like in the stillness (a standing stone in a flood)",
    "smokeSimiles": "how the arcs of light move (like roiling smoke)",
    "trailSimiles": "how the trail streams behind the fall (like a comet's tail)",
    "warmthPaths": "how warmth climbs your arm (like a vine curling around your shoulders)",
    "pulseSimiles": "what the heartbeat is like (like a clock ticking in another room)",
    "acheSimiles": "how the old grief rises (like a bruise rising)",
    "stillnessSimiles": "how the world goes still (like a held breath)",
    "fadeSimiles": "how the fallen light dims (like a lamp turned low)",
    "mendSimiles": "how the cracks close (like frost retreating from a pane)",
    "hopeSimiles": "how hope hums in you (like a hidden chorus)",
    "easeSimiles": "how your chest loosens (like a knot slipping free)",
    "wakeSimiles": "how you drift toward waking (like a swimmer rising toward light)",
}

# A simile or "as if" clause goes to the list that says what the word just before it says:
# "swirling like roiling smoke" is how light moves, "creeps up your wrist like ink" is warmth.
# Only moving forms count for shapes ("curled on the seat like a fox" is not smoke).
_SIMILE_ROUTES = (
    ("horizonSimiles", r"horizons?|dawn|sunrise|sunset|dusk|glow|sky|skies"),
    ("footsteps", r"(?:foot)?steps?|footfalls?|tread(?:s|ing)?|stride|striding|walk(?:s|ing)?"),
    ("steadyThings", r"stand(?:s|ing)?|stood|upright|steady|rooted|composed|unmoved|firm"),
    ("smokeSimiles", r"(?:swirl|curl|coil|billow|roil|sway|waver|twist|plume|wreathe?)"
                     r"(?:s|es|ing)?|swaying|wreathing"),
    ("trailSimiles", r"(?:trail|stream|shimmer|streak|unspool)(?:s|ing)?|pour(?:s|ing)?"),
    ("warmthPaths", r"(?:climb|creep|crawl|seep|spiral|spread|travel)(?:s|ing|ed)?|"
                    r"winds|winding|crept"),
    ("pulseSimiles", r"puls(?:e|es|ing)|beat(?:s|ing)?|thud(?:s|ding)?|tick(?:s|ing)?|"
                     r"flutter(?:s|ing)?"),
    ("acheSimiles", r"ach(?:e|es|ing)|hurt(?:s|ing)?|sting(?:s|ing)?|throb(?:s|bing)?"),
    ("stillnessSimiles", r"still|stillness|hush(?:ed)?|silent|silence|quiet"),
    ("fadeSimiles", r"fad(?:e|es|ing)|dim(?:s|ming)?|dwindl(?:e|es|ing)|wan(?:e|es|ing)"),
    ("mendSimiles", r"mend(?:s|ing)?|heal(?:s|ing)?|knit(?:s|ting)?|seal(?:s|ing)?|"
                    r"clos(?:e|es|ing)"),
    ("hopeSimiles", r"hum(?:s|ming)?|sing(?:s|ing)?|ring(?:s|ing)?|chim(?:e|es|ing)"),
    ("easeSimiles", r"loosen(?:s|ing)?|eas(?:e|es|ing)|relax(?:es|ing)?|unclench(?:es|ing)?"),
    ("wakeSimiles", r"wak(?:e|es|ing)|awaken(?:s|ing)?|surfac(?:e|es|ing)"),
)
_ROUTES = [(symbol, re.compile(rf"(?:{words})", re.IGNORECASE)) for symbol, words in
           _SIMILE_ROUTES]
# How far back from "like" or "as if" the word that says what it describes may be, not
# counting articles: "the horizon burns a deep crimson, as though ..." is four.
_ROUTE_WORDS = 4

# Colour words that are only ever colours; words that are also a material; and words that are
# a colour only where the text says so ("lemon light", "lemon-yellow", "lemon and gold"), as
# "the smell of lemon" and "lemon trees" are not.
_COLOURS = set("""
azure beige black blue brown carmine cerulean crimson cyan golden green grey gray indigo
magenta maroon mauve ochre pink purple red russet saffron scarlet sepia silvery teal turquoise
umber vermilion white yellow""".split())
_DUAL = {"silver", "gold", "amber", "obsidian", "pearl", "ivory", "jade", "copper", "bronze",
         "opal", "ebony", "slate"}
_AMBIGUOUS = set("""
apricot ash blush charcoal cherry chocolate cobalt coral cream emerald honey lavender lemon
lilac lime mint mustard olive orange peach plum rose ruby rust salmon sand sapphire straw tan
violet wine""".split())
_COLOURISH = _COLOURS | _DUAL | _AMBIGUOUS
# A colour names the light where the next word is one of these, or the word before is one of
# the others ("a pale gold").
_LIGHT_NOUNS = set("""
light lights glow glows gleam glimmer sheen shimmer haze hue hues tint shade shades colour
colours color colors fire flame flames radiance blaze sky skies dusk dawn halo halos sunset
sunrise""".split())
_COLOUR_ADJECTIVES = set("""
pale deep bright dark soft dull burnt muted fiery light rich vivid faded dusky milky brilliant
dazzling glowing""".split())
_MATERIALS = {
    "crystal": "crystal", "crystalline": "crystal", "glass": "glass", "glassy": "glass",
    "porcelain": "porcelain", "moonstone": "moonstone", "marble": "marble", "iron": "iron",
    "brass": "brass", "bone": "bone", "paper": "paper", "silk": "silk", "velvet": "velvet",
    "wax": "wax", "ice": "ice", "quartz": "quartz", "clay": "clay", "stone": "stone",
    "granite": "granite", "tin": "tin", "pewter": "pewter", "enamel": "enamel",
    "mother-of-pearl": "mother-of-pearl", "golden": "gold",
    **{w: w for w in _DUAL},
}

_WORD = r"[\w’'-]+"
# A phrase ends at punctuation or where a new clause begins.
_PHRASE = rf"{_WORD}(?:[ ]{_WORD})*"
_CLAUSE_END = re.compile(r"\s+(?:and|but|or|while|that|which|who|where|when|until|as|so)\s",
                         re.IGNORECASE)
_STOP = {"of", "in", "on", "at", "to", "from", "with", "into", "through", "over", "under",
         "around", "across", "behind", "toward", "towards", "upon", "against", "beneath",
         "above", "near", "by", "for", "that", "which", "who", "and", "but", "or", "is", "are",
         "was", "were", "still", "down", "up", "throughout", "along", "beyond", "past",
         "between", "among", "within", "after", "before", "like", "as", "then", "than",
         "again", "away", "together", "drifts", "drift", "rises", "rise", "goes", "fades",
         "out", "off", "back", "forth"}
_PRONOUNS = {"i", "you", "he", "she", "it", "we", "they", "this", "that", "there", "someone",
             "something", "nothing", "everything", "everyone", "one", "me", "him", "her", "us",
             "them"}
_ADJECTIVES = {"great", "old", "small", "little", "big", "distant", "far", "soft", "low", "faint",
               "deep", "last", "first", "high", "cold", "warm", "wet", "dry", "dark", "bright",
               "pale", "quiet", "lone", "hidden", "stalwart", "sudden", "slow", "thin", "new",
               "long", "wild", "sweet", "tall", "broken", "single", "own", "entire", "whole",
               "hot", "torn", "tired", "wooden", "woollen", "silken", "leaden", "ethereal",
               "celestial", "eternal", "electric", "magic"}
_DETERMINERS = {"a", "an", "the", "some", "my", "your", "his", "her", "its", "their", "our"}
_VERBS = re.compile(r"\b(?:is|are|was|were|has|had|have|be|been|do|does|did|can|could|will|"
                    r"would)\b", re.IGNORECASE)

_SCENT_NOUNS = r"perfume|scent|smell|fragrance|aroma|odou?r|whiff|tang|reek"
# "a hint of pine" is a scent only where the sentence is about the air.
_FAINT_NOUNS = r"hint|trace|touch"
_AIR = re.compile(r"\b(?:air|breeze|wind|breath|drifts?|smells?|scents?|perfumed?|"
                  r"fragran\w*)\b", re.IGNORECASE)
_SCENT = re.compile(rf"\b(?:(?:{_SCENT_NOUNS})s?|(?:smell|reek|taste)(?:s|ed|ing)?(?:\s+\w+ly)?)"
                    rf"\s+of\s+({_PHRASE})", re.IGNORECASE)
_FAINT_SCENT = re.compile(rf"\b(?:{_FAINT_NOUNS})\s+of\s+({_PHRASE})", re.IGNORECASE)
# A sound's head noun says where it goes: a cry of grief, a faint beat, or a sound of the place.
_SOUND_HEADS = {
    "cries": "shriek cry wail howl keening sob gasp moan scream lament groan",
    "heartbeats": "thrum pulse beat heartbeat throb flutter",
    "sounds": "murmur whisper hum humming call creak lap lapping chime ringing toll rustle song "
              "echo roar rumble sigh drone patter crackle hiss chorus clatter tick ticking hush "
              "whistle bell splash drip",
}
_SOUND_SYMBOL = {w: s for s, words in _SOUND_HEADS.items() for w in words.split()}
_SOUND = re.compile(rf"\b((?:a|an|the)\s+(?:{_WORD}\s+)?({'|'.join(_SOUND_SYMBOL)})(e?s)?"
                    rf"\s+of\s+{_PHRASE})", re.IGNORECASE)
_LIKE = re.compile(rf"\blike\s+({_PHRASE})", re.IGNORECASE)
_AS_IF = re.compile(rf"\bas\s+(?:if|though)\s+{_PHRASE}(?:,\s+{_PHRASE})?", re.IGNORECASE)
_PLACE_WORDS = {"in", "on", "at", "adrift", "across", "over", "under", "of", "from"}
_CLOUD = re.compile(r"\bclouds?\b", re.IGNORECASE)
_TOKEN = re.compile(_WORD)
_SENTENCE_END = re.compile(r"[.!?]")
_HEADER = re.compile(r"^[A-Za-z][\w-]*:\s")
# The gap before a word that begins a sentence (a paragraph's first word begins one too).
_OPENS = re.compile(r"[.!?:;\"“‘(]")
_SIMILE_START = re.compile(r"\blike\b|\bas (?:if|though)\b", re.IGNORECASE)

# Plural and singular forms that the -s rules get wrong.
_IRREGULAR = {"man": "men", "woman": "women", "child": "children", "foot": "feet",
              "tooth": "teeth", "goose": "geese", "mouse": "mice", "leaf": "leaves",
              "wolf": "wolves", "knife": "knives", "life": "lives", "half": "halves",
              "shelf": "shelves", "calf": "calves", "loaf": "loaves", "thief": "thieves"}
_SINGULAR = {v: k for k, v in _IRREGULAR.items()}
# Nouns that are their own plural, or that are not counted ("roiling smoke", not "smokes").
_UNCOUNTED = set("""
sheep deer fish moose salmon trout cod smoke foam mist fog steam silk wool cotton milk ink ash
snow water honey lace glass sand dust light rain sea silt kelp moss grass hair fire""".split())


@dataclass(frozen=True)
class Find:
    """One mined entry: what found it, the built-in symbol it adds to ("" when no built-in
    list fits it), its text, and the line it came from."""

    kind: str
    symbol: str
    text: str
    path: str
    line: int


@dataclass(frozen=True)
class Reach:
    """How often one proposed entry showed in sample dreams, and how often its symbol was
    drawn at all."""

    symbol: str
    text: str
    dreams: int  # sample dreams that show the entry
    drawn: int  # sample dreams that draw its symbol
    samples: int
    shared: int  # the proposed entries of this symbol, which share its draws
    overlay_weight: float = DEFAULT_OVERLAY_WEIGHT

    @property
    def share(self):
        """The share of sample dreams that show it."""
        return self.dreams / self.samples if self.samples else 0.0

    @property
    def miss(self):
        """The chance that :data:`DEFAULT_REACH_DREAMS` dreams never show it, at a share two
        standard errors below the measured one."""
        p = self.share
        low = max(0.0, p - 2 * (p * (1 - p) / self.samples) ** 0.5) if self.samples else 0.0
        return (1 - low) ** DEFAULT_REACH_DREAMS

    @property
    def copies(self):
        """Whether it is a run of words no dream may copy from a corpus that holds its text."""
        return len(self.text.split()) >= DEFAULT_NOVELTY_WORDS

    @property
    def rare(self):
        return self.miss >= RARE_MISS or self.copies

    def why(self):
        """Why a rare entry is rare, in one line."""
        if self.copies:
            return (f"never shows while your text is in the corpus: no dream copies "
                    f"{DEFAULT_NOVELTY_WORDS} words in a row of it, and this entry has "
                    f"{len(self.text.split())}")
        overlay_weight = self.overlay_weight
        if not self.drawn:
            return f"never shows: no beat draws {self.symbol!r}"
        if overlay_weight == 0:
            share = "an equal share with every built-in entry"
        else:
            share = ("half" if overlay_weight == 1 else
                     f"{overlay_weight / (1 + overlay_weight):.0%}") + " of those draws"
        who = "it gets" if self.shared == 1 else f"your {self.shared} entries for it share"
        return (f"rare: in {self.dreams} of {self.samples} sample dreams, as the beats draw "
                f"{self.symbol!r} in {self.drawn / self.samples:.0%} of dreams and {who} "
                f"{share} at --overlay-weight {overlay_weight:g}")


# -- forms -----------------------------------------------------------------------------------

def plural(noun):
    """The plural of one English noun, or the noun itself if it is not counted.

    >>> [plural(w) for w in ("dog", "moth", "box", "story", "leaf", "sheep", "lily pads")]
    ['dogs', 'moths', 'boxes', 'stories', 'leaves', 'sheep', 'lily pads']
    """
    low = noun.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low in _UNCOUNTED or low in _SINGULAR or low.endswith("ing"):
        return noun
    if low.endswith("s") and not low.endswith(("ss", "us")):
        return noun  # already plural
    if low.endswith(("s", "ch", "sh", "x", "z")):
        return noun + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def singular(noun):
    """The singular of one English noun in -s, or the noun itself.

    >>> [singular(w) for w in ("murmurs", "whistles", "boxes", "stories", "leaves", "hiss")]
    ['murmur', 'whistle', 'box', 'story', 'leaf', 'hiss']
    """
    low = noun.lower()
    if low in _SINGULAR:
        return _SINGULAR[low]
    if low.endswith("ies") and len(low) > 4:
        return noun[:-3] + "y"
    if low.endswith(("ches", "shes", "xes", "sses", "zes")):
        return noun[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def _proper_nouns(paragraphs):
    """Words the text capitalises where no sentence begins, and never writes in lower case:
    names ("Marrakesh", "Okafor"), which keep their capital; every other word is lowered."""
    capital, lower = set(), set()
    for para, _ in paragraphs:
        end = 0
        for m in _TOKEN.finditer(para):
            word, gap = m.group(0), para[end:m.start()]
            end = m.end()
            if word[0].islower():
                lower.add(word.lower())
            elif word[0].isupper() and m.start() and not _OPENS.search(gap):
                capital.add(word)
    return {w for w in capital if w.lower() not in lower} | {"I"}


def _cased(text, proper):
    """``text`` in lower case but for its proper nouns."""
    return " ".join(w if w in proper else w.lower() for w in text.split())


def _clean(text):
    """Straight apostrophes, as the built-in grammar writes them."""
    return text.replace("\u2019", "'").replace("\u2018", "'").strip(" ,;:")


# -- patterns ----------------------------------------------------------------------------------

def _trim_clause(phrase, max_words=MAX_FIND_WORDS):
    phrase = _CLAUSE_END.split(" " + phrase + " ", maxsplit=1)[0].strip()
    words = phrase.split()
    return " ".join(words) if len(words) <= max_words else None


def _adjective(word):
    low = word.lower()
    return (low in _ADJECTIVES or low.endswith(("'s", "\u2019s")) or low in _COLOURISH
            or "-" in low
            # Not "-al" or "-en": "cathedral", "crystal", "linen" and "garden" are nouns.
            or low.endswith(("ing", "ed", "ful", "less", "ous", "ish", "y")))


def _noun_phrase(words):
    """A noun phrase at the start of ``words``: adjectives, a noun, maybe a second noun.

    Without a part-of-speech tagger this is a guess: "drifting lily pads" and "roiling smoke"
    come out whole, "sorrow" is cut from "sorrow resonates throughout".
    """
    words = list(words)
    while words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    out = []
    for i, w in enumerate(words):
        low = w.lower()
        if low in _STOP:
            break
        if _adjective(w) and i + 1 < len(words) and words[i + 1].lower() not in _STOP:
            out.append(w)
            continue
        out.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        after = words[i + 2].lower() if i + 2 < len(words) else None
        # "lily pads float": a plural after a noun is the noun's head unless a stop follows.
        if (nxt and nxt.lower().endswith("s") and not low.endswith("s")
                and nxt.lower() not in _STOP and (after is None or after not in _STOP)):
            out.append(nxt)
        break
    return out


def _sentence(para, at):
    """``(start, end)`` of the sentence of ``para`` that offset ``at`` is in."""
    start = max((m.end() for m in _SENTENCE_END.finditer(para, 0, at)), default=0)
    m = _SENTENCE_END.search(para, at)
    return start, m.start() if m else len(para)


def _route(para, at):
    """The simile list that the words just before offset ``at`` point to, or "".

    Only the words since the sentence began, or since the simile before this one, count.
    """
    before = para[_sentence(para, at)[0]:at]
    cut = max((m.end() for m in _SIMILE_START.finditer(before)), default=0)
    words = [w for w in _TOKEN.findall(before[cut:]) if w.lower() not in _DETERMINERS]
    for word in words[::-1][:_ROUTE_WORDS]:
        for symbol, pattern in _ROUTES:
            if pattern.fullmatch(word):
                return symbol
    return ""


def _colour_finds(para):
    """``(offset, kind, symbol, text)`` for each colour and material word of ``para``."""
    tokens = list(_TOKEN.finditer(para))
    words = [t.group(0).lower().strip("'") for t in tokens]
    found = []
    for i, word in enumerate(words):
        at = tokens[i].start()
        parts = word.split("-")
        if len(parts) > 1 and all(p in _COLOURISH for p in parts):
            found.append((at, "colour", "glows", word))  # "rose-gold", "lime-green"
            continue
        if len(parts) == 2 and parts[0] in _COLOURISH and \
                parts[1] in ("coloured", "colored", "tinted", "hued"):
            found.append((at, "colour", "glows", parts[0]))
            continue
        one = word if word in _COLOURISH or word in _MATERIALS else singular(word)
        if one in _MATERIALS and one not in _DUAL:
            if one == word:
                found.append((at, "material", "materials", _MATERIALS[one]))
            continue
        if one not in _COLOURISH:
            continue
        use = _colour_use(para, tokens, words, i, one, plural=one != word)
        if use in ("colour", "both"):
            found.append((at, "colour", "glows", one))
        if use in ("material", "both"):
            found.append((at, "material", "materials", _MATERIALS[one]))
    return found


def _joined(para, tokens, words, i, step):
    """The word joined to word ``i`` by a comma, "and" or "or" (``step``: 1 after, -1
    before), or ""."""
    j = i + step
    if not 0 <= j < len(words):
        return ""
    gap = para[tokens[min(i, j)].end():tokens[max(i, j)].start()].strip()
    if words[j] in ("and", "or") and gap in ("", ","):
        j += step
        return words[j] if 0 <= j < len(words) else ""
    return words[j] if gap == "," else ""


def _colour_use(para, tokens, words, i, word, *, plural):
    """Whether ``word`` (word ``i``) is said as a colour, a material, both, or neither (None).

    A colour word is always a colour. "lemon" is one only where the text makes it one: "lemon
    light", "a pale lemon", "lemons, golds and whites"; "silver" is a colour there, and a
    material in "a dome of silver" or "a silver bowl".
    """
    nxt = words[i + 1] if i + 1 < len(words) else ""
    prev = words[i - 1] if i else ""
    listed = any(singular(w) in _COLOURS | _DUAL
                 for w in (_joined(para, tokens, words, i, 1), _joined(para, tokens, words, i, -1)))
    said = nxt in _LIGHT_NOUNS or prev in _COLOUR_ADJECTIVES or listed
    if word in _COLOURS:
        return "colour"
    if word in _AMBIGUOUS:
        return "colour" if said else None  # "lemons" and "roses" are fruit and flowers
    said = said or plural  # "muted silvers"
    if said and prev != "of":
        return "colour"
    followed = i + 1 < len(words) and para[tokens[i].end():tokens[i + 1].start()] == " "
    if prev == "of" or (followed and nxt not in _STOP):
        return "material"
    return "both"


def _paragraphs(text):
    """``(paragraph, [(offset, line number), ...])`` for each paragraph of ``text``, its lines
    joined by spaces; a corpus file's header and ``:: beat`` lines are left out."""
    para, starts, at = [], [], 0
    in_header = True
    for n, line in enumerate(text.splitlines(), 1):
        # A corpus file's "key: value" header and its ":: beat" lines are not imagery.
        in_header = in_header and bool(_HEADER.match(line))
        if in_header or line.startswith("::") or not line.strip():
            if para:
                yield " ".join(para), starts
            para, starts, at = [], [], 0
            continue
        starts.append((at, n))
        para.append(line.strip())
        at += len(para[-1]) + 1
    if para:
        yield " ".join(para), starts


def mine_text(text, *, path="<text>"):
    """Every imagery find in ``text``, in order of appearance, as :class:`Find` values.

    >>> [(f.symbol, f.text) for f in mine_text("Smoke rose, swirling like a slow river.")]
    [('smokeSimiles', 'like a slow river')]
    """
    paragraphs = list(_paragraphs(text))
    proper = _proper_nouns(paragraphs)
    finds = []
    for para, starts in paragraphs:
        found = []

        def add(at, kind, symbol, value):
            if value and not any(c in value for c in "#[]"):
                found.append((at, kind, symbol, _cased(_clean(value), proper)))

        _scents(para, add)
        _sounds(para, add)
        _similes(para, add)
        _as_ifs(para, add)
        for item in _colour_finds(para):
            add(*item)
        for at, kind, symbol, value in sorted(found, key=lambda item: item[0]):
            line = next(n for offset, n in reversed(starts) if offset <= at)
            finds.append(Find(kind, symbol, value, path, line))
    return finds


def _scents(para, add):
    found = [m for m in _SCENT.finditer(para)]
    found += [m for m in _FAINT_SCENT.finditer(para)
              if _AIR.search(para, *_sentence(para, m.start()))]
    for m in sorted(found, key=lambda m: m.start()):
        words = _noun_phrase(m.group(1).split())
        if words and words[0].lower() not in _PRONOUNS:
            add(m.start(), "scent", "scents", " ".join(words[:4]))


def _sounds(para, add):
    for m in _SOUND.finditer(para):
        words = m.group(1).split()
        cut = [w.lower() for w in words].index("of") + 1
        det = words[cut:cut + 1] if words[cut].lower() in _DETERMINERS else []
        tail = _noun_phrase(words[cut:])
        if not tail or tail[0].lower() in _PRONOUNS:
            continue
        # Each list's rules say one sound: "the murmur of the reeds fades".
        head = words[:cut - 1]
        if m.group(3):
            head[-1] = singular(head[-1])
        add(m.start(), "sound", _SOUND_SYMBOL[m.group(2).lower()],
            " ".join(head + ["of"] + det + tail))


def _similes(para, add):
    for m in _LIKE.finditer(para):
        if para[m.end():m.end() + 2].strip().startswith("#"):
            continue  # "like a lone #fallen#": the noun is a cast tag
        words = m.group(1).split()
        if not words or words[0].lower() in _PRONOUNS:
            continue
        if _CLOUD.search(para, *_sentence(para, m.start())):
            add(m.start(), "cloud", "skyShapes", _sky_shape(words))
            continue
        simile = _trim_clause(m.group(1))
        if not simile or _VERBS.search(simile) or simile.split()[0].lower() in _STOP:
            continue  # "like the whole dream is watching" is a clause, not a simile
        route = _route(para, m.start())
        if route != "steadyThings":
            add(m.start(), "simile", route, "like " + simile)
        elif simile.split()[0].lower() in ("a", "an", "the"):
            add(m.start(), "simile", route, simile)  # you stand like "a standing stone"


def _as_ifs(para, add):
    for m in _AS_IF.finditer(para):
        words = m.group(0).split(None, 2)
        clause = _trim_clause(words[2], max_words=MAX_FIND_WORDS + 2)
        if not clause:
            continue
        route = _route(para, m.start())
        # What you stand like is a thing, not a clause.
        add(m.start(), "as if", "" if route == "steadyThings" else route,
            " ".join(words[:2]) + " " + clause)


def _sky_shape(words):
    """What clouds are like, plural, and where, if that is short: "a sleeping dog" gives
    "sleeping dogs", "sheep in a pen" stays, "lily pads float in a sky" gives "lily pads"."""
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    head = _noun_phrase(words)
    if not head or words[0].lower() in _PRONOUNS:
        return None
    shape = [*head[:-1], plural(head[-1])]
    rest = _CLAUSE_END.split(" " + " ".join(words[len(head):]) + " ", maxsplit=1)[0].split()
    if rest and rest[0].lower() in _PLACE_WORDS and len(shape) + len(rest) <= 6:
        shape += rest
    return " ".join(shape)


# -- files -------------------------------------------------------------------------------------

def _files(paths):
    for path in paths:
        p = Path(path)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix in TEXT_SUFFIXES and
                              q.is_file())
        else:
            yield p


def mine_files(paths, *, max_bytes=DEFAULT_MAX_MINE_BYTES):
    """Mine text files (or folders of ``.txt`` and ``.md`` files) and return every :class:`Find`.

    Raises :class:`CorpusError` for a file that is missing, too large or not UTF-8 text.
    """
    finds, total = [], 0
    for p in _files(paths):
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise CorpusError(f"cannot read: {exc.strerror}", path=p) from None
        total += len(data)
        if total > max_bytes:
            raise CorpusError(f"more than {max_bytes:,} bytes of text to mine", path=p)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"not UTF-8 text (bad byte at offset {exc.start})",
                              path=p) from None
        finds.extend(mine_text(text, path=str(p)))
    return finds


# -- the overlay -------------------------------------------------------------------------------

def _grouped(finds):
    """``symbol -> [(text, [Find, ...])]`` in :data:`PLACES` order, each entry once (first
    spelling kept); unplaced finds under ``""``, last."""
    groups = {}
    for f in finds:
        entries = groups.setdefault(f.symbol, {})
        entries.setdefault(f.text.lower(), (f.text, []))[1].append(f)
    order = [*PLACES, ""]
    return {s: list(groups[s].values()) for s in order if s in groups}


def overlay(finds):
    """The proposed overlay as a dict: ``{"+symbol": [entry, ...]}``, unplaced finds left out."""
    return {"+" + s: [text for text, _ in entries] for s, entries in _grouped(finds).items()
            if s}


def reach(finds, *, samples=DEFAULT_REACH_SAMPLES, user_overlays=True,
          overlay_weight=DEFAULT_OVERLAY_WEIGHT):
    """How often each proposed entry shows in ``samples`` dreams of the grammar with the
    overlay layered in at ``overlay_weight``: a :class:`Reach` for each.

    Only the grammar is expanded, not the Markov sentences, which say a mined entry only
    through a cast tag, so the counts are a floor. Each entry is replaced by a token that
    nothing else writes, so an entry counts only where it, not a built-in twin, was drawn.
    """
    from .grammar import Expander
    from .grammar.load import load_grammar
    from .rng import dream_random

    proposed = overlay(finds)
    tokens, marked = {}, {}
    for key, entries in proposed.items():
        marked[key] = []
        for text in entries:
            token = f"dgmined{len(tokens)}x"
            tokens[token] = (key[1:], text)
            marked[key].append(token)
    if not tokens:
        return []
    path = "<mined>.json"
    arc, grammar = load_grammar([path], user_overlays=user_overlays,
                                overlay_weight=overlay_weight,
                                data={path: json.dumps(marked).encode("utf-8")})
    beats = arc.at_length()[0]
    shown, drawn = {t: 0 for t in tokens}, {}
    found = re.compile(r"dgmined\d+x", re.IGNORECASE)
    for seed in range(samples):
        trace = []
        exp = Expander(grammar, dream_random(seed), trace=trace)
        exp.symbol(arc.cast)
        text = " ".join(exp.symbol(b.entry) for b in beats)
        seen = set()
        for sentence in split_sentences(text):
            # A dream redraws a sentence that says a word twice ("a faint heartbeat, as though
            # the crater possesses a laboring heartbeat"), so there the entry shows nothing.
            if said_twice(found.sub(lambda m: tokens[m.group(0).lower()][1], sentence)) is None:
                seen.update(t.lower() for t in found.findall(sentence))
        for token in seen:
            shown[token] += 1
        for symbol in {step[0] for step in trace}:
            drawn[symbol] = drawn.get(symbol, 0) + 1
    return [Reach(symbol, text, shown[t], drawn.get(symbol, 0), samples,
                  len(proposed["+" + symbol]), overlay_weight)
            for t, (symbol, text) in tokens.items()]


def to_yaml(finds, *, command="dreamgen mine", reaches=()):
    """The proposed overlay as YAML, each entry followed by a comment naming its source lines
    (and, given ``reaches`` from :func:`reach`, whether it is rare in dreams); finds that fit
    no built-in list follow as comments."""
    rare = {(r.symbol, r.text): r for r in reaches if r.rare}
    out = [
        f"# Proposed by `{command}`: imagery mined from your text, ready to edit.",
        "# Each key starting with '+' adds to the built-in list of that name, in the form its",
        "# entries have; each entry's comment says where it was found.",
        "# Keep what you like, then: dreamgen check THIS_FILE && dreamgen generate -g THIS_FILE",
    ]
    groups = _grouped(finds)
    if reaches:
        out.append(f"# An entry marked 'rare' may be missing from a run of "
                   f"{DEFAULT_REACH_DREAMS} dreams (tried in {reaches[0].samples} sample "
                   "dreams of the grammar); a higher --overlay-weight, or fewer entries in its "
                   "list, shows it more.")
    if not any(groups):
        out.append("{}")
    for symbol, entries in groups.items():
        if not symbol:
            continue
        out.append(f"# {symbol}: {PLACES[symbol]}")
        out.append(f"{json.dumps('+' + symbol)}:")
        for text, where in entries:
            note = (f"; {rare[symbol, text].why()}" if (symbol, text) in rare
                    else "")
            out.append(f"  - {json.dumps(text, ensure_ascii=False)}  # {_cite(where)}{note}")
    if "" in groups:
        out.append("# Found, but no built-in list takes them as written (a simile whose verb")
        out.append("# says nothing the beats describe): move one under a key above, or use it")
        out.append("# in a rule of your own.")
        for text, where in groups[""]:
            out.append(f"#   - {json.dumps(text, ensure_ascii=False)}  # {_cite(where)}")
    return "\n".join(out) + "\n"


def _cite(where):
    more = f" (+{len(where) - 3} more)" if len(where) > 3 else ""
    return ", ".join(f"{f.path}:{f.line}" for f in where[:3]) + more


def to_json(finds):
    """The proposed overlay as Tracery JSON (JSON has no comments: see :func:`to_sources`)."""
    return json.dumps(overlay(finds), indent=2, ensure_ascii=False) + "\n"


def to_sources(finds):
    """The sidecar for :func:`to_json`: ``{key: {entry: ["path:line", ...]}}``; finds that fit
    no built-in list under ``""``."""
    return json.dumps({("+" + s if s else ""): {text: [f"{f.path}:{f.line}" for f in where]
                                                for text, where in entries}
                       for s, entries in _grouped(finds).items()},
                      indent=2, ensure_ascii=False) + "\n"
