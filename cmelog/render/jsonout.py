"""JSON documents of the contract (spec/cli.md): one document on stdout, nothing else."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from cmelog.domain.credits import json_number, minutes_json
from cmelog.domain.model import Attestation, Entry, Profile, RequirementResult


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _n(value: int | None) -> int | float | None:
    return None if value is None else json_number(value)


def entry_json(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "date": _d(e.date),
        "end_date": _d(e.end_date),
        "provider": e.provider,
        "category": e.category,
        "credits": json_number(e.credits),
        "minutes": minutes_json(e.minutes),
        "kind": e.kind,
        "topics": sorted(e.topics),
        "format": e.format,
        "url": e.url,
        "certificate_sha256": e.certificate_sha256,
        "certificate_name": e.certificate_name,
        "notes": e.notes,
        "source": e.source,
        "moc_points": None if e.moc_points is None else json_number(e.moc_points),
    }


def profile_json(p: Profile) -> dict[str, Any]:
    return {
        "name": p.name,
        "birthday": _d(p.birthday),
        "license": p.license,
        "board": p.board,
        "license_expires": _d(p.license_expires),
        "license_issued": _d(p.license_issued),
        "prescriber": p.prescriber,
        "adult_patients": p.adult_patients,
    }


def attestation_json(a: Attestation) -> dict[str, Any]:
    return {
        "id": a.id,
        "requirement": a.requirement,
        "date": _d(a.date),
        "how": a.how,
        "certificate_sha256": a.certificate_sha256,
        "certificate_name": a.certificate_name,
    }


def requirement_json(r: RequirementResult, *, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "label": r.label,
        "scope": r.scope,
        "applies": r.applies,
        "required": _n(r.required),
        "earned": _n(r.earned),
        "remaining": _n(r.remaining),
        "met": r.met,
    }
    if r.met_by is not None:
        out["met_by"] = [{m.kind: m.id} for m in r.met_by]
    out["source"] = r.source
    out["notes"] = list(r.notes)
    if explain:
        out["contributions"] = [
            {"entry": c.entry_id, "credits": json_number(c.credits), "note": c.note}
            for c in r.contributions
        ]
    return out


def dump(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def dump_stream(items: Iterable[Any]) -> None:
    """A JSON list written item by item, byte for byte what `dump(list(items))` writes, without
    holding the list."""
    out = sys.stdout
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + text)
        first = False
    out.write("[]\n" if first else "\n]\n")
