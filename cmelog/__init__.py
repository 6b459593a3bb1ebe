"""cmelog: a command-line personal CME logbook for Massachusetts physicians."""

__version__ = "0.2.0"
