"""ReportLab's parsed TrueType fonts, kept in the user's cache folder between runs.

ReportLab reads a TrueType file's tables in pure Python on every run: about 15 ms for each of
the two embedded fonts, a tenth of a 1,000-entry export. What it reads (metrics, the character
map, glyph positions) is the same every time, so the first export stores it with `marshal`
(plain data, nothing executable) and later ones load it in a few milliseconds; the font file's
own bytes are still read from the package. The cache file is named by the font file's size and
modification time and ReportLab's version, so a new font or a new ReportLab is parsed afresh
(and its file replaces the font's older ones: `cachefiles.py`).
Anything unexpected (no cache folder, a damaged or foreign file, an attribute ReportLab added
that plain data cannot hold) means the font is parsed as before; the cache never fails an
export. The PDF is the same byte for byte either way (tests/test_pdf_fontcache.py).
"""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from reportlab.pdfbase.ttfonts import TTFontFace

from cmelog import cachefiles

FORMAT = 2  # of the stored data; bumped when what is stored changes
_SPECIAL_FONT = ("face", "encoding", "state")  # made afresh, as TTFont.__init__ makes them


def cache_dir() -> Path:
    return cachefiles.folder("fonts")


def _cache_file(path: Path) -> Path:
    import reportlab

    st = path.stat()
    return cache_dir() / (
        f"{path.stem}-{st.st_size}-{st.st_mtime_ns}-rl{reportlab.Version}-v{FORMAT}.marshal"
    )


def load_font(name: str, path: Path) -> Any:
    """ReportLab's TTFont `name` for the file at `path`: from the cache when it holds it, else
    parsed by ReportLab (and stored for next time)."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        target: Path | None = _cache_file(path)
    except OSError:
        target = None
    if target is not None:
        state = cachefiles.load(target)
        if state is not None:
            try:
                return _from_state(state, name, path)
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                pass  # damaged or not ours: parse the font
    font = TTFont(name, str(path))
    if target is not None:
        # the font's earlier cache files (another ReportLab, another copy of the font) go
        cachefiles.store(target, _state(font), replaces=f"{path.stem}-[0-9]*.marshal")
    return font


def _state(font: Any) -> Any:
    """The font as plain data."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    face: dict[str, Any] = {}
    names: dict[str, tuple[bytes, str]] = {}
    for key, value in vars(font.face).items():
        if key in ("_ttf_data", "_pdfScale"):
            continue  # the file's bytes are read from the package; the scale is remade
        if isinstance(value, TTFNameBytes):
            names[key] = (bytes(value), value.ustr)
        elif key == "glyphToChar":
            face[_GLYPH_TO_CHAR] = marshal.dumps(value)  # decoded when used: CachedFace
        else:
            face[key] = value
    outer = {k: v for k, v in vars(font).items() if k not in _SPECIAL_FONT}
    return (FORMAT, outer, face, names)


_GLYPH_TO_CHAR = "_cmelog_glyphToChar"  # the map, marshalled


class CachedFace(TTFontFace):
    """A font face read from the cache. Its map from glyphs to characters, the largest of its
    tables, is used only to shape text with HarfBuzz (which cmelog does not have); it stays
    marshalled until it is first used, which saves about 2 ms per font and export."""

    @property
    def glyphToChar(self) -> dict[int, list[int]]:  # noqa: N802 - ReportLab's name
        found: dict[int, list[int]] | None = self.__dict__.get("_glyph_to_char")
        if found is None:
            found = self.__dict__["_glyph_to_char"] = marshal.loads(
                self.__dict__.pop(_GLYPH_TO_CHAR)
            )
        return found

    @glyphToChar.setter
    def glyphToChar(self, value: dict[int, list[int]]) -> None:  # noqa: N802
        self.__dict__.pop(_GLYPH_TO_CHAR, None)
        self.__dict__["_glyph_to_char"] = value


def _from_state(state: Any, name: str, path: Path) -> Any:
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont

    fmt, outer, face_state, names = state
    if fmt != FORMAT:
        raise ValueError("another cache format")
    if not isinstance(face_state.get(_GLYPH_TO_CHAR), bytes):
        raise ValueError("no glyph map")
    face = CachedFace.__new__(CachedFace)
    face.__dict__.update(face_state)
    for key, (raw, text) in names.items():
        value = TTFNameBytes(raw)
        value.ustr = text
        setattr(face, key, value)
    face.filename = str(path)
    face._ttf_data = path.read_bytes()
    units = face.unitsPerEm
    face._pdfScale = _scale(units)
    font = TTFont.__new__(TTFont)
    vars(font).update(outer)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    return font


def _scale(units_per_em: int) -> Any:
    """ReportLab's scale from font units to thousandths of the font size."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor
