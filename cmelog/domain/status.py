"""What `status` reports: the current cycle, and the previous one judged as of its end. Pure."""

from __future__ import annotations

from cmelog.domain.model import Attestation, Entry, Evaluation, Ledger, License, Profile, Renewal
from cmelog.domain.rules import Rules
from cmelog.structs import Struct, field


class StatusReport(Struct, frozen=True):
    profile: Profile
    rules: Rules
    renewal: Renewal
    evaluation: Evaluation
    steps: tuple[str, ...]
    explain: bool
    # entries and attestations named by met_by (and, with --explain, by contributions)
    met_entries: dict[int, Entry] = field(default_factory=dict)
    met_attestations: dict[int, Attestation] = field(default_factory=dict)
    # the previous cycle judged as of its own renewal date; None without a previous cycle
    previous: Evaluation | None = None
    # which license (or ledger) this is; `profile` mirrors that license's fields
    license: License | None = None
    ledger: Ledger | None = None


class MultiStatus(Struct, frozen=True):
    """Every license (the first one first) and every ledger; `selected`: --license named one."""

    licenses: tuple[StatusReport, ...]
    ledgers: tuple[StatusReport, ...] = ()
    selected: bool = False

    @property
    def reports(self) -> tuple[StatusReport, ...]:
        return (*self.licenses, *self.ledgers)

    @property
    def complete(self) -> bool:
        return all(r.evaluation.complete for r in self.reports)
