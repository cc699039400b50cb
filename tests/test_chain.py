"""The chain over token ids: every step is one the corpus makes, and every walk ends."""

import random

import pytest
from hypothesis import given, settings, strategies as st

from dreamgen.markov.chain import BEGIN, END, build_chain

TOKENS = st.integers(min_value=2, max_value=9)
SENTENCES = st.lists(st.lists(TOKENS, min_size=1, max_size=12), min_size=1, max_size=12)
HINGES = st.lists(st.booleans(), min_size=10, max_size=10)


def NEVER(before, t):
    return False


def _flags(flags):
    return lambda before, t: t > 1 and flags[t]


def _contexts(sentences, hinge, short):
    """Every (context, next token) the corpus has, contexts cut at the sentence start."""
    seen = set()
    for s in sentences:
        toks = [BEGIN, *s, END]
        for p in range(len(toks) - 1):
            t = toks[p]
            length = 1 if t == BEGIN else (short if hinge(toks[p - 1], t) else short + 1)
            seen.add((tuple(toks[max(0, p - length + 1):p + 1]), toks[p + 1]))
    return seen


@settings(max_examples=150, deadline=None)
@given(SENTENCES, HINGES, st.integers(1, 3), st.integers(0, 2 ** 32 - 1))
def test_every_step_of_a_walk_is_a_step_the_corpus_takes(sentences, flags, short, seed):
    hinge = _flags(flags)
    chain = build_chain(sentences, hinge, short)
    chain.validate()
    rng = random.Random(seed)
    seen = _contexts(sentences, hinge, short)
    for _ in range(20):
        out = chain.walk(rng.random, 1, 30, 100)
        if out is None:  # a corpus that circles ("2 2 2 2") can run out of budget
            continue
        toks = [BEGIN, *out, END]
        for p in range(len(toks) - 1):
            t = toks[p]
            length = 1 if t == BEGIN else (short if hinge(toks[p - 1], t) else short + 1)
            assert (tuple(toks[max(0, p - length + 1):p + 1]), toks[p + 1]) in seen


@settings(max_examples=100, deadline=None)
@given(SENTENCES, HINGES, st.integers(0, 2 ** 32 - 1), st.integers(1, 6),
       st.integers(1, 8), st.integers(2, 8))
def test_walks_keep_their_bounds_and_end(sentences, flags, seed, lo, width, span):
    chain = build_chain(sentences, _flags(flags), 1)
    rng = random.Random(seed)
    for _ in range(20):
        out = chain.walk(rng.random, lo, lo + width, span)
        assert out is None or lo <= len(out) <= lo + width


def test_the_same_draws_give_the_same_walk():
    sentences = [[2, 3, 4, 5, 6], [7, 3, 4, 8, 9], [2, 3, 9, 5, 4, 6]]
    chain = build_chain(sentences, NEVER, 1)
    walks = [[chain.walk(random.Random(s).random, 1, 20, 50) for s in range(30)]
             for _ in range(2)]
    assert walks[0] == walks[1]
    assert len({tuple(w) for w in walks[0] if w}) > 1


def test_a_short_span_forces_a_join_before_a_sentence_is_copied():
    # Each sentence shares its middle token with the others, so a walk can join there.
    sentences = [[2, 3, 4, 5, 6, 7], [8, 9, 4, 3, 2, 9]]
    chain = build_chain(sentences, lambda before, t: t == 4, 1)
    rng = random.Random(3)
    outs = [chain.walk(rng.random, 1, 20, 4) for _ in range(200)]
    found = [o for o in outs if o is not None]
    assert found and all(o not in sentences for o in found)
    assert {tuple(o) for o in found} <= {(2, 3, 4, 3, 2, 9), (8, 9, 4, 5, 6, 7)}


def test_the_hinge_may_depend_on_the_token_before():
    # Token 4 is a hinge only after token 9, so "9 4" and "3 4" are different contexts.
    sentences = [[2, 3, 4, 5], [7, 3, 4, 6], [8, 9, 4, 6], [9, 4, 5]]
    chain = build_chain(sentences, lambda before, t: t == 4 and before == 9, 1)
    outs = {tuple(chain.walk(random.Random(s).random, 1, 9, 99) or ()) for s in range(300)}
    assert (2, 3, 4, 6) in outs and (7, 3, 4, 5) in outs  # "3 4" is shared: a join
    assert (8, 9, 4, 5) in outs and (9, 4, 6) in outs  # "4" after 9 is a hinge: a join
    assert not {(8, 9, 4, 6, 5), (2, 3, 4, 5, 6)} & outs


@pytest.mark.parametrize("damage, reason", [
    (lambda c: c.members.__setitem__(0, len(c.tokens)), "a class member outside the tokens"),
    (lambda c: c.starts.__setitem__(1, c.starts[2] + 1), "class offsets that fall"),
    (lambda c: c.cls.__setitem__(1, 0), "a class member in another class"),
    (lambda c: c.tokens.__setitem__(0, 5), "tokens and classes disagree"),
])
def test_validate_names_the_damage(damage, reason):
    chain = build_chain([[2, 3, 4], [2, 4, 3]], NEVER, 1)
    chain.validate()
    damage(chain)
    with pytest.raises(ValueError, match=reason):
        chain.validate()


def test_an_own_walk_starts_on_the_users_words_and_a_plain_one_is_unchanged():
    builtin = [[2, 3, 4, 5], [2, 3, 6, 7], [8, 3, 4, 9]]
    user = [[2, 3, 10, 11]]
    plain = build_chain(builtin + user, NEVER, 1)
    mixed = build_chain(builtin + user, NEVER, 1, own=[False, False, False, True])
    assert list(mixed.users)[0] == 1 and plain.users is None
    for s in range(40):
        out = mixed.walk(random.Random(s).random, 1, 20, 50, own=True)
        assert out[:3] == [2, 3, 10]
    # A chain with no sentence of the user's walks as it always has, draw for draw.
    alone = build_chain(builtin, NEVER, 1)
    flagged = build_chain(builtin, NEVER, 1, own=[False] * 3)
    for s in range(20):
        assert flagged.walk(random.Random(s).random, 1, 20, 50, own=True) == \
            alone.walk(random.Random(s).random, 1, 20, 50)


def test_an_own_walk_falls_back_where_the_users_words_cannot_go_on():
    # The user's sentence is too long to take whole with a span of 3: the walk joins.
    sentences = [[2, 3, 4, 5], [6, 3, 4, 7, 8, 9, 10, 11]]
    chain = build_chain(sentences, NEVER, 1, own=[False, True])
    outs = {tuple(chain.walk(random.Random(s).random, 1, 20, 3, own=True) or ())
            for s in range(40)}
    assert outs and all(o and o[-1] in (5, 11) for o in outs)
