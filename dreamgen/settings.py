"""Every default, and the settings dataclasses that carry them, in one place.

This module sits above every other and imports nothing from dreamgen, so any module may take
its defaults from here. A new default is a ``DEFAULT_*`` here, with a comment saying why
that value.
"""

import math
from dataclasses import dataclass

__all__ = [
    "DEFAULT_BEAT_MARGIN", "DEFAULT_BUDGET", "DEFAULT_CACHE_MAX_BYTES",
    "DEFAULT_CACHE_MAX_ENTRIES", "DEFAULT_CHECKPOINT_SECONDS", "DEFAULT_CHUNK",
    "DEFAULT_CORPUS_WEIGHT", "DEFAULT_ECHO_WORDS", "DEFAULT_GENERIC_SHARE", "DEFAULT_LENGTH",
    "DEFAULT_LOCAL_SHARE", "DEFAULT_MAX_CHARS", "DEFAULT_MAX_CORPUS_BYTES", "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_GRAMMAR_BYTES", "DEFAULT_MAX_MINE_BYTES", "DEFAULT_MAX_NODES",
    "DEFAULT_MAX_WORDS", "DEFAULT_MIN_OWN_WORDS", "DEFAULT_MIN_SHARE",
    "DEFAULT_MIN_SPREAD", "DEFAULT_MIN_WORDS", "DEFAULT_NOVELTY_WORDS", "DEFAULT_OPENING_WEIGHT",
    "DEFAULT_OPENING_WORDS", "DEFAULT_OVERLAY_WEIGHT",
    "DEFAULT_OWN_RUN", "DEFAULT_PLACE_MARGIN", "DEFAULT_RARE_NOUN_SHARE", "DEFAULT_REACH_DREAMS",
    "DEFAULT_REACH_SAMPLES", "DEFAULT_REPEAT_SHARE", "DEFAULT_RETRIES", "DEFAULT_SAMPLE_WALKS",
    "DEFAULT_SCENE_BEATS", "DEFAULT_SMOOTHING", "DEFAULT_STATE_SIZE", "DEFAULT_SYMBOL",
    "DEFAULT_TITLE", "DEFAULT_TRIES", "DEFAULT_VERIFY_SAMPLE", "DEPTH_CEILING", "Limits",
    "ModelSettings", "Settings",
]


# Grammar (grammar/): reading, layering, the arc, plain Tracery, and expansion limits.
DEFAULT_MAX_GRAMMAR_BYTES = 2_000_000
# Where an overlay appends with "+key", its entries as a group are drawn this many times as
# often as the entries the symbol had before; 0 is plain appending (every entry alike).
DEFAULT_OVERLAY_WEIGHT = 1.0
DEFAULT_LENGTH = "full"
DEFAULT_TITLE = "The {fallen} over the {water}"
# Tracery's own convention: a plain grammar starts at "origin".
DEFAULT_SYMBOL = "origin"
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_NODES = 20_000
DEFAULT_MAX_CHARS = 100_000
# Each level of depth costs at most three Python frames; the expander raises Python's
# recursion limit to fit, and this ceiling keeps that safe for the C stack too.
DEPTH_CEILING = 2_000


# Corpus (corpus, corpus_lint): reading it, and how much a user's file must add.
DEFAULT_MAX_CORPUS_BYTES = 20_000_000
# A file counts from this share of the sentences of the beats it writes (all beats, for
# untagged text, which is placed where it reads like one). Measured by holding vignettes out
# of the built-in corpus and adding them back as one file, over dreams 0-99: at 0.3% of the
# sentences (one vignette) no Markov sentence drew on it; at 1.1% 1.5% of the Markov sentences
# did, in 25 dreams of 100 (27 untagged); at 4.6%, 7.3% in 77 dreams.
DEFAULT_MIN_SHARE = 0.01
# At a --corpus-weight of 1 or more the user's words start their own walks, so a file counts
# by its size, not its share. Measured with the first paragraphs of docs/examples/
# harbour-dream.txt at weight 2, dreams 700-719: 47 words gave 4+ of its words in a row to 3%
# of the Markov sentences, 87 words 9%, 161 words 17%, 332 words 26%, all 694 words 30%.
DEFAULT_MIN_OWN_WORDS = 150


# Markov models (markov/build, novelty, classify): what a build counts; all in the cache key.
# Three words of context after a hinge, four elsewhere: see markov.build.HINGE_WORDS.
DEFAULT_STATE_SIZE = 3
# A word may stand in a beat's Markov sentence when this share of the files that write the
# beat use it there: "ground" and "cry" in the impact, not one vignette's "playground".
DEFAULT_MIN_SPREAD = 0.003
# A word in this share of the files is everyone's; a rarer one said in this many beats of a
# file, on average, belongs to that file's scene (see markov.build._scene_words).
DEFAULT_GENERIC_SHARE = 0.25
DEFAULT_SCENE_BEATS = 1.4
# A noun fewer vignettes than this share use belongs to some scenes, not to every dream: a
# Markov sentence may name it only once the dream has (see filters.names_only_what_is_shown).
DEFAULT_LOCAL_SHARE = 0.15
# So does a word this few vignettes name after a determiner, however often they say it
# otherwise: "the falls" and "the pass" (1.5% each), while "falls" is in 80% of them. Two
# vignettes at least: one is a slip ("the in-between" makes nothing of "in").
DEFAULT_RARE_NOUN_SHARE = 0.02
# Walks a build takes per beat (and per beat the user's text writes) to fill its pool.
DEFAULT_SAMPLE_WALKS = 2000
# A pool's sentences that open with the same words weigh, together, no more than this many
# sentences in a dream's draw: "You move slowly, as if ..." (see Models.openings). Over dreams
# 0-199, weight 1 put the most shared sentence in 28% of dreams, 2 in 20%, 4 in 15.5%, 8 in
# 13.5% and no cap in 12%; the commonest opening was in 32%, 32%, 47%, 70% and 76%.
DEFAULT_OPENING_WORDS = 3
DEFAULT_OPENING_WEIGHT = 2
# A word may stand twice in a Markov sentence only when the corpus says it twice in at least
# this share of its sentences that say it: "the", "your", "let it ..., let", "look up, and you
# look up". Elsewhere a word said twice is a join ("Still a faint slow pulse still gleams"):
# "still" is said twice in 0.4% of the corpus's sentences that say it (read in seed 10707).
DEFAULT_REPEAT_SHARE = 0.03
DEFAULT_NOVELTY_WORDS = 8
# Add-half smoothing: an unseen word costs a beat about as much as a word seen once elsewhere.
DEFAULT_SMOOTHING = 0.5
# Untagged text is placed on the beat the classifier picks when it leads by this many nats.
DEFAULT_PLACE_MARGIN = 1.0


# Markov sentences (markov/chain, filters, compose): walking a chain and what may stay.
DEFAULT_TRIES = 300
# Steps a walk may take, backing up included, before it gives up; and how many members
# of one class it tries before backing up further. Past these a fresh walk does better.
DEFAULT_BUDGET = 40
DEFAULT_RETRIES = 3
# Short sentences have few joins, and every join is a place a sentence can stop making sense.
DEFAULT_MIN_WORDS = 7
DEFAULT_MAX_WORDS = 16
# A candidate stays while no other beat explains its words this much better than its own
# (in nats, about a factor of e**2): neighbouring beats share words, distant ones do not.
DEFAULT_BEAT_MARGIN = 2.0
# A sentence may not repeat this many words in a row from one already in the dream.
DEFAULT_ECHO_WORDS = 4


# Composing (compose): how a user's corpus weighs against the built-in one.
# In a beat the user's corpus text writes, their sentences weigh this much against the
# built-in corpus's: at 5, five in six of its Markov sentences start from the user's words.
# Drawn from the pools, a 694-word file (docs/examples/harbour-dream.txt) gives a run of its
# words to 16% of all Markov sentences at 1, 24% at 3 and 26.2% at 5, over seeds 500-599
# (27.1% at 5 over 0-39). 3 gave a quarter until the approach took a second Markov sentence,
# a beat the file writes nothing usable for (docs/grammar.md).
DEFAULT_CORPUS_WEIGHT = 5.0


# Cache (cache): how much the cache folder keeps before it evicts.
# About eight corpus-and-grammar edits' worth: a model is about 5.5 MB, a bundle 0.7 MB.
DEFAULT_CACHE_MAX_ENTRIES = 16
DEFAULT_CACHE_MAX_BYTES = 50_000_000


# Figures and mining (stats, mine): what the reports measure by.
# A Markov sentence takes the user's words when it says this many of them in a row.
DEFAULT_OWN_RUN = 4
DEFAULT_MAX_MINE_BYTES = 20_000_000
# How reach is judged: an entry should show in at least one of this many dreams...
DEFAULT_REACH_DREAMS = 20
# ... measured over this many dreams of the grammar alone (under 1 ms each); mine.RARE_MISS
# says how often a run may miss it.
DEFAULT_REACH_SAMPLES = 1000


# Long runs (batch, resume, verify): chunks, checkpoints and the check of a finished file.
# Large enough that a worker's reply costs little next to its work, small enough that
# output starts at once and progress moves smoothly.
DEFAULT_CHUNK = 64
# Work lost to a kill is at most this much (plus one chunk); each checkpoint costs an fsync.
DEFAULT_CHECKPOINT_SECONDS = 1.0
# Records made again besides the first and last: about a second of work, and a record
# corrupted in one place in a hundred is found with odds of 1 - 0.99**100, about 63%.
DEFAULT_VERIFY_SAMPLE = 100


# The settings dataclasses: the defaults above, gathered as the library takes them.
@dataclass(frozen=True)
class Limits:
    """Per-dream limits on expansion depth, tags expanded and characters produced."""

    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES
    max_chars: int = DEFAULT_MAX_CHARS

    def __post_init__(self):
        for name in ("max_depth", "max_nodes", "max_chars"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
        if self.max_depth > DEPTH_CEILING:
            raise ValueError(f"max_depth can be at most {DEPTH_CEILING}")


@dataclass(frozen=True)
class ModelSettings:
    """Everything besides the corpus that changes the model (all part of the cache key)."""

    state_size: int = DEFAULT_STATE_SIZE
    novelty_words: int = DEFAULT_NOVELTY_WORDS
    min_spread: float = DEFAULT_MIN_SPREAD


@dataclass(frozen=True)
class Settings:
    """Every setting that changes what a dream says, with defaults."""

    model: ModelSettings = ModelSettings()
    limits: Limits = Limits()
    markov_tries: int = DEFAULT_TRIES
    min_words: int = DEFAULT_MIN_WORDS
    max_words: int = DEFAULT_MAX_WORDS
    max_grammar_bytes: int = DEFAULT_MAX_GRAMMAR_BYTES
    max_corpus_bytes: int = DEFAULT_MAX_CORPUS_BYTES
    corpus_weight: float = DEFAULT_CORPUS_WEIGHT
    # What your overlays append with "+key" is drawn this many times as often, as a group, as
    # the built-in entries (see dreamgen.grammar.layers.appended_weights).
    overlay_weight: float = DEFAULT_OVERLAY_WEIGHT

    def __post_init__(self):
        for name in ("overlay_weight", "corpus_weight"):
            w = getattr(self, name)
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 <= w < math.inf:
                raise ValueError(f"{name} must be a finite number 0 or more, not {w!r}")
