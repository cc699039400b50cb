"""Loaded Markov models: the beat chains and what the filters consult."""

import hashlib
from array import array
from bisect import bisect_left

from .build import DEFAULT_SAMPLE_WALKS, ModelSettings, sentence_hash
from .chain import Chain
from .classify import BeatClassifier
from .filters import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS
from .novelty import Novelty

__all__ = ["Models"]


class Models:
    """One chain per beat, the vocabulary, and the novelty runs, classifier and word spread
    that the filters use. Built by :func:`~dreamgen.markov.build_models` or the cache."""

    def __init__(self, payload):
        s = payload["settings"]
        self.settings = ModelSettings(**s)
        self.vocab = payload["vocab"].split("\n")
        self.norm = payload["norm"]
        def chain(c):
            return Chain(c["tokens"], c["cls"], c["starts"], c["members"], c["ahead"], c["dup"],
                         c.get("users"))

        self.chains = {name: chain(c) for name, c in payload["chains"].items()}
        # Beats the user's own text writes: walks that start from their words.
        self.own_chains = {name: chain(c) for name, c in payload.get("own_chains", {}).items()}
        self.novelty = Novelty(s["novelty_words"], payload["forms"].split("\n"),
                               payload["ngrams"])
        self._vocabulary = payload["vocabulary"]
        self._allowed = {}  # beat -> frozenset of its common forms, made on first use
        self.classifier = BeatClassifier(payload["beats"], payload["class_counts"],
                                         payload["class_totals"], payload["classifier_forms"])
        self._shares = payload["shares"]
        self.verbs = frozenset(payload["verbs"])
        self.scene = frozenset(payload["scene"])
        forms = payload["forms"].split("\n")
        self.local = frozenset(forms[f] for f in payload.get("local", ()))
        self.repeatable = frozenset(forms[f] for f in payload.get("repeatable", ()))
        self.nouns = frozenset(forms[f] for f in payload.get("nouns", ()))
        self.tags = payload.get("tags", ())
        self.beats_used = payload.get("beats_used", ())
        self.own_sentences = payload.get("own_sentences", ())  # sorted sentence hashes
        # A walk may take one word fewer than the novelty run from any one source sentence.
        self.span = s["novelty_words"] - 1

    def beats(self):
        return list(self.chains)

    def walk_ids(self, beat, rng, min_words, max_words, own=False):
        """One walk of ``beat``'s chain as token ids, or None when none was found; ``own``
        walks the user's text wherever it can (see :meth:`Chain.walk`)."""
        chain = (self.own_chains if own else self.chains).get(beat)
        if chain is None:
            return None
        if not isinstance(chain.tokens, list):
            chain.prepare(self.norm)
        # The source's own generator, not a method around it: a walk draws dozens of times.
        return chain.walk(getattr(rng, "_random", rng.random), min_words, max_words, self.span,
                          own=own)

    def is_own_sentence(self, ids):
        """True when ``ids`` are a whole sentence of the user's own corpus text."""
        hashes = self.own_sentences
        h = sentence_hash(ids)
        i = bisect_left(hashes, h)
        return i < len(hashes) and hashes[i] == h

    def has_own(self, beat):
        """True when the user's own text writes some of ``beat``'s chain."""
        return beat in self.own_chains

    def sample_shares(self, walks=DEFAULT_SAMPLE_WALKS):
        """How often each beat's chain says its commonest sentences, among the walks that
        pass the filters that need no dream: ``{beat: {"ids": hashes, "per": counts}}``.

        A fixed number of walks from a seed of the beat's own, so every build agrees; only
        sentences said twice or more are kept, and a share is ``per / passed``: of the walks
        that pass. A dream's filters refuse most walks, so what it keeps is what passes, and a
        sentence that names nothing a scene must show first passes far more often than most.
        """
        from collections import Counter

        from ..rng import DreamRandom
        from .filters import SAMPLED_FILTERS, Candidate, first_failure

        out = {}
        for beat in self.chains:
            seed = int.from_bytes(hashlib.sha256(beat.encode()).digest()[:8], "big")
            rng = DreamRandom(seed)
            said = Counter()
            for _ in range(walks):
                ids = self.walk_ids(beat, rng, DEFAULT_MIN_WORDS, DEFAULT_MAX_WORDS)
                # As at a dream's start: nothing of any scene shown yet.
                if ids is not None and first_failure(
                        Candidate(self.words(ids), ids, beat, self, shown=set()),
                        SAMPLED_FILTERS) is None:
                    said[sentence_hash(ids)] += 1
            common = sorted((h, n) for h, n in said.items() if n >= 2)
            out[beat] = {"ids": array("Q", [h for h, _ in common]),
                         "per": array("I", [n for _, n in common]),
                         "passed": max(1, sum(said.values()))}
        return out

    def share(self, beat, ids):
        """The share of ``beat``'s passing walks (as sampled when built) that say these ids."""
        found = self._shares.get(beat)
        if not found:
            return 0.0
        hashes = found["ids"]
        h = sentence_hash(ids)
        i = bisect_left(hashes, h)
        if i < len(hashes) and hashes[i] == h:
            return found["per"][i] / found["passed"]
        return 0.0

    def words(self, ids):
        vocab = self.vocab
        return [vocab[i] for i in ids]

    def norm_ids(self, ids):
        norm = self.norm
        return [norm[i] for i in ids]

    def vocabulary(self, beat):
        """The normal-form ids that a Markov sentence of ``beat`` may say."""
        allowed = self._allowed.get(beat)
        if allowed is None:
            allowed = self._allowed[beat] = frozenset(self._vocabulary.get(beat, ()))
        return allowed

    def has_verb(self, ids):
        """True when some word of ``ids`` is one the corpus uses as a verb."""
        norm, verbs = self.norm, self.verbs
        return any(norm[i] in verbs for i in ids)

    def beat_margin(self, ids, beat):
        """How far ``beat`` trails the likeliest other beat for these words, in nats."""
        if beat not in self.classifier.beats:
            return 0.0
        return self.classifier.margin(self.norm_ids(ids), beat)

    def validate(self):
        """Raise ValueError unless the arrays are whole, so no walk can crash or circle."""
        v = len(self.vocab)
        if self.vocab[:2] != ["___BEGIN__", "___END__"] or len(self.norm) != v:
            raise ValueError("bad vocabulary")
        if max(self.norm) >= len(self.novelty.forms):
            raise ValueError("normal forms disagree with the vocabulary")
        if any(v and max(v) >= len(self.novelty.forms) for v in self._vocabulary.values()):
            raise ValueError("a beat's vocabulary disagrees with the normal forms")
        for name, chain in [*self.chains.items(), *self.own_chains.items()]:
            try:
                chain.validate()
            except ValueError as exc:
                raise ValueError(f"chain {name!r}: {exc}") from None
            if max(chain.tokens) >= v:
                raise ValueError(f"chain {name!r}: a word outside the vocabulary")
        hashes = self.novelty.hashes
        if any(b < a for a, b in zip(hashes, hashes[1:])):
            raise ValueError("bad n-grams")
