"""The one place dreamgen's version is written."""

__version__ = "0.3.0"
