"""`show` off a terminal: render/detail.py's plain lines are exactly Rich's lines (issue 13)."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cmelog.render.detail import detail_rows, plain_detail, plain_path_line, rich_width
from cmelog.render.text import entry_detail


@contextlib.contextmanager
def _columns(width: int) -> Iterator[None]:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def _rich(entry: Any, width: int, path: Path | None = None) -> str:
    out = io.StringIO()
    with _columns(width), contextlib.redirect_stdout(out):
        entry_detail(entry, (), certificate_path=path)
    return out.getvalue()


def _entry(**kw: Any) -> Any:
    values: dict[str, Any] = dict(
        id=1, title="Title", date=date(2025, 3, 14), end_date=None, provider=None, category=1,
        credits=300, moc_points=None, minutes=None, kind="activity", topics=(), format=None,
        url=None, certificate_sha256=None, certificate_name=None, notes=None, source="typed",
    )  # fmt: skip
    values.update(kw)
    return SimpleNamespace(**values)


ascii_text = st.text(
    alphabet=st.sampled_from(list(" -abcdefghijklmnopqrstuvwxyz,.:/")), max_size=160
)


@settings(max_examples=300, deadline=None)
@given(
    title=ascii_text.filter(bool),
    provider=st.one_of(st.none(), ascii_text),
    notes=st.one_of(st.none(), ascii_text),
    url=st.one_of(st.none(), ascii_text),
    topics=st.lists(st.sampled_from(["ehr", "risk-management", "end-of-life"]), max_size=3),
    sha=st.one_of(st.none(), st.just("ab" * 32)),
    width=st.integers(min_value=1, max_value=160),
)
def test_plain_lines_are_richs_lines(
    title: str,
    provider: str | None,
    notes: str | None,
    url: str | None,
    topics: list[str],
    sha: str | None,
    width: int,
) -> None:
    e = _entry(title=title, provider=provider, notes=notes, url=url, topics=tuple(topics),
               certificate_sha256=sha, certificate_name="c.pdf" if sha else None)  # fmt: skip
    plain = plain_detail(detail_rows(e), width)
    if plain is not None:
        assert plain == _rich(e, width)
    if width >= 40:  # the usual widths always take the plain path
        assert plain is not None


def test_widths_and_text_rich_is_left_with() -> None:
    e = _entry(title="Кардиология")
    assert plain_detail(detail_rows(e), 80) is None  # not ASCII: Rich measures it
    assert plain_detail(detail_rows(_entry(notes="a\tb")), 80) is None
    # the labels take more than half the width: Rich shrinks them too
    assert plain_detail(detail_rows(_entry()), 19) is None
    assert plain_detail(detail_rows(_entry()), 20) == _rich(_entry(), 20)


def test_the_certificate_path_line_is_richs() -> None:
    path = Path("/data/cme/certificates") / ("ab" * 32 + ".pdf")
    e = _entry(certificate_sha256="ab" * 32, certificate_name="c.pdf")
    want = _rich(e, 80, path)
    assert plain_detail(detail_rows(e), 80) + (plain_path_line(path) or "") == want
    assert plain_path_line(Path("/tmp/a\tb.pdf")) is None


def test_rich_width_follows_columns_like_rich() -> None:
    from rich.console import Console

    for value in ("37", "0", "", "abc", "120"):
        with _columns(80):
            os.environ["COLUMNS"] = value
            assert rich_width() == Console(file=io.StringIO()).width
