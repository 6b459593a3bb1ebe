"""One or two examples for every command's --help (shown under "Examples").

Keyed by the command path below `cmelog`. A command missing here gets its usage line as an
example, so no command's help is ever without one.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": (
        "cmelog init",
        'cmelog init --name "Jane Roe, MD" --birthday 1975-06-15 --license 123456 '
        "--license-expires 2026-06-15",
    ),
    "profile": ("cmelog profile", "cmelog profile --json"),
    "profile set": ("cmelog profile set", "cmelog profile set --license-expires 2028-06-15"),
    "add": (
        'cmelog add "Opioid prescribing update" --date 2025-03-14 --category 1 --credits 3 '
        '--provider "Massachusetts Medical Society" --topic opioids-pain-management',
        "cmelog add --from-certificate ~/Downloads/certificate.pdf",
    ),
    "list": ("cmelog list", "cmelog list --cycle current --csv > entries.csv"),
    "show": ("cmelog show 12",),
    "edit": ("cmelog edit 12", "cmelog edit 12 --credits 2.5 --add-topic risk-management"),
    "delete": ("cmelog delete 12", "cmelog delete 12 --yes"),
    "open": ("cmelog open 12",),
    "attest": (
        'cmelog attest child-abuse-reporting --date 2009-06-30 --how "Training in residency"',
        "cmelog attest --list",
    ),
    "status": ("cmelog status", "cmelog status --check --as-of 2026-05-01"),
    "requirements": ("cmelog requirements", "cmelog requirements --json"),
    "remind": ("cmelog remind", "cmelog remind --install --at 08:00"),
    "calendar": ("cmelog calendar --output renewal.ics",),
    "audit-export": ("cmelog audit-export", "cmelog audit-export --format csv --output audit.csv"),
    "import": ("cmelog import entries.csv --dry-run", "cmelog import entries.csv"),
    "backup": ("cmelog backup", "cmelog backup /media/usb/cmelog-backup/"),
    "restore": ("cmelog restore backups/cmelog-20260101-090000.db",),
    "check": ("cmelog check", "cmelog check --fix"),
    "history": ("cmelog history", "cmelog history 12"),
    "undelete": ("cmelog undelete 12",),
    "attestations": ("cmelog attestations", "cmelog attestations --json"),
    "attestations edit": ('cmelog attestations edit 3 --how "Residency training, 2009"',),
    "attestations delete": ("cmelog attestations delete 3",),
    "channel": ("cmelog channel list",),
    "channel add": (
        "cmelog channel add desktop:",
        'cmelog channel add "smtp://me@mail.example.org:587?from=me@example.org&to=me@example.org"',
    ),
    "channel list": ("cmelog channel list",),
    "channel remove": ("cmelog channel remove desktop",),
    "channel test": ("cmelog channel test desktop",),
    "license": ("cmelog license list",),
    "license add": ("cmelog license add --board NH --number 98765 --expires 2027-06-30",),
    "license list": ("cmelog license list", "cmelog license list --json"),
    "license set": ("cmelog license set NH --expires 2029-06-30",),
    "license remove": ("cmelog license remove NH",),
    "ledger": ("cmelog ledger list",),
    "ledger add": ("cmelog ledger add dea-mate --registered 2024-03-01",),
    "ledger list": ("cmelog ledger list",),
    "ledger remove": ("cmelog ledger remove dea-mate",),
    "rules": ("cmelog rules check my-rules.toml",),
    "rules check": ("cmelog rules check my-rules.toml",),
}


def epilog(path: str, usage: str) -> str:
    """The "Examples" paragraph for the command at `path` (markup-safe)."""
    lines = EXAMPLES.get(path) or (f"cmelog {path} {usage}".strip(),)
    body = "\n\n".join("  " + line.replace("[", "\\[") for line in lines)
    return "Examples:\n\n" + body
