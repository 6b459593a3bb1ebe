#!/usr/bin/env bash
# The main job on a demo logbook in a throw-away folder (never your real logbook):
# a physician's cycle of CME, the status dashboard, and the audit PDF the Board would get.
set -euo pipefail
CMELOG=$(cd "$(dirname "${1:?usage: demo.sh PATH/TO/cmelog}")" && pwd)/$(basename "$1")
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/cmelog-demo.XXXXXX")
export CMELOG_DB="$DEMO/cmelog.db"
AS_OF=2026-04-20
run() { printf '\n$ cmelog %s\n' "$*"; "$CMELOG" "$@"; }

echo "Demo logbook: $CMELOG_DB"
run init --name "Jane Roe, MD" --birthday 1975-06-15 --license 123456 \
  --license-expires 2026-06-15 --prescriber --adult-patients
printf 'Certificate of completion\n' > "$DEMO/opioid-certificate.pdf"
q() { "$CMELOG" "$@" > /dev/null; }
q add "Safe opioid prescribing in primary care" --date 2024-09-12 --category 1 --credits 3 \
  --provider "Massachusetts Medical Society" --topic opioids-pain-management --format online \
  --certificate "$DEMO/opioid-certificate.pdf"
q add "Annual risk management seminar: communication and disclosure" --date 2024-11-05 \
  --category 1 --credits 4 --provider "CRICO" --topic risk-management --format live
q add "Massachusetts Board regulations, 243 CMR 1.00-3.00" --date 2025-01-20 --category 1 \
  --credits 2 --provider "Massachusetts Medical Society" --topic board-regulations
q add "Implicit bias in clinical decision making" --date 2023-03-02 --category 1 --credits 2 \
  --provider "Massachusetts Medical Society" --topic implicit-bias --format online
q add "End-of-life conversations" --date 2022-10-14 --category 1 --credits 2 \
  --provider "Massachusetts Medical Society" --topic end-of-life
q add "Internal Medicine Grand Rounds (12 sessions)" --date 2025-02-01 --end-date 2025-12-15 \
  --category 1 --credits 12 --provider "Beth Israel Deaconess Medical Center" --format live
q add "Point-of-care learning: UpToDate searches" --date 2025-06-30 --category 1 --credits 9.5 \
  --provider "UpToDate (Wolters Kluwer)" --format point-of-care
q add "Reading NEJM review articles" --date 2025-09-01 --category 2 --minutes 425 --format journal
q add "Physician burnout and resilience workshop" --date 2025-10-03 --category 1 --hours 3 \
  --provider "MMS Physician Health Services" --topic physician-wellness
q add "Resident teaching: acid-base lectures" --kind teaching --date 2025-11-12 --hours 3 \
  --provider "Boston University Chobanian & Avedisian School of Medicine"
q attest child-abuse-reporting --date 2004-06-30 --how "Mandated-reporter training during residency"
q attest ehr --date 2019-12-31 --how "Meaningful-use participation (Promoting Interoperability)"

run status --as-of "$AS_OF"
run remind --as-of "$AS_OF" --every
cd "$DEMO"
printf '\n$ cmelog audit-export --as-of %s\n' "$AS_OF"
PDF=$("$CMELOG" audit-export --as-of "$AS_OF")
echo "Audit PDF written to: $PDF"
