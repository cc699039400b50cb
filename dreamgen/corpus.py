"""Read the beat-tagged dream corpus.

A corpus file is UTF-8 text. Optional ``key: value`` header lines come first (``title`` and
the vignette's own cast). Each paragraph may follow a ``:: beat`` line naming its beat;
untagged text (or text after ``:: *``) is placed on a beat when the model is built. Cast elements are written as Tracery
tags (``#fallen#``) so that a sentence fits any dream's cast.
"""

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import CorpusError
from .files import decode_utf8, read_limited

__all__ = [
    "ANY_BEAT",
    "DEFAULT_MAX_CORPUS_BYTES",
    "Corpus",
    "Document",
    "Paragraph",
    "corpus_digest",
    "corpus_files",
    "read_corpus",
    "read_document",
]

DEFAULT_MAX_CORPUS_BYTES = 20_000_000
# ``:: *`` marks untagged text in a tagged file: the model places it, or (fitting no beat)
# it feeds only what is the whole corpus's (see markov.build).
ANY_BEAT = "*"
_BEAT_LINE = re.compile(r"^::\s*(\S+)\s*$")
_HEADER_LINE = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")


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

    def line_at(self, offset):
        """The file's line number holding character ``offset`` of ``text``."""
        return self.line + max(0, bisect_right(self.line_starts, offset) - 1)


@dataclass(frozen=True)
class Document:
    """One corpus file."""

    path: str
    header: tuple  # of (key, value)
    paragraphs: tuple
    sha256: str
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


def read_document(path, *, beats=None, data=None, max_bytes=DEFAULT_MAX_CORPUS_BYTES):
    """Parse one corpus file; ``beats`` (names) validates its ``:: beat`` lines."""
    path = str(path)
    if data is None:
        data = read_limited(path, max_bytes, CorpusError, what="corpus file",
                            option="--max-corpus-bytes")
    text = _text(path, data)
    lines = text.splitlines()
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
            for piece in buf:
                starts.append(at)
                at += len(piece) + 1
            paragraphs.append(Paragraph(path, start, beat, " ".join(buf), tuple(starts)))
            buf.clear()

    for n in range(i, len(lines)):
        line = lines[n]
        m = _BEAT_LINE.match(line)
        if m:
            flush()
            beat = None if m.group(1) == ANY_BEAT else m.group(1)
            if beat is not None and beats is not None and beat not in beats:
                raise CorpusError(f"unknown beat {beat!r} (beats: {', '.join(beats)})",
                                  path=path, line=n + 1, beat=beat)
        elif not line.strip():
            flush()
        else:
            if not buf:
                start = n + 1
            buf.append(line.strip())
    flush()
    return Document(path, tuple(header), tuple(paragraphs), hashlib.sha256(data).hexdigest())


def corpus_files(path):
    """The corpus files at ``path``: the file itself, or a folder's ``*.txt`` sorted by name."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.txt"))
        if not files:
            raise CorpusError("folder holds no .txt corpus files; corpus files end in .txt",
                              path=path)
        return files
    if not p.exists():
        raise CorpusError("no such file", path=path)
    return [p]


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
