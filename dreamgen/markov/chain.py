"""A Markov chain over token ids that knows nothing of text.

The chain is the corpus itself: ``tokens`` lays the sentences end to end, each opened by
``BEGIN`` and closed by ``END``. Every position belongs to a class of positions that share
its context, the last ``short`` tokens where the position's token is a hinge and the last
``short + 1`` elsewhere. A step goes from the current position to a random member of its
class and emits the token after it; each different next token is drawn about as often as any
other (not as often as the corpus repeats it, which would let stock phrases crowd out the
rest), and the chain may change its source sentence only where the context allows it.
"""

from array import array
from collections import Counter

from ..settings import DEFAULT_BUDGET, DEFAULT_RETRIES

__all__ = ["BEGIN", "END", "Chain", "build_chain"]

BEGIN, END = 0, 1
# A walk of the user's own text (``own``) takes their members for this many words.
OWN_WORDS = 4


class Chain:
    """One beat's chain as flat arrays (see the module docstring).

    ``cls[p]`` is the class of position ``p``; class ``c``'s members are
    ``members[starts[c]:starts[c + 1]]``. Class 0 holds every ``BEGIN``.
    """

    __slots__ = ("tokens", "cls", "starts", "members", "ahead", "dup", "users", "alike")

    def __init__(self, tokens, cls, starts, members, ahead, dup, users=None):
        self.tokens, self.cls, self.starts, self.members = tokens, cls, starts, members
        # ahead[p]: tokens a walk at p must take from p's sentence before its next choice.
        self.ahead = ahead
        # dup[p]: members of p's class that say the same next token as p does.
        self.dup = dup
        # users[c]: how many of class c's members (listed first) are from the user's text.
        self.users = users

    def prepare(self, same=None):
        """Get ready to walk: the arrays as lists (faster to index), and each position's
        token as ``same`` maps it (tokens that count as one word, such as "Light" and
        "light,"; by default only equal tokens do)."""
        if isinstance(self.tokens, list):
            return self
        for name in ("tokens", "cls", "starts", "members", "ahead", "dup", "users"):
            if getattr(self, name) is not None:
                setattr(self, name, list(getattr(self, name)))
        # BEGIN and END are like nothing, so no overlap is counted across a sentence's edge.
        self.alike = [(t if same is None else same[t]) if t > END else -1
                      for t in self.tokens]
        return self

    def walk(self, random, min_len, max_len, span, budget=DEFAULT_BUDGET, own=False):
        """Token ids of one sentence of ``min_len`` to ``max_len`` tokens, or None.

        ``random`` gives floats in [0, 1). No ``span`` tokens in a row come from one source
        sentence, counting the context shared at the join; a member whose next token is
        alike (see :meth:`prepare`) goes on with the run. A walk that cannot go on backs up
        to its last choice and takes another member there, for ``budget`` steps in all.
        With ``own``, the first ``OWN_WORDS`` words' choices take a member from the user's
        text wherever the class has one that can go on, and any member where none can.
        """
        if not isinstance(self.tokens, list):
            self.prepare()
        tokens, cls, starts, members = self.tokens, self.cls, self.starts, self.members
        ahead, dup, alike = self.ahead, self.dup, self.alike
        users = self.users if own else None
        out, said = [], []  # the tokens, and the same as ``alike`` has them
        stack = []
        # A choice point: position, tokens from its source, their limit, len(out), class,
        # and the members tried there.
        frame = (-1, 0, span, 0, starts[0], starts[0] + users[0] if users and users[0]
                 else starts[1], ())
        while budget > 0:
            budget -= 1
            pos, run, limit, size, lo, hi, tried = frame
            if len(out) > size:
                del out[size:]
                del said[size:]
            n = hi - lo
            if not n:  # every way on says a word this chain may not: back up
                if not stack:
                    return None
                frame = stack.pop()
                continue
            i = int(random() * n)
            # Each word the corpus says next is as likely as another, however many sentences
            # say it: a member is kept with chance 1/dup, else drawn again (three times).
            for _ in range(3):
                d = dup[members[lo + i]]
                if d == 1 or random() * d < 1.0:
                    break
                i = int(random() * n)
            nxt = joined = -1
            room = max_len - size - 1
            here = alike[pos + 1] if pos >= 0 else -1
            for j in range(n):
                m = members[lo + (i + j) % n]
                if m in tried:
                    continue
                # Skip a member whose sentence would force the walk past a limit. One that
                # says the same next word as this sentence goes on with its run.
                after = m + 1
                if tokens[after] == END:
                    nxt = m  # the end adds no word to any run
                    break
                forced = ahead[after]
                if m == pos or alike[after] == here:
                    if run + 1 + forced <= limit and forced <= room:
                        nxt = m
                        break
                elif forced <= room:
                    # The join's real overlap: how far back the walk already says what the
                    # member's sentence says, which may be more than the class's context.
                    shared, k = 0, m
                    while shared < size and alike[k] == said[size - 1 - shared]:
                        shared += 1
                        k -= 1
                    if forced < span - shared:
                        nxt, joined = m, span - shared
                        break
            if nxt < 0 and users is not None:
                wide = starts[cls[pos] + 1] if pos >= 0 else starts[1]
                if hi < wide:  # none of the user's members goes on: any member may
                    frame = (pos, run, limit, size, lo, wide, tried)
                    continue
            if nxt < 0 or len(tried) >= DEFAULT_RETRIES:
                if not stack:
                    return None
                frame = stack.pop()
                continue
            stack.append((pos, run, limit, size, lo, hi, tried + (nxt,)))
            after = nxt + 1
            if nxt == pos or alike[after] == here:
                run += 1
            elif tokens[after] != END:
                run, limit = 1, joined
            pos = after
            t = tokens[pos]
            if t == END:
                if size >= min_len:
                    return out
                frame = stack.pop()
                continue
            if size >= max_len:
                frame = stack.pop()
                continue
            out.append(t)
            said.append(alike[pos])
            forced = ahead[pos]
            if forced:
                # Checked when this member was chosen: the run fits, so take it whole.
                out += tokens[pos + 1:pos + 1 + forced]
                said += alike[pos + 1:pos + 1 + forced]
                pos += forced
                run += forced
            c = cls[pos]
            hi = starts[c + 1]
            if users is not None and users[c] and len(out) < OWN_WORDS:
                hi = starts[c] + users[c]
            frame = (pos, run, limit, len(out), starts[c], hi, ())

    def validate(self):
        """Raise ValueError unless every walk stays inside the arrays and ends."""
        tokens, cls, starts, members = self.tokens, self.cls, self.starts, self.members
        n = len(tokens)
        if not (n >= 2 and len(cls) == n and tokens[0] == BEGIN and tokens[-1] == END):
            raise ValueError("tokens and classes disagree")
        if not (len(starts) >= 2 and starts[0] == 0 and starts[-1] == len(members)):
            raise ValueError("bad class offsets")
        if any(b < a for a, b in zip(starts, starts[1:])):
            raise ValueError("class offsets that fall")
        if max(members) >= n - 1 or max(cls) >= len(starts) - 1:
            raise ValueError("a class member outside the tokens")
        for c in range(len(starts) - 1):
            for i in range(starts[c], starts[c + 1]):
                p = members[i]
                if cls[p] != c or tokens[p] == END:
                    raise ValueError("a class member in another class")
        if any(tokens[p] != BEGIN for p in members[starts[0]:starts[1]]):
            raise ValueError("class 0 is not the sentence starts")
        # Each member is followed by a token and then END or more tokens, and END positions
        # are in no class: every walk moves forward through a sentence or jumps to a class,
        # and sentences end, so a walk cannot circle for ever past max_len.


def _ahead(tokens, cls, members_of):
    """For each position, the tokens a walk there must take from its sentence before its
    next choice: a class whose members all say the same next word offers no choice, and only
    a position that is itself a member goes on along its own sentence."""
    single = [len({tokens[p + 1] for p in group}) == 1 for group in members_of]
    member = bytearray(len(tokens))
    for group in members_of:
        for p in group:
            member[p] = 1
    ahead = array("B", bytes(len(tokens)))
    for p in range(len(tokens) - 2, -1, -1):
        if member[p] and tokens[p + 1] != END and single[cls[p]]:
            ahead[p] = min(255, ahead[p + 1] + 1)
    return ahead


def build_chain(sentences, hinge, short, says=None, longest=255, own=None):
    """A :class:`Chain` over ``sentences`` (lists of token ids >= 2).

    ``hinge(before, t)`` is true where ``short`` tokens of context are enough after token
    ``t`` (``before`` is the token before it, or ``BEGIN``); elsewhere the context is one
    token longer. ``says[t]``, if given, is false for tokens no walk may say: no member
    leads to one. No member leads into a stretch without a choice of ``longest`` tokens.
    ``own[i]``, if given, is true for a sentence from the user's text: its members are
    listed first in their class, and ``users`` counts them.
    """
    tokens = array("I")
    keys = {(BEGIN,): 0}
    cls = array("I")
    mine = bytearray()  # per position: 1 in a sentence of the user's
    for n, sentence in enumerate(sentences):
        if own is not None:
            mine.extend((b"\x01" if own[n] else b"\x00") * (len(sentence) + 2))
        first = len(tokens)
        tokens.append(BEGIN)
        cls.append(0)
        before = BEGIN
        for t in sentence:
            tokens.append(t)
            p = len(tokens) - 1
            length = short if hinge(before, t) else short + 1
            key = tuple(tokens[max(first, p - length + 1):p + 1])
            cls.append(keys.setdefault(key, len(keys)))
            before = t
        tokens.append(END)
        cls.append(0)  # END positions are never a member; 0 is a placeholder
    members_of = [[] for _ in keys]
    for p, c in enumerate(cls):
        if tokens[p] != END and (says is None or says[tokens[p + 1]] or tokens[p + 1] == END):
            members_of[c].append(p)
    while True:
        ahead = _ahead(tokens, cls, members_of)
        # A member whose sentence then goes on without a choice for ``longest`` tokens or
        # more can never be taken; dropping it may end another stretch, so look again.
        # So can one whose stretch ends where no member goes on (a dead end).
        alive = [bool(group) for group in members_of]
        kept = [[p for p in group if ahead[p + 1] < longest and (
            tokens[p + 1] == END or alive[cls[p + 1 + ahead[p + 1]]])] for group in members_of]
        if kept == members_of:
            break
        members_of = kept
    users = None
    if own is not None:
        # Stable, so a chain without the user's text lists its members as it always has.
        members_of = [sorted(group, key=lambda p: not mine[p]) for group in members_of]
        users = array("I", [sum(mine[p] for p in group) for group in members_of])
    starts, members = array("I", [0]), array("I")
    for group in members_of:
        members.extend(group)
        starts.append(len(members))
    dup = array("B", bytes(len(tokens)))
    for group in members_of:
        says = Counter(tokens[p + 1] for p in group)
        for p in group:
            dup[p] = min(255, says[tokens[p + 1]])
    return Chain(tokens, cls, starts, members, ahead, dup, users)
