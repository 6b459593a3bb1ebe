"""`requirements`: the rules in force, with sources (JSON and the human text)."""

from __future__ import annotations

from typing import Any

from cmelog.domain.credits import credits_phrase, json_number, short_credits
from cmelog.domain.rules import Kind, Rules


def _n(v: int | None) -> int | float | None:
    return None if v is None else json_number(v)


def rules_json(rules: Rules) -> dict[str, Any]:
    r = rules.renewal
    return {
        "board": rules.board,
        "name": rules.name,
        "sources": list(rules.sources),
        "advice": list(rules.advice),
        "renewal": {
            "anchor": r.anchor,
            "cycle_years": r.cycle_years,
            "application_mailing_days": r.application_mailing_days,
            "waiver_request_days": r.waiver_request_days,
            "records_cycles": r.records_cycles,
            "source": r.source,
        },
        "requirements": [
            {
                "id": q.id,
                "label": q.label,
                "scope": q.scope,
                "required": _n(q.required),
                "training": q.training,
                "applies": q.applies.describe(),
                "counts": "all" if q.counts_all else list(q.topics),
                "attestation": q.attestation,
                "category": q.category,
                "caps": [
                    {
                        "topic": c.topic,
                        "only_topic": c.topic,  # 0.1's name for it (keys are never removed)
                        "max": _n(c.max),
                        "per": c.per,
                        "label": c.label,
                        "source": c.source,
                    }
                    for c in q.caps
                ],
                "text": q.text,
                "source": q.source,
                "date": q.date.isoformat() if q.date else None,
                "note": q.note or None,
            }
            for q in rules.requirements
        ],
        "kinds": [
            {
                "id": k.id,
                "label": k.label,
                "category": k.category,
                "credits": _n(k.credits),
                "credits_per_hour": k.credits_per_hour,
                "max_per_entry": _n(k.max_per_entry),
                "year_cap": _n(k.year_cap),
                "cycle_cap": _n(k.cycle_cap),
                "requirement_caps": {rid: _n(v) for rid, v in k.requirement_caps.items()},
                "counts_toward": k.counts_toward,
                "implied_topics": list(k.implied_topics),
                "satisfies": k.satisfies,
                "satisfies_within_days": k.satisfies_within_days,
                "satisfies_within_months": k.satisfies_within_months,
                "source": k.source,
                "date": k.date.isoformat() if k.date else None,
                "note": k.note or None,
            }
            for k in rules.kinds.values()
        ],
        "topics": dict(rules.topics),
        "formats": dict(rules.formats),
    }


def _kind_bits(k: Kind) -> list[str]:
    bits = []
    if k.category:
        bits.append(f"Category {k.category}")
    if k.credits is not None:
        bits.append(f"{short_credits(k.credits)} credits")
    if k.credits_per_hour != 1:
        bits.append(f"{k.credits_per_hour} credits per hour")
    if k.max_per_entry is not None:
        bits.append(f"at most {short_credits(k.max_per_entry)} per entry")
    if k.year_cap is not None:
        bits.append(f"at most {short_credits(k.year_cap)} per calendar year")
    if k.cycle_cap is not None:
        bits.append(f"at most {short_credits(k.cycle_cap)} per cycle")
    for rid, limit in k.requirement_caps.items():
        bits.append(f"at most {short_credits(limit)} toward {rid} per cycle")
    if k.counts_toward == "total":
        bits.append("total only")
    elif k.counts_toward == "implied":
        bits.append("counts toward the total and " + ", ".join(k.implied_topics) + " only")
    elif k.implied_topics:
        bits.append("counts toward " + ", ".join(k.implied_topics))
    if k.satisfies and k.satisfies_within_months == 12:
        bits.append(
            f"on or after the same day one year before the renewal date it satisfies the "
            f"{k.satisfies} requirement"
        )
    elif k.satisfies and k.satisfies_within_months:
        bits.append(
            f"within {k.satisfies_within_months} months before the renewal date it satisfies "
            f"the {k.satisfies} requirement"
        )
    elif k.satisfies and k.satisfies_within_days:
        bits.append(
            f"within {k.satisfies_within_days} days before the renewal date it satisfies "
            f"the {k.satisfies} requirement"
        )
    return bits


def requirements_text(rules: Rules) -> None:
    """The rules in force for a physician: each requirement and kind with its source and date."""
    from rich.text import Text

    from cmelog.render.text import _indented, console

    out = console()
    out.print(Text(f"{rules.name} ({rules.board})", style="bold"))
    out.print(
        f"Renewal every {rules.renewal.cycle_years} years on the birthday; application mailed "
        f"{rules.renewal.application_mailing_days} days before, waiver requests due "
        f"{rules.renewal.waiver_request_days} days before. Source: {rules.renewal.source}."
    )
    out.print()
    for req in rules.requirements:
        amount = "training" if req.required is None else credits_phrase(req.required)
        head = Text(f"{req.id}", style="bold")
        head.append(f"  {req.label}: {amount}, {req.scope}; applies to {req.applies.describe()}")
        out.print(head)
        _indented(out, f"{req.text}", 4)
        only = f" (Category {req.category} entries only)" if req.category else ""
        if req.topics:
            _indented(out, f"Counts: topics {', '.join(req.topics)}{only}", 4)
        else:
            out.print("    Counts: every entry of the cycle, after caps")
        if req.scope == "one-time":
            _indented(out, "Met only by evidence dated on or before the renewal date.", 4)
        for cap in req.caps:
            _indented(out, f"Cap: {cap.label} ({cap.source})", 4)
        if req.attestation:
            _indented(out, f"May be met by an attestation: cmelog attest {req.id} ...", 4)
        if req.note:
            _indented(out, f"Note: {req.note}", 4)
        dated = f" ({req.date.isoformat()})" if req.date else ""
        _indented(out, f"Source{dated}: {req.source}", 4)
    out.print()
    out.print(Text("Other ways to earn credit (--kind)", style="bold"))
    for k in rules.kinds.values():
        bits = _kind_bits(k)
        _indented(out, f"{k.id}: {k.label}" + (f" ({'; '.join(bits)})" if bits else ""), 2)
        dated = f" ({k.date.isoformat()})" if k.date else ""
        _indented(out, f"Source{dated}: {k.source}", 6)
        if k.note:
            _indented(out, f"Note: {k.note}", 6)
    out.print()
    for a in rules.advice:
        _indented(out, f"Note: {a}", 0)
