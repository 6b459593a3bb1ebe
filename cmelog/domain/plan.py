"""Plain next steps from an evaluation, using overlaps to plan. Pure."""

from __future__ import annotations

from cmelog.domain.credits import credits_phrase, short_credits
from cmelog.domain.model import Evaluation, Renewal
from cmelog.domain.rules import Requirement, Rules


def _in_points(line: str) -> str:
    """A maintenance-of-certification ledger counts MOC points, not credits."""
    return (
        line.replace(" credits", " points")
        .replace(" credit ", " point ")
        .replace("-credit course", "-point activity")
    )


def next_steps(rules: Rules, renewal: Renewal, ev: Evaluation) -> list[str]:
    steps = _next_steps(rules, renewal, ev)
    return [_in_points(s) for s in steps] if rules.unit == "points" else steps


def _next_steps(rules: Rules, renewal: Renewal, ev: Evaluation) -> list[str]:
    by = renewal.renewal_date.isoformat()
    results = {r.id: r for r in ev.requirements}
    unmet = [r for r in ev.requirements if r.applies and not r.met]
    if not unmet:
        if rules.ledger is not None:
            return [f"Every requirement of this cycle (ending {by}) is met."]
        return [
            "Every requirement of this cycle is met; file the renewal application by "
            f"{by} (the Board mails it around {renewal.application_mailing_date.isoformat()})."
        ]
    # unmet topic requirements of the cycle: credits toward narrower ones also count here
    broader: list[Requirement] = [
        req
        for r in unmet
        if r.scope == "cycle" and (req := rules.requirement(r.id)) and not req.counts_all
    ]
    steps: list[str] = []
    for r in unmet:
        req = rules.requirement(r.id)
        if req is None or req.counts_all:
            continue
        if req.training:
            how = f", or record it with `cmelog attest {req.id}`" if req.attestation else ""
            once = "once, " if r.scope == "one-time" else ""
            steps.append(f"Complete training in {req.short} ({once}by {by}){how}.")
            continue
        left = r.remaining or 0
        when = f" (once; any date up to {by})" if r.scope == "one-time" else f" by {by}"
        line = f"{credits_phrase(left).replace(' ', ' more ', 1)} of {req.short}{when}"
        if req.attestation:
            line += f", or an attestation with `cmelog attest {req.id}`"
        overlaps = []
        for b in broader:
            if b.id == req.id or not set(req.topics) <= set(b.topics):
                continue
            b_left = results[b.id].remaining or 0
            overlaps.append(
                f"a {short_credits(left)}-credit course also covers "
                f"{short_credits(min(left, b_left))} of your {short_credits(b_left)} missing "
                f"{b.short} credits"
            )
        steps.append(line + ("; " + "; ".join(overlaps) if overlaps else "") + ".")
    for r in unmet:
        req = rules.requirement(r.id)
        if req is not None and req.counts_all:
            what = f"of Category {req.category}" if req.category else "in total"
            steps.append(
                f"{credits_phrase(r.remaining or 0).replace(' ', ' more ', 1)} {what} by {by}; "
                "the credits of the steps above count toward it too."
            )
    if renewal.waiver_deadline is None:
        pass
    elif renewal.as_of > renewal.waiver_deadline:
        steps.append(
            f"The waiver-request deadline ({renewal.waiver_deadline.isoformat()}) has passed."
        )
    elif any(r.scope == "cycle" for r in unmet):
        steps.append(
            f"If you cannot finish in time, a waiver request is due by "
            f"{renewal.waiver_deadline.isoformat()}."
        )
    return steps
