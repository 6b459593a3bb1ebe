"""msgspec's records (`Struct`, `field`, `replace`), imported without `typing_extensions`.

When `typing_extensions` is installed (Typer and SQLModel bring it), msgspec imports it, for type
hints that Python 3.11's own `typing` already has: about 10 ms of every command that reads the
logbook, more than msgspec itself. cmelog's records never need it (msgspec reads type hints only
to encode, decode or inspect, which cmelog does not do), so msgspec is imported here with that
module hidden, and falls back to `typing`. Every cmelog module takes msgspec's names from here.
A module that imported `typing_extensions` earlier keeps it: nothing is hidden then.
"""

from __future__ import annotations

import sys

if "msgspec" not in sys.modules and "typing_extensions" not in sys.modules:
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # ImportError for msgspec
    try:
        import msgspec  # noqa: F401  # imported here, with the module hidden
    finally:
        del sys.modules["typing_extensions"]

from msgspec import Struct, field  # noqa: E402
from msgspec.structs import replace  # noqa: E402

__all__ = ["Struct", "field", "replace"]
