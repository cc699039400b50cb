"""Tracery grammars: read files (read), pre-parse rules (rules), layer them once (layers),
check them (lint), load what ``generate`` dreams from (load), the arc (arc), and expand
(expand), plus the plain Tracery runner behind ``dreamgen expand`` (tracery).

Data flows one way: read -> rules -> layers -> lint -> load; arc, modifiers and expand sit
beside them and import only from upstream. The reader's and the checker's names are imported
on first use: a warm start dreams from a grammar read and checked before, and needs neither.
"""

from ..settings import (DEFAULT_LENGTH, DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH,
                        DEFAULT_MAX_GRAMMAR_BYTES, DEFAULT_MAX_NODES, DEFAULT_OVERLAY_WEIGHT,
                        DEFAULT_TITLE, DEPTH_CEILING, Limits)
from .arc import (ARC_OVERLAY_KEYS, LENGTHS, MAX_MARKOV, Arc, Beat, Motif, apply_arc_overlay,
                  arc_overlay_problems, length_problems, load_arc)
from .expand import Expander, Step, TracingExpander
from .layers import Grammar, Layering, appended_weights, layered, reachable
from .modifiers import MODIFIERS
from .rules import (MARKUP, TAG, Action, RuleSyntaxError, Tag, compile_rule, is_lexicon,
                    markup_errors, walk)

__all__ = [
    "APPEND_PREFIX", "ARC_KEY", "ARC_OVERLAY_KEYS", "CHECKS", "DEFAULT_LENGTH",
    "DEFAULT_MAX_CHARS", "DEFAULT_MAX_DEPTH", "DEFAULT_MAX_GRAMMAR_BYTES", "DEFAULT_MAX_NODES",
    "DEFAULT_OVERLAY_WEIGHT", "DEFAULT_TITLE", "DEPTH_CEILING", "LENGTHS", "MARKUP", "MAX_MARKOV",
    "MODIFIERS", "TAG",
    "Action", "Arc", "Beat", "Expander", "Grammar", "Layer", "Layering", "Limits", "Motif",
    "Problem", "RuleSyntaxError", "Step", "Tag", "TracingExpander", "appended_weights",
    "apply_arc_overlay",
    "arc_overlay_problems", "build_grammar", "check_layers", "compile_rule", "is_lexicon",
    "layered", "length_problems", "load_arc", "markup_errors", "reachable", "read_layer", "walk",
]


_LAZY = {**dict.fromkeys(("APPEND_PREFIX", "ARC_KEY", "Layer", "Problem", "read_layer"), "read"),
         **dict.fromkeys(("CHECKS", "build_grammar", "check_layers"), "lint")}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
