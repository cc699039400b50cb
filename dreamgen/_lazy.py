"""Modules (or one name in a module) imported on first use.

A warm start runs none of the parsing code, so it should not pay to import what that code
uses (json, pathlib, difflib). A module that names one of these at its top keeps its plain
spelling (``json.loads``, ``Path(p)``, ``isinstance(p, Path)``) and the import happens the first
time it is used.
"""

import importlib

__all__ = ["lazy"]


class _Lazy:
    __slots__ = ("_name", "_attr")

    def __init__(self, name, attr=None):
        self._name = name
        self._attr = attr

    def _load(self):
        obj = importlib.import_module(self._name)
        return obj if self._attr is None else getattr(obj, self._attr)

    def __getattr__(self, attr):
        return getattr(self._load(), attr)

    def __call__(self, *args, **kwargs):
        return self._load()(*args, **kwargs)

    def __instancecheck__(self, obj):
        return isinstance(obj, self._load())

    def __repr__(self):
        return f"<lazy {self._name}{'.' + self._attr if self._attr else ''}>"


def lazy(name, attr=None):
    """Module ``name`` (or its attribute ``attr``), imported when first used."""
    return _Lazy(name, attr)
