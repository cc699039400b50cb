"""Loaded Markov models: the beat chains and what the filters consult."""

import hashlib
from array import array
from bisect import bisect_left

from ..settings import (DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, DEFAULT_OPENING_WEIGHT,
                        DEFAULT_OPENING_WORDS, DEFAULT_SAMPLE_WALKS, ModelSettings)
from ..text import one_word_blanks
from .build import sentence_hash
from .chain import Chain
from .classify import BeatClassifier
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
        forms = payload["forms"].split("\n")
        self.novelty = Novelty(s["novelty_words"], forms, payload["ngrams"])
        self._vocabulary = payload["vocabulary"]
        self._allowed = {}  # beat -> frozenset of its common forms, made on first use
        self.classifier = BeatClassifier(payload["beats"], payload["class_counts"],
                                         payload["class_totals"], payload["classifier_forms"])
        self._pools = payload["pools"]
        self._own_pools = payload.get("own_pools", {})
        self._pool_ids = {}  # (beat, own) -> tuple of id lists, made on first use
        self._pool_openings = {}  # (beat, own) -> the pool's indices by opening, on first use
        self.pool_counts = payload.get("pool_counts", {})
        self.verbs = frozenset(payload["verbs"])
        self.scene = frozenset(payload["scene"])
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

    def sample_pools(self, walks=DEFAULT_SAMPLE_WALKS):
        """Walk each beat's chain ``walks`` times from a seed of the beat's own and keep, in
        the order first found, the distinct sentences that pass ``POOL_FILTERS``:
        ``({beat: {"ids": flat ids, "ends": where each ends}}, own pools, counts)``.

        A dream draws from a pool evenly, not as often as the chain says each sentence: the
        chain says its stock lines (a corpus phrase with one word changed) tens of times as
        often as most, so drawn by walks one sentence was in 9.5% of dreams 0-199. Of
        sentences that differ in one word only, the first found is kept: "It bobs there in the
        wind, ready to be kindled again", with eleven other verbs and endings, was half the
        rekindlings of dreams 0-199.
        """
        from collections import Counter

        from ..rng import DreamRandom
        from .filters import POOL_FILTERS, Candidate, first_failure

        counts = Counter()

        def pool(beat, own):
            seed = int.from_bytes(hashlib.sha256(
                (("own:" if own else "") + beat).encode()).digest()[:8], "big")
            rng = DreamRandom(seed)
            found = {}
            for _ in range(walks):
                counts["walks"] += 1
                ids = self.walk_ids(beat, rng, DEFAULT_MIN_WORDS, DEFAULT_MAX_WORDS, own=own)
                if ids is None:
                    counts["walk"] += 1
                    continue
                key = tuple(ids)
                if key in found:
                    counts["again"] += 1
                    continue
                failed = first_failure(Candidate(self.words(ids), ids, beat, self),
                                       POOL_FILTERS)
                if failed is None:
                    found[key] = True
                else:
                    counts[failed.__name__] += 1
                    found[key] = False
            kept = []
            seen = set()  # each kept sentence with one word blanked out
            for k, ok in found.items():
                if not ok:
                    continue
                if own:  # the user's few sentences are theirs to repeat
                    kept.append(k)
                    continue
                forms = self.norm_ids(k)
                blanks = one_word_blanks(forms)
                if blanks & seen:
                    counts["one_word_changed"] += 1
                    continue
                seen |= blanks
                kept.append(k)
            counts["kept"] += len(kept)
            flat = [i for k in kept for i in k]
            ends, at = [], 0
            for k in kept:
                at += len(k)
                ends.append(at)
            return {"ids": array("I", flat), "ends": array("I", ends)}

        pools = {beat: pool(beat, False) for beat in self.chains}
        own = {beat: pool(beat, True) for beat in self.own_chains}
        return pools, own, dict(sorted(counts.items()))

    def pool(self, beat, own=False):
        """The distinct sentences (token id tuples) a build found for ``beat`` that need no
        dream to pass the filters; ``own``: those that start from the user's words."""
        cache = self._pool_ids
        key = (beat, own)
        found = cache.get(key)
        if found is None:
            stored = (self._own_pools if own else self._pools).get(beat)
            found = ()
            if stored is not None:
                flat, start = list(stored["ids"]), 0
                out = []
                for end in stored["ends"]:
                    out.append(flat[start:end])
                    start = end
                found = tuple(out)
            cache[key] = found
        return found

    def openings(self, beat, own=False):
        """The pool of ``beat`` by opening (its first ``DEFAULT_OPENING_WORDS`` words in
        normal form): ``(groups, upto)``, each group the indices into :meth:`pool` of the
        sentences that open so, in the order first found, and ``upto`` the running sum of
        their weights, each the group's size up to ``DEFAULT_OPENING_WEIGHT``.

        A dream draws a group by weight, then one sentence of it evenly. Drawn evenly from the
        pool, the dozen sentences a corpus frame made ("You move slowly, as if ...") opened
        the approach of 76% of dreams 0-199; drawn by opening alone, the few sentences that
        open alone and pass most dreams rose to 28%."""
        cache = self._pool_openings
        key = (beat, own)
        found = cache.get(key)
        if found is None:
            groups = {}
            for i, ids in enumerate(self.pool(beat, own)):
                groups.setdefault(tuple(self.norm_ids(ids[:DEFAULT_OPENING_WORDS])), []).append(i)
            upto, at = [], 0
            for g in groups.values():
                at += min(len(g), DEFAULT_OPENING_WEIGHT)
                upto.append(at)
            found = cache[key] = (tuple(tuple(g) for g in groups.values()), tuple(upto))
        return found

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
