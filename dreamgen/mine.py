"""Mine a user's own text for imagery and propose a grammar overlay of lexicons."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .corpus import TEXT_SUFFIXES
from .errors import CorpusError

__all__ = [
    "CATEGORIES",
    "DEFAULT_MAX_MINE_BYTES",
    "Find",
    "mine_files",
    "mine_text",
    "to_json",
    "to_sources",
    "to_yaml",
]

DEFAULT_MAX_MINE_BYTES = 20_000_000
# Mined entries stay short enough to sit inside a beat's sentence (a Markov sentence's own
# limit is markov.DEFAULT_MAX_WORDS).
MAX_FIND_WORDS = 9

# category -> the overlay key it proposes ("+" adds to the built-in symbol of that name).
CATEGORIES = {
    "colours": "+glows",
    "scents": "+scents",
    "sounds": "+sounds",
    "materials": "+materials",
    "similes": "similes",
    "asIf": "+horizonSimiles",
    "simileNouns": "+skyShapes",
}

_COLOURS = set("""
amber apricot ash azure beige black blue blush bronze brown carmine cerulean charcoal cobalt
copper coral cream crimson cyan ebony emerald gold golden green grey gray indigo ivory jade
lavender lemon lilac magenta maroon mauve obsidian ochre olive opal orange peach pearl pink
plum purple red rose ruby russet saffron sapphire scarlet sepia silver silvery slate tan teal
turquoise umber vermilion violet white yellow rose-gold""".split())
_MATERIALS = {
    "crystal": "crystal", "crystalline": "crystal", "glass": "glass", "glassy": "glass",
    "silver": "silver", "gold": "gold", "golden": "gold", "obsidian": "obsidian",
    "amber": "amber", "porcelain": "porcelain", "pearl": "pearl", "moonstone": "moonstone",
    "marble": "marble", "iron": "iron", "copper": "copper", "bronze": "bronze", "brass": "brass",
    "bone": "bone", "ivory": "ivory", "paper": "paper", "silk": "silk", "velvet": "velvet",
    "wax": "wax", "ice": "ice", "jade": "jade", "quartz": "quartz", "opal": "opal",
    "slate": "slate", "clay": "clay", "stone": "stone", "granite": "granite", "tin": "tin",
    "pewter": "pewter", "enamel": "enamel", "mother-of-pearl": "mother-of-pearl",
}
_SCENT_NOUNS = r"perfume|scent|smell|fragrance|aroma|odou?r|whiff|hint|trace|tang|reek"
_SOUND_NOUNS = (r"murmur|whisper|hum|humming|call|cry|creak|lap|chime|ringing|toll|rustle|"
                r"shriek|song|melody|echo|roar|rumble|sigh|drone|thrum|patter|crackle|hiss|"
                r"chorus|wail|hymn|clatter|tick|ticking|hush|howl|keening|sob|sobs|gasp")
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
         "again", "away", "together"}
_PRONOUNS = {"i", "you", "he", "she", "it", "we", "they", "this", "that", "there", "someone",
             "something", "nothing", "everything", "everyone", "one"}
_ADJECTIVES = {"great", "old", "small", "little", "big", "distant", "far", "soft", "low", "faint",
               "deep", "last", "first", "high", "cold", "warm", "wet", "dry", "dark", "bright",
               "pale", "quiet", "lone", "hidden", "stalwart", "sudden", "slow", "thin", "new",
               "long", "wild", "sweet", "tall", "broken", "single", "own", "entire", "whole"}
_DETERMINERS = {"a", "an", "the", "some", "my", "your", "his", "her", "its", "their", "our"}

_SCENT = re.compile(rf"\b(?:{_SCENT_NOUNS})\s+of\s+({_PHRASE})", re.IGNORECASE)
_SOUND = re.compile(rf"\b((?:a|an|the)\s+(?:{_WORD}\s+)?(?:{_SOUND_NOUNS})\s+of\s+{_PHRASE})",
                    re.IGNORECASE)
_LIKE = re.compile(rf"\blike\s+({_PHRASE})", re.IGNORECASE)
_AS_IF = re.compile(rf"\b(as\s+(?:if|though)\s+{_PHRASE}(?:,\s+{_PHRASE})?)", re.IGNORECASE)
_TOKEN = re.compile(_WORD)
_HEADER = re.compile(r"^[A-Za-z][\w-]*:\s")


@dataclass(frozen=True)
class Find:
    """One mined entry: its category, its text, and the line it came from."""

    category: str
    text: str
    path: str
    line: int


def _trim_clause(phrase, max_words=MAX_FIND_WORDS):
    phrase = _CLAUSE_END.split(" " + phrase + " ", maxsplit=1)[0].strip()
    words = phrase.split()
    return " ".join(words[:max_words]) if len(words) <= max_words else None


def _adjective(word):
    low = word.lower()
    return (low in _ADJECTIVES or low.endswith(("’s", "'s")) or low in _COLOURS or "-" in low
            or low.endswith(("ing", "ed", "en", "ful", "less", "ous", "ish", "al", "ic", "y")))


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


def _scent(m):
    words = _noun_phrase(m.group(1).split())
    return " ".join(words[:4]) if words and words[0].lower() not in _PRONOUNS else None


def mine_text(text, *, path="<text>"):
    """Every imagery find in ``text``, in order of appearance, as :class:`Find` values.

    >>> [f.text for f in mine_text("It smelled of wet moss, like a drowned bell.")
    ...  if f.category == "similes"]
    ['like a drowned bell']
    """
    finds = []

    def add(category, value, line):
        if value and not any(c in value for c in "#[]"):
            finds.append(Find(category, value.strip(" ,;:"), path, line))

    in_header = True
    for n, line in enumerate(text.splitlines(), 1):
        # A corpus file's "key: value" header and its ":: beat" lines are not imagery.
        in_header = in_header and bool(_HEADER.match(line))
        if in_header or line.startswith("::"):
            continue
        for m in _SCENT.finditer(line):
            add("scents", _scent(m), n)
        for m in _SOUND.finditer(line):
            words = m.group(1).split()
            cut = [w.lower() for w in words].index("of") + 1
            det = words[cut:cut + 1] if words[cut].lower() in _DETERMINERS else []
            tail = _noun_phrase(words[cut:])
            if tail and tail[0].lower() not in _PRONOUNS:
                add("sounds", " ".join(words[:cut] + det + tail), n)
        for m in _LIKE.finditer(line):
            if line[m.end():m.end() + 2].strip().startswith("#"):
                continue  # "like a lone #fallen#": the noun is a cast tag
            words = m.group(1).split()
            if not words or words[0].lower() in _PRONOUNS:
                continue
            simile = _trim_clause(m.group(1))
            if simile and not re.search(r"\b(?:is|are|was|were|has|had)\b", simile):
                add("similes", "like " + simile, n)
            noun = _noun_phrase(words)
            if noun:
                add("simileNouns", " ".join(noun), n)
        for m in _AS_IF.finditer(line):
            opener, rest = m.group(1).split(None, 2)[:2], m.group(1).split(None, 2)[2:]
            clause = _trim_clause(rest[0], max_words=MAX_FIND_WORDS + 2) if rest else None
            if clause:
                add("asIf", " ".join(opener) + " " + clause, n)
        for m in _TOKEN.finditer(line):
            word = m.group(0).lower().strip("’'")
            parts = word.split("-")
            if word in _COLOURS or (len(parts) > 1 and all(p in _COLOURS for p in parts)):
                add("colours", word, n)
            if word in _MATERIALS:
                add("materials", _MATERIALS[word], n)
    return finds


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


def _grouped(finds):
    """``overlay key -> [(text, [Find, ...])]``, each entry once (first spelling kept)."""
    groups = {}
    for f in finds:
        entries = groups.setdefault(CATEGORIES[f.category], {})
        entries.setdefault(f.text.lower(), (f.text, []))[1].append(f)
    return {key: list(entries.values()) for key, entries in groups.items()
            if key in CATEGORIES.values()}


def _ordered(finds):
    groups = _grouped(finds)
    return [(key, groups[key]) for key in CATEGORIES.values() if key in groups]


def to_yaml(finds, *, command="dreamgen mine"):
    """The proposed overlay as YAML, each entry followed by a comment naming its source lines."""
    out = [
        f"# Proposed by `{command}`: imagery mined from your text, ready to edit.",
        "# Each entry's comment says where it was found. Keys starting with '+' add to the",
        "# built-in symbol of that name; 'similes' is new: use #similes# in a rule of your own.",
        "# Keep what you like, then: dreamgen check THIS_FILE && dreamgen generate -g THIS_FILE",
    ]
    for key, entries in _ordered(finds):
        out.append(f"{json.dumps(key)}:")
        for text, where in entries:
            cite = ", ".join(f"{f.path}:{f.line}" for f in where[:3])
            more = f" (+{len(where) - 3} more)" if len(where) > 3 else ""
            out.append(f"  - {json.dumps(text, ensure_ascii=False)}  # {cite}{more}")
    return "\n".join(out) + "\n"


def to_json(finds):
    """The proposed overlay as Tracery JSON (JSON has no comments: see :func:`to_sources`)."""
    return json.dumps({key: [text for text, _ in entries] for key, entries in _ordered(finds)},
                      indent=2, ensure_ascii=False) + "\n"


def to_sources(finds):
    """The sidecar for :func:`to_json`: ``{key: {entry: ["path:line", ...]}}``."""
    return json.dumps({key: {text: [f"{f.path}:{f.line}" for f in where]
                             for text, where in entries}
                       for key, entries in _ordered(finds)}, indent=2, ensure_ascii=False) + "\n"
