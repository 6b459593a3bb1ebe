"""Issue 9, audit PDF: every name prints, and the record words every requirement truly.

The logbook is built through the CLI and the PDF read back with pypdf.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

AS_OF = "2026-01-10"
NAME = "Łukasz Dvořák, MD"
GREEK = "Καρδιολογία: νέες οδηγίες"
CYRILLIC = "Московский медицинский институт"
CERT_NAME = "Zertifikat Müller 2025.pdf"

Cli = Callable[..., Any]


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def lukasz(cli: Cli, tmp_path: Path) -> Cli:
    """A Polish name; a Greek title from a Cyrillic-named provider with a certificate; a
    previous cycle that closed short; child-abuse training met by attestation."""
    ok(cli("init", "--name", NAME, "--birthday", "1975-06-15", "--license", "654321",
           "--license-expires", "2026-06-15"))  # fmt: skip
    cert = tmp_path / CERT_NAME
    cert.write_bytes(b"%PDF-1.4 a certificate\n")
    ok(cli("add", GREEK, "--date", "2025-02-03", "--category", "1", "--credits", "4",
           "--provider", CYRILLIC, "--topic", "risk-management",
           "--certificate", str(cert)))  # fmt: skip
    ok(cli("add", "Ежегодная конференция", "--date", "2025-03-03", "--category", "2",
           "--credits", "2.5"))  # fmt: skip
    ok(cli("add", "Old course", "--date", "2023-01-10", "--category", "1", "--credits", "6",
           "--provider", "MMS", "--topic", "risk-management"))  # fmt: skip
    ok(cli("attest", "child-abuse-reporting", "--date", "2005-06-30",
           "--how", "Residency training at BMC"))  # fmt: skip
    return cli


def export_pdf(cli: Cli, path: Path, *extra: str) -> Any:
    return ok(cli("audit-export", "--as-of", AS_OF, "--output", str(path), *extra))


def pages_of(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_polish_greek_and_cyrillic_names_print(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    result = export_pdf(lukasz, path)
    assert result.stderr == ""  # every character of this logbook can be drawn
    pages = pages_of(path)
    text = flat("\n".join(pages))
    assert NAME in text
    assert "■" not in text
    assert GREEK in text
    assert "Ежегодная конференция" in text
    # the provider wraps in its narrow column: its words are all there
    for word in CYRILLIC.split():
        assert word in text
    for page in pages:  # the footer of every page names the physician
        assert "Łukasz Dvořák" in page


def test_a_unicode_truetype_font_is_embedded(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    reader = PdfReader(str(path))
    fonts: dict[str, Any] = {}
    for page in reader.pages:
        for key, ref in page["/Resources"]["/Font"].items():
            fonts[key] = ref.get_object()
    names = {str(f["/BaseFont"]) for f in fonts.values()}
    assert all("DejaVu" in n for n in names), names
    for f in fonts.values():
        descriptor = f.get("/FontDescriptor") or f["/DescendantFonts"][0]["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # TrueType program embedded
    assert not any("Helvetica" in n or "Courier" in n for n in names)


def test_body_text_is_at_least_8_points(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.append(size * abs(tm[3]) * abs(cm[3]) if tm[3] and cm[3] else size)

    for page in PdfReader(str(path)).pages:
        page.extract_text(visitor_text=visit)
    assert sizes
    assert min(sizes) >= 8 - 1e-6, min(sizes)


def test_character_the_font_cannot_draw_is_named_on_stderr(
    cli: Cli, run_exe: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    ok(cli("init", "--name", "Dr. Chen 陳", "--birthday", "1975-06-15", "--license", "1",
           "--license-expires", "2026-06-15"))  # fmt: skip
    ok(cli("add", "Ultrasound 超音波 workshop", "--date", "2025-02-03", "--category", "2",
           "--credits", "1"))  # fmt: skip
    entry_id = 1
    out = tmp_path / "x.pdf"
    result = run_exe("audit-export", "--as-of", AS_OF, "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    entry_line = next(line for line in lines if "entry" in line)
    assert f"entry {entry_id}" in entry_line
    assert "Ultrasound 超音波 workshop" in entry_line  # the title names it
    assert "U+8D85" in entry_line and "超" in entry_line
    assert "physician's name" in next(line for line in lines if "entry" not in line)
    text = flat("\n".join(pages_of(out)))
    assert "Ultrasound ??? workshop" in text  # a visible stand-in, never a silent box


def test_cycles_are_headed_and_the_closed_cycle_reads_short_by(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    text = flat("\n".join(pages_of(path)))
    assert "Current cycle 2024-06-16 – 2026-06-15" in text
    assert "Previous cycle 2022-06-16 – 2024-06-15" in text
    previous = text[text.index("Previous cycle 2022-06-16 – 2024-06-15 Judged") :]
    previous = previous[: previous.index("One-time requirements")]
    # previous cycle: 6 of 50 total, 6 of 10 risk management; closed, so short, never "to go"
    assert "short by 44.00" in previous
    assert "short by 4.00" in previous
    assert "to go" not in previous
    current = text[text.index("Current cycle 2024-06-16 – 2026-06-15 Category") :]
    current = current[: current.index("Previous cycle 2022-06-16")]
    assert "43.50 to go" in current  # the open cycle: still to go
    assert "short by" not in current


def test_category_subtotals_per_cycle(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    text = flat("\n".join(pages_of(path)))
    assert (
        "Category 1: 4.00 credits claimed (1 entry) · Category 2: 2.50 credits claimed (1 entry)"
        in text
    )
    assert (
        "Category 1: 6.00 credits claimed (1 entry) · Category 2: 0.00 credits claimed (0 entries)"
        in text
    )
    assert "Category 1 (1 entry) 4.00 4.00" in text
    assert "Category 2 (1 entry) 2.50 2.50" in text


def test_attested_requirement_reads_met_by_attestation(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    text = flat("\n".join(pages_of(path)))
    assert "met by attestation 2005-06-30: Residency training at BMC" in text


def test_certificate_shows_its_original_file_name(lukasz: Cli, tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    text = "".join("\n".join(pages_of(path)).split())  # the name may wrap in its column
    assert "".join(CERT_NAME.split()) in text
    digest = hashlib.sha256(b"%PDF-1.4 a certificate\n").hexdigest()
    assert digest[:12] not in text


def test_empty_previous_cycle_says_no_activities(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "--name", "Dr. New", "--birthday", "1975-06-15", "--license", "2",
           "--license-expires", "2026-06-15"))  # fmt: skip
    ok(cli("add", "Only course", "--date", "2025-02-03", "--category", "2", "--credits", "1"))
    path = tmp_path / "a.pdf"
    export_pdf(cli, path)
    text = flat("\n".join(pages_of(path)))
    previous = text[text.index("Previous cycle 2022-06-16 – 2024-06-15 No activities") :]
    assert previous.startswith(
        "Previous cycle 2022-06-16 – 2024-06-15 No activities recorded in cmelog for this cycle."
    )
    assert "short by" not in text


def test_document_ends_with_an_attestation_block(lukasz: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    export_pdf(lukasz, path)
    pages = pages_of(path)
    last = flat(pages[-1])
    block = last[last.index("Physician's attestation") :]
    assert "true and complete" in block
    assert f"Name {NAME}" in block
    assert "License 654321" in block
    assert "Date ____" in block and "Signature ____" in block
    assert "One-time requirements" not in block  # nothing after the block but the footer
    assert block.index("Signature") < block.index(f"Page {len(pages)} of {len(pages)}")


def test_pdf_is_byte_stable_with_source_date_epoch(
    lukasz: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    a = export_pdf(lukasz, tmp_path / "a.pdf")
    b = export_pdf(lukasz, tmp_path / "b.pdf")
    assert a.stdout != b.stdout
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    reader = PdfReader(io.BytesIO((tmp_path / "a.pdf").read_bytes()))
    assert len(reader.pages) >= 2
