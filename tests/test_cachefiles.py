"""The user's cache folder (issue 13): a parsed rules file is used again only for the very text
it was parsed from, a damaged or unusable cache is worked around, and a font's new cache file
replaces its older ones."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmelog import cachefiles
from cmelog.domain.rules import RulesError
from cmelog.rules import SHIPPED, load_rules, read_toml
from cmelog.rules import _load as load_cached

MA = SHIPPED / "ma.toml"


@pytest.fixture(autouse=True)
def _fresh_rules() -> Iterator[None]:
    load_cached.cache_clear()  # the process's own memo of parsed rules
    yield
    load_cached.cache_clear()


def _refuse_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the rules file was parsed")

    monkeypatch.setattr(tomllib, "loads", refuse)


def test_a_rules_file_is_parsed_once_then_read_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tomllib

    first = read_toml(MA, "MA")
    assert first == tomllib.loads(MA.read_text("utf-8"))
    assert len(list(cachefiles.folder("rules").glob("ma-*.marshal"))) == 1
    _refuse_toml(monkeypatch)
    assert read_toml(MA, "MA") == first
    assert load_rules("MA").requirements  # the whole board, without parsing TOML


def test_a_rules_file_edited_since_is_parsed_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "rules"
    user.mkdir()
    mine = user / "ma.toml"
    text = MA.read_text("utf-8")
    mine.write_text(text, "utf-8")
    stat = mine.stat()
    assert read_toml(mine, "MA")["board"] == "MA"
    # the same size and modification time: only the text tells the edit apart
    edited = text.replace('name = "', 'name = "X', 1)
    edited = edited.replace("\n\n", "\n", 1)
    assert len(edited) == len(text)
    mine.write_text(edited, "utf-8")
    os.utime(mine, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert read_toml(mine, "MA")["name"].startswith("X")


def test_a_users_file_and_the_shipped_file_of_a_board_are_kept_apart(tmp_path: Path) -> None:
    user = tmp_path / "rules"
    user.mkdir()
    mine = user / "ma.toml"
    mine.write_text(MA.read_text("utf-8").replace('name = "', 'name = "Mine: ', 1), "utf-8")
    assert read_toml(mine, "MA")["name"].startswith("Mine: ")
    assert not read_toml(MA, "MA")["name"].startswith("Mine: ")
    assert read_toml(mine, "MA")["name"].startswith("Mine: ")
    assert len(list(cachefiles.folder("rules").glob("ma-*.marshal"))) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"not marshal data", b"\xe9\x00\x00\x00", None],
    ids=["empty", "garbage", "truncated", "foreign"],
)
def test_a_damaged_rules_cache_is_parsed_again_and_replaced(damage: bytes | None) -> None:
    good = read_toml(MA, "MA")
    (stored,) = cachefiles.folder("rules").glob("ma-*.marshal")
    if damage is None:  # valid marshal data that is not ours
        import marshal

        damage = marshal.dumps({"board": "XX"})
    stored.write_bytes(damage)
    assert read_toml(MA, "MA") == good
    assert stored.read_bytes() != damage


def test_rules_that_marshal_cannot_hold_are_read_without_a_cache(tmp_path: Path) -> None:
    odd = tmp_path / "xx.toml"
    odd.write_text('board = "XX"\nreviewed = 2026-01-02\n', "utf-8")  # a TOML date
    assert str(read_toml(odd, "XX")["reviewed"]) == "2026-01-02"
    assert not list(cachefiles.folder("rules").glob("xx-*"))


def test_invalid_toml_is_still_refused_with_its_reason(tmp_path: Path) -> None:
    bad = tmp_path / "xx.toml"
    bad.write_text("board = \n", "utf-8")
    with pytest.raises(RulesError, match="not valid TOML"):
        read_toml(bad, "XX")
    with pytest.raises(RulesError, match="not valid TOML"):
        read_toml(bad, "XX")  # nothing was cached for it


def test_a_cache_folder_that_cannot_be_written_fails_nothing() -> None:
    blocker = cachefiles.folder("rules").parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the cache folder should be")
    assert load_rules("MA").requirements
    assert blocker.read_text() == "a file where the cache folder should be"


def test_status_reads_the_rules_without_importing_the_toml_parser() -> None:
    """... once they are in the cache; nor does it import typing_extensions (structs.py)."""
    from tests.conftest import CMELOG_EXE, JANE

    subprocess.run([str(CMELOG_EXE), *JANE], check=True, capture_output=True)
    code = (
        "import sys\n"
        "from cmelog.cli import main\n"
        "sys.argv = ['cmelog', 'status', '--as-of', '2026-01-10']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('tomllib' in sys.modules, 'typing_extensions' in sys.modules)\n"
    )
    import shutil

    shutil.rmtree(cachefiles.folder("rules"))  # `init` has filled it
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert [r.stdout.splitlines()[-1] for r in runs] == ["True False", "False False"]


def test_a_fonts_new_cache_file_replaces_its_older_ones_only() -> None:
    from cmelog.render.pdf import fontcache
    from cmelog.render.pdf.theme import FONT_DIR, FONT_FILES

    regular = FONT_DIR / FONT_FILES["CmelogSans"]
    folder = fontcache.cache_dir()
    folder.mkdir(parents=True)
    stale = folder / f"{regular.stem}-1-2-rl0.0-v1.marshal"
    other = folder / f"{regular.stem}-Bold-1-2-rl0.0-v1.marshal"  # another font's file
    stale.write_bytes(b"x")
    other.write_bytes(b"x")
    fontcache.load_font("A", regular)
    assert not stale.exists()
    assert other.exists()
    assert len(list(folder.glob(f"{regular.stem}-[0-9]*.marshal"))) == 1
