"""Read the beat-tagged dream corpus.

A corpus file is UTF-8 text. Optional ``key: value`` header lines come first (``title`` and
the vignette's own cast). Each paragraph may follow a ``:: beat`` line naming its beat;
untagged text (or text after ``:: *``) is placed on a beat when the model is built. Cast
elements are written as Tracery tags (``#fallen#``) so that a sentence fits any dream's cast.
"""

import hashlib
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import CorpusError, did_you_mean
from .files import Memo, decode_utf8, read_limited
from .settings import DEFAULT_MAX_CORPUS_BYTES
from .text import FIRST_PERSON, second_person, sentence_spans

__all__ = [
    "ANY_BEAT",
    "DEFAULT_MAX_CORPUS_BYTES",
    "Corpus",
    "Document",
    "Paragraph",
    "corpus_digest",
    "READ_VERSION",
    "Rewrite",
    "TEXT_SUFFIXES",
    "corpus_files",
    "read_corpus",
    "read_document",
]

# ``:: *`` marks untagged text in a tagged file: the model places it, or (fitting no beat)
# it feeds only what is the whole corpus's (see markov.build).
ANY_BEAT = "*"
_BEAT_LINE = re.compile(r"^::\s*(\S+)\s*$")
_HEADER_LINE = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")
# A Markdown heading: hashes, then a space; a corpus tag (#fallen#) has none after its hash.
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
# Bumped when reading gives other paragraphs from the same bytes: it keys cached models.
READ_VERSION = 2
# The files a folder gives --corpus (and ``dreamgen mine``): plain text and Markdown.
TEXT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: where it is (file, first line), its beat (or None), its text.

    ``text`` is the paragraph's lines stripped and joined by spaces; ``line_starts`` holds
    where each line begins in it, so :meth:`line_at` maps a place in the text back to a line.
    """

    path: str
    line: int
    beat: str
    text: str
    line_starts: tuple = field(default=(0,), compare=False, repr=False)
    columns: tuple = field(default=(1,), compare=False, repr=False)  # where each line's text begins

    def line_at(self, offset):
        """The file's line number holding character ``offset`` of ``text``."""
        return self.line + max(0, bisect_right(self.line_starts, offset) - 1)

    def position(self, offset):
        """``(line, column)`` in the file of character ``offset`` of ``text`` (from 1)."""
        i = max(0, bisect_right(self.line_starts, offset) - 1)
        return self.line + i, self.columns[min(i, len(self.columns) - 1)] + offset - \
            self.line_starts[i]


@dataclass(frozen=True)
class Rewrite:
    """A first-person sentence as written (``source``, at ``line`` and ``column``): ``text`` is
    it in the second person, or None when it is left out, and ``reason`` says why."""

    path: str
    line: int
    column: int
    source: str
    text: str = None
    reason: str = None


@dataclass(frozen=True)
class Document:
    """One corpus file."""

    path: str
    header: tuple  # of (key, value)
    paragraphs: tuple
    sha256: str
    rewrites: tuple = ()  # a Rewrite for each first-person sentence, in file order
    user: bool = False  # the user's own text (``--corpus``), not the built-in corpus

    @property
    def title(self):
        return dict(self.header).get("title", Path(self.path).stem)


@dataclass(frozen=True)
class Corpus:
    """All corpus files, in the order given."""

    documents: tuple
    sha256: str

    def paragraphs(self):
        for doc in self.documents:
            yield from doc.paragraphs


def _text(path, data):
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorpusError(f"binary data (a NUL byte at byte offset {nul}), expected UTF-8 "
                          "text; give a plain text file", path=path)
    return decode_utf8(path, data, CorpusError)


def unknown_beat(beat, beats):
    """The message for a ``:: beat`` line naming no beat of the arc."""
    return f"unknown beat {beat!r}{did_you_mean(beat, beats)} (beats: {', '.join(beats)})"


# Documents read without a problem, by path, digest, beats and reword: every load that misses
# the grammar cache reads the whole corpus again (a quarter of a second), and the same bytes
# always read the same. A Document is never changed once read, so the same one is handed out.
_CLEAN_READS = Memo(2_000)  # five times the built-in corpus's files


def read_document(path, *, beats=None, data=None, max_bytes=DEFAULT_MAX_CORPUS_BYTES,
                  reword=True, problems=None):
    """Parse one corpus file; ``beats`` (names) validates its ``:: beat`` lines.

    First-person sentences are turned into the second person (see :class:`Rewrite`); with
    ``reword=False`` the paragraphs keep the text as written, and ``rewrites`` still says
    what reading would do. A file with no text at all is a :class:`CorpusError`, and so is an
    unknown beat, unless ``problems`` is a list: then it is added there and reading goes on.
    """
    path = str(path)
    if data is None:
        data = read_limited(path, max_bytes, CorpusError, what="corpus file",
                            option="--max-corpus-bytes")
    digest = hashlib.sha256(data).hexdigest()
    key = (path, digest, None if beats is None else tuple(beats), reword)
    doc = _CLEAN_READS.get(key)
    if doc is None:
        before = None if problems is None else len(problems)
        doc = _read_document(path, data, digest, beats, reword, problems)
        if problems is None or len(problems) == before:
            _CLEAN_READS.keep(key, doc)
    return doc


def _read_document(path, data, digest, beats, reword, problems):
    text = _text(path, data)
    lines = text.splitlines()
    if Path(path).suffix == ".md":
        lines = ["" if _MD_HEADING.match(line) else line for line in lines]
    tagged = any(_BEAT_LINE.match(line) for line in lines)
    header, i = [], 0
    if tagged:
        while i < len(lines) and not _BEAT_LINE.match(lines[i]):
            m = _HEADER_LINE.match(lines[i])
            if m:
                header.append((m.group(1), m.group(2).strip()))
            elif lines[i].strip():
                raise CorpusError("text before the first ':: beat' line is not a "
                                  "'key: value' header line", path=path, line=i + 1)
            i += 1
    paragraphs, beat, buf, start = [], None, [], None

    def flush():
        if buf:
            starts, at = [], 0
            for piece, _ in buf:
                starts.append(at)
                at += len(piece) + 1
            paragraphs.append(Paragraph(path, start, beat, " ".join(p for p, _ in buf),
                                        tuple(starts), tuple(c for _, c in buf)))
            buf.clear()

    for n in range(i, len(lines)):
        line = lines[n]
        m = _BEAT_LINE.match(line)
        if m:
            flush()
            beat = None if m.group(1) == ANY_BEAT else m.group(1)
            if beat is not None and beats is not None and beat not in beats:
                err = CorpusError(unknown_beat(beat, beats), path=path, line=n + 1,
                                  column=line.index(beat) + 1, beat=beat)
                if problems is None:
                    raise err
                problems.append(err)
        elif not line.strip():
            flush()
        else:
            if not buf:
                start = n + 1
            buf.append((line.strip(), len(line) - len(line.lstrip()) + 1))
    flush()
    if not paragraphs:
        raise CorpusError("no text in this corpus file (it is empty, or holds only blank, "
                          "header or ':: beat' lines); add sentences of your dream",
                          path=path)
    rewrites, spoken = [], []
    for para in paragraphs:
        new, found = _to_you(para)
        rewrites += found
        if new is not None:
            spoken.append(new)
    if reword and not spoken:
        raise CorpusError(f"no usable sentences in this corpus file: all {len(rewrites)} are in "
                          f"the first person and cannot be turned to 'you' safely (the first "
                          f"{rewrites[0].reason}); run 'dreamgen check {path}' for each",
                          path=path, line=rewrites[0].line, column=rewrites[0].column)
    return Document(path, tuple(header), tuple(spoken if reword else paragraphs),
                    digest, tuple(rewrites))


def _to_you(para):
    """``para`` with its first-person sentences turned to "you" (None if none is left), and a
    :class:`Rewrite` for each of them."""
    text = para.text
    rewrites, out, moves = [], [], []  # moves: (old start, old end, new start, new end)
    at = size = 0
    for a, b in sentence_spans(text):
        sentence, new = text[a:b], text[a:b]
        if FIRST_PERSON.search(sentence):
            new, why = second_person(sentence)
            line, col = para.position(a)
            rewrites.append(Rewrite(para.path, line, col, sentence, new, why))
        if new is None:  # left out, with the space before it
            moves.append((at, b, size, size))
        else:
            gap = text[at:a] if out else ""
            moves.append((at, a, size, size + len(gap)))
            size += len(gap)
            out.append(gap + new)
            moves.append((a, b, size, size + len(new)))
            size += len(new)
        at = b
    if not rewrites:
        return para, []
    if not out:
        return None, rewrites

    def moved(offset):
        for old_a, old_b, new_a, new_b in moves:
            if offset < old_b:
                return new_a + min(max(offset - old_a, 0), new_b - new_a)
        return size

    return Paragraph(para.path, para.line, para.beat, "".join(out),
                     tuple(moved(o) for o in para.line_starts), para.columns), rewrites


def corpus_files(path):
    """The corpus files at ``path`` as strings: the file itself, or a folder's text and
    Markdown files (see :data:`TEXT_SUFFIXES`) sorted by name, spelt as :class:`pathlib.Path`
    spells them."""
    folder = str(Path(path))
    # scandir, not Path.iterdir: a warm start lists the built-in corpus, and 400 Path
    # objects cost it 3 ms.
    try:
        listing = os.scandir(folder)
    except NotADirectoryError:
        return [folder]
    except FileNotFoundError:
        raise CorpusError("no such file", path=path) from None
    with listing:
        names = sorted(e.name for e in listing if _suffix(e.name) in TEXT_SUFFIXES
                       and e.is_file())
    if not names:
        kinds = " or ".join(TEXT_SUFFIXES)
        raise CorpusError(f"folder holds no corpus files; corpus files end in {kinds}",
                          path=path)
    return [name if folder == "." else os.path.join(folder, name) for name in names]


def _suffix(name):
    # Path.suffix: a leading dot starts no suffix, nor does a trailing one.
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def corpus_digest(digests, user):
    """The corpus's hash from its files' hashes, in order; ``user`` flags the user's files.

    A user's file counts apart (it may be weighted), so the same bytes given as built-in text
    hash otherwise.
    """
    return hashlib.sha256("".join(("u:" if u else "") + d for d, u in zip(digests, user))
                          .encode()).hexdigest()


def read_corpus(paths, *, beats=None, max_bytes=DEFAULT_MAX_CORPUS_BYTES, data=None,
                user_from=None):
    """Read corpus files and folders in order into a :class:`Corpus`.

    ``data`` may map a file's path (as a string) to its bytes, already read. The files of
    ``paths[user_from:]`` are the user's own (none when ``user_from`` is None).
    """
    docs, total = [], 0
    for n, path in enumerate(paths):
        user = user_from is not None and n >= user_from
        for f in corpus_files(path):
            left = max(max_bytes - total, 0)
            raw = (data or {}).get(str(f))
            if raw is None or len(raw) > left:  # read it here, which says what is wrong
                over = (f"corpus passes the limit of {max_bytes:,} bytes here "
                        "(raise it with --max-corpus-bytes)")
                raw = read_limited(f, left, CorpusError, what="corpus file", over=over)
            total += len(raw)
            doc = read_document(f, beats=beats, data=raw)
            docs.append(replace(doc, user=True) if user else doc)
    return Corpus(tuple(docs), corpus_digest([d.sha256 for d in docs], [d.user for d in docs]))
