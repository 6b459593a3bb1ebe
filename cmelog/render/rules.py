"""`requirements --json`: the rules in force, with sources."""

from __future__ import annotations

from typing import Any

from cmelog.domain.credits import json_number
from cmelog.domain.rules import Rules


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
                "caps": [
                    {
                        "only_topic": c.only_topic,
                        "max": _n(c.max),
                        "per": c.per,
                        "label": c.label,
                        "source": c.source,
                    }
                    for c in q.caps
                ],
                "text": q.text,
                "source": q.source,
                "date": q.date.isoformat(),
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
                "counts_toward": "all" if k.counts_toward_topics else "total",
                "implied_topics": list(k.implied_topics),
                "satisfies": k.satisfies,
                "satisfies_within_days": k.satisfies_within_days,
                "source": k.source,
                "date": k.date.isoformat() if k.date else None,
            }
            for k in rules.kinds.values()
        ],
        "topics": dict(rules.topics),
        "formats": dict(rules.formats),
    }
