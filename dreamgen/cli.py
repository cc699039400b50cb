"""The ``dreamgen`` command line: options, calls into the library, errors to exit codes."""

import functools
import io
import sys
import time

import click

from . import __version__
from .compose import Dreamer, Settings
from .errors import DreamgenError
from .expand import DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, Limits
from .grammar import DEFAULT_MAX_GRAMMAR_BYTES
from .corpus import DEFAULT_MAX_CORPUS_BYTES
from .model import DEFAULT_MAX_WORDS, DEFAULT_STATE_SIZE, DEFAULT_TRIES, ModelSettings
from .render import FORMATS, render_end

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    def __init__(self, debug=False):
        self.debug = debug


pass_state = click.make_pass_decorator(State, ensure=True)


def _fail(state, err):
    if state.debug:
        raise err
    raise click.ClickException(str(err))


def dream_options(f):
    """The options every dream-making command shares: inputs and limits."""
    options = [
        click.option("--grammar", "-g", "grammars", multiple=True,
                     type=click.Path(dir_okay=False),
                     help="A grammar overlay (JSON or YAML) layered over the built-in grammar; "
                          "repeat to layer several, in order."),
        click.option("--corpus", "-c", "corpora", multiple=True, type=click.Path(),
                     help="Extra corpus text (a file, or a folder of .txt files) for the "
                          "Markov model; repeatable."),
        click.option("--no-user-grammars", is_flag=True,
                     help="Ignore the overlays in your dreamgen config folder."),
        click.option("--state-size", type=click.IntRange(1, 5), default=DEFAULT_STATE_SIZE,
                     show_default=True, help="Words of context in the Markov chain."),
        click.option("--markov-tries", type=click.IntRange(1, 100_000), default=DEFAULT_TRIES,
                     show_default=True, help="Tries per Markov sentence before it is skipped."),
        click.option("--max-words", type=click.IntRange(5, 1000), default=DEFAULT_MAX_WORDS,
                     show_default=True, help="Words per Markov sentence at most."),
        click.option("--max-depth", type=click.IntRange(1, 400), default=DEFAULT_MAX_DEPTH,
                     show_default=True, help="Grammar expansion depth at most."),
        click.option("--max-nodes", type=click.IntRange(1), default=DEFAULT_MAX_NODES,
                     show_default=True, help="Grammar expansions per dream at most."),
        click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS,
                     show_default=True, help="Characters per dream at most."),
        click.option("--max-grammar-bytes", type=click.IntRange(1),
                     default=DEFAULT_MAX_GRAMMAR_BYTES, show_default=True,
                     help="Size of one grammar file at most."),
        click.option("--max-corpus-bytes", type=click.IntRange(1),
                     default=DEFAULT_MAX_CORPUS_BYTES, show_default=True,
                     help="Size of the whole corpus at most."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _settings(kw):
    return Settings(
        model=ModelSettings(state_size=kw.pop("state_size")),
        limits=Limits(max_depth=kw.pop("max_depth"), max_nodes=kw.pop("max_nodes"),
                      max_chars=kw.pop("max_chars")),
        markov_tries=kw.pop("markov_tries"),
        max_words=kw.pop("max_words"),
        max_grammar_bytes=kw.pop("max_grammar_bytes"),
        max_corpus_bytes=kw.pop("max_corpus_bytes"),
    )


def _load(kw, quiet=False):
    settings = _settings(kw)
    warn = None if quiet else (lambda msg: click.echo(f"warning: {msg}", err=True))
    return Dreamer.load(kw.pop("grammars"), kw.pop("corpora"), settings=settings,
                        user_overlays=not kw.pop("no_user_grammars"), warn=warn)


def handle_errors(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        state = click.get_current_context().find_object(State) or State()
        try:
            return f(*args, **kwargs)
        except DreamgenError as err:
            _fail(state, err)
    return wrapper


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="dreamgen")
@click.option("--debug", is_flag=True, help="Show a full traceback on errors.")
@click.pass_context
def cli(ctx, debug):
    """Write new second-person dream vignettes that keep one arc, from the hush before
    the fall to waking.

    \b
    Examples:
      dreamgen generate                     a new dream (its seed is shown on stderr)
      dreamgen generate --seed 42           dream number 42, the same every time
      dreamgen generate --seed 42 --count 3 --format jsonl
      dreamgen beats                        the fifteen beats of the arc
    """
    ctx.obj = State(debug=debug)


@cli.command()
@click.option("--seed", "-s", type=click.IntRange(0), default=None,
              help="First dream number; without it a random one is drawn and shown on stderr.")
@click.option("--count", "-n", type=click.IntRange(0), default=1, show_default=True,
              help="How many dreams: --seed S --count N gives dreams S to S+N-1.")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress, seed note or warnings on stderr.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Processes making dreams; the output is the same bytes, in the same order, "
                   "whatever the number.")
@dream_options
@handle_errors
def generate(seed, count, fmt, out, force, quiet, jobs, **kw):
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
    """
    load = {"grammars": kw["grammars"], "corpora": kw["corpora"],
            "user_overlays": not kw["no_user_grammars"]}
    dreamer = _load(kw, quiet)
    load["settings"] = dreamer.settings
    if seed is None:
        import secrets

        seed = secrets.randbelow(10**9)
        if not quiet:
            click.echo(f"seed: {seed}  (dreamgen generate --seed {seed} gives this dream again)",
                       err=True)
    from .batch import render_run

    pieces = render_run(dreamer, seed, count, fmt, jobs=jobs, load=load)
    show = not quiet and count >= PROGRESS_MIN_COUNT and _stderr_is_tty()
    if out is None:
        # UTF-8 and "\n" whatever the locale, so stdout and --out hold the same bytes.
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            _emit(pieces, fmt, count, stream, show)
        except BrokenPipeError:
            _quiet_pipe()
        finally:
            try:
                stream.detach()
            except ValueError:
                pass
    else:
        from .output import atomic_writer

        with atomic_writer(out, force=force) as f:
            _emit(pieces, fmt, count, f, show)


# Runs shorter than this finish before a progress line would tell anyone anything.
PROGRESS_MIN_COUNT = 50


def _stderr_is_tty():
    return sys.stderr.isatty()


class _Progress:
    """One stderr line, redrawn at most a few times a second: count, rate and time left."""

    def __init__(self, total, file, every=0.2, clock=time.monotonic):
        self.total, self.file, self.every, self.clock = total, file, every, clock
        self.start = self.last = clock()
        self.done = 0

    def advance(self, n):
        self.done += n
        now = self.clock()
        if now - self.last >= self.every or self.done >= self.total:
            self.last = now
            self.file.write("\r" + self.line(now) + "\x1b[K")
            self.file.flush()

    def line(self, now):
        spent = now - self.start
        rate = self.done / spent if spent > 0 else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        return (f"{self.done:,}/{self.total:,} dreams  {rate:,.0f}/s  "
                f"{_duration(left)} left")

    def close(self):
        self.file.write("\n")
        self.file.flush()


def _duration(seconds):
    seconds = int(seconds + 0.5)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02}:{s:02}" if h else f"{m}:{s:02}"


def _emit(pieces, fmt, count, stream, show):
    progress = _Progress(count, sys.stderr) if show else None
    try:
        for text, n in pieces:
            stream.write(text)
            if progress is not None:
                progress.advance(n)
    finally:
        if progress is not None:
            progress.close()
    stream.write(render_end(fmt, count))
    stream.flush()


@cli.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@dream_options
@handle_errors
def beats(fmt, **kw):
    """List the arc: one line a beat, with its entry symbol and purpose.

    \b
    Example:
      dreamgen beats
    """
    import json

    dreamer = _load(kw, quiet=True)
    if fmt == "json":
        click.echo(json.dumps([{"name": b.name, "entry": b.entry, "markov": b.markov,
                                "purpose": b.purpose} for b in dreamer.arc.beats], indent=2))
        return
    for i, b in enumerate(dreamer.arc.beats, 1):
        click.echo(f"{i:2}. {b.name:<11} #{b.entry}#  {b.purpose}")


def _quiet_pipe():
    # The reader went away (``dreamgen generate | head -1``): stop quietly, successfully.
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def main(prog_name=None):
    """Console entry point."""
    try:
        cli.main(prog_name=prog_name or "dreamgen")
    except BrokenPipeError:
        _quiet_pipe()
