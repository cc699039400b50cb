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
from .render import FORMATS, render_end, render_one

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
@dream_options
@handle_errors
def generate(seed, count, fmt, out, force, quiet, **kw):
    """Write dreams. The same seed, grammar, corpus and version give the same bytes.

    \b
    Examples:
      dreamgen generate --seed 7
      dreamgen generate --seed 100 --count 50 --format jsonl --out dreams.jsonl
      dreamgen generate --grammar examples/lantern.json --seed 3
    """
    dreamer = _load(kw, quiet)
    if seed is None:
        import secrets

        seed = secrets.randbelow(10**9)
        if not quiet:
            click.echo(f"seed: {seed}  (dreamgen generate --seed {seed} gives this dream again)",
                       err=True)
    dreams = dreamer.dreams(seed, count)
    show = not quiet and count >= 50 and sys.stderr.isatty()
    if out is None:
        # UTF-8 and "\n" whatever the locale, so stdout and --out hold the same bytes.
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            _emit(dreams, fmt, count, stream, show)
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
            _emit(dreams, fmt, count, f, show)


def _emit(dreams, fmt, count, stream, show):
    if show:
        start = time.monotonic()

        def rate(_):
            done = bar.pos
            spent = time.monotonic() - start
            return f"{done / spent:,.0f} dreams/s" if spent > 0 and done else ""

        with click.progressbar(dreams, length=count, label="dreaming", file=sys.stderr,
                               show_pos=True, show_eta=True, item_show_func=rate) as bar:
            for i, d in enumerate(bar):
                stream.write(render_one(d, fmt, i))
    else:
        for i, d in enumerate(dreams):
            stream.write(render_one(d, fmt, i))
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
