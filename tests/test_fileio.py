"""Atomic writes replace the named file in one step, and only a regular file."""

import os
import stat

import pytest

from backprop_tui.core.errors import UserError
from backprop_tui.core.fileio import atomic_write_text, atomic_writer


def test_writes_and_replaces(tmp_path):
    path = tmp_path / "out.md"
    atomic_write_text(path, "one")
    atomic_write_text(path, "two")
    assert path.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_a_failure_leaves_the_old_file_and_no_temp(tmp_path):
    path = tmp_path / "out.md"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_writer(path) as handle:
            handle.write(b"half")
            raise RuntimeError("interrupted")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_keeps_the_mode_of_an_existing_file_and_the_umask_for_a_new_one(tmp_path):
    path = tmp_path / "kept.toml"
    path.write_text("x")
    path.chmod(0o640)
    atomic_write_text(path, "y")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.md"
    old = os.umask(0o022)
    try:
        atomic_write_text(fresh, "z")
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_writes_through_a_symlink(tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_device_is_written_in_place_not_replaced():
    atomic_write_text("/dev/null", "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_errors_name_the_path(tmp_path):
    with pytest.raises(UserError, match="is a directory"):
        atomic_write_text(tmp_path, "x")
    with pytest.raises(UserError, match="missing/out.md: cannot write the handout there"):
        atomic_write_text(tmp_path / "missing" / "out.md", "x", "handout")
