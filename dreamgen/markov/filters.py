"""The checks a Markov candidate must pass, as one list: a new filter is one function.

Each filter takes a :class:`Candidate` and returns True when the sentence may stay. They run
in order, cheapest first, and ``dreamgen stats`` counts how often each one rejects.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from ..settings import (DEFAULT_BEAT_MARGIN, DEFAULT_ECHO_WORDS,
                        DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS)
from ..text import FIRST_PERSON, FUNCTION_WORDS, THEY, said_twice, says_series, series
from .build import ADVERBS as _ADVERBS, DETERMINERS, named_at
from .novelty import normalise

__all__ = ["DEFAULT_BEAT_MARGIN", "DEFAULT_ECHO_WORDS", "DEFAULT_MAX_WORDS",
           "DEFAULT_MIN_WORDS",
           "FILTERS", "DREAM_FILTERS", "POOL_FILTERS", "TEXT_FILTERS", "Candidate", "first_failure", "phrases"]

_WELL_ENDED = re.compile(r"[^\W_#][.!?]$|#[.!?]$")
_INNER_END = re.compile(r"[.!?] +[A-Z#]")
_OPEN_CLOSE = (("(", ")"), ("[", "]"), ("\u201c", "\u201d"))
_CLAUSE_BREAKS = frozenset({"and", "but", "yet"})
# After these a word is a noun ("the edge", "of light"), whatever else the corpus uses it as.
_NOT_BEFORE_VERB = frozenset({"the", "a", "an", "your", "its", "their", "his", "her", "my",
                              "this", "that", "these", "those", "every", "each", "of", "no"})
_NOT_A_VERB = frozenset({
    "in", "on", "of", "with", "at", "from", "to", "into", "onto", "like", "as", "by", "under",
    "over", "beyond", "around", "across", "through", "toward", "towards", "along", "above",
    "below", "beneath", "behind", "between", "among", "near", "against", "upon", "and", "or",
    "but", "yet", "so", "its", "his", "is", "was", "this", "us", "thus", "always", "perhaps"})
_ING_NOUNS = frozenset({"something", "nothing", "everything", "anything", "evening", "morning",
                        "king", "ring", "spring", "string", "wing", "thing", "ceiling"})
_IS = frozenset({"is", "are", "was", "were"})
_PERCEIVE = frozenset({"see", "sense", "feel", "find", "notice", "hear", "glimpse", "spot"})
_LOOK = frozenset({"look", "looks", "looking", "up", "gaze", "gazes", "gazing", "stare", "stares",
                   "staring", "peer", "peers", "squint", "squints", "squinting"})
_RELATIVE = frozenset({"that", "which", "who", "where", "as", "while", "when", "and", "but",
                       "until", "before", "after", "because", "if"})
_SHE = frozenset({"woman", "girl", "mother", "grandmother", "sister", "aunt", "she", "wife",
                  "daughter", "nun", "widow", "bride"})
_HE = frozenset({"man", "boy", "father", "grandfather", "brother", "uncle", "he", "husband",
                 "son", "monk", "widower", "groom"})
_HIS_WORDS = frozenset({"his", "him", "himself", "he"})
_HER_WORDS = frozenset({"her", "hers", "herself", "she"})
_LOOSE = frozenset({"They", "Their", "Them", "He", "His", "Him", "She", "Her", "Another"})


@dataclass
class Candidate:
    """A walk's words, with what the filters need to judge them."""

    words: list  # the tokens as the chain gave them (cast tags unexpanded)
    ids: list  # their token ids
    beat: str
    models: object  # the Models that walked them
    forbidden: frozenset = frozenset()  # words the arc keeps for other beats (normal form)
    min_words: int = DEFAULT_MIN_WORDS
    max_words: int = DEFAULT_MAX_WORDS
    said: set = None  # phrases() of the dream so far
    rng: object = None  # the dream's random source, for the one filter that draws
    spent: frozenset = frozenset()  # words of once-only motifs the dream has already said
    expanded: str = None  # the text once its cast tags are filled in
    foreign: frozenset = frozenset()  # cast nouns of other dreams (lower case)
    shown: set = None  # the words (normal form) the dream and its cast have said so far
    people: bool = None  # whether its beat or the one before named the witnesses (None: not known)
    untold: frozenset = frozenset()  # words of "told" motifs the dream has not said yet
    beat_said: frozenset = frozenset()  # words its beat has said, less the cast's
    described: frozenset = frozenset()  # cast tags ("#garments#") its beat has described

    @property
    def text(self):
        return " ".join(self.words)

    @cached_property
    def forms(self):
        """The words in normal form, made once for every filter that compares them."""
        return [normalise(w) for w in self.words]


def length(c):
    """Between ``min_words`` and ``max_words`` words."""
    return c.min_words <= len(c.words) <= c.max_words


def whole_sentence(c):
    """Opens with a capital, ends with . ! or ?, and holds no second sentence."""
    first = c.words[0]
    opens = first[:1].isupper() or (first.startswith("#") and ".capitalize" in first)
    text = c.text
    return (opens and _WELL_ENDED.search(text) is not None
            and _INNER_END.search(text) is None
            and all(text.count(a) == text.count(b) for a, b in _OPEN_CLOSE))


def no_first_person(c):
    """Never says I, me, we or our: the dream speaks to you (its beat's grammar says so)."""
    return FIRST_PERSON.search(c.text) is None


def has_a_verb(c):
    """Says something: a word the corpus uses as a verb ("From the heart of the wreck." has
    none)."""
    return c.models is None or c.models.has_verb(c.ids)


def every_clause_has_a_verb(c):
    """Each clause says something: a verb where a verb can stand, not after "the" or "of"
    ("At the edge of a knife." has none; nor has "the sound of rain" in "The dream fades,
    and the sound of rain on your roof."; nor "Past the end of each curving row."). Without
    a tagger it lets some through: "grey coats" reads as a verb in -s."""
    if c.models is None:
        return True
    norm, verbs = c.models.norm, c.models.verbs
    found = False
    for i, (w, t) in enumerate(zip(c.words, c.ids)):
        if i and w.lower() in _CLAUSE_BREAKS and c.words[i - 1].endswith(","):
            if not found:
                return False
            found = False
        elif i == 0 or (c.words[i - 1].lower() not in _NOT_BEFORE_VERB
                        and not _modifies(c.words, i)):
            # The corpus's verbs miss many ("tingles"); a word in -s after no determiner is
            # one too (not -ed: in these present-tense dreams that is "dressed in grey").
            # So is the word after a plural ("your hands shake", "#flowers# pierce").
            bare = w.rstrip(".,;:!?").lower()
            prev = c.words[i - 1] if i else ""
            # "still" follows "you" as a verb does ("you still feel"), but says nothing alone:
            # "The dream fades, and the sound of wind still in your mouth."
            found = found or bare not in _ADVERBS and norm[t] in verbs or bare.isalpha() and (
                len(bare) > 3 and bare.endswith("s") and not bare.endswith(("ss", "us", "is"))
                and bare not in FUNCTION_WORDS
                or bare not in _NOT_A_VERB and not bare.endswith(("ed", "ing"))
                and prev[-1:] in ("s", "#")
                and prev.lower() not in _NOT_A_VERB)
    # "What stays with you into the day." is the subject of a sentence never finished.
    return found and (c.words[0] != "What" or any(w in _IS for w in c.words))


def _modifies(words, i):
    """The sentence ends on an -ing word and the word it describes ("each curving row."),
    not on a noun and its verb ("the keening ebbs", "something guides you" go on)."""
    before = words[i - 1].lower()
    return i == len(words) - 1 and before.endswith("ing") and before not in _ING_NOUNS


# Verbs the corpus's verb count misses (it learns verbs in -s after a subject): "You feel a
# faint slow pulse goes on" (read in seed 41002).
_ALWAYS_VERBS = frozenset({"goes", "does", "has", "is", "was"})


def one_verb_after_you_see(c):
    """What you see, hear or feel, or what anyone looks at, takes no second verb in -s
    ("Inside you see a faint slow pulse still throbs", "The villagers look up at one point of
    light shines alone"): two sentences joined where the first wanted an object."""
    words = c.forms
    verbs, norm = (c.models.verbs, c.models.norm) if c.models is not None else ((), ())
    for i in range(1, len(words) - 2):
        if (words[i - 1] == "you" and words[i] in _PERCEIVE
                or words[i] == "at" and words[i - 1] in _LOOK):
            for j in range(i + 2, len(words)):
                w = c.words[j - 1]
                if w.endswith((",", ";")) or words[j - 1] in _RELATIVE:
                    break
                # A word in -s is a verb when the corpus uses it as one or an adverb stands
                # before it ("still stirs"); "both hands", "long ribbons" are not.
                if words[j] in _ALWAYS_VERBS or words[j].endswith("s") and (
                        not words[j].endswith("ss")) and (
                        words[j - 1] not in _NOT_BEFORE_VERB) and (
                        norm and norm[c.ids[j]] in verbs or words[j - 1] in _ADVERBS
                        or words[j - 1].endswith("ly")):
                    return False
    return True


def verbs_agree(c):
    """A verb joined by "and" (or ", then") to one in -s takes -s too ("A plea rises from the
    wreck and drift like smoke", "The light bends toward you as you pass, then let go" join
    two vignettes' subjects)."""
    if c.models is None:
        return True
    norm, verbs, known = c.models.norm, c.models.verbs, c.models.novelty.form_id
    said_s = False
    for i, (w, t) in enumerate(zip(c.words, c.ids)):
        lw = w.lower()
        then = False
        # "bends" is a verb too when the corpus has "bend" as one, though never "bends"; a noun
        # the corpus has ("Small steps echo") is not.
        if lw.endswith("s") and not lw.endswith("ss") and (
                norm[t] in verbs or known(normalise(w)[:-1]) in verbs
                and normalise(w) not in c.models.nouns) and (
                i and c.words[i - 1].lower() not in _NOT_BEFORE_VERB):
            said_s = True
        elif lw == "to":  # "seems to lean in and wait"
            said_s = False
        elif said_s and i and w[-1].isalpha() and (
                c.words[i - 1].lower() == "and" or (then := (
                    c.words[i - 1].lower() == "then" and c.words[i - 2].endswith(",")))):
            # (a word that ends the sentence or a clause is an adjective: "clear and warm.")
            # A word whose -s form the corpus has is a verb here too ("and curl like smoke":
            # "curls" is in the corpus), unless a comma opened a clause of its own.
            bare = normalise(w)
            if not bare.endswith("s") and (known(bare + "s") in verbs
                                           or known(bare + "es") in verbs
                                           or known(bare + "s") >= 0 and (
                                               then or not c.words[i - 2].endswith(","))
                                           or then and known(bare) in verbs):
                return False
    return True


_KEPT_FROM = re.compile(r"\b(?:your|their|its|his|her|the) [a-z]+ from [a-z]+ing\b")
_KEEP = frozenset({"keep", "keeps", "kept", "keeping", "stop", "stops", "stopped", "save",
                   "saves", "saved", "hold", "holds", "held", "spare", "spares", "guard",
                   "guards", "shield", "shields", "protect", "protects", "stay", "stays"})


def kept_from(c):
    """Says "your heart from breaking" only after a verb that takes it ("keeps"): a join
    writes "A quiet steadiness fills your heart from shaking"."""
    text = c.text.lower()
    return _KEPT_FROM.search(text) is None or not _KEEP.isdisjoint(c.forms)


_CONTRASTS = (("yet",), ("but",), ("and", "yet"), ("even", "so"), ("still,",))


def no_contrast_with_nothing(c):
    """Does not open on "Yet" or "But": set among a beat's sentences at random, it follows
    nothing it could contrast with ("Yet you stay still and calm on the step")."""
    first = [w.lower() for w in c.words[:2]]
    return not any(first[:len(w)] == list(w) for w in _CONTRASTS)


# What a thing of any shape has: "Its #material# pillar is split" after "a broken lantern of
# mother-of-pearl" names a part of some other vignette's fallen thing.
_ANY_SHAPE = frozenset({"skin", "face", "surface", "form", "shell", "body", "side", "edge",
                        "edges", "heart", "crust", "rim", "lining", "glow", "light"})


def material_names_no_part(c):
    """Says of the fallen thing's material only what a thing of any shape has ("Its
    #material# skin", not "Its #material# pillar")."""
    words = c.words
    return all(w != "#material#" or normalise(words[i + 1]) in _ANY_SHAPE
               for i, w in enumerate(words[:-1]))


_SMELLING = frozenset({"smell", "smells", "smelling", "smelled", "scent", "scents", "scented",
                       "fragrance", "fragrant", "odour", "odours", "perfume", "perfumed", "reek",
                       "reeks", "whiff", "aroma", "breathe", "breathes", "breath", "breathing",
                       "inhale", "nose", "nostrils", "tang", "air", "taste", "tastes"})


def smells_its_scent(c):
    """Says the dream's scent only as something smelled: "the sky is full of #scent#" (a
    vignette's kites, with its scent put in their place) fills a sky with boiled coffee."""
    return not any(w.startswith("#scent#") for w in c.words) or any(
        f in _SMELLING for f in c.forms)


def shares_what_is_shared(c):
    """Does not share a thing with the others that then matches "yours": "You share a quiet
    hope that matches your own" says the hope twice."""
    forms = c.forms
    return "share" not in forms or not ("yours" in forms or "own" in forms)


def no_word_twice(c):
    """Says no word twice that the corpus rarely says twice in a sentence ("Still a faint slow
    pulse still gleams", "Behind you, the glassblowers hold their breath behind you"): a join
    of two vignettes' sentences that each had it. "Let it mend, you think, let ..." stays."""
    if c.models is None:
        return True
    repeatable, seen = c.models.repeatable, set()
    for f in c.forms:
        if f in seen and f not in repeatable:
            return False
        seen.add(f)
    return True


def they_are_named(c):
    """Says "they", "them" or "theirs" only while its beat or the one before has named who they
    are ("You lift your eyes along with theirs" before anyone is there to look)."""
    return c.people is None or c.people or not any(f in THEY for f in c.forms)


_WHERE = frozenset({"where", "which", "who", "whose"})
# The words a sentence that opens on a place begins with ("Past the gutter, where ...").
_OPENING_PLACES = frozenset({"past", "beyond", "beside", "behind", "below", "beneath", "above",
                             "across", "along", "among", "around", "at", "by", "in", "inside",
                             "near", "on", "over", "through", "under", "within"})
_AFTER_A_PARTICIPLE = frozenset({"together", "away", "forward", "forwards", "round", "apart",
                                 "close", "closer", "alone", "aside"})
_LEAD_INS = frozenset({"then", "and", "but", "yet", "still", "now", "so", "slowly",
                       "suddenly", "soon", "again"})
# Words in -ing that are no participle.
_ING_WORDS = frozenset({"something", "nothing", "everything", "anything", "morning",
                        "evening", "ceiling", "spring", "string", "thing", "during"})
_SUBORDINATORS = frozenset({"when", "while", "if", "because", "until", "although", "though",
                            "once", "as", "before", "after", "since", "whenever"})


def has_a_main_clause(c):
    """Is more than a place and what is there ("Past the rain-slick gutter, where typesetters
    stand in a row.") or than a clause that waits for one ("When they stand at your side and
    leans against you."; "When you turn, and they draw close."): the corpus opens on "When"
    or "As" only before a comma and the sentence's own clause. Nor an opening participle
    with its object or adverb and no comma after it ("Calming it as you would a sleeping
    baby.", "Standing together among the flowers and say nothing."); "Weeping drifts across
    the water" and "Weeping bystanders reach out" name what acts."""
    words = c.words
    if len(words) > 2 and words[0].endswith(",") and words[0][:-1].lower() in _LEAD_INS:
        words = words[1:]  # "Then, as if a child were spinning it." waits as "As if" does
    first = words[0].lower()
    if (first.endswith("ing") and len(first) > 4 and first not in _ING_WORDS
            and len(words) > 2 and not any(w.endswith(",") for w in words[:-1])):
        second = normalise(words[1])
        if second in FUNCTION_WORDS or second.endswith("ly") or second in _AFTER_A_PARTICIPLE:
            return False
    if first in _SUBORDINATORS:
        for i, w in enumerate(words[:-1]):
            if w.endswith(","):
                return words[i + 1].lower() not in _CLAUSE_BREAKS
        return False
    if first not in _OPENING_PLACES:
        return True
    for i in range(1, len(words) - 1):
        if words[i - 1].endswith(",") and words[i].lower() in _WHERE:
            return any(w.endswith((",", ";")) for w in words[i:-1])
    return True


def one_gender(c):
    """A woman does not shake "his" head: a join between two vignettes' people."""
    lowered = set(c.forms)
    return not (lowered & _SHE and lowered & _HIS_WORDS or lowered & _HE and lowered & _HER_WORDS)


def no_repeated_phrase(c):
    """Says no three words twice ("your eyes sting and your eyes sting")."""
    lowered = [w.lower() for w in c.words]
    trigrams = list(zip(lowered, lowered[1:], lowered[2:]))
    return len(set(trigrams)) == len(trigrams)


def no_loose_pronoun(c):
    """Does not open on "They", "He", "She" or "Another": out of its vignette, nobody knows
    who ("Another sits on the edge of the pond" with no "One" before it)."""
    return c.words[0] not in _LOOSE


def once_said(c):
    """Says nothing the dream may say only once and has said already (a second landing)."""
    spent = c.spent
    return not spent or not any(f in spent for f in c.forms)


def in_arc_order(c):
    """Says nothing the arc keeps for another part of the dream (mending before the touch)."""
    forbidden = c.forbidden
    return not any(f in forbidden for f in c.forms)


def told_first(c):
    """Says nothing the dream must say first ("the tiny white flowers" where none bloomed)."""
    untold = c.untold
    return not untold or not any(f in untold for f in c.forms)


def names_something_new(c):
    """Names no thing another Markov sentence of its beat has named: "In every face you see a
    calm, bright hope" after "Together you share a quiet hope" says the same thing twice."""
    said = c.beat_said
    if not said:
        return True
    forms = c.forms
    named = [forms[i] for i in _heads(c)]
    if forms[0] in _KIN:  # a bare subject: "Warmth travels up your arm"
        named.append(forms[0])
    return not any(f in said or _KIN.get(f) in said for f in named)


# Two words for one thing a beat says once: "Heat rises into your wrist" after "warmth climbs
# your arm" says the touch's warmth twice.
_KIN = {"heat": "warmth", "warmth": "heat"}


def _heads(c):
    """The positions of the nouns its determiners' phrases end on, past adjectives and
    commas: "hope" of "a calm, bright hope", "stones" of "the cold stones"."""
    forms, nouns, words = c.forms, c.models.nouns, c.words
    at = []
    for i, f in enumerate(forms[:-1]):
        if f not in DETERMINERS:
            continue
        for j in range(i + 1, min(i + 4, len(forms))):
            if "#" in words[j] or forms[j] in FUNCTION_WORDS:
                break  # a cast tag names the thing itself; "you" or "from" ends the phrase
            if forms[j] not in nouns:
                continue
            if j + 1 == len(forms) or forms[j + 1] not in nouns or forms[j + 1] in FUNCTION_WORDS:
                at.append(j)
                break
            # "calm, bright hope.": a comma between adjectives, the noun two words on.
            if not words[j][-1:].isalpha() and not (
                    j + 2 < len(forms) and forms[j + 2] in nouns and (
                        j + 3 == len(forms) or not words[j + 2][-1:].isalpha())):
                at.append(j)
                break
    return at


def describes_nothing_again(c):
    """Describes no one of the cast its beat has described: "rice farmers in #garments# stand
    beside the press" after the omen's "rice farmers in donkey jackets and oil-dark caps"."""
    described = c.described
    return not described or not any(w.strip(".,;:!?") in described for w in c.words)


def counts_on_what_is_said(c):
    """Compares with "the last" only of what its beat has said: "Each beat is fainter than the
    last" needs a heartbeat, not the basin of tin the wound beat showed."""
    noun = series(c.text)
    return noun is None or bool(says_series(c.beat_said, noun))


def told_first_once_cast(c):
    """Still says nothing the dream must say first once the cast is filled in (a scent of
    "plum blossom" before anything has bloomed)."""
    untold = c.untold
    return not untold or not any(normalise(w) in untold for w in c.expanded.split())


def in_its_beat(c):
    """The beat classifier finds no other beat far likelier for these words."""
    return c.models.beat_margin(c.ids, c.beat) <= DEFAULT_BEAT_MARGIN


def not_your_own_sentence(c):
    """Is not a whole sentence of the user's own corpus text: a short one fits under the
    novelty run, and its author would know it word for word."""
    return not c.models.own_sentences or not c.models.is_own_sentence(c.ids)


def novel(c):
    """Shares no run of ``novelty_words`` words with the corpus."""
    return c.models.novelty.is_novel_ids(c.models.norm_ids(c.ids))


def novel_once_cast(c):
    """Still shares no run with the corpus once the dream's cast is filled in."""
    return c.models.novelty.is_novel(c.expanded.split())


def phrases(text, n=DEFAULT_ECHO_WORDS):
    """The runs of ``n`` words of ``text``, in normal form."""
    norm = [normalise(w) for w in text.split()]
    return {tuple(norm[i:i + n]) for i in range(len(norm) - n + 1)}


def names_only_its_own_cast(c):
    """Names no one, no flower and no water of another dream's cast ("the beekeepers"
    among the net-menders)."""
    return not c.foreign or not any(normalise(w) in c.foreign for w in c.expanded.split())


def names_only_what_is_shown(c):
    """Names no thing only some scenes have ("the pond", "the whole moraine", "the broken
    pillars", "the smell of eucalyptus", "the wreckage" before the fall) until the dream has:
    a word few vignettes name, right after a determiner or as the noun its phrase ends on."""
    if c.shown is None:
        return True
    local, shown, forms = c.models.local, c.shown, c.forms
    return not any(forms[i] in local and forms[i] not in shown for i in _named(c))


_NAMING = DETERMINERS | {"of"}


def _named(c):
    """The positions of the words a sentence names things by: after a determiner (see
    build.named_at), and the noun a phrase opened by a determiner or "of" ends on, past its
    adjectives ("the warm grit", "its small smooth back"), where the corpus names it so, and
    the adjectives on the way."""
    forms, words = c.forms, c.words
    norm, verbs, nouns = c.models.norm, c.models.verbs, c.models.nouns
    ids = c.ids
    at = named_at(forms)
    for i, f in enumerate(forms[:-1]):
        if f in _NAMING and words[i][-1:].isalpha():
            head = None
            for j in range(i + 1, min(i + 4, len(forms))):
                if forms[j] in FUNCTION_WORDS or norm[ids[j]] in verbs and j > i + 1:
                    break
                head = j
                # "a round, handled shape": a comma between adjectives goes on to the noun.
                if not words[j][-1:].isalpha() and not (
                        words[j][-1] == "," and j + 2 < len(forms) and forms[j + 2] in nouns):
                    break
            # A rare word is a thing where a verb follows it ("a shrill squawk echoes").
            if head is not None and (forms[head] in nouns or forms[head] in c.models.local and (
                    head + 1 < len(forms) and norm[ids[head + 1]] in verbs)):
                # Its modifiers too: "a round, handled shape" names a jug's handles.
                at.extend(range(i + 1, head + 1))
    return at


def says_nothing_twice(c):
    """Once the cast is filled in, says no word or stem twice where a reader would stop, by
    the rule grammar sentences keep: "one great wail rises from the #witnesses#, high and
    wailing"."""
    return said_twice(c.expanded, c.models.repeatable) is None


def no_echo(c):
    """Repeats no run of words from a sentence already in the dream."""
    return c.said is None or not (phrases(c.expanded) & c.said)


# Run on the chain's words, then (once the cast is filled in) on the text.
# A beat's rare words and other vignettes' scene words need no filter: the chains are built
# without them (see build.py), so no walk can say one.
FILTERS = (length, whole_sentence, no_first_person, no_loose_pronoun, no_repeated_phrase,
           no_word_twice, kept_from, no_contrast_with_nothing, material_names_no_part,
           smells_its_scent, shares_what_is_shared, they_are_named, has_a_main_clause,
           one_gender, verbs_agree, one_verb_after_you_see, has_a_verb, every_clause_has_a_verb,
           not_your_own_sentence, novel, in_arc_order, once_said, told_first,
           names_only_what_is_shown, names_something_new, describes_nothing_again,
           counts_on_what_is_said, in_its_beat)
TEXT_FILTERS = (novel_once_cast, names_only_its_own_cast, told_first_once_cast,
                says_nothing_twice, no_echo)
# The filters that need nothing of a dream: a build walks each chain through them once and
# keeps what passes as the beat's pool (see Models.sample_pools), so a dream runs only the
# rest. A filter that reads nothing of a dream belongs here.
POOL_FILTERS = tuple(f for f in FILTERS if f not in {
    they_are_named, in_arc_order, once_said, told_first, names_only_what_is_shown,
    names_something_new, describes_nothing_again, counts_on_what_is_said})
DREAM_FILTERS = tuple(f for f in FILTERS if f not in POOL_FILTERS)


def first_failure(candidate, filters=FILTERS):
    """The first filter ``candidate`` fails, or None when it passes them all."""
    for f in filters:
        if not f(candidate):
            return f
    return None
