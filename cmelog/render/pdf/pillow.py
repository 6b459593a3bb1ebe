"""Pillow, loaded only when used.

ReportLab imports Pillow's ``PIL.Image`` unconditionally (in ``reportlab.lib.utils``), for
drawing bitmaps, which the audit record never does. Importing it costs 12-20 ms of every export
(``PIL.ExifTags`` alone builds enums of a few hundred members). `defer` registers ``PIL.Image``
as a lazy module, the standard library's ``importlib.util.LazyLoader``: the module is executed,
in full, on the first access to one of its attributes, so whatever does use Pillow still gets
all of it. Importing this module defers it (the PDF package imports it before ReportLab).
"""

from __future__ import annotations

import importlib.util
import sys

NAME = "PIL.Image"


def defer() -> None:
    """Make ``PIL.Image`` a lazy module, unless it is already imported (or not installed)."""
    if NAME in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(NAME)  # imports the small PIL package, not the module
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    # `from PIL import Image` finds the attribute on the package; without it, the import
    # system would look at the module's __spec__, which loads it
    sys.modules["PIL"].Image = module  # type: ignore[attr-defined]
    loader.exec_module(module)


defer()
