"""The text of a certificate PDF (pypdf, imported here only) and what it proposes."""

from __future__ import annotations

from pathlib import Path

from cmelog.domain.certparse import Proposal, parse_certificate
from cmelog.errors import UsageError
from cmelog.paths import user_path
from cmelog.structs import Struct

NO_TEXT = "no text found in this PDF; type the values"


class ReadCertificate(Struct, frozen=True):
    path: Path
    proposal: Proposal


def pdf_text(path: Path) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings are not for users
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise UsageError(
            f"--from-certificate {path.name!r} could not be read as a PDF ({exc}); give the "
            "certificate as a PDF file, or type the values."
        ) from None
    return "\n".join(pages)


def read_certificate(path_text: str) -> ReadCertificate:
    path = user_path(path_text)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):
        is_file = False
    if not is_file:
        raise UsageError(
            f"--from-certificate {path_text!r} does not exist or is not a file; give the path "
            "of the certificate PDF."
        )
    with path.open("rb") as fh:
        if b"%PDF" not in fh.read(1024):
            raise UsageError(
                f"--from-certificate {path.name!r} is not a PDF; give the certificate PDF, or "
                "add the entry with --certificate and type the values."
            )
    text = pdf_text(path)
    if not text.strip():
        raise UsageError(NO_TEXT)
    return ReadCertificate(path, parse_certificate(text))
