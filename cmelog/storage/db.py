"""Opening the logbook safely: location, file mode, header check, migrations, transactions.

Raw sqlite3 is used for the checks that must never modify a file and for every read
(storage/reads.py) and for bulk writes (import, storage/bulk.py); SQLAlchemy (SQLModel) for
the other writes. A write transaction is `BEGIN IMMEDIATE`
so parallel writers queue on the busy timeout instead of failing on a lock upgrade.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmelog.errors import CmelogError, ExitStatus, NoProfileError, UsageError
from cmelog.paths import user_path

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x434D454C  # "CMEL"
SCHEMA_VERSION = 3
DEFAULT_BUSY_SECONDS = 60.0


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cmelog")) / "cmelog.db"


def resolve_path(option: str | None) -> Path:
    """--db > CMELOG_DB > platformdirs default, made absolute. `--db ""` is exit 2."""
    if option is not None and not option.strip():
        raise UsageError(
            "--db is empty; give the path of your logbook file (or leave --db out for the "
            "default logbook)."
        )
    if option is not None and "\x00" in option:
        raise UsageError("--db contains a NUL character; give the path of your logbook file.")
    raw = option or os.environ.get("CMELOG_DB") or None
    path = user_path(raw) if raw else default_path()
    return path.absolute()


_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")


def busy_seconds() -> float:
    """CMELOG_BUSY_TIMEOUT: seconds (a decimal >= 0) to wait for another cmelog's lock."""
    raw = os.environ.get("CMELOG_BUSY_TIMEOUT")
    if raw is None:
        return DEFAULT_BUSY_SECONDS
    if not _DECIMAL.fullmatch(raw.strip()):
        raise UsageError(
            f"CMELOG_BUSY_TIMEOUT {raw!r} is not valid; give seconds as a decimal number "
            "of 0 or more (for example 60 or 2.5), or unset it for the default of 60."
        )
    return float(raw.strip())


def certificates_dir(db_path: Path) -> Path:
    return db_path.parent / "certificates"


def _ro_uri(path: Path, *, immutable: bool = False) -> str:
    """A read-only SQLite URI; the path is percent-encoded (#, ? and % are file-name characters)."""
    from urllib.parse import quote

    return f"file:{quote(path.as_posix())}?mode=ro" + ("&immutable=1" if immutable else "")


def _not_cmelog(path: Path, why: str) -> CmelogError:
    return CmelogError(
        f"{path} is not a cmelog logbook ({why}); nothing was changed. "
        "Give --db the path of a cmelog logbook, or a new file name.",
        ExitStatus.FAILURE,
    )


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def newest_backup(db_path: Path) -> Path | None:
    """The newest dated backup in the data folder, else the newest migration backup."""
    found = sorted(backups_dir(db_path).glob("cmelog-*.db"))
    if found:
        return found[-1]
    old = sorted(db_path.parent.glob(f"{db_path.name}.v*.bak"), key=lambda p: p.stat().st_mtime)
    return old[-1] if old else None


def damaged(path: Path, detail: str = "") -> CmelogError:
    """Exit 1 for a damaged logbook, naming the newest backup and `cmelog restore`."""
    newest = newest_backup(path)
    what = f" ({detail})" if detail else ""
    if newest is not None:
        advice = f"restore the newest backup with `cmelog restore {newest}`"
    else:
        advice = (
            "no backup was found beside it; restore one of yours with `cmelog restore BACKUP` "
            "(see `cmelog check`)"
        )
    return CmelogError(
        f"The logbook {path} is damaged{what}; nothing was written: {advice}.",
        ExitStatus.FAILURE,
    )


def _is_damage(text: str) -> bool:
    text = text.lower()
    return any(
        w in text for w in ("malformed", "not a database", "corrupt", "disk image", "disk i/o")
    )


def _header_app_id(header: bytes) -> int:
    return int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0


def _journal_starts_empty(journal: Path) -> bool:
    """A rollback journal whose database was empty before the transaction (cmelog's first
    migration, interrupted): rolling it back gives the empty file back."""
    try:
        with journal.open("rb") as fh:
            head = fh.read(28)
    except OSError:
        return False
    return len(head) >= 20 and int.from_bytes(head[16:20], "big") == 0


def _inspect(path: Path) -> tuple[int, int, bool]:
    """(application_id, user_version, has_tables) read without writing anything.

    The application id is read from the file header first: a hot journal is rolled back only
    for a cmelog logbook; another program's database (and its journal) is never modified.
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
    except OSError as exc:
        raise CmelogError(f"Cannot read the logbook {path}: {exc.strerror}.") from None
    header_id = _header_app_id(header)
    if header[:16] != SQLITE_HEADER:
        if header_id == APPLICATION_ID:
            raise damaged(path, "its SQLite header is broken")
        raise _not_cmelog(path, "not an SQLite database")
    ours = header_id == APPLICATION_ID
    journal = path.with_name(path.name + "-journal")
    pending = journal.exists() and journal.stat().st_size > 0  # rolled back first, below
    if ours and len(header) == 100 and not pending:
        page = int.from_bytes(header[16:18], "big")
        page = 65536 if page == 1 else page
        pages = int.from_bytes(header[28:32], "big")
        valid = header[24:28] == header[92:96]  # the in-header size is current
        if valid and page >= 512 and pages and size < page * pages:
            raise damaged(path, f"the file is cut short: {size} of {page * pages} bytes")
    if len(header) < 100:
        if ours:
            raise damaged(path, "the file is cut short")
        raise _not_cmelog(path, "a truncated SQLite file")
    # A WAL-mode file with an empty log is read alone (immutable), so that SQLite creates no
    # -wal/-shm files beside a database that may belong to another program.
    wal = path.with_name(path.name + "-wal")
    quiet = header[18] == 2 and not (wal.exists() and wal.stat().st_size)
    uri = _ro_uri(path, immutable=quiet)
    for attempt in (1, 2):
        try:
            con = sqlite3.connect(uri, uri=True, timeout=busy_seconds())
            try:
                app_id = con.execute("PRAGMA application_id").fetchone()[0]
                version = con.execute("PRAGMA user_version").fetchone()[0]
                tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            finally:
                con.close()
            return int(app_id), int(version), bool(tables)
        except UnicodeDecodeError:  # SQLite's message quotes damaged bytes
            if ours:
                raise damaged(path, "its schema holds damaged text") from None
            raise _not_cmelog(path, "unreadable") from None
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "locked" in text:
                raise CmelogError(
                    f"The logbook {path} is locked by another program; try again."
                ) from None
            if attempt == 1 and "readonly" in text and journal.exists():
                # a hot journal left by a crash mid-write: only a read-write connection may
                # roll it back, which restores the last committed state. Only ever for a
                # cmelog logbook (or an interrupted first migration of an empty file).
                if not (ours or (header_id == 0 and _journal_starts_empty(journal))):
                    raise _not_cmelog(
                        path, "an SQLite database of another program, with a pending journal"
                    ) from None
                _roll_back_hot_journal(path)
                continue
            if ours or _is_damage(text):
                raise damaged(path, text) from None
            raise _not_cmelog(path, f"unreadable: {exc}") from None
    raise AssertionError("unreachable")


def _roll_back_hot_journal(path: Path) -> None:
    try:
        con = sqlite3.connect(path, timeout=busy_seconds())
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from None


def quick_check(con: sqlite3.Connection, *, full: bool = False) -> str | None:
    """None when SQLite's quick (or full) integrity check passes, else what it found."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = con.execute(f"PRAGMA {pragma}(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        return str(exc)
    except UnicodeDecodeError:  # the report quotes damaged bytes that are not UTF-8
        return "it reports damaged text"
    found = [str(r[0]) for r in rows]
    return None if found == ["ok"] else "; ".join(found)


def check_readable(path: Path, *, full: bool = False) -> None:
    """Exit 1 naming the newest backup when the logbook at `path` fails the check."""
    try:
        con = sqlite3.connect(_ro_uri(path), uri=True, timeout=busy_seconds())
        try:
            problem = quick_check(con, full=full)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise CmelogError(
                f"The logbook {path} is locked by another program; try again."
            ) from None
        problem = str(exc)
    if problem is not None:
        raise damaged(path, f"SQLite's check says: {problem}")


def _create_file(path: Path) -> None:
    """A new, empty logbook file, mode 0600, through a dangling symlink to its target."""
    from cmelog.services.files import make_dir

    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        make_dir(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise CmelogError(f"Cannot create the logbook {path}: {exc.strerror}.") from None
    _private(path)


def _private(path: Path) -> None:
    try:
        if path.stat().st_mode & 0o777 != 0o600:
            os.chmod(path, 0o600)
    except OSError:
        pass


def backup_file(src: Path, dest: Path, *, verify: bool = False) -> None:
    """A consistent copy through SQLite's backup API (safe while the logbook is in use),
    written to a temporary file beside `dest` (mode 0600), checked when `verify`, renamed."""
    from cmelog.services.files import fsync_dir, make_dir, tmp_name

    make_dir(dest.parent)
    tmp = dest.parent / tmp_name(".db")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        source = sqlite3.connect(_ro_uri(src), uri=True, timeout=busy_seconds())
        try:
            # hold a read transaction first: waiting for it honours the busy timeout, and
            # while it is held no writer can commit, so the copy cannot spin on a lock
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
                if verify:
                    problem = quick_check(target, full=True)
                    if problem is not None:
                        raise CmelogError(
                            f"The copy of {src} failed SQLite's integrity check ({problem}); "
                            "nothing was replaced."
                        )
            finally:
                target.close()
        finally:
            source.close()
        _fsync_file(tmp)
        os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except sqlite3.OperationalError as exc:
        tmp.unlink(missing_ok=True)
        if "locked" in str(exc) or "busy" in str(exc):
            raise CmelogError(
                f"The logbook {src} is locked by another program; try again."
            ) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _locked_or_unusable(path: Path, text: str) -> CmelogError:
    if "locked" in text or "busy" in text:
        return CmelogError(
            f"The logbook {path} is locked by another program; try again in a moment."
        )
    if "readonly" in text or "read-only" in text:
        return CmelogError(f"The logbook {path} is read-only; nothing was changed.")
    if _is_damage(text):
        return damaged(path, text)
    return CmelogError(f"The logbook {path} could not be used: {text}.")


class ReadConnection(sqlite3.Connection):
    """A read-only connection holding one read transaction: what it reads cannot change while
    it is open, so reads may keep answers in `memo` (e.g. the kinds stored, read once for every
    license judged)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memo: dict[str, Any] = {}


class Logbook:
    """An open logbook. `reader()` for read-only work (plain sqlite3, no SQLAlchemy import);
    `writer()` for a plain sqlite3 write transaction (bulk import, no SQLAlchemy import);
    `session(write=...)` for a SQLModel transaction (the engine is made on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine | None = None
        self._checked = False  # quick check passed in this process

    @property
    def certificates(self) -> Path:
        return certificates_dir(self.path)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _make_engine(self.path)
        return self._engine

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """One read transaction on a read-only connection: a consistent view, never a write."""
        try:
            con = sqlite3.connect(
                _ro_uri(self.path), uri=True, timeout=busy_seconds(), factory=ReadConnection
            )
        except sqlite3.Error as exc:
            raise _locked_or_unusable(self.path, str(exc)) from None
        try:
            con.isolation_level = None
            con.execute("BEGIN")
            yield con
        except sqlite3.DatabaseError as exc:
            raise _locked_or_unusable(self.path, str(exc)) from None
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()

    @contextmanager
    def writer(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (`BEGIN IMMEDIATE`) on a plain sqlite3 connection, without
        SQLAlchemy (bulk writes: `storage/bulk.py`): committed when the block ends, rolled back
        on any error; the first write of the process runs SQLite's quick check first, inside
        the transaction, as `session(write=True)` does."""
        try:
            con = sqlite3.connect(self.path, timeout=busy_seconds(), isolation_level=None)
        except sqlite3.Error as exc:
            raise _locked_or_unusable(self.path, str(exc)) from None
        try:
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("BEGIN IMMEDIATE")
            if not self._checked:
                problem = quick_check(con)
                if problem is not None:
                    raise damaged(self.path, f"SQLite's check says: {problem}")
                self._checked = True
            yield con
            con.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise _locked_or_unusable(self.path, str(exc)) from None
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlalchemy.exc import DatabaseError, OperationalError
        from sqlmodel import Session

        try:
            with Session(self.engine) as s:
                conn = s.connection(execution_options={"cmelog_write": write})
                if write and not self._checked:
                    # every write first runs SQLite's quick check, inside its transaction
                    problem = quick_check(conn.connection.dbapi_connection)  # type: ignore[arg-type]
                    if problem is not None:
                        raise damaged(self.path, f"SQLite's check says: {problem}")
                    self._checked = True
                yield s
                s.commit()
        except (OperationalError, DatabaseError) as exc:
            raise _locked_or_unusable(self.path, str(exc.orig) if exc.orig else str(exc)) from None
        except sqlite3.DatabaseError as exc:  # from a plain-SQL read inside the session
            raise _locked_or_unusable(self.path, str(exc)) from None


def _make_engine(path: Path) -> Engine:
    from sqlalchemy import event
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool
    from sqlmodel import create_engine

    engine = create_engine(
        URL.create("sqlite", database=str(path)),  # no URL parsing: '?' or '#' in a name is fine
        connect_args={"timeout": busy_seconds()},
        poolclass=NullPool,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_con: Any, _record: Any) -> None:
        dbapi_con.isolation_level = None  # we issue BEGIN ourselves
        dbapi_con.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        write = conn.get_execution_options().get("cmelog_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def migration_backup(path: Path, version: int) -> Path:
    """`<logbook>.v<N>.bak`: one backup per schema version, however many attempts."""
    return path.with_name(f"{path.name}.v{version}.bak")


def _apply_migrations(path: Path, current: int) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction, after copying the file aside
    (once per schema version: a failed attempt does not add another full copy)."""
    if current > 0:
        check_readable(path)
        aside = migration_backup(path, current)
        try:
            if not _is_whole_copy(aside, current):
                backup_file(path, aside, verify=True)
        except (OSError, sqlite3.Error) as exc:
            raise CmelogError(
                f"Could not back up the logbook {path} before upgrading it ({exc}); "
                "nothing was changed."
            ) from None
    try:
        con = sqlite3.connect(path, timeout=busy_seconds(), isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            for target, statements in MIGRATIONS:
                if version < target:
                    for sql in statements():
                        con.execute(sql)
                    version = target
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
            con.execute(f"PRAGMA user_version={version}")
            records = (
                con.execute(
                    "SELECT certificate_sha256, certificate_name FROM entry "
                    "WHERE certificate_sha256 IS NOT NULL UNION "
                    "SELECT certificate_sha256, certificate_name FROM attestation "
                    "WHERE certificate_sha256 IS NOT NULL"
                ).fetchall()
                if 0 < current < 2
                else []
            )
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc):
            raise CmelogError(
                f"The logbook {path} is locked by another program; try again."
            ) from None
        raise CmelogError(
            f"Could not upgrade the logbook {path} from schema {current} to {SCHEMA_VERSION} "
            f"({exc}); it was left unchanged."
        ) from None
    if records:  # cmelog 0.1 stored certificates without their extension
        from cmelog.storage.certfiles import migrate_folder

        migrate_folder(certificates_dir(path), [(str(s), n) for s, n in records])


def _is_whole_copy(path: Path, version: int) -> bool:
    """An existing migration backup that is a sound cmelog logbook of `version`."""
    if not path.is_file():
        return False
    try:
        con = sqlite3.connect(_ro_uri(path, immutable=True), uri=True)
        try:
            ok = quick_check(con) is None
            app = con.execute("PRAGMA application_id").fetchone()[0]
            ver = con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return ok and app == APPLICATION_ID and ver == version


# Migration 1 is frozen as the literal SQL that cmelog 0.1.0 ran (generated then from its
# SQLModel tables). Never edit a released migration: add the next one.
_V1: tuple[str, ...] = (
    """CREATE TABLE attestation (
\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
\trequirement VARCHAR NOT NULL,
\tdate DATE NOT NULL,
\thow VARCHAR NOT NULL,
\tcertificate_sha256 VARCHAR,
\tcertificate_name VARCHAR
)""",
    "CREATE INDEX ix_attestation_requirement ON attestation (requirement)",
    """CREATE TABLE entry (
\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
\ttitle VARCHAR NOT NULL,
\tdate DATE NOT NULL,
\tend_date DATE,
\teff_date DATE NOT NULL,
\tprovider VARCHAR,
\tcategory INTEGER NOT NULL,
\tcredits INTEGER NOT NULL,
\tminutes VARCHAR,
\tkind VARCHAR NOT NULL,
\ttopics VARCHAR NOT NULL,
\tformat VARCHAR,
\turl VARCHAR,
\tcertificate_sha256 VARCHAR,
\tcertificate_name VARCHAR,
\tnotes VARCHAR,
\tsource VARCHAR NOT NULL
)""",
    "CREATE INDEX ix_entry_kind ON entry (kind)",
    "CREATE INDEX ix_entry_eff_date ON entry (eff_date)",
    """CREATE TABLE profile (
\tid INTEGER NOT NULL,
\tname VARCHAR NOT NULL,
\tbirthday DATE NOT NULL,
\tlicense VARCHAR NOT NULL,
\tboard VARCHAR NOT NULL,
\tlicense_expires DATE,
\tlicense_issued DATE,
\tprescriber BOOLEAN NOT NULL,
\tadult_patients BOOLEAN NOT NULL,
\tPRIMARY KEY (id)
)""",
    """CREATE TABLE reminder (
\tid INTEGER NOT NULL,
\trenewal_date DATE NOT NULL,
\tmilestone INTEGER NOT NULL,
\tsent_on DATE NOT NULL,
\tPRIMARY KEY (id)
)""",
    "CREATE INDEX ix_reminder_renewal_date ON reminder (renewal_date)",
)

# Migration 2 (cmelog 0.2): the change history, settings and delivery channels, delivery
# records on reminders, MOC points on entries.
_V2: tuple[str, ...] = (
    """CREATE TABLE history (
\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
\tat VARCHAR NOT NULL,
\tcommand VARCHAR NOT NULL,
\taction VARCHAR NOT NULL,
\tentity VARCHAR NOT NULL,
\tentity_id INTEGER,
\told VARCHAR,
\tnew VARCHAR
)""",
    "CREATE INDEX ix_history_entity_id ON history (entity_id)",
    """CREATE TRIGGER history_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END""",
    """CREATE TRIGGER history_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END""",
    """CREATE TABLE setting (
\tkey VARCHAR NOT NULL,
\tvalue VARCHAR NOT NULL,
\tPRIMARY KEY (key)
)""",
    """CREATE TABLE channel (
\tname VARCHAR NOT NULL,
\turl VARCHAR NOT NULL,
\tposition INTEGER NOT NULL,
\tPRIMARY KEY (name)
)""",
    "ALTER TABLE reminder ADD COLUMN sent_at VARCHAR",
    "ALTER TABLE reminder ADD COLUMN channels VARCHAR",
    "ALTER TABLE entry ADD COLUMN moc_points INTEGER",
)


# Migration 3 (cmelog 0.2, several licenses and ledgers): every license held, in order (the
# first one is mirrored in the profile's columns), and the ledgers kept apart from the states.
# The profile's single license becomes the first license.
_V3: tuple[str, ...] = (
    """CREATE TABLE license (
\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
\tposition INTEGER NOT NULL,
\tboard VARCHAR NOT NULL UNIQUE,
\tnumber VARCHAR NOT NULL,
\ttype VARCHAR NOT NULL,
\texpires DATE,
\tissued DATE
)""",
    """CREATE TABLE ledger (
\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
\tposition INTEGER NOT NULL,
\tkind VARCHAR NOT NULL,
\tname VARCHAR NOT NULL UNIQUE,
\tstart DATE NOT NULL
)""",
    """INSERT INTO license (position, board, number, type, expires, issued)
SELECT 0, upper(board), license, 'full', license_expires, license_issued FROM profile
WHERE id = 1""",
    # which license a reminder was for (NULL: the first license, as in 0.1 and 0.2)
    "ALTER TABLE reminder ADD COLUMN license VARCHAR",
)


# (version, statements) in order. Never edit a released migration: add the next one.
MIGRATIONS: list[tuple[int, Any]] = [(1, lambda: _V1), (2, lambda: _V2), (3, lambda: _V3)]


def open_logbook(path: Path, *, create: bool = False) -> Logbook:
    """Open (or with create=True, create) a cmelog logbook, migrating it when older.

    An empty file, or a dangling symlink, at the path becomes the new logbook (through the
    link), mode 0600. Stale temporary files an interrupted run left are removed first.
    """
    busy_seconds()  # an invalid CMELOG_BUSY_TIMEOUT is exit 2 before anything happens
    dangling = path.is_symlink() and not path.exists()
    exists = path.exists()
    if exists and path.is_dir():
        raise CmelogError(f"{path} is a folder; give --db the path of a logbook file.")
    _sweep(path)
    if dangling or not exists or path.stat().st_size == 0:
        if not create:
            raise NoProfileError(path, missing_file=True)
        _create_file(path)
        _private(Path(os.path.realpath(path)))
        _apply_migrations(path, 0)
    else:
        app_id, version, has_tables = _inspect(path)
        if app_id != APPLICATION_ID and (app_id != 0 or has_tables):
            raise _not_cmelog(path, "an SQLite database of another program")
        if version > SCHEMA_VERSION:
            raise CmelogError(
                f"The logbook {path} was written by a newer cmelog (schema {version}, this "
                f"cmelog reads up to {SCHEMA_VERSION}); upgrade cmelog to use it.",
                ExitStatus.FAILURE,
            )
        if version < SCHEMA_VERSION:
            _apply_migrations(path, version)
        if app_id == APPLICATION_ID:
            _private(path)
            _private_folders(path)
    return Logbook(path)


def _private_folders(path: Path) -> None:
    """cmelog's own folders (certificates/, backups/) are 0700 whatever they were before."""
    for folder in (certificates_dir(path), backups_dir(path)):
        try:
            if folder.is_dir() and folder.stat().st_mode & 0o777 != 0o700:
                os.chmod(folder, 0o700)
        except OSError:
            pass


def data_folders(path: Path) -> list[Path]:
    """Where cmelog keeps its files: the data folder, certificates/ and backups/."""
    return [path.parent, certificates_dir(path), backups_dir(path)]


def _sweep(path: Path) -> None:
    from cmelog.services.files import sweep

    sweep(data_folders(path))
