"""The read transaction's digest (storage/reads.Digest) gives the figures SQL gives.

`status` sums plain activities per window and every one-time requirement's qualifying credits
from one scan kept per read transaction, for every license judged. These properties compare it,
on a real SQLite file, with the SQL it replaced (SUM ... WHERE ... GROUP BY).
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cmelog.storage import reads

KINDS = ["activity", "teaching", "volunteer", "examiner"]
TOPICS = ["risk-management", "ehr", "end-of-life", "physician-wellness", "opioids"]
DAY0 = date(2022, 1, 1)

rows = st.lists(
    st.tuples(
        st.integers(0, 1500),  # days after DAY0
        st.sampled_from(KINDS),
        st.sets(st.sampled_from(TOPICS), max_size=3),
        st.sampled_from([1, 2]),
        st.integers(0, 2000),  # credits in hundredths
    ),
    max_size=60,
)


def _logbook(folder: Path, data: list[tuple[int, str, set[str], int, int]]) -> sqlite3.Connection:
    con = sqlite3.connect(folder / "digest.db")
    con.execute(
        "CREATE TABLE entry (id INTEGER PRIMARY KEY AUTOINCREMENT, eff_date DATE NOT NULL, "
        "kind VARCHAR NOT NULL, topics VARCHAR NOT NULL, category INTEGER NOT NULL, "
        "credits INTEGER NOT NULL)"
    )
    con.execute("CREATE INDEX ix_entry_eff_date ON entry (eff_date)")
    con.executemany(
        "INSERT INTO entry (eff_date, kind, topics, category, credits) VALUES (?, ?, ?, ?, ?)",
        [
            ((DAY0 + timedelta(days=d)).isoformat(), k, reads.topics_to_db(t), cat, cr)
            for d, k, t, cat, cr in data
        ],
    )
    con.commit()
    return con


def _sql_plain(
    con: sqlite3.Connection, start: date, end: date, kinds: list[str], except_topics: list[str]
) -> list[tuple[str, str, int, int, int]]:
    none_of = " AND ".join("topics NOT LIKE ?" for _ in except_topics) or "1"
    out = con.execute(
        "SELECT kind, topics, category, SUM(credits), COUNT(*) FROM entry "
        f"WHERE eff_date >= ? AND eff_date <= ? AND kind IN ({', '.join('?' for _ in kinds)}) "
        f"AND {none_of} GROUP BY kind, topics, category ORDER BY kind, topics, category",
        [start.isoformat(), end.isoformat(), *kinds, *[f"%;{t};%" for t in except_topics]],
    )
    return [(k, t, int(c), int(s), int(n)) for k, t, c, s, n in out]


def _sql_one_time(con: sqlite3.Connection, q: reads.OneTimeQuery, until: date, cap: int) -> object:
    tagged = " OR ".join("topics LIKE ?" for _ in q.topics) or "0"
    counting = ", ".join("?" for _ in q.counting_kinds) or "NULL"
    implied = ", ".join("?" for _ in q.implied_by_kinds) or "NULL"
    cond = f"((({tagged}) AND kind IN ({counting})) OR kind IN ({implied}))"
    args: list[object] = [
        *[f"%;{t};%" for t in q.topics],
        *q.counting_kinds,
        *q.implied_by_kinds,
    ]
    if q.category is not None:
        cond += " AND category = ?"
        args.append(q.category)
    if q.since is not None:
        cond += " AND eff_date >= ?"
        args.append(q.since.isoformat())
    (total,) = con.execute(
        "SELECT SUM(CASE kind WHEN 'teaching' THEN MIN(credits, ?) ELSE credits END) "
        f"FROM entry WHERE {cond} AND eff_date <= ?",
        [cap, *args, until.isoformat()],
    ).fetchone()
    return total


@settings(max_examples=80, deadline=None)
@given(
    data=rows,
    start=st.integers(0, 1500),
    length=st.integers(0, 900),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, unique=True),
    except_topics=st.lists(st.sampled_from(TOPICS), unique=True, max_size=2),
)
def test_window_sums_match_sql(
    data: list[tuple[int, str, set[str], int, int]],
    start: int,
    length: int,
    kinds: list[str],
    except_topics: list[str],
) -> None:
    lo = DAY0 + timedelta(days=start)
    hi = lo + timedelta(days=length)
    with tempfile.TemporaryDirectory() as folder:
        con = _logbook(Path(folder), data)
        try:
            got = reads.aggregate_plain(con, lo, hi, kinds, except_topics=except_topics)
            assert got == _sql_plain(con, lo, hi, kinds, except_topics)
        finally:
            con.close()


@settings(max_examples=150, deadline=None)
@given(
    data=rows,
    until=st.integers(0, 1500),
    since=st.one_of(st.none(), st.integers(0, 1500)),
    topics=st.lists(st.sampled_from(TOPICS), unique=True, max_size=2),
    counting=st.lists(st.sampled_from(KINDS), unique=True, min_size=1),
    implied=st.lists(st.sampled_from(KINDS), unique=True, max_size=1),
    category=st.one_of(st.none(), st.sampled_from([1, 2])),
    cap=st.integers(0, 300),
    required=st.one_of(st.none(), st.integers(1, 3000)),
)
def test_one_time_sums_match_sql(
    data: list[tuple[int, str, set[str], int, int]],
    until: int,
    since: int | None,
    topics: list[str],
    counting: list[str],
    implied: list[str],
    category: int | None,
    cap: int,
    required: int | None,
) -> None:
    q = reads.OneTimeQuery(
        id="req",
        topics=topics,
        implied_by_kinds=implied,
        required=required,
        counting_kinds=counting,
        category=category,
        since=DAY0 + timedelta(days=since) if since is not None else None,
    )
    day = DAY0 + timedelta(days=until)
    with tempfile.TemporaryDirectory() as folder:
        con = _logbook(Path(folder), data)
        try:
            expected = _sql_one_time(con, q, day, cap)
            got = reads._one_time_total(reads._digest(con), q, day, {"teaching": cap})
            assert got == expected
        finally:
            con.close()


def test_a_read_transaction_scans_the_table_once(tmp_path: Path) -> None:
    """Judging several windows in one read transaction reads the entries once (the memo)."""
    from cmelog.storage.db import ReadConnection

    _logbook(tmp_path, [(10, "activity", {"ehr"}, 1, 100), (400, "activity", set(), 2, 50)]).close()
    con = sqlite3.connect(tmp_path / "digest.db", factory=ReadConnection)
    scans: list[str] = []
    con.set_trace_callback(scans.append)
    try:
        first = reads.aggregate_plain(con, DAY0, DAY0 + timedelta(days=365), ["activity"])
        second = reads.aggregate_plain(con, DAY0, DAY0 + timedelta(days=800), ["activity"])
    finally:
        con.close()
    assert first == [("activity", ";ehr;", 1, 100, 1)]
    assert second == [("activity", "", 2, 50, 1), ("activity", ";ehr;", 1, 100, 1)]
    assert len([s for s in scans if "FROM entry" in s]) == 1
