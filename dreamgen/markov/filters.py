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
        elif i and w.lower() == "and" and not found and i + 1 < len(c.ids) and (
                norm[c.ids[i + 1]] in verbs) and (
                c.words[0].lower() in DETERMINERS or c.words[0].lower() in _OPENING_PLACES) and (
                "of" in (x.lower() for x in c.words[1:i])):
            # "The warmth of a blanket and hear rain on a window."; "Along the edge of the
            # hollow and wait."
            return False
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


# Subjects that take a bare verb: "Others sit down on the step and lets his tears fall"
# joins a vignette's "One of them sits ... and lets".
_BARE_SUBJECTS = frozenset({"you", "others", "some", "many", "few", "both", "they"})


def bare_verbs_agree(c):
    """After a subject that takes a bare verb, a verb joined to its verb by "and" takes none
    ("Others sit down on the step and lets his tears fall", "fishwives in #garments# step
    away from the glass and peers upward"): two vignettes' subjects joined."""
    if c.models is None:
        return True
    forms, words, ids = c.forms, c.words, c.ids
    norm, verbs = c.models.norm, c.models.verbs
    bare = False
    for i in range(1, len(forms) - 1):
        if words[i - 1].endswith((",", ";")) or forms[i] in _RELATIVE and forms[i] != "and":
            bare = False
        if forms[i] == "and" and bare and (_s_verb(c, i + 1) or forms[i + 1] == "then"
                                           and i + 2 < len(forms) and _s_verb(c, i + 2)):
            return False
        if forms[i] == "and" and (forms[i + 1] in DETERMINERS or forms[i + 1] in _OTHERS):
            bare = False  # "You wait and the glow rises and settles": a subject of its own
        # (a subject: "you" opening the sentence or a clause, not "holds you close and lifts")
        subject = forms[i - 1] in _BARE_SUBJECTS and (
            i == 1 or not words[i - 2][-1:].isalpha() or forms[i - 2] == "and")
        if (words[i - 1].startswith(_PLURAL_TAGS) or subject) and (
                norm[ids[i]] in verbs and not forms[i].endswith("s")):
            bare = True
    return True


def _s_verb(c, i):
    """Whether the word at ``i`` is a verb in -s ("peers", "lets") the corpus has bare."""
    f, norm, verbs = c.forms[i], c.models.norm, c.models.verbs
    if f in _IRREGULAR_S.values():
        return True
    return (f.endswith("s") and not f.endswith("ss")
            and (norm[c.ids[i]] in verbs or f not in c.models.nouns)
            and c.models.novelty.form_id(f[:-1]) in verbs)


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
                normalise(w) not in FUNCTION_WORDS or normalise(w) in _IRREGULAR_S) and (
                c.words[i - 1].lower() == "and" or (then := (
                    c.words[i - 1].lower() == "then" and (
                        c.words[i - 2].endswith(",") or c.words[i - 2].lower() == "and")))):
            # (a word that ends the sentence or a clause is an adjective: "clear and warm.")
            # A word whose -s form the corpus has is a verb here too ("and curl like smoke":
            # "curls" is in the corpus), unless a comma opened a clause of its own.
            bare = normalise(w)
            if bare in _IRREGULAR_S:
                return False
            if not bare.endswith("s") and (known(bare + "s") in verbs
                                           or known(bare + "es") in verbs
                                           or known(bare + "s") >= 0 and (
                                               then or not c.words[i - 2].endswith(","))
                                           or then and known(bare) in verbs):
                return False
    return True


# A verb whose -s form is not the bare form and -s: "Sorrow pools behind your eyes and do not
# fall" joins a vignette's plural subject to another's singular one.
_IRREGULAR_S = {"do": "does", "go": "goes", "have": "has", "are": "is", "were": "was"}
_PREPOSITIONS = frozenset({"of", "from", "with", "to", "into", "onto", "in", "on", "at", "by",
                           "over", "under", "through", "toward", "towards", "against"})


def agrees_after_it(c):
    """Takes no bare verb after "of it": "like the heat of it press against your chest" ends a
    sentence where something felt it press ("Two of them reach" is a subject and its verb)."""
    if c.models is None:
        return True
    verbs, known, forms = c.models.verbs, c.models.novelty.form_id, c.forms
    for i in range(2, len(forms)):
        if forms[i - 1] == "it" and forms[i - 2] == "of" and (
                c.words[i - 1][-1:].isalpha()) and (
                known(forms[i] + "s") in verbs or known(forms[i] + "es") in verbs):
            return False
    return True


# Cast tags that name more than one thing ("#witnesses#", "#flowers#").
_PLURAL_TAGS = ("#witnesses", "#flowers", "#trail", "#garments")


# Someone else in the clause, for "you" to be the object of: "You let it carry you".
_OTHERS = frozenset({"it", "they", "them", "he", "she", "him", "her", "someone", "something",
                     "one", "nothing", "everything", "everyone", "no"})


def pronouns_refer(c):
    """Says "they ... them" in one clause only with a plural thing to be "them", and "it ...
    it" in one clause only with a determiner or a cast tag between ("Sorrow bows the weavers, and they let them fall", "It
    lifts out of it", "it will rise to meet it"), nor "you" as its own clause's object ("you
    look back at you"): joins that left a vignette's tears, or its sky, behind."""
    forms, words = c.forms, c.words
    if c.models is None:
        return True
    nouns, verbs, norm = c.models.nouns, c.models.verbs, c.models.norm
    if "they" in forms and "them" in forms[forms.index("they"):] and not any(
            not w[-1:].isalpha() for w in words[forms.index("they"):forms.index(
                "them", forms.index("they"))]):
        end = len(forms) - 1 - forms[::-1].index("them")
        # Something other than the watchers for "them" to be: "tears" of "Tears fill their
        # eyes, and they let them fall". A word in -s right after the first is its verb
        # ("Sorrow bows the #witnesses#").
        if not any(len(f) > 3 and f.endswith("s") and not f.endswith("ss") and f in nouns
                   and i != 1 and (norm[c.ids[i]] not in verbs or forms[i - 1] in DETERMINERS)
                   for i, f in enumerate(forms[:end])):
            return False
    for i, f in enumerate(forms):
        if f == "you" and i + 1 < len(forms) and norm[c.ids[i + 1]] in verbs:
            # "Finally you look back at you": one clause's "you" is not its own object.
            for j in range(i + 1, len(forms)):
                if not words[j - 1][-1:].isalpha() or forms[j] in _CLAUSE_BREAKS or (
                        forms[j] in _RELATIVE or forms[j] in _SUBORDINATORS
                        or forms[j] in DETERMINERS or forms[j] in _OTHERS or "#" in words[j]):
                    break
                if forms[j] == "you" and not (
                        j + 1 < len(forms) and norm[c.ids[j + 1]] in verbs):
                    return False  # ("You find you are holding your breath": its own clause)
        if f != "it":
            continue
        for j in range(i + 1, len(forms)):
            if not words[j - 1][-1:].isalpha() or forms[j] in _CLAUSE_BREAKS or (
                    forms[j] in _RELATIVE or forms[j] in _SUBORDINATORS):  # "as it falls"
                break
            if forms[j] == "it":
                return False
            if "#" in words[j] or forms[j] in DETERMINERS:  # a thing for one "it" to be
                break
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
_OPENING_PLACES = frozenset({"from", "past", "beyond", "beside", "behind", "below", "beneath", "above",
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
    if first == "from":
        # "From the heart of the light is asking you to help.": no subject for its verb.
        for i in range(2, len(words) - 1):
            if words[i].lower() in _IS and normalise(words[i + 1]).endswith("ing") and not any(
                    w.endswith(",") for w in words[:i]):
                return False
    if first in _SUBORDINATORS:
        for i, w in enumerate(words[:-1]):
            if w.endswith(","):
                return words[i + 1].lower() not in _CLAUSE_BREAKS
        return False
    if first not in _OPENING_PLACES:
        return True
    if c.models is not None:
        # "Over the place where it came down.": the verb is the place's, not the sentence's.
        norm, verbs = c.models.norm, c.models.verbs
        for i in range(1, len(words)):
            if words[i - 1].endswith((",", ";")):
                break
            if normalise(words[i]) in _WHERE:
                start = len(c.words) - len(words)
                if not any(norm[c.ids[start + k]] in verbs
                           and words[k - 1].lower() not in _NOT_BEFORE_VERB
                           for k in range(1, i)) and not any(
                               w.endswith(",") for w in words[i:-1]):
                    return False
                break
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


_PERSONS = _SHE | _HE | {"child", "children", "stranger", "figure"}


def no_stranger_met_before(c):
    """Does not open on "the" for one person: no sentence of a dream brings in a person for
    "the" to point back to ("The bent old man holds his own shoulders, shaking")."""
    forms = c.forms
    return forms[0] != "the" or not any(f in _PERSONS for f in forms[1:4])


_HE_SHE = frozenset({"he", "him", "his", "she", "her"})
_SOMEONE = frozenset({"one", "someone", "somebody", "each", "everyone", "anyone", "nobody"})


def a_colour_names_a_thing(c):
    """Ends on no colour that a determiner opened: "Along the line of the horizon glows a dull
    #glow#." wants its "light"."""
    words = c.words
    return not (words[-1].startswith("#glow#") and any(
        normalise(w) in ("a", "an", "the") for w in words[-4:-1]))


def his_is_someone(c):
    """Says "him" or "her" only after someone it could be ("Around him the #witnesses# weep"
    opens on a man of another sentence)."""
    nouns = c.models.nouns if c.models is not None else frozenset()
    for w, f in zip(c.words, c.forms):
        if f in _HE_SHE:
            return False
        if "#" in w or f in nouns or f in _SHE or f in _HE or f in _SOMEONE:
            return True
    return True


# What may come "from the #witnesses#": their voices and their grief.
_FROM_THEM = frozenset("""cry cries wail wails shout shouts scream screams sob sobs sobbing
voice voices sound sounds keening moan moans gasp gasps sigh sighs murmur murmurs note notes
call calls howl howls weeping tears grief sorrow laughter cheer cheers word words breath
breaths hum whimper whimpers groan groans song songs singing noise""".split())


def from_them_a_voice(c):
    """What comes from the #witnesses# is a sound or their grief: "Startled birds burst up
    from the #witnesses#, long and mournful" joins birds to a vignette's cry."""
    words = c.words
    for i in range(1, len(words) - 1):
        if words[i + 1].startswith("#witnesses") and words[i].lower() == "the" and (
                words[i - 1].lower() == "from"):
            return not _FROM_THEM.isdisjoint(c.forms) or c.forms[0] == "you"
    return True


_HEARD = frozenset({"cry", "cries", "shout", "wail", "voice", "voices", "sound", "song", "call",
                    "scream", "sob", "sobs"})


# What the impact's colour can be said of.
_SEEN = frozenset({"light", "colour", "color", "glow", "glare", "flash", "flashes", "shade",
                   "hue", "brilliance", "blaze", "radiance", "gleam", "shine", "air", "sky",
                   "night", "flare", "flares", "world", "dusk", "everything", "spills",
                   "bursts", "floods", "pours", "shines", "glows", "blazes", "burns", "flashes"})


def the_colour_is_seen(c):
    """Says the colour no word fits only of light, and not of a sound: "A cry rings out from
    the #fallen#, somewhere between #colour#"; "Afterward, there is no word, somewhere between
    #colour#"."""
    if not any(w.startswith("#colour#") for w in c.words):
        return True
    forms = set(c.forms)
    return _HEARD.isdisjoint(forms) and not _SEEN.isdisjoint(forms)


# Words that say one thing: two in one sentence say it twice ("Silent and watchful, they
# gather round you in silence").
_ONE_THING = (frozenset({"silent", "silently", "silence", "soundless", "soundlessly",
                         "wordless", "wordlessly", "noiseless", "noiselessly", "voiceless", "without a voice",
                         "without a sound", "without sound", "without a word"}),
              frozenset({"slow", "slowly", "unhurried", "unhurriedly", "leisurely",
                         "without hurry", "unhurrying"}),
              frozenset({"cry", "cries"}),
              # "Some day it will rise again before long."
              frozenset({"soon", "before long", "some day", "someday", "one day", "one night",
                         "some night", "one evening", "sooner or later", "in time",
                         "when the time comes", "when its moment comes", "when its time comes",
                         "when the hour comes", "in its own time"}))


# Words that cannot both be true of one thing: "Warm air brushes your cheeks, cool and damp."
_CONTRARY = (frozenset({"warm", "cool"}), frozenset({"warm", "cold"}), frozenset({"hot", "cold"}),
             frozenset({"hot", "cool"}))


def says_one_thing_once(c):
    """Says silence, slowness, a cry or a time to come once, and nothing with its contrary in
    one clause: "Soundlessly, the ruin seems to be asking for you, silently"; "Some day it will
    rise again before long"; "Warm air brushes your cheeks, cool and damp"."""
    forms = c.forms
    clause = []
    for i, (w, f) in enumerate(zip(c.words, forms)):
        if i and f in _CLAUSE_BREAKS and not c.words[i - 1][-1:].isalpha():
            if any(pair <= set(clause) for pair in _CONTRARY):
                return False
            clause = []
        clause.append(f)
    if any(pair <= set(clause) for pair in _CONTRARY):
        return False
    text = " ".join(forms)
    for group in _ONE_THING:
        n = sum(1 for f in forms if f in group) + sum(
            text.count(g) for g in group if " " in g)
        if n > 1:
            return False
    return True


def no_comma_splice(c):
    """Joins no two clauses by a comma alone: "You read quiet hope in their eyes, the
    #witnesses# gather close" (a join of two vignettes' sentences)."""
    if c.models is None or c.forms[0] != "you":
        return True
    norm, verbs, words, forms = c.models.norm, c.models.verbs, c.words, c.forms
    if norm[c.ids[1]] not in verbs:
        return True
    for i in range(2, len(words) - 2):
        if not words[i - 1].endswith(","):
            continue
        if forms[i] == "you" and norm[c.ids[i + 1]] in verbs:
            return False
        if forms[i] == "the" and "#" in words[i + 1] and (
                norm[c.ids[i + 2]] in verbs or forms[i + 2].endswith("s")):
            return False
    return True


# Words no sentence ends on but one that leaves its verb out: "Grey light fills the room, and
# then you do not."; "You notice that your own breathing has become."
_NO_END = frozenset({"not", "become", "becomes", "does", "do", "the", "a", "and"})


def ends_on_a_word_that_ends(c):
    """Does not end on "do not", "has become" or a word that waits for more."""
    return c.forms[-1] not in _NO_END


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


_A_VOWEL = re.compile(r"\b[Aa] (?=[aeiouAEIOU])(?!one\b|once\b|uni|use|usu|eu|ew)")


def a_before_a_vowel(c):
    """Once the cast is filled in, says "an" before a vowel: "A apricot shimmer rests on the
    far edge of the world" (a cast's glow)."""
    return _A_VOWEL.search(c.expanded) is None


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
           one_gender, pronouns_refer, his_is_someone, no_stranger_met_before, from_them_a_voice, the_colour_is_seen,
           says_one_thing_once,
           no_comma_splice, ends_on_a_word_that_ends, a_colour_names_a_thing, verbs_agree, bare_verbs_agree,
           agrees_after_it,
           one_verb_after_you_see, has_a_verb, every_clause_has_a_verb,
           not_your_own_sentence, novel, in_arc_order, once_said, told_first,
           names_only_what_is_shown, names_something_new, describes_nothing_again,
           counts_on_what_is_said, in_its_beat)
TEXT_FILTERS = (novel_once_cast, names_only_its_own_cast, told_first_once_cast, a_before_a_vowel,
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
