"""Threat: a save that fails midway destroys the previous checkpoint.

Before: ``save`` opened the target for writing, so a full disk (or an exception, an interrupt)
midway left a truncated file where the last good checkpoint was. Now ``save`` writes a temporary
file beside the target, flushes it to disk and renames it over the target: either the new file
is complete, or the old one is untouched, and no temporary file is left behind.
"""

from __future__ import annotations

import errno
import io
import os
import stat

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn


@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / "checkpoint.npz"
    minitorch_l2.save(path, {"model": nn.Linear(3, 2), "epoch": 1})
    return path


def fail_after(monkeypatch, count: int, error: BaseException) -> None:
    """Make the file ``save`` opens fail once ``count`` bytes are written (as a full disk does)."""
    real_fdopen = os.fdopen

    class Failing(io.FileIO):
        written = 0

        def write(self, data):
            if Failing.written + len(data) > count:
                raise error
            Failing.written += len(data)
            return super().write(data)

    def fdopen(descriptor, mode="r", *args, **kwargs):
        if "w" not in mode:
            return real_fdopen(descriptor, mode, *args, **kwargs)
        return Failing(descriptor, "wb")

    monkeypatch.setattr(os, "fdopen", fdopen)


@pytest.mark.parametrize("format", ["npz", "t7"])
@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device"), RuntimeError("boom"), KeyboardInterrupt()],
    ids=["disk-full", "exception", "interrupt"],
)
def test_a_save_failing_midway_keeps_the_previous_file(checkpoint, monkeypatch, format, error):
    before = checkpoint.read_bytes()
    big = {"model": nn.Linear(300, 200), "epoch": 2}
    fail_after(monkeypatch, 1000, error)
    with pytest.raises(type(error)) as raised:
        minitorch_l2.save(checkpoint, big, format=format)
    if isinstance(error, OSError):
        assert "minitorch_l2.save" in str(raised.value) and str(checkpoint) in str(raised.value)
    monkeypatch.undo()
    assert checkpoint.read_bytes() == before
    assert sorted(os.listdir(checkpoint.parent)) == ["checkpoint.npz"]  # no temporary left
    assert minitorch_l2.load(checkpoint)["epoch"] == 1


def test_a_failing_fsync_keeps_the_previous_file(checkpoint, monkeypatch):
    before = checkpoint.read_bytes()

    def fsync(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match="minitorch_l2.save: Input/output error"):
        minitorch_l2.save(checkpoint, {"epoch": 2})
    monkeypatch.undo()
    assert checkpoint.read_bytes() == before and len(os.listdir(checkpoint.parent)) == 1


def test_a_refused_value_writes_nothing(checkpoint):
    before = checkpoint.read_bytes()
    for format in ("npz", "t7"):
        with pytest.raises(ValueError, match=f"minitorch_l2.save: .{checkpoint}. not written"):
            minitorch_l2.save(checkpoint, {"hook": print}, format=format)
    assert checkpoint.read_bytes() == before and len(os.listdir(checkpoint.parent)) == 1


def test_a_successful_save_replaces_the_file_and_keeps_its_permissions(checkpoint):
    os.chmod(checkpoint, 0o640)
    minitorch_l2.save(checkpoint, {"epoch": 2, "w": np.ones(3)})
    assert minitorch_l2.load(checkpoint)["epoch"] == 2
    assert stat.S_IMODE(os.stat(checkpoint).st_mode) == 0o640


def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    target = tmp_path / "real.npz"
    minitorch_l2.save(target, {"epoch": 1})
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    minitorch_l2.save(link, {"epoch": 2})
    assert link.is_symlink() and minitorch_l2.load(target)["epoch"] == 2
