"""The certificate reader on a corpus of real certificate wordings (tests/certificates)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from cmelog.domain.certparse import parse_certificate

CORPUS_FILE = Path(__file__).parent / "certificates" / "corpus.toml"
CORPUS: list[dict[str, Any]] = tomllib.loads(CORPUS_FILE.read_text(encoding="utf-8"))["certificate"]
FIELDS = (
    "title",
    "provider",
    "date",
    "end_date",
    "credits",
    "max_credits",
    "category",
    "format",
    "moc_points",
)


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 20
    assert len({c["name"] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("cert", CORPUS, ids=[c["name"] for c in CORPUS])
def test_every_field_right_on_the_text(cert: dict[str, Any]) -> None:
    proposal = parse_certificate("\n".join(cert["lines"]))
    got = {name: proposal.get(name) for name in FIELDS}
    want = {name: cert["expect"].get(name) for name in FIELDS}
    assert got == want
    for found in proposal.fields.values():  # every value is shown with a line of the text
        assert found.line
