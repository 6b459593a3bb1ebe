"""Plain next steps from an evaluation, using overlaps to plan. Pure."""

from __future__ import annotations

from cmelog.domain.credits import short_credits
from cmelog.domain.model import Evaluation, Renewal, RequirementResult
from cmelog.domain.rules import Rules


def _remaining(r: RequirementResult) -> int:
    return r.remaining or 0


def next_steps(rules: Rules, renewal: Renewal, ev: Evaluation) -> list[str]:
    by = renewal.renewal_date.isoformat()
    results = {r.id: r for r in ev.requirements}
    unmet = [r for r in ev.requirements if r.applies and not r.met]
    if not unmet:
        return [
            "Every requirement of this cycle is met; file the renewal application by "
            f"{by} (the Board mails it around {renewal.application_mailing_date.isoformat()})."
        ]
    steps: list[str] = []
    # requirements whose topics all count toward a broader unmet requirement (e.g. risk management)
    broader = [
        rules.requirement(r.id)
        for r in unmet
        if r.scope == "cycle" and (req := rules.requirement(r.id)) and not req.counts_all
    ]
    for r in unmet:
        req = rules.requirement(r.id)
        if req is None or req.counts_all:
            continue
        if req.training:
            how = f" or record it with `cmelog attest {req.id}`" if req.attestation else ""
            steps.append(f"Complete {r.label.lower()} training (once){how}.")
            continue
        left = _remaining(r)
        once = " (once, any date)" if r.scope == "one-time" else f" by {by}"
        line = f"{short_credits(left)} more credits of {r.label.lower()}{once}"
        if req.attestation:
            line += f", or record an attestation with `cmelog attest {req.id}`"
        overlaps = []
        for b in broader:
            if b is None or b.id == req.id or not set(req.topics) <= set(b.topics):
                continue
            b_left = _remaining(results[b.id])
            covered = min(left, b_left)
            overlaps.append(
                f"a {short_credits(left)}-credit {r.label.lower()} course also covers "
                f"{short_credits(covered)} of your {short_credits(b_left)} missing "
                f"{b.label.lower()} credits"
            )
        steps.append(line + (": " + "; ".join(overlaps) if overlaps else "") + ".")
    for r in unmet:
        req = rules.requirement(r.id)
        if req is not None and req.counts_all:
            steps.append(
                f"{short_credits(_remaining(r))} more credits in total by {by}; every credit "
                "above counts toward it too."
            )
    if renewal.days_until_renewal <= (renewal.renewal_date - renewal.waiver_deadline).days:
        steps.append(
            f"The waiver-request deadline ({renewal.waiver_deadline.isoformat()}) has passed."
        )
    elif any(r.scope == "cycle" for r in unmet):
        steps.append(
            f"If you cannot finish in time, a waiver request is due by "
            f"{renewal.waiver_deadline.isoformat()}."
        )
    return steps
