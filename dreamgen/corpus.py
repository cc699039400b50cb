"""Read the beat-tagged dream corpus.

A corpus file is UTF-8 text. Optional ``key: value`` header lines come first (``title`` and
the vignette's own cast). Each paragraph may follow a ``:: beat`` line naming its beat;
untagged text counts for every beat at a lower weight. Cast elements are written as Tracery
tags (``#fallen#``) so that a sentence fits any dream's cast.
"""

import hashlib
import re
from dataclasses import dataclass

from ._lazy import lazy
from .errors import CorpusError

Path = lazy("pathlib", "Path")  # a warm start reads no corpus

__all__ = [
    "DEFAULT_MAX_CORPUS_BYTES",
    "Corpus",
    "Document",
    "Paragraph",
    "corpus_files",
    "read_corpus",
    "read_document",
]

DEFAULT_MAX_CORPUS_BYTES = 20_000_000
_BEAT_LINE = re.compile(r"^::\s*(\S+)\s*$")
_HEADER_LINE = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: where it is (file, first line), its beat (or None), its text."""

    path: str
    line: int
    beat: str
    text: str


@dataclass(frozen=True)
class Document:
    """One corpus file."""

    path: str
    header: tuple  # of (key, value)
    paragraphs: tuple
    sha256: str

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


def _decode(path, data):
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorpusError(f"binary data (a NUL byte at byte offset {nul}), expected UTF-8 text",
                          path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"not UTF-8 text (bad byte 0x{data[exc.start]:02x} at byte offset {exc.start})",
            path=path) from None


def read_document(path, *, beats=None, data=None):
    """Parse one corpus file; ``beats`` (names) validates its ``:: beat`` lines."""
    path = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except IsADirectoryError:
            raise CorpusError("is a directory", path=path) from None
        except FileNotFoundError:
            raise CorpusError("no such file", path=path) from None
        except OSError as exc:
            raise CorpusError(f"cannot read: {exc.strerror}", path=path) from None
    text = _decode(path, data)
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
            paragraphs.append(Paragraph(path, start, beat, " ".join(buf)))
            buf.clear()

    for n in range(i, len(lines)):
        line = lines[n]
        m = _BEAT_LINE.match(line)
        if m:
            flush()
            beat = m.group(1)
            if beats is not None and beat not in beats:
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
            raise CorpusError("folder holds no .txt corpus files", path=path)
        return files
    if not p.exists():
        raise CorpusError("no such file", path=path)
    return [p]


def read_corpus(paths, *, beats=None, max_bytes=DEFAULT_MAX_CORPUS_BYTES):
    """Read corpus files and folders in order into a :class:`Corpus`."""
    docs, total = [], 0
    for path in paths:
        for f in corpus_files(path):
            size = f.stat().st_size
            total += size
            if total > max_bytes:
                raise CorpusError(f"corpus passes the limit of {max_bytes:,} bytes here "
                                  "(raise it with --max-corpus-bytes)", path=f)
            docs.append(read_document(f, beats=beats))
    digest = hashlib.sha256("".join(d.sha256 for d in docs).encode()).hexdigest()
    return Corpus(tuple(docs), digest)
