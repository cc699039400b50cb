"""Count a corpus into :class:`~dreamgen.markov.model.Models`: one chain per beat.

markovify splits the corpus into sentences and drops the ones it would not learn from
(quotes, brackets); dreamgen lays each beat's sentences out as a :mod:`chain` and counts
what the filters need: word spread across files, a beat classifier, the novelty runs.
"""

import hashlib
import sys
from array import array
from collections import Counter

from ..errors import CorpusError
from ..grammar.rules import TAG
from ..settings import (DEFAULT_GENERIC_SHARE, DEFAULT_LOCAL_SHARE, DEFAULT_MIN_SPREAD,
                        DEFAULT_RARE_NOUN_SHARE, DEFAULT_REPEAT_SHARE, DEFAULT_SCENE_BEATS,
                        DEFAULT_STATE_SIZE, ModelSettings)
from ..text import FUNCTION_WORDS
from .chain import build_chain
from .classify import BeatClassifier
from .novelty import normalise, run_hashes

__all__ = ["DEFAULT_MIN_SPREAD", "DEFAULT_STATE_SIZE", "HINGE_WORDS", "ModelSettings",
           "build_models", "build_payload", "sentences"]

# The words a thing is named after ("the pond", "your high branch"), and the words that may
# stand between them and it ("the whole moraine"). Not "that": after a noun it opens a clause
# ("sparks that hiss"), and the verb after it is no thing of a scene.
DETERMINERS = frozenset({"the", "a", "an", "your", "its", "their", "his", "her", "this",
                         "these", "those", "every", "each", "some"})
BEFORE_NOUNS = frozenset({"whole", "entire", "same", "other", "high", "low", "far", "little",
                          "old", "long", "wide", "great"})
# The words after which a sentence may turn into another: articles, possessives,
# prepositions, "like" and "and" open a phrase whose shape the next few words settle, so a
# join there reads. A join after a noun or verb ("beneath your feet | quivers") rarely does.
HINGE_WORDS = frozenset("""
a an the your its their his her every each this these those some no all both
of in into on onto upon over under across through toward towards against beneath below
above around with without from at by along among between behind beside past near inside
within like and but
""".split())
FORMAT_VERSION = 22
_RESERVED = ("___BEGIN__", "___END__")
_SHIELD = "\u01c2"  # a letter (so \w matches it) that corpus text never holds
_CLAUSE_JOINS = ("and", "but")
_CHAIN_ARRAYS = ("tokens", "cls", "starts", "members", "ahead", "dup")
_SUBJECTS = frozenset({"you", "it", "they", "she", "he"})
# Adverbs that stand before a verb ("still stirs", "you never ..."): no verbs themselves.
ADVERBS = frozenset({"still", "now", "barely", "always", "never", "ever", "almost", "just"})
_ADVERBS = ADVERBS | {"also", "even", "often", "then", "so", "too", "not", "only", "hardly"}
_CLAUSE_OPENERS = frozenset({"and", "but", "then", "as", "when", "while", "until", "yet", "so",
                             "where", "before", "after"})


def sentences(paragraph_text):
    """The sentences of a paragraph as lists of words, as markovify would learn them."""
    import types

    import markovify

    # markovify's own input filter (quotes, brackets) without building a throwaway model.
    judge = types.SimpleNamespace(well_formed=True, reject_pat=markovify.Text.reject_pat)
    # markovify's splitter wants a word character before the full stop, so "#colour#. A"
    # would not end a sentence: hide the tag marks behind a letter while splitting.
    shielded = paragraph_text.replace("#", _SHIELD)
    for sentence in markovify.split_into_sentences(shielded):
        sentence = sentence.replace(_SHIELD, "#")
        if not markovify.Text.test_sentence_input(judge, sentence):
            continue
        if any(r in sentence for r in _RESERVED):
            continue
        yield sentence.split()


def _uints(values):
    """``values`` (non-negative ints) as the narrowest array that holds them."""
    values = list(values)
    top = max(values, default=0)
    for code in "BHI":
        if top < 1 << 8 * array(code).itemsize:
            return array(code, values)
    return array("Q", values)


def _verbs(sentences, vocab, norm):
    """Normal-form ids of the words that follow a subject opening a clause ("You kneel",
    ", and it dims", "The #witnesses# weep") twice or more: the corpus's own verbs, found
    without a tagger (once may be a slip: "it end")."""
    found = Counter()
    for toks in sentences:
        words = [vocab[t] for t in toks]
        for i, w in enumerate(words[:-1]):
            lw = w.lower()
            opens = i == 0 or words[i - 1].endswith(",") or \
                words[i - 1].lower() in _CLAUSE_OPENERS
            tagged = lw.startswith("#") and i >= 1 and words[i - 1].lower() == "the" and (
                i == 1 or words[i - 2].endswith(","))
            if (lw in _SUBJECTS and opens) or tagged:
                nxt = words[i + 1]
                form = normalise(nxt)
                # "you still feel", "you slowly rise": an adverb before the verb is not one.
                if nxt[-1:].isalpha() and form not in HINGE_WORDS | _SUBJECTS | _ADVERBS \
                        and not (form.endswith("ly") and len(form) > 4):
                    found[norm[toks[i + 1]]] += 1
    return {f for f, n in found.items() if n >= 2}


def _repeatable(sentences, norm, share=DEFAULT_REPEAT_SHARE):
    """Normal-form ids of the words the corpus says twice in one sentence in at least ``share``
    of the sentences that say them (and in two sentences at least)."""
    uses, twice = Counter(), Counter()
    for toks in sentences:
        counts = Counter(norm[t] for t in toks)
        uses.update(counts.keys())
        twice.update(f for f, n in counts.items() if n > 1)
    return {f for f, n in twice.items() if n >= 2 and n >= share * uses[f]}


def _beat_vocabulary(spread, share):
    """The forms in at least ``share`` of the files that write this beat (one file at least):
    the words many dreams use there, not one vignette's own scene."""
    files = max(spread.values(), default=0)  # "you" or "the": in nearly every file
    least = max(1, round(share * files))
    return _uints(sorted(f for f, n in spread.items() if n >= least))


def _scene_words(files, beats_in, n_files):
    """Forms that make a vignette's own scene: in under a quarter of the files, and where
    they are, in several beats of the file (a harbour's "boat" and "mast" come back beat
    after beat; the impact's "cry" is said once). "light" and "sky" are in nearly all files."""
    return {f for f, n in files.items()
            if n < DEFAULT_GENERIC_SHARE * n_files and beats_in[f] / n >= DEFAULT_SCENE_BEATS}


def sentence_hash(ids):
    """A 64-bit hash of a sentence's token ids (stable across runs and machines)."""
    return int.from_bytes(hashlib.blake2b(array("I", ids).tobytes(), digest_size=8).digest(),
                          "big")


def build_payload(corpus, beats, settings=ModelSettings(), *, cache_key=""):
    """Count ``corpus`` into the storable payload of a :class:`Models`, one chain per beat."""
    placed = {b: [] for b in beats}
    untagged = []
    vocab, ids = list(_RESERVED), {}
    forms, form_ids = [], {}

    def token(w):
        i = ids.get(w)
        if i is None:
            i = ids[w] = len(vocab)
            vocab.append(w)
        return i

    doc_sentences = []
    for doc in corpus.documents:
        found = []
        for n, para in enumerate(doc.paragraphs):
            for words in sentences(para.text):
                found.append((para.beat, [token(w) for w in words], n))
        if not found:
            raise CorpusError(
                "no usable sentences in this corpus file: the Markov model learns from none of "
                "them (each has quotes, brackets or markovify's ___BEGIN__/___END__); run "
                f"'dreamgen check {doc.path}' to see each", path=doc.path)
        doc_sentences.append(found)
    norm = array("I", [0, 0])
    for w in vocab[2:]:
        f = normalise(w)
        norm.append(form_ids.setdefault(f, len(form_ids)))
    forms = list(form_ids)
    n_forms = len(forms)
    spread = {b: Counter() for b in beats}  # beat -> form -> files whose beat text has it
    examples = []
    own = {b: [] for b in beats}  # beat -> for each of its sentences, whether the user wrote it
    mine = {b: set() for b in beats}  # beat -> forms the user's own sentences say there

    def place(beat, toks, nf, user):
        placed[beat].append(toks)
        own[beat].append(user)
        if user:
            mine[beat].update(nf)

    # A sentence said word for word in several files counts once in its beat: a stock line
    # should not outweigh the sentences the chain can join into something new.
    once = set()
    files, beats_in = Counter(), Counter()  # form -> files with it; -> beats summed over them
    named = Counter()  # form -> files that name it after a determiner (see named_at)
    after_of = Counter()  # form -> files that say it right after "of" ("the smell of tar")
    naming = tuple(frozenset(form_ids[w] for w in words if w in form_ids)
                   for words in (DETERMINERS, BEFORE_NOUNS))
    of = form_ids.get("of")
    for doc, found in zip(corpus.documents, doc_sentences):
        seen, paragraphs, names, ofs = {}, {}, set(), set()
        for beat, toks, n in found:
            nf = [norm[t] for t in toks]
            names.update(nf[i] for i in named_at(nf, *naming))
            ofs.update(b for a, b in zip(nf, nf[1:]) if a == of)
            if beat is None:
                paragraphs.setdefault(n, []).append((toks, nf))
                continue
            seen.setdefault(beat, set()).update(nf)
            if (beat, tuple(toks)) not in once:
                once.add((beat, tuple(toks)))
                place(beat, toks, nf, doc.user)
                examples.append((beat, nf))
        untagged.extend((para, doc.user) for para in paragraphs.values())
        for beat, used in seen.items():
            spread[beat].update(used)
        in_file = Counter(f for used in seen.values() for f in used)
        files.update(in_file.keys())
        named.update(names)
        after_of.update(ofs)
        beats_in.update(in_file)
    classifier = BeatClassifier.train(beats, examples, n_forms)
    for para, user in untagged:
        # Nothing to learn the beats from: untagged text serves every beat alike. Otherwise
        # text that fits no beat feeds only what is the whole corpus's (novelty, verbs).
        found = (classifier.place([nf for _, nf in para]) if examples else [None] * len(para))
        for (toks, nf), beat in zip(para, found):
            for b in ([beat] if examples else beats):
                if b is not None:
                    place(b, toks, nf, user)
    hinge_word = [False, False] + [normalise(w) in HINGE_WORDS and w[-1:].isalpha()
                                   for w in vocab[2:]]
    after_comma = [False, False] + [w.endswith(",") for w in vocab[2:]]
    joins = {ids.get(w) for w in _CLAUSE_JOINS}

    def hinge(before, t):
        # "and" after a comma opens a clause with a subject of its own; a bare "and" goes on
        # with the last one ("They stand ... and | leans"), so it is no place to join.
        return hinge_word[t] and (t not in joins or after_comma[before])
    scene = _scene_words(files, beats_in, len(doc_sentences))
    vocabulary = {b: _beat_vocabulary(spread[b], settings.min_spread) for b in beats}
    chains, own_chains = {}, {}
    for beat, sents in placed.items():
        if sents:
            # A beat's chain says only words many vignettes use in that beat, and no word of
            # one vignette's own scene: a walk never goes where a filter would refuse it.
            # The user's own words are said wherever the user's text puts them.
            keep, users = frozenset(vocabulary[beat]), mine[beat]
            says = [w.startswith("#") or (norm[i] in keep and norm[i] not in scene)
                    or norm[i] in users for i, w in enumerate(vocab)]
            c = build_chain(sents, hinge, settings.state_size, says, settings.novelty_words - 1)
            chains[beat] = {name: _uints(getattr(c, name)) for name in _CHAIN_ARRAYS}
            if users:
                # A user's few pages share few long contexts with the corpus, so the walks
                # that start from their words join on one word less of context.
                c = build_chain(sents, hinge, max(1, settings.state_size - 1), says,
                                settings.novelty_words - 1, own=own[beat])
                own_chains[beat] = {name: _uints(getattr(c, name))
                                    for name in _CHAIN_ARRAYS + ("users",)}
                vocabulary[beat] = _uints(sorted(set(vocabulary[beat]) | users))
    all_sentences = [sent for found in doc_sentences for _, sent, _ in found]
    verbs = _uints(sorted(_verbs(all_sentences, vocab, norm)))
    repeatable = _uints(sorted(_repeatable(all_sentences, norm)))
    k = settings.novelty_words
    hashes = set()
    for doc in corpus.documents:
        # Each file also counts with its own cast filled in, so a sentence whose tags happen
        # to expand back into the file's literal words is caught too.
        cast = dict(doc.header)
        for para in doc.paragraphs:
            filled = TAG.sub(lambda m: cast.get(m.group(1).split(".")[0], m.group(0)), para.text)
            for text in {para.text, filled}:
                hashes |= run_hashes([form_ids.setdefault(normalise(w), len(form_ids))
                                      for w in text.split()], k)
    tags, beats_used = set(), set()
    for para in corpus.paragraphs():
        tags.update(t.split(".")[0] for t in TAG.findall(para.text))
        if para.beat is not None:
            beats_used.add(para.beat)
    payload = {
        "format": FORMAT_VERSION,
        "byteorder": sys.byteorder,
        "key": cache_key,
        "settings": {"state_size": settings.state_size, "novelty_words": k,
                     "min_spread": settings.min_spread},
        "vocab": "\n".join(vocab),
        "norm": norm,
        "forms": "\n".join(form_ids),
        "classifier_forms": n_forms,
        "vocabulary": {b: vocabulary[b] for b in chains},
        "scene": _uints(sorted(scene)),
        # The user's own words are theirs to say wherever their text goes. A walk names only
        # what the corpus names somewhere, so a word it never names need not be listed.
        "local": _uints(sorted(f for f in range(n_forms)
                               if forms[f] not in FUNCTION_WORDS and (
                                   files[f] < DEFAULT_LOCAL_SHARE * len(doc_sentences)
                                   or 2 <= named[f] < DEFAULT_RARE_NOUN_SHARE * len(doc_sentences))
                               and not any(f in m for m in mine.values()))),
        "chains": chains,
        "beats": list(beats),
        "class_counts": classifier.counts,
        "class_totals": classifier.totals,
        "ngrams": array("Q", sorted(hashes)),
        "pools": {},  # filled in below from walks of the built chains
        "verbs": verbs,
        "repeatable": repeatable,
        # What two vignettes or more name after a determiner or "of": a thing, not a verb.
        "nouns": _uints(sorted(set(f for f, n in named.items() if n >= 2)
                               | set(f for f, n in after_of.items() if n >= 2))),
        "tags": tuple(sorted(tags)),
        "beats_used": tuple(sorted(beats_used)),
    }
    own_sentences = {sentence_hash(toks) for doc, found in zip(corpus.documents, doc_sentences)
                     if doc.user for _, toks, _ in found}
    if own_sentences:
        payload["own_sentences"] = array("Q", sorted(own_sentences))
        payload["own_chains"] = own_chains
    from .model import Models

    payload["pools"], own_pools, payload["pool_counts"] = Models(payload).sample_pools()
    if own_pools:
        payload["own_pools"] = own_pools
    return payload


def named_at(forms, determiners=DETERMINERS, before=BEFORE_NOUNS):
    """The positions in ``forms`` (a sentence's words in normal form) of the words it names
    a thing by: right after a determiner, or after a determiner and a word of ``before``.
    A word a determiner follows is a verb ("Some press their faces"), not a thing."""
    at = []
    for i, f in enumerate(forms[:-1]):
        if f in determiners and not (i + 2 < len(forms) and forms[i + 2] in determiners):
            at.append(i + 1)
            if forms[i + 1] in before and i + 2 < len(forms):
                at.append(i + 2)
    return at


def build_models(corpus, beats, settings=ModelSettings()):
    """Build :class:`Models` from a corpus without touching the cache."""
    from .model import Models

    return Models(build_payload(corpus, beats, settings))
