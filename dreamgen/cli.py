"""The ``dreamgen`` command line: options, calls into the library, errors to exit codes."""

import contextlib
import functools
import gc
import io
import os
import signal
import sys
import time

import click

from .version import __version__
from .compose import Dreamer
from .errors import DreamgenError
from .grammar import LENGTHS
from .files import atomic_writer, check_target
from .output import notes
from .output.beats import BEATS_FORMATS
from .output.check import CHECK_FORMATS
from .output.expand import EXPAND_FORMATS
from .output.explain import EXPLAIN_FORMATS
from .output.render import FORMATS, SEPARATOR, render_end
from .output.stats import STATS_FORMATS
from .rng import SEED_RANGE
from .settings import (DEFAULT_CACHE_MAX_BYTES, DEFAULT_CACHE_MAX_ENTRIES,
                       DEFAULT_CHECKPOINT_SECONDS, DEFAULT_CORPUS_WEIGHT, DEFAULT_LENGTH,
                       DEFAULT_MAX_CHARS, DEFAULT_MAX_CORPUS_BYTES, DEFAULT_MAX_DEPTH,
                       DEFAULT_MAX_GRAMMAR_BYTES, DEFAULT_MAX_NODES, DEFAULT_MAX_WORDS,
                       DEFAULT_MIN_WORDS, DEFAULT_OVERLAY_WEIGHT, DEFAULT_STATE_SIZE,
                       DEFAULT_TRIES, DEPTH_CEILING, Limits, ModelSettings, Settings)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """The one place errors become messages: a :class:`DreamgenError` is its own one line
    (exit 1), and so is an unforeseen error; ``--debug`` shows the traceback instead."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort,
                BrokenPipeError):
            raise
        except Exception as err:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(_message(err)) from None


def _message(err):
    if isinstance(err, DreamgenError):
        return str(err)
    # Not a failure dreamgen foresaw: still one line, the traceback behind --debug.
    what = f"{type(err).__name__}: {err}".splitlines()[0] if str(err) else type(err).__name__
    return (f"internal error ({what}); rerun with 'dreamgen --debug ...' for the traceback "
            "and report it")


def _finite(ctx, param, value):
    if value != value or value == float("inf"):  # FloatRange lets nan and inf through
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def dream_options(f):
    """The options every dream-making command shares: inputs and limits."""
    options = [
        click.option("--grammar", "-g", "grammars", multiple=True, type=click.Path(),
                     help="A grammar overlay (JSON or YAML) layered over the built-in grammar; "
                          "repeat to layer several, in order."),
        click.option("--corpus", "-c", "corpora", multiple=True, type=click.Path(),
                     help="Extra corpus text (a file, or a folder of .txt and .md files) for the "
                          "Markov model; repeatable."),
        click.option("--corpus-weight", type=click.FloatRange(0), callback=_finite,
                     default=DEFAULT_CORPUS_WEIGHT,
                     show_default=True,
                     help="How much your --corpus text weighs against the built-in corpus in "
                          "the beats it writes: at 2 two in three of their Markov sentences "
                          "start from your words, at 1 half, at 0 it is one more file."),
        click.option("--no-user-grammars", is_flag=True,
                     help="Ignore the overlays in your dreamgen config folder."),
        click.option("--no-builtin-corpus", is_flag=True,
                     help="Train the Markov model on --corpus text only."),
        click.option("--overlay-weight", type=click.FloatRange(0), callback=_finite,
                     default=DEFAULT_OVERLAY_WEIGHT, show_default=True, metavar="W",
                     help="Where your overlays add entries with '+key', draw them, as a group, "
                          "W times as often as the built-in entries (1: half the draws); 0 "
                          "makes each entry as likely as any other."),
        click.option("--state-size", type=click.IntRange(1, 5), default=DEFAULT_STATE_SIZE,
                     show_default=True,
                     help="Words of context in the Markov chain where a sentence may turn "
                          "(after 'the', 'of', 'like' ...); one more everywhere else."),
        click.option("--markov-tries", type=click.IntRange(1, 100_000), default=DEFAULT_TRIES,
                     show_default=True, help="Tries per Markov sentence before it is skipped."),
        click.option("--max-words", type=click.IntRange(5, 1000), default=DEFAULT_MAX_WORDS,
                     show_default=True, help="Words per Markov sentence at most."),
        *LIMIT_OPTIONS,
        click.option("--max-corpus-bytes", type=click.IntRange(1),
                     default=DEFAULT_MAX_CORPUS_BYTES, show_default=True,
                     help="Size of the whole corpus at most."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


LIMIT_OPTIONS = [
    click.option("--max-depth", type=click.IntRange(1, DEPTH_CEILING),
                 default=DEFAULT_MAX_DEPTH,
                 show_default=True, help="Grammar expansion depth at most."),
    click.option("--max-nodes", type=click.IntRange(1), default=DEFAULT_MAX_NODES,
                 show_default=True, help="Grammar expansions per dream at most."),
    click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS,
                 show_default=True, help="Characters of output per dream at most."),
    click.option("--max-grammar-bytes", type=click.IntRange(1),
                 default=DEFAULT_MAX_GRAMMAR_BYTES, show_default=True,
                 help="Size of one grammar file at most."),
]


def _settings(kw):
    return Settings(
        model=ModelSettings(state_size=kw.pop("state_size")),
        limits=Limits(max_depth=kw.pop("max_depth"), max_nodes=kw.pop("max_nodes"),
                      max_chars=kw.pop("max_chars")),
        markov_tries=kw.pop("markov_tries"),
        min_words=min(DEFAULT_MIN_WORDS, kw["max_words"]),
        max_words=kw.pop("max_words"),
        max_grammar_bytes=kw.pop("max_grammar_bytes"),
        max_corpus_bytes=kw.pop("max_corpus_bytes"),
        corpus_weight=kw.pop("corpus_weight"),
        overlay_weight=kw.pop("overlay_weight"),
    )


def _load(kw, quiet=False, note=True):
    settings = _settings(kw)
    warn = None if quiet else (lambda msg: click.echo(f"warning: {msg}", err=True))
    user_overlays = not kw.pop("no_user_grammars")
    if user_overlays and note:
        _note_user_overlays()
    dreamer = Dreamer.load(kw.pop("grammars"), kw.pop("corpora"), settings=settings,
                           user_overlays=user_overlays,
                           builtin_corpus=not kw.pop("no_builtin_corpus"), warn=warn)
    # What the load made lives as long as the process: out of the collector's sight, the
    # first dreams no longer pay to walk it (about 4 ms in a one-dream run).
    gc.freeze()
    return dreamer


def _note_user_overlays():
    """One stderr line when overlays from the config folder change what dreams say."""
    from .resources import user_grammar_dir, user_grammar_paths

    found = user_grammar_paths()
    if found:
        _err(notes.overlay_note(user_grammar_dir(), found))


def _out(text):
    click.echo(text, nl=False)


def _err(text):
    click.echo(text, nl=False, err=True)


LENGTH_HELP = ("micro: one paragraph of at most 500 characters, for a post; short: about 600 "
               "to 1,200 characters in a few paragraphs; full: every beat. Each keeps the arc's "
               "spine: the fall, the wound and the touch, the renewal, the waking.")


def length_option(f):
    return click.option("--length", "-l", type=click.Choice(LENGTHS), default=DEFAULT_LENGTH,
                        show_default=True, help=LENGTH_HELP)(f)


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="dreamgen")
@click.option("--debug", is_flag=True, help="Show a full traceback on errors.")
def cli(debug):
    """Write new second-person dream vignettes that keep one arc, from the hush before
    the fall to waking.

    \b
    Examples:
      dreamgen generate                     a new dream (its seed is shown on stderr)
      dreamgen generate --seed 42           dream number 42, the same every time
      dreamgen generate --seed 42 --count 3 --format jsonl
      dreamgen generate --length micro      one paragraph that fits a post
      dreamgen beats                        the fifteen beats of the arc
      dreamgen cache info                   where the cache is, and how big

    \b
    Environment:
      DREAMGEN_CACHE_DIR   the cache folder (default: the platform's, e.g. ~/.cache/dreamgen)
      DREAMGEN_CONFIG_DIR  the config folder; overlays in its grammars/ are layered in
                           (default: the platform's, e.g. ~/.config/dreamgen)
    """


@cli.command()
@click.option("--seed", "-s", type=click.IntRange(0), default=None,
              help=f"First dream number; without it one below {SEED_RANGE:,} is drawn and shown "
                   "on stderr.")
@click.option("--count", "-n", type=click.IntRange(0), default=1, show_default=True,
              help="How many dreams: --seed S --count N gives dreams S to S+N-1.")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True,
              help=f"Output format. text: dreams separated by a line '{SEPARATOR}' between "
                   "blank lines; markdown: a '## title (dream N)' heading each, separated by "
                   "'---'; json: one list; jsonl: one object a line.")
@length_option
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress, seed note, overlay note or warnings on stderr.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Processes making dreams; the output is the same bytes, in the same order, "
                   "whatever the number.")
@click.option("--resume", is_flag=True,
              help="Keep the dreams made so far in FILE.partial (with FILE.partial.json), and "
                   "go on from them if the run was stopped; needs --seed and --out FILE.")
@click.option("--checkpoint-every", type=click.FloatRange(0), default=DEFAULT_CHECKPOINT_SECONDS,
              show_default=True, metavar="SECONDS",
              help="With --resume: how often the partial file is synced and its place saved; "
                   "a kill costs at most this much work, plus a chunk.")
@click.option("--verify", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Write nothing: check that this FILE holds this run (give the options that "
                   "made it), counting every record and making a sample of them again.")
@dream_options
def generate(seed, count, fmt, length, out, force, quiet, jobs, resume, checkpoint_every, verify,
             **kw):
    """Write dreams. The same seed, grammar, corpus and version give the same bytes.

    Output is streamed as it is made. On a terminal, long runs show progress on stderr.
    A run is a range of dream numbers, so a big one splits into shards (--seed/--count
    ranges) on as many machines as you like; concatenated, the shards are the whole run.

    \b
    Examples:
      dreamgen generate --seed 7
      dreamgen generate --seed 100 --count 50 --format jsonl --out dreams.jsonl
      dreamgen generate --seed 0 --count 100000 --format jsonl --jobs 4 > dreams.jsonl
      dreamgen generate --grammar examples/lantern.json --seed 3
      dreamgen generate --seed 0 --count 1000000 --format jsonl --out d.jsonl --resume
      dreamgen generate --seed 0 --count 1000000 --format jsonl --verify d.jsonl
    """
    if (resume or verify) and seed is None:
        raise click.UsageError(f"{'--resume' if resume else '--verify'} needs --seed")
    if resume and out is None:
        raise click.UsageError("--resume needs --out FILE")
    if verify and (out or resume):
        raise click.UsageError("--verify checks a file and writes none: drop --out and --resume")
    if resume:
        from .resume import finished

        if finished(out) and not force:
            if not quiet:
                _err(notes.resume_complete(out))
            return
    if out is not None:
        # Refuse before the slow part, and again (atomically) when writing.
        check_target(out, force=force)
    load = {"grammars": kw["grammars"], "corpora": kw["corpora"],
            "user_overlays": not kw["no_user_grammars"],
            "builtin_corpus": not kw["no_builtin_corpus"]}
    max_bytes = kw["max_grammar_bytes"]
    dreamer = _load(kw, quiet, note=not quiet)
    load["settings"] = dreamer.settings
    if load["grammars"] and not quiet:
        from .grammar.load import overlay_notes

        said, warnings, hint = overlay_notes(load["grammars"],
                                             user_overlays=load["user_overlays"],
                                             max_bytes=max_bytes)
        for note in said:
            click.echo(note, err=True)
        _err(notes.warnings(warnings, f"run '{hint}'"))
    if seed is None:
        from .rng import draw_seed

        seed = draw_seed()
        if not quiet and count:
            _err(notes.seed_note(seed, count, length))
    if verify:
        from .verify import verify as check_file

        done = check_file(dreamer, verify, seed=seed, count=count, fmt=fmt, length=length)
        _out(notes.verified(verify, done))
        return
    from .batch import render_run

    def emit(write, done=0):
        show = not quiet and count - done >= PROGRESS_MIN_COUNT and _stderr_is_tty()
        # closing: a failed write ends the workers at once, before the error is shown.
        with contextlib.closing(render_run(dreamer, seed + done, count - done, fmt, jobs=jobs,
                                           load=load, index=done, length=length)) as pieces:
            _emit(pieces, render_end(fmt, count), write, count - done,
                  sys.stderr if show else None)

    if out is None:
        with _stdout() as stream:
            emit(lambda text, n: stream.write(text))
    elif resume:
        from .resume import Resumable, run_state

        with Resumable(out, run_state(dreamer, seed=seed, count=count, fmt=fmt, length=length),
                       force=force, every=checkpoint_every) as job:
            emit(job.write, job.done)
            job.finish()
    else:
        with atomic_writer(out, force=force) as f:
            emit(lambda text, n: f.write(text))


# Runs shorter than this finish before a progress line would tell anyone anything.
PROGRESS_MIN_COUNT = 50


def _stderr_is_tty():
    return sys.stderr.isatty()


def _emit(pieces, end, write, count, progress_to=None):
    """``write(text, n)`` each piece of ``n`` dreams, then ``write(end, 0)``; given a terminal
    ``progress_to``, a progress line there: the bar, the count, the time left and the rate."""
    with contextlib.closing(_progress(pieces, count, progress_to)) as shown:
        for text, n in shown:
            if _stopping:
                raise _Stopped(_stopping[0])
            write(text, n)
    write(end, 0)


def _progress(pieces, count, file):
    """``pieces``, drawing a progress bar on ``file`` (if not None) as each is used."""
    if file is None:
        # click.progressbar imports click._termui_impl: 7 ms a run without one need not pay.
        yield from pieces
        return
    began = time.monotonic()

    def rate(_):
        return f"{bar.pos / max(time.monotonic() - began, 1e-9):,.0f} dreams/s"

    bar = click.progressbar(length=count, file=file, show_pos=True, show_percent=False,
                            item_show_func=rate, bar_template="[%(bar)s]  %(info)s")
    with bar:
        for text, n in pieces:
            yield text, n
            bar.update(n)


@cli.command()
@click.option("--symbol", default="origin", show_default=True,
              help="The symbol to expand.")
@click.option("--seed", "-s", type=click.IntRange(0), default=None,
              help="First expansion number; without it a random one is drawn and shown on "
                   "stderr.")
@click.option("--count", "-n", type=click.IntRange(0), default=1, show_default=True,
              help="How many expansions: --seed S --count N gives numbers S to S+N-1.")
@click.option("--format", "-f", "fmt", type=click.Choice(EXPAND_FORMATS),
              default="text", show_default=True,
              help="text: one expansion a line; json: a list; jsonl: one object a line.")
@click.option("--trace", is_flag=True,
              help="Give each expansion's tree (symbol, rule, text, children) as JSON, as "
                   "Tracery's expand() does.")
@click.option("--strict", is_flag=True,
              help="Refuse the grammar for problems in symbols the start never reaches, too.")
@click.option("--quiet", "-q", is_flag=True, help="No seed note or warnings on stderr.")
@(lambda f: functools.reduce(lambda g, o: o(g), reversed(LIMIT_OPTIONS), f))
@click.argument("file", type=click.Path(dir_okay=False))
def expand(file, symbol, seed, count, fmt, trace, strict, quiet, max_depth, max_nodes,
           max_chars, max_grammar_bytes):
    """Expand a plain Tracery grammar FILE (JSON or YAML) from 'origin', seeded, within
    limits, with clear errors where Tracery would print ((symbol)).

    A problem in a symbol that the start never reaches is a warning (FILE:LINE:COL);
    --strict makes it an error.

    \b
    Examples:
      dreamgen expand bot.json --seed 7
      dreamgen expand bot.json --seed 0 --count 5 --format jsonl
      dreamgen expand bot.json --symbol story --trace
    """
    from .grammar import tracery
    from .output.expand import render

    limits = Limits(max_depth=max_depth, max_nodes=max_nodes, max_chars=max_chars)
    loaded = tracery.load(file, symbol=symbol, strict=strict, max_bytes=max_grammar_bytes)
    if not quiet:
        _err(notes.warnings(loaded.warnings, f"run 'dreamgen check --standalone {file}'"))
    if seed is None:
        import secrets

        seed = secrets.randbelow(10**9)
        if not quiet:
            _err(notes.tracery_seed_note(file, seed))
    records = []
    for n in range(seed, seed + count):
        record = {"seed": n, "text": tracery.expand(loaded, seed=n, limits=limits)}
        if trace:
            record["trace"] = tracery.trace(loaded, seed=n, limits=limits)
        records.append(record)
    with _stdout() as stream:
        stream.write(render(records, fmt))


@cli.command()
@click.option("--format", "-f", "fmt", type=click.Choice(BEATS_FORMATS), default="text",
              show_default=True, help="Output format.")
@dream_options
def beats(fmt, **kw):
    """List the arc: one line a beat, with its entry symbol and purpose.

    \b
    Example:
      dreamgen beats
    """
    from .output.beats import render

    _out(render(_load(kw, quiet=True).arc.beats, fmt))


@cli.command()
@click.option("--standalone", is_flag=True,
              help="Check each FILE as a plain Tracery grammar on its own, starting from "
                   "'origin', instead of as an overlay over the built-in grammar.")
@click.option("--format", "-f", "fmt", type=click.Choice(CHECK_FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings as well as errors.")
@click.option("--no-user-grammars", is_flag=True,
              help="Ignore the overlays in your dreamgen config folder.")
@click.option("--max-grammar-bytes", type=click.IntRange(1), default=DEFAULT_MAX_GRAMMAR_BYTES,
              show_default=True, help="Size of one grammar file at most.")
@click.option("--max-corpus-bytes", type=click.IntRange(1), default=DEFAULT_MAX_CORPUS_BYTES,
              show_default=True, help="Size of one corpus file at most.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check(files, standalone, fmt, strict, no_user_grammars, max_grammar_bytes, max_corpus_bytes):
    """Check grammar and corpus files and print every problem as FILE:LINE:COL: message.

    Each grammar FILE (JSON or YAML) is checked as an overlay, layered over the built-in
    grammar and your own overlays just as `generate --grammar FILE` would load it. Without
    FILE, the grammar that `generate` uses is checked. Each corpus FILE (.txt or .md) is
    checked as `generate --corpus FILE` would read it: unknown beats and tags, unbalanced '#',
    each sentence the Markov model will leave out and why, each first-person sentence and how
    it will be read, and last whether the file adds enough text to matter beside the built-in
    corpus. Exits 1 when there is an error (or, with --strict, a warning).

    \b
    Examples:
      dreamgen check examples/lantern.json
      dreamgen check --standalone my-tracery-grammar.json
      dreamgen check --format json mine.yaml
      dreamgen check my-dreams.txt
    """
    from .corpus import TEXT_SUFFIXES
    from .grammar.load import check_files
    from .output.check import render

    texts = [f for f in files if os.path.splitext(f)[1] in TEXT_SUFFIXES]
    grammars = [f for f in files if f not in texts]
    if not no_user_grammars:
        _note_user_overlays()
    report = None
    if grammars or not texts:
        report = check_files(grammars, standalone=standalone,
                             user_overlays=not no_user_grammars, max_bytes=max_grammar_bytes)
    found = []
    if texts:
        from .corpus_lint import beat_sentences, check_file, tag_names, variables

        # Tags are checked against the grammar the files would dream with, when it loads.
        usable = grammars if report is not None and not report.errors and not standalone else ()
        dreamer = Dreamer.load(usable, user_overlays=not no_user_grammars)
        known, counts = tag_names(dreamer.grammar), beat_sentences(dreamer.models)
        found = [check_file(f, known=known, beats=dreamer.arc.names, counts=counts,
                            cast=variables(dreamer.grammar), max_bytes=max_corpus_bytes,
                            weight=dreamer.settings.corpus_weight)
                 for f in texts]
    _out(render(report, fmt, corpus=found))
    reports = ([report] if report is not None else []) + found
    if any(r.errors for r in reports) or (strict and any(r.warnings for r in reports)):
        sys.exit(1)


@cli.command()
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the overlay here (atomically) instead of standard output: YAML with "
                   "each entry's source line as a comment, or, for a .json name, Tracery JSON "
                   "plus a FILE.sources.json sidecar.")
@click.option("--force", is_flag=True, help="Replace --out (and its sidecar) if it exists.")
@click.option("--overlay-weight", type=click.FloatRange(0), callback=_finite,
              default=DEFAULT_OVERLAY_WEIGHT, show_default=True, metavar="W",
              help="The --overlay-weight you will dream at: entries that would show in fewer "
                   "than 3 dreams in 20 at it are marked rare, with why.")
@click.option("--no-user-grammars", is_flag=True,
              help="Measure reach without the overlays in your dreamgen config folder.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def mine(paths, out, force, overlay_weight, no_user_grammars):
    """Propose a grammar overlay from your own text: colours, scents, sounds and cries,
    materials, cloud shapes, similes ("like ...") and "as if ..." clauses, each added to the
    built-in list whose sentences it fits, in the form they need.

    PATH is a text file or a folder of .txt and .md files. Each entry is tried in sample
    dreams, and one that would rarely show is marked, with why. Edit the result, then check
    it and dream with it. Finding nothing is not an error: it is said, and nothing written.

    \b
    Examples:
      dreamgen mine my-dreams/ --out mine.yaml
      dreamgen check mine.yaml && dreamgen generate --grammar mine.yaml
    """
    from .mine import mine_files, overlay, reach, to_json, to_sources, to_yaml

    finds = mine_files(paths)
    if not finds:
        _err(notes.nothing_mined(paths))
        return
    reaches = reach(finds, user_overlays=not no_user_grammars, overlay_weight=overlay_weight)
    command = "dreamgen mine " + " ".join(paths)
    if out is None:
        _out(to_yaml(finds, command=command, reaches=reaches))
    elif out.endswith(".json"):
        sidecar = out[:-len(".json")] + ".sources.json"
        with atomic_writer(out, force=force) as f, atomic_writer(sidecar, force=force) as g:
            f.write(to_json(finds))
            g.write(to_sources(finds))
    else:
        with atomic_writer(out, force=force) as f:
            f.write(to_yaml(finds, command=command, reaches=reaches))
    proposed = overlay(finds)
    unplaced = len({f.text.lower() for f in finds if not f.symbol})
    _err(notes.mined(proposed, unplaced, reaches, out,
                     each=out is not None and out.endswith(".json")))


@cli.command()
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the tagged text here (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@dream_options
def tag(file, out, force, **kw):
    """Tag your own prose as corpus text, for you to review: a ':: beat' line over each
    run of sentences (the beat the model would place them on; ':: *' where none fits), and
    the cast words it knows turned into tags (#fallen#, #witnesses#, #water#, ...).

    \b
    Examples:
      dreamgen tag my-dream.txt --out my-dream.tagged.txt
      dreamgen check my-dream.tagged.txt
      dreamgen generate --corpus my-dream.tagged.txt
    """
    from .corpus import read_document
    from .tag import tag_document

    dreamer = _load(kw, quiet=True)
    doc = read_document(file, max_bytes=dreamer.settings.max_corpus_bytes)
    result = tag_document(doc, dreamer.models, dreamer.grammar, dreamer.arc)
    if out is None:
        _out(result.text)
    else:
        with atomic_writer(out, force=force) as f:
            f.write(result.text)
    _err(notes.tagged(result, out))


@cli.command()
@click.option("--seed", "-s", type=click.IntRange(0), required=True,
              help="The dream number to explain.")
@click.option("--format", "-f", "fmt", type=click.Choice(EXPLAIN_FORMATS), default="text",
              show_default=True,
              help="text: each sentence with its origin beneath it; json: the full record; "
                   "html: one self-contained page.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@length_option
@dream_options
def explain(seed, fmt, out, force, length, **kw):
    """Show where every sentence of a dream came from: the grammar rule that wrote it, or the
    Markov chain and the corpus lines (file and line) whose words it reuses.

    \b
    Examples:
      dreamgen explain --seed 42
      dreamgen explain --seed 42 --format json | jq '.beats[].sentences[].origin'
      dreamgen explain --seed 42 --format html --out dream-42.html
      dreamgen explain --seed 3 --grammar mine.json
    """
    from .explain import explain as explain_dream
    from .output.explain import render

    body = render(explain_dream(_load(kw, quiet=True), seed, length=length), fmt)
    if out is None:
        with _stdout() as stream:
            stream.write(body)
    else:
        with atomic_writer(out, force=force) as f:
            f.write(body)


@contextlib.contextmanager
def _stdout():
    """Standard output as UTF-8 with "\n" whatever the locale, so stdout and --out hold the
    same bytes; a reader that goes away early ends the run quietly."""
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:
        _quiet_pipe()
    finally:
        try:
            stream.detach()
        except ValueError:
            pass


def _quiet_pipe():
    # The reader went away (``dreamgen generate | head -1``): stop quietly, successfully.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


@cli.command()
@click.option("--count", "-n", type=click.IntRange(2), default=200, show_default=True,
              help="How many dreams to measure.")
@click.option("--seed", "-s", type=click.IntRange(0), default=0, show_default=True,
              help="First dream number.")
@click.option("--format", "-f", "fmt", type=click.Choice(STATS_FORMATS),
              default="text", show_default=True,
              help="Output format (markdown: the README's table).")
@length_option
@click.option("--unused", is_flag=True,
              help="Also list every lexicon entry that no measured dream drew.")
@dream_options
def stats(count, seed, fmt, length, unused, **kw):
    """Measure a grammar and corpus over COUNT dreams: a summary table (novelty, diversity,
    Markov effort, length), then how much each beat can say and each overlay's own entries.

    \b
    Examples:
      dreamgen stats
      dreamgen stats --length micro --unused
      dreamgen stats --count 50 --grammar mine.json --format json
    """
    from .output.stats import render
    from .stats import report

    result = report(_load(kw, quiet=True), start=seed, count=count, length=length)
    _out(render(result, fmt, unused=unused))


@cli.group(invoke_without_command=True)
@click.pass_context
def cache(ctx):
    """Show or empty the cache of compiled models and parsed grammars.

    The cache keeps the newest entries (at most {entries} of them, {size} MB in all) and
    removes the least recently used. Its folder is $DREAMGEN_CACHE_DIR when that is set.

    \b
    Examples:
      dreamgen cache            the same as: dreamgen cache info
      dreamgen cache clear
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(cache_info)


cache.help = cache.help.format(entries=DEFAULT_CACHE_MAX_ENTRIES,
                               size=DEFAULT_CACHE_MAX_BYTES // 10**6)


@cache.command("info")
def cache_info():
    """Print the cache folder, its size and its entries (least recently used first)."""
    from .cache import entries
    from .resources import cache_path

    _out(notes.cache_listing(cache_path(), entries()))


@cache.command("clear")
def cache_clear():
    """Remove every cache entry and the digest memo; the next run rebuilds what it needs."""
    from .cache import clear
    from .resources import cache_path

    _out(notes.cache_cleared(cache_path(), clear()))


# Each stops a run as Ctrl-C does: `timeout`, a scheduler's time limit and `kill` send
# SIGTERM, a closed terminal SIGHUP.
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


class _Stopped(BaseException):
    """A stop signal arrived: unwind (every writer cleans up), then exit 128 + its number."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


# The signal that arrived, kept in case the exception was swallowed where it was raised
# (a finaliser prints "Exception ignored" and goes on).
_stopping = []


def _on_stop(signum, frame):
    _handle_stops(signal.SIG_IGN)  # the clean-up is not itself interrupted by a second one
    _stopping.append(signum)
    raise _Stopped(signum)


def _stop_signals():
    return [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]


def _handle_stops(handler):
    for signum in _stop_signals():
        signal.signal(signum, handler)


def main(prog_name=None):
    """Console entry point."""
    _handle_stops(_on_stop)
    try:
        cli.main(prog_name=prog_name or "dreamgen")
    except _Stopped as stop:
        click.echo(f"Aborted! ({signal.Signals(stop.signum).name})", err=True)
        sys.exit(128 + stop.signum)
    except BrokenPipeError:
        _quiet_pipe()
    except Exception as err:  # raised outside any command (_Group.invoke); still one line
        if "--debug" in sys.argv[1:]:
            raise
        click.echo(f"Error: {_message(err)}", err=True)
        sys.exit(1)
    finally:
        # The process ends now. Its last collection would walk every object the load made
        # (about 15 ms of a one-dream run) only to find no garbage worth the time.
        gc.freeze()
