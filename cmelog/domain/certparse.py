"""Reading a CME certificate's text: what it says about the activity. Pure (no I/O).

`parse_certificate(text)` proposes the title, the accredited provider named in the credit
designation, the date or date range, the credits awarded or claimed (never the designated
maximum), the maximum designated, the category, the format and the MOC points awarded. Each
proposal keeps the certificate line it came from, so the user sees where every value came from.

Credit that is not a physician's (nursing contact hours, AAPA credit, a certificate of
participation for other health professionals) is never read as credits.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from cmelog.structs import Struct, field

# ------------------------------------------------------------------ results


class Found(Struct, frozen=True):
    value: str  # as an add option would take it: ISO dates, "1.5", "1", a format slug
    line: str  # the certificate text it was read from


class Proposal(Struct):
    fields: dict[str, Found] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was seen and deliberately not used

    def get(self, name: str) -> str | None:
        found = self.fields.get(name)
        return found.value if found else None


FIELD_LABELS = {
    "title": "Title",
    "provider": "Provider",
    "date": "Date",
    "end_date": "End date",
    "credits": "Credits",
    "max_credits": "Maximum designated",
    "category": "Category",
    "format": "Format",
    "moc_points": "MOC points",
}

# ------------------------------------------------------------------ text helpers

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_MARKS = str.maketrans({"\u2122": " ", "\u00ae": " ", "\u00a9": " ", "\u2013": "-", "\u2014": "-"})
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _clean_line(line: str) -> str:
    return _SPACES.sub(" ", line.translate(_QUOTES)).strip()


class _Doc:
    """The certificate as lines and as one flat string with a map back to the lines."""

    def __init__(self, text: str) -> None:
        self.lines = [c for c in (_clean_line(raw) for raw in text.splitlines()) if c]
        self.starts: list[int] = []
        parts: list[str] = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            parts.append(line)
            pos += len(line) + 1
        self.flat = " ".join(parts)
        # the same text with trademark signs and dashes simplified, same length
        self.plain = self.flat.translate(_MARKS)

    def line_at(self, pos: int) -> int:
        index = 0
        for i, start in enumerate(self.starts):
            if start <= pos:
                index = i
            else:
                break
        return index

    def source(self, start: int, end: int) -> str:
        first, last = self.line_at(start), self.line_at(max(start, end - 1))
        return " ".join(self.lines[first : last + 1])


# ------------------------------------------------------------------ numbers and dates

_NUM = r"(?<![\d./-])(?<!Category\s)(?<!Part\s)(\d{1,3}(?:\.\d{1,2})?|\.\d{1,2})"
_WORD_NUMBERS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
}


def _number(text: str) -> str | None:
    raw = _WORD_NUMBERS.get(text.lower(), text)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if value <= 0:
        return None
    text = format(value.normalize(), "f")
    return text


_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_MON = r"(?P<{0}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>(?:19|20|21)\d\d)"
_DASH = r"\s*(?:-|to|through|thru|until|and)\s*"


def _pat(template: str) -> re.Pattern[str]:
    return re.compile(template, re.IGNORECASE)


# Each pattern yields named groups m1 d1 y1 (start) and optionally m2 d2 y2 (end).
_DATE_PATTERNS: list[re.Pattern[str]] = [
    # June 30 - July 2, 2025 / June 30, 2025 - July 2, 2025
    _pat(
        rf"\b{_MON.format('m1')}\s+{_DAY.format('d1')}(?:,?\s*{_YEAR.format('y1')})?{_DASH}"
        rf"{_MON.format('m2')}\s+{_DAY.format('d2')},?\s*{_YEAR.format('y2')}\b"
    ),
    # June 12-14, 2025
    _pat(
        rf"\b{_MON.format('m1')}\s+{_DAY.format('d1')}{_DASH}{_DAY.format('d2')},?\s*"
        rf"{_YEAR.format('y2')}\b"
    ),
    # 12-14 June 2025
    _pat(
        rf"\b{_DAY.format('d1')}{_DASH}{_DAY.format('d2')}\s+{_MON.format('m2')},?\s*"
        rf"{_YEAR.format('y2')}\b"
    ),
    # 30 June - 2 July 2025 / 30 June 2025 - 2 July 2025
    _pat(
        rf"\b{_DAY.format('d1')}\s+{_MON.format('m1')}(?:,?\s*{_YEAR.format('y1')})?{_DASH}"
        rf"{_DAY.format('d2')}\s+{_MON.format('m2')},?\s*{_YEAR.format('y2')}\b"
    ),
    # single dates
    _pat(rf"\b{_MON.format('m1')}\s+{_DAY.format('d1')},?\s*{_YEAR.format('y1')}\b"),
    _pat(rf"\b{_DAY.format('d1')}\s+{_MON.format('m1')},?\s*{_YEAR.format('y1')}\b"),
    _pat(r"\b(?P<y1>(?:19|20|21)\d\d)-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})\b"),
    # numeric dates are month first (US certificates)
    _pat(r"\b(?P<m1>\d{1,2})[/.-](?P<d1>\d{1,2})[/.-](?P<y1>(?:19|20|21)?\d\d)\b"),
]


class _DateHit(Struct, frozen=True):
    start: int
    end: int
    first: date
    last: date | None


def _month(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    return _MONTHS.get(text.lower().rstrip("."))


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _make(y: int | None, m: int | None, d: str | None) -> date | None:
    if y is None or m is None or d is None:
        return None
    try:
        return date(y, m, int(d))
    except ValueError:
        return None


def _dates(text: str) -> list[_DateHit]:
    hits: list[_DateHit] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groupdict()
            y2 = _year(g.get("y2"))
            y1 = _year(g.get("y1")) or y2
            m2 = _month(g.get("m2"))
            m1 = _month(g.get("m1")) or m2
            first = _make(y1, m1, g.get("d1"))
            last = _make(y2, m2 or m1, g.get("d2")) if g.get("d2") else None
            if first is None or (g.get("d2") and last is None):
                continue
            if last is not None and last < first:
                continue
            taken.append((m.start(), m.end()))
            hits.append(_DateHit(m.start(), m.end(), first, last if last != first else None))
    hits.sort(key=lambda h: h.start)
    # "from DATE to DATE" / "DATE - DATE" written as two single dates
    merged: list[_DateHit] = []
    for hit in hits:
        if merged and merged[-1].last is None:
            between = text[merged[-1].end : hit.start]
            if re.fullmatch(r"\s*(?:-|to|through|thru|until)\s*", between, re.IGNORECASE):
                prev = merged[-1]
                if hit.first >= prev.first:
                    merged[-1] = _DateHit(prev.start, hit.end, prev.first, hit.first)
                    continue
        merged.append(hit)
    return merged


_BAD_DATE_CONTEXT = re.compile(
    r"(release|expir|expires|terminat|valid\s+(?:through|until)|review(?:ed)?\s+date|"
    r"last\s+review|original(?:ly)?\s+(?:release|publish)|publish|print(?:ed)?|born|"
    r"birth|accredit(?:ed|ation)\s+(?:through|until|period))",
    re.IGNORECASE,
)
_GOOD_DATE_CONTEXT = re.compile(
    r"(activity\s+date|date\s+of\s+(?:the\s+)?(?:activity|event|course|conference|"
    r"completion|participation|attendance)|date\(s\)|dates?\s*:|completed|completion|"
    r"attended|participated|held|\bon\b|\bfrom\b|date\s+claimed|session\s+date|"
    r"event\s+date|course\s+date|conference\s+date)",
    re.IGNORECASE,
)
_WEAK_DATE_CONTEXT = re.compile(r"(issued|issue\s+date|date\s+issued|awarded\s+on)", re.I)


def _pick_date(doc: _Doc) -> tuple[_DateHit, str] | None:
    best: tuple[int, int, _DateHit] | None = None
    for hit in _dates(doc.plain):
        before = doc.plain[max(0, hit.start - 45) : hit.start]
        line = doc.lines[doc.line_at(hit.start)]
        label_zone = before[-30:]
        if _BAD_DATE_CONTEXT.search(label_zone):
            continue
        score = 0
        if _GOOD_DATE_CONTEXT.search(before):
            score = 2
        elif _WEAK_DATE_CONTEXT.search(label_zone):
            score = -1
        elif _BAD_DATE_CONTEXT.search(line) and not _GOOD_DATE_CONTEXT.search(line):
            continue
        if hit.last is not None:
            score += 1
        if best is None or score > best[0]:
            best = (score, -hit.start, hit)
    if best is None:
        return None
    hit = best[2]
    return hit, doc.source(hit.start, hit.end)


# ------------------------------------------------------------------ credits

_NOT_PHYSICIAN = re.compile(
    r"(contact\s+hour|nurs|\bANCC\b|\bAAPA\b|physician\s+assistant|\bPAs?\b|pharmac|\bACPE\b|"
    r"\bCEUs?\b|\bCNE\b|psycholog|social\s+work|\bIPCE\b\s+credit|dietitian|\bCPE\b|"
    r"non-?physician|other\s+(?:health\s*care\s+)?(?:professionals|participants|learners)|"
    r"certificate\s+of\s+participation(?!\s+for\s+physicians))",
    re.IGNORECASE,
)
_PARTICIPATION = re.compile(
    r"(?:certificate\s+of\s+participation|participation\s+certificate)(?!\s+for\s+physicians)|"
    r"non-?physician",
    re.I,
)
_MAXIMUM = re.compile(
    r"(maximum|up\s+to|not\s+to\s+exceed|designates|designated|approved\s+for|"
    r"acceptable\s+for|eligible\s+for|commensurate|\bmax\b|has\s+been\s+reviewed)",
    re.IGNORECASE,
)
_AWARDED = re.compile(
    r"(award|earn|claim|receiv|grant|credits?\s+(?:recorded|reported)|total\s+credits?|"
    r"completed\s+for|successfully\s+completed)",
    re.IGNORECASE,
)
_CREDIT_WORDS = (
    r"(?:AMA\s+PRA\s+Category\s+[12]\s*(?:Credits?|CME\s+credits?)?(?:\s*\(s\))?|"
    r"AOA\s+Category\s+[12]-?[AB]?\s*(?:CME\s+)?(?:credits?|hours?)?(?:\s*\(s\))?|"
    r"(?:AAFP\s+)?(?:Prescribed|Elective)\s+credits?(?:\s*\(s\))?|"
    r"Category\s+[12]\s*(?:CME\s+)?credits?(?:\s*\(s\))?|"
    r"CME\s+credits?(?:\s*\(s\))?|credits?(?:\s*\(s\))?|credit\s+hours?)"
)
_NUM_THEN_CREDIT = re.compile(
    _NUM + r"\s*(?:\(\s*[\w\s.]+\)\s*)?(?:total\s+)?" + _CREDIT_WORDS, re.IGNORECASE
)
_LABEL_THEN_NUM = re.compile(
    r"(?P<label>(?:total\s+)?(?:AMA\s+PRA\s+Category\s+[12]\s+|AOA\s+Category\s+[12]-?[AB]?\s+|"
    r"CME\s+|Category\s+[12]\s+|physician\s+)?(?:credits?|credit\s+hours?|hours)(?:\s*\(s\))?"
    r"(?:\s+(?:claimed|awarded|earned|received|granted|designated|approved|available))?|"
    r"(?:number\s+of|maximum|max\.?)\s+credits?(?:\s*\(s\))?(?:\s+(?:claimed|awarded|earned))?|"
    r"credits?\s+(?:claimed|awarded|earned)|(?:claimed|awarded|earned)\s+credits?)"
    r"\s*(?:[:=]|-|\.{2,}|\u2026+)?\s*" + _NUM + r"\b(?![/.-]\d)",
    re.IGNORECASE,
)

_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bInc)(?<!\bSt)(?<!\bDr)(?<!\bNo)[.!?;]\s")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m2 = _SENTENCE_END.search(text, end)
    hi = m2.start() + 1 if m2 else len(text)
    return lo, hi


def _category_of(phrase: str) -> str | None:
    p = phrase.lower()
    if re.search(r"category\s+2|elective", p):
        return "2"
    if re.search(r"category\s+1|prescribed", p):
        return "1"
    return None


class _Credit(Struct, frozen=True):
    value: str
    kind: str  # "awarded" | "maximum"
    category: str | None
    start: int
    end: int
    label: bool


_SEPARATORS = re.compile(r"\s[|\u2022\u00b7]\s|;\s|\s{3,}")


def _segment(doc: _Doc, m: re.Match[str]) -> str:
    """The part of the match's line between separators ("A: 3 | B: 2" -> "A: 3")."""
    line_no = doc.line_at(m.start())
    start = doc.starts[line_no]
    line = doc.plain[start : start + len(doc.lines[line_no])]
    lo, hi = 0, len(line)
    for sep in _SEPARATORS.finditer(line):
        if sep.end() <= m.start() - start:
            lo = sep.end()
        elif sep.start() >= m.end() - start and hi == len(line):
            hi = sep.start()
    return line[lo:hi]


def _credits(doc: _Doc) -> tuple[list[_Credit], list[str]]:
    text = doc.plain
    found: list[_Credit] = []
    skipped: list[str] = []
    seen: list[tuple[int, int]] = []
    date_hits = _dates(text)
    matches: list[tuple[re.Match[str], bool]] = [(m, True) for m in _LABEL_THEN_NUM.finditer(text)]
    matches += [(m, False) for m in _NUM_THEN_CREDIT.finditer(text)]
    for m, is_label in matches:
        num_group = len(m.groups()) if is_label else 1
        raw = m.group(num_group)
        value = _number(raw)
        if value is None or any(a < m.end() and m.start() < b for a, b in seen):
            continue
        lo, hi = _sentence(text, m.start(), m.end())
        sentence = text[lo:hi]
        line_no = doc.line_at(m.start())
        line = doc.lines[line_no]
        line_end = doc.starts[line_no] + len(line)
        near = text[max(lo, m.start() - 50) : min(hi, m.end() + 25, line_end)]
        if any(d.start <= m.start(num_group) < d.end for d in date_hits):
            continue
        tail = m.group(0) if is_label else text[m.start() : m.end() + 12]
        if re.search(r"\bMOC\b|points?\b", tail, re.I):
            continue
        phrase = m.group(0)
        if _NOT_PHYSICIAN.search(near) or (is_label and _NOT_PHYSICIAN.search(_segment(doc, m))):
            seen.append((m.start(), m.end()))
            skipped.append(doc.source(m.start(), m.end()))
            continue
        if is_label:
            label = m.group("label")
            if re.search(r"max|designat|approved|available", label, re.I):
                kind = "maximum"
            else:
                kind = "awarded"
            if re.fullmatch(r"hours", label.strip(), re.I):
                continue  # bare "Hours:" is attendance, not credit
        else:
            before = text[lo : m.start()]
            if (
                _MAXIMUM.search(before)
                and not re.search(r"(award|earn|claim|receiv)\w*\s*$", before[-25:], re.I)
                or _MAXIMUM.search(sentence)
                and not _AWARDED.search(sentence)
            ):
                kind = "maximum"
            else:
                kind = "awarded"
            if not re.search(r"credit", phrase, re.I):
                continue
            # a bare "N credits" needs physician-credit wording in its sentence
            if not re.search(r"AMA|AOA|AAFP|Prescribed|Category|CME|physician", sentence, re.I):
                continue
        category = _category_of(phrase) or _category_of(sentence)
        seen.append((m.start(), m.end()))
        found.append(_Credit(value, kind, category, m.start(), m.end(), is_label))
    for m in _OTHER_CREDIT.finditer(text):
        if not any(a <= m.start() < b for a, b in seen):
            skipped.append(doc.source(m.start(), m.end()))
    found.sort(key=lambda c: c.start)
    return found, skipped


_OTHER_CREDIT = re.compile(
    _NUM + r"\s+(?:[\w-]+\s+){0,3}?(?:contact\s+hours?|CEUs?\b|CNE\b)", re.IGNORECASE
)


# ------------------------------------------------------------------ MOC points

_MOC_AFTER = re.compile(
    _NUM + r"\s+(?:[A-Za-z-]+\s+){0,4}?MOC\s+(?:[A-Za-z-]+\s+){0,2}?points?\b", re.IGNORECASE
)
_MOC_PART = re.compile(
    r"\bMOC\b[^:\n]{0,30}:\s*" + _NUM + r"\s*(?:[A-Za-z-]+\s+){0,2}?points?\b", re.IGNORECASE
)
_MOC_LABEL = re.compile(
    r"MOC\s+(?:[\w-]+\s+){0,3}?points?(?:\s*\(s\))?(?:\s+(?:awarded|earned|claimed|"
    r"reported|recorded))?\s*[:=]\s*" + _NUM,
    re.IGNORECASE,
)


def _moc(doc: _Doc) -> tuple[Found | None, str | None]:
    text = doc.plain
    maximum: str | None = None
    for pattern in (_MOC_LABEL, _MOC_PART, _MOC_AFTER):
        for m in pattern.finditer(text):
            value = _number(m.group(1))
            if value is None:
                continue
            lo, _hi = _sentence(text, m.start(), m.end())
            before = text[lo : m.start()] + (m.group(0) if pattern is not _MOC_AFTER else "")
            if re.search(r"up\s+to|maximum|eligible|enables|may\s+earn|available", before, re.I):
                maximum = maximum or value
                continue
            return Found(value, doc.source(m.start(), m.end())), maximum
    return None, maximum


# ------------------------------------------------------------------ provider

_DESIGNATES = re.compile(r"\s+(?:designates|has\s+designated|is\s+designating)\s+this\b", re.I)
_ACCREDITED = re.compile(
    r"\s+is\s+(?:jointly\s+)?accredited\s+(?:by|with\s+commendation\s+by)\b", re.IGNORECASE
)
_ACCEPTABLE_BY = re.compile(
    r"acceptable\s+for\s+(?:up\s+to\s+)?[\d.]+\s+Prescribed\s+credits?(?:\s*\(s\))?\s+by\s+"
    r"(?:the\s+)?(?P<org>[A-Z][\w&'-]*(?:\s+(?:of|for|and|the|&|[A-Z][\w&'-]*))*)",
)
_PROVIDER_LABEL = re.compile(
    r"^(?:accredited\s+provider|cme\s+provider|provider|provided\s+by|sponsored\s+by|"
    r"presented\s+by|offered\s+by|organi[sz]ation|accredited\s+by|issued\s+by|"
    r"jointly\s+provided\s+by)\s*[:\-]?\s*(?P<v>.*)$",
    re.IGNORECASE,
)
_HEADING = re.compile(
    r"^(?:.*\b(?:Statements?|Designation|Information|Accreditation|Credit)\s*:?\s+)?"
    r"(?=[A-Z])",
)
_LEAD_IN = re.compile(
    r"^(?:(?:In\s+support\s+of\s+improving\s+patient\s+care,?)|(?:The\s+)?(?:AMA\s+)?"
    r"(?:Credit\s+)?(?:Designation|Accreditation)(?:\s+Statements?)?\s*:?)\s*",
    re.IGNORECASE,
)


def _org_before(doc: _Doc, text: str, pos: int) -> tuple[int, str] | None:
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        lo = m.end()
    for m in re.finditer(r"[:\u2122\u00ae]\s", text[:pos]):
        if m.end() > lo:
            lo = m.end()
    inner = [s for s in doc.starts if lo < s < pos]
    widest = max((len(line) for line in doc.lines), default=0)

    def complete_before(start: int) -> bool:
        """The line before `start` ends a unit (a label, a sentence, a short heading line), so
        a name starting at `start` is not the tail of a wrapped sentence."""
        prev = doc.lines[doc.line_at(start) - 1]
        return (
            bool(re.search(r"[.:;!?\u2122\u00ae)]$", prev))
            or ":" in prev
            or (len(prev) < 0.6 * widest)
        )

    preferred = [s for s in reversed(inner) if complete_before(s)]
    starts = preferred + [lo] + [s for s in inner if s not in preferred]
    for start in starts:
        candidate = text[start:pos].strip(" ,")
        candidate = _LEAD_IN.sub("", candidate).strip()
        # drop a heading glued before the name ("Credit Designation The ...")
        parts = re.split(r"\b(?:Statements?|Designation)\b\s*", candidate)
        candidate = parts[-1].strip() if parts[-1].strip() else candidate
        candidate = re.sub(r"^the\s+", "", candidate, flags=re.IGNORECASE).strip(" ,")
        if not candidate or len(candidate) > 120 or not candidate[0].isupper():
            continue
        if len(candidate.split()) > 16 or re.search(r"\d{1,2}/\d{1,2}/\d|:", candidate):
            continue
        if _dates(candidate) or re.search(r"\b\d{4}\b", candidate):
            continue
        return start, candidate
    return None


def _provider(doc: _Doc) -> Found | None:
    text = doc.flat
    for i, line in enumerate(doc.lines):
        m = _PROVIDER_LABEL.match(line)
        if m and re.match(r"^accredited\s+provider|^cme\s+provider", line, re.I):
            value = m.group("v").strip() or (doc.lines[i + 1] if i + 1 < len(doc.lines) else "")
            if value:
                return Found(re.sub(r"^the\s+", "", value, flags=re.I), line)
    for pattern in (_DESIGNATES, _ACCREDITED):
        for m in pattern.finditer(text):
            sentence_lo, _ = _sentence(text, m.start(), m.end())
            if _NOT_PHYSICIAN.search(text[sentence_lo : m.end() + 120]) and not re.search(
                r"AMA\s+PRA|ACCME|AOA|Category\s+1", text[sentence_lo : m.end() + 160]
            ):
                continue
            org = _org_before(doc, text, m.start())
            if org:
                return Found(org[1], doc.source(org[0], m.end()))
    m2 = _ACCEPTABLE_BY.search(text)
    if m2:
        name = re.sub(r"[.,]$", "", m2.group("org").strip())
        return Found(name, doc.source(m2.start(), m2.end()))
    for i, line in enumerate(doc.lines):
        m = _PROVIDER_LABEL.match(line)
        if m:
            value = m.group("v").strip() or (doc.lines[i + 1] if i + 1 < len(doc.lines) else "")
            value = re.split(r"\s+(?:and|in\s+collaboration\s+with)\s+", value)[0].strip(" .,")
            if value:
                return Found(re.sub(r"^the\s+", "", value, flags=re.I), line)
    # "Yale School of Medicine ... certifies that": the issuing institution at the top
    m3 = re.search(r"\bcertif(?:ies|y)\s+that\b", doc.flat, re.IGNORECASE)
    if m3:
        for line in doc.lines[: doc.line_at(m3.start()) + 1][:6]:
            if _INSTITUTION.search(line) and not re.match(
                r"^(?:office|department|division|center\s+for|centre\s+for|certificate)\b",
                line,
                re.IGNORECASE,
            ):
                name = re.split(r"\s+certif", line, flags=re.I)[0].strip(" .,")
                if name and len(name.split()) <= 12:
                    return Found(re.sub(r"^the\s+", "", name, flags=re.I), line)
    return None


_INSTITUTION = re.compile(
    r"\b(?:School|University|Society|College|Academy|Association|Hospital|Medical\s+Center|"
    r"Institute|Foundation|Clinic|Health\s+System)\b"
)


# ------------------------------------------------------------------ title

_TITLE_LABEL = re.compile(
    r"^(?:(?:activity|course|project|program(?:me)?|session|event|conference|module|webinar|"
    r"lecture|presentation|article|cme\s+activity|enduring\s+material)\s*(?:title|name)?|"
    r"title(?:\s+of\s+(?:the\s+)?(?:activity|course|program|article))?)\s*:\s*(?P<v>.*)$",
    re.IGNORECASE,
)
_TITLE_TRIGGER = re.compile(
    r"(?:\b(?:titled|entitled)\b|"
    r"\b(?:participated\s+in|completed|attended|for\s+completing|for\s+(?:the\s+)?completion\s+of|"
    r"for\s+participati(?:ng|on)\s+in|for\s+attending|has\s+participated\s+in)"
    r"(?:\s+(?:the|an?|this)\b)?"
    r"(?:\s+(?:following|live|enduring|online|internet|web-?based|on-?demand|journal-?based|"
    r"point-?of-?care|regularly\s+scheduled|educational|accredited|cme|CME|board|review)\b)*"
    r"(?:\s+(?:activity|activities|material|course|program|conference|session|module|webinar|"
    r"series|meeting|symposium|lecture|article|event|grand\s+rounds|workshop)\b)?)"
    r"\s*[:,]?\s*",
    re.IGNORECASE,
)
_TITLE_STOP = re.compile(
    r"\s*(?:,\s*)?(?:\bon\s+(?=\w+\s+\d|\d)|\bheld\b|\bfrom\s+(?=\w+\s+\d|\d)|\bdated\b|"
    r",?\s*which\b|\band\s+(?:is|was|has\s+been)\s+(?:awarded|granted)|\bfor\s+(?:a\s+total\s+of\s+)?"
    r"\d|\bfor\s+(?:a\s+)?maximum\b|\band\s+(?:earned|claimed|received)\b|"
    r"\bwith\s+\d|\bconducted\b|\bpresented\s+by\b|\bsponsored\s+by\b|\bprovided\s+by\b|"
    r"\bin\s+(?=[A-Z][a-z]+,\s*[A-Z]{2}\b))",
)


def _good_title(text: str) -> bool:
    t = text.strip()
    if len(t) < 4 or len(t) > 250 or not re.search(r"[A-Za-z]{3}", t):
        return False
    if _LABELISH.match(t) or re.search(r"\bcredits?\b|\bdesignates\b", t, re.I):
        return False
    if _BARE_LABEL.match(t):
        return False
    if _dates(t) and len(re.sub(r"[\d/,.\- ]", "", t)) < 10:
        return False
    return t[0].isupper() or t[0].isdigit() or t[0] in "\"'("


_LABELISH = re.compile(
    r"^(?:date|dates|credits?|provider|location|name|physician|participant|license|"
    r"this\s+is\s+to\s+certify|this\s+certifies|certificate|awarded\s+to)\b",
    re.IGNORECASE,
)


def _trim_title(text: str) -> str:
    t = text.strip()
    stop = _TITLE_STOP.search(t)
    if stop and stop.start() > 3:
        t = t[: stop.start()]
    t = t.strip(" ,;:")
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
        t = t[1:-1]
    return t.strip(" ,;:").rstrip(".") if not t.endswith("...") else t


_BARE_TITLE_LABEL = re.compile(
    r"^(?:activity|course|program(?:me)?|session|event|conference|module|article)?\s*"
    r"(?:title|name)(?:\s+of\s+(?:the\s+)?(?:activity|course|program|article))?$",
    re.IGNORECASE,
)
_BARE_LABEL = re.compile(
    r"^(?:[A-Za-z]+\s+){0,2}(?:date|dates|date\(s\)|title|type|claimed|provider|credits?|"
    r"participant|name|location|hours|points)$",
    re.IGNORECASE,
)


def _title(doc: _Doc) -> Found | None:
    lines = doc.lines
    for i, line in enumerate(lines[:-1]):  # "Activity Title" alone, the title on the next line
        if _BARE_TITLE_LABEL.match(line) and not _BARE_LABEL.match(lines[i + 1]):
            value = _trim_title(lines[i + 1])
            if _good_title(value):
                return Found(value, f"{line} {lines[i + 1]}")
    for i, line in enumerate(lines):
        m = _TITLE_LABEL.match(line)
        if m:
            value = m.group("v").strip() or (lines[i + 1] if i + 1 < len(lines) else "")
            value = _trim_title(value)
            if _good_title(value):
                return Found(value, line if m.group("v").strip() else f"{line} {lines[i + 1]}")
    # a quoted title
    for m in re.finditer(r"\"([^\"]{6,250})\"", doc.flat):
        value = m.group(1).strip().rstrip(",.")
        if _good_title(value) and not re.search(r"\u2122|AMA PRA", value):
            return Found(value, doc.source(m.start(), m.end()))
    # "... participated in the live activity titled X on DATE"
    for m in _TITLE_TRIGGER.finditer(doc.flat):
        rest = doc.flat[m.end() :]
        line_no = doc.line_at(m.end() - 1 if m.end() > 0 else 0)
        line_end = doc.starts[line_no] + len(lines[line_no])
        if m.end() >= line_end:  # the trigger ends its line: the title is the next line
            if line_no + 1 >= len(lines):
                continue
            candidate = lines[line_no + 1]
            stop_at_line = True
        else:
            candidate = rest[: line_end - m.end()]
            stop_at_line = True
            # a wrapped title continues on the next line until a stop word appears
            if line_no + 1 < len(lines) and not _TITLE_STOP.search(candidate):
                nxt = lines[line_no + 1]
                if not _LABELISH.match(nxt) and not re.match(r"^\d", nxt):
                    candidate = candidate + " " + nxt
        del stop_at_line
        value = _trim_title(candidate)
        if _good_title(value) and not re.fullmatch(r"(?i)the\s+\w+", value):
            return Found(value, doc.source(m.start(), m.end() + len(candidate)))
    # "... has earned 15 credits\nfor NEJM Knowledge+ Board Review"
    for i, line in enumerate(lines):
        m = re.match(r"^for\s+(?:the\s+)?(?=[A-Z0-9\"])(?P<t>.+)$", line)
        if m and i > 0:
            value = _trim_title(m.group("t"))
            if _good_title(value) and not _ORG_WORDS.search(value):
                return Found(value, line)
    # AAFP: "This Live activity, TITLE, from DATE to DATE, has been reviewed..."
    m2 = re.search(
        r"This\s+(?:Live|Enduring\s+Material|Journal|Internet\s+Point-of-Care|Performance\s+"
        r"Improvement)?\s*activity,\s*(?P<t>[^,]{4,200}),",
        doc.flat,
        re.IGNORECASE,
    )
    if m2 and _good_title(m2.group("t")):
        return Found(m2.group("t").strip(), doc.source(m2.start(), m2.end()))
    return None


_ORG_WORDS = re.compile(
    r"\b(?:School|Society|University|Department|College|Hospital|Center|Centre|Association|"
    r"Academy|Institute|Foundation|Inc|LLC|Clinic|Health|Education|Office|Board\s+of)\b|"
    r"^certificate\b|^cme\b",
    re.IGNORECASE,
)


def _title_above_date(doc: _Doc) -> Found | None:
    """A heading line just above the activity's date line ("Annual Review\nMay 5-9, 2025")."""
    picked = _pick_date(doc)
    if picked is None:
        return None
    index = doc.line_at(picked[0].start)
    for i in (index - 1,):
        if i < 0:
            continue
        line = doc.lines[i]
        if _good_title(line) and not _ORG_WORDS.search(line) and ":" not in line:
            return Found(line.rstrip("."), line)
    return None


_EVENT = re.compile(
    r"\b(?:Annual\s+Meeting|Scientific\s+Session|Conference|Symposium|Summit|Congress|"
    r"Grand\s+Rounds|Workshop|Review\s+Course|Update\s+\d{4}|Annual\s+Update)\b"
)


def _title_event_line(doc: _Doc) -> Found | None:
    """A heading line naming a meeting ("Massachusetts Psychiatric Society Annual Meeting")."""
    for line in doc.lines[:8]:
        if (
            _EVENT.search(line)
            and ":" not in line
            and not re.search(r"[.;]$", line)
            and len(line.split()) <= 14
            and _good_title(line)
            and not re.search(r"\b(?:certif|designates|accredited|awarded)", line, re.I)
        ):
            return Found(line, line)
    return None


def _title_from_type(doc: _Doc) -> Found | None:
    """Last resort: "Activity type: Internet Point-of-Care" names what was done."""
    for line in doc.lines:
        m = re.match(r"^(?:activity|course|program)\s+type\s*:\s*(?P<v>.{4,120})$", line, re.I)
        if m and _good_title(m.group("v")):
            return Found(m.group("v").strip().rstrip("."), line)
    return None


# ------------------------------------------------------------------ format

_FORMAT_WORDS: list[tuple[str, str]] = [
    ("point-of-care", r"point[-\s]of[-\s]care|\bPOC\b"),
    ("journal", r"journal[-\s]based|journal\s+CME|journal\s+article\s+(?:activity|CME)"),
    ("performance-improvement", r"performance[-\s]improvement|quality[-\s]improvement"),
    ("enduring", r"enduring|on[-\s]demand|self[-\s]paced|recorded\s+(?:webinar|activity)|podcast"),
    (
        "live",
        r"\blive\b|grand\s+rounds|regularly\s+scheduled|conference|symposium|workshop|"
        r"annual\s+meeting|in[-\s]person|board\s+review\s+course|tumor\s+board|summit|congress",
    ),
    ("self-assessment", r"self[-\s]assessment"),
    ("online", r"\bonline\b|web[-\s]?based|internet|webinar|e-?learning"),
]


def _format(doc: _Doc) -> Found | None:
    text = doc.plain
    # the designation names the format: "designates this enduring material ..."
    for m in re.finditer(
        r"(?:designates|designated)\s+this\s+(?P<what>[\w\s-]{3,60}?)\s+(?:for|activity\s+for)\b"
        r"|This\s+(?P<aafp>[\w\s-]{3,40}?)\s+activity,",
        text,
        re.IGNORECASE,
    ):
        what = m.group("what") or m.group("aafp") or ""
        for slug, words in _FORMAT_WORDS:
            if re.search(words, what, re.IGNORECASE):
                return Found(slug, doc.source(m.start(), m.end()))
    for slug, words in _FORMAT_WORDS:
        for m in re.finditer(words, text, re.IGNORECASE):
            return Found(slug, doc.source(m.start(), m.end()))
    return None


# ------------------------------------------------------------------ all together


def parse_certificate(text: str) -> Proposal:
    doc = _Doc(text)
    proposal = Proposal()
    put = proposal.fields.__setitem__
    if (
        (found := _title(doc)) is not None
        or (found := _title_above_date(doc)) is not None
        or (found := _title_event_line(doc)) is not None
        or (found := _title_from_type(doc)) is not None
    ):
        put("title", found)
    if (found := _provider(doc)) is not None:
        put("provider", found)
    picked = _pick_date(doc)
    if picked is not None:
        hit, line = picked
        put("date", Found(hit.first.isoformat(), line))
        if hit.last is not None:
            put("end_date", Found(hit.last.isoformat(), line))
    credits, skipped = _credits(doc)
    participation = bool(_PARTICIPATION.search(doc.plain))
    awarded = [c for c in credits if c.kind == "awarded"]
    maxima = [c for c in credits if c.kind == "maximum"]
    if participation:
        proposal.notes.append(
            "This is a certificate of participation (for other health professionals); "
            "its credit figures were not read as physician credits."
        )
        if awarded:
            skipped += [doc.source(c.start, c.end) for c in awarded]
        awarded, maxima = [], []
    if awarded:
        best = awarded[0]
        put("credits", Found(best.value, doc.source(best.start, best.end)))
    if maxima:
        top = maxima[0]
        put("max_credits", Found(top.value, doc.source(top.start, top.end)))
    for c in awarded[:1] + maxima:
        if c.category is not None:
            put("category", Found(c.category, doc.source(c.start, c.end)))
            break
    else:
        m = re.search(
            r"AMA\s+PRA\s+Category\s+([12])|AOA\s+Category\s+([12])|(Prescribed)\s+credit",
            doc.plain,
            re.IGNORECASE,
        )
        negated = False
        if m:
            lo, hi = _sentence(doc.plain, m.start(), m.end())
            negated = bool(re.search(r"\bnot\b|\bno\b", doc.plain[lo : m.start()], re.I))
        if m and not participation and not negated:
            value = "1" if m.group(3) else (m.group(1) or m.group(2))
            put("category", Found(value, doc.source(m.start(), m.end())))
    for line in skipped:
        proposal.notes.append(f"Not physician credit, not read: {line}")
    if (found := _format(doc)) is not None:
        put("format", found)
    moc, moc_max = _moc(doc)
    if moc is not None:
        put("moc_points", moc)
    elif moc_max is not None:
        proposal.notes.append(f"Up to {moc_max} MOC points are offered; type the points earned.")
    return proposal
