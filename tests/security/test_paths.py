"""Threat: ``load``/``save`` given something that is not a path to a regular file.

Before: ``load(1)`` took the int as a file descriptor and closed stdout; ``load(fifo)`` blocked
forever; ``load(None)`` raised ``open()``'s own error. Now only a str or os.PathLike (or,
explicitly, a binary file object) is accepted, only regular files are read or replaced (a FIFO
is opened without blocking, then refused), and every error names ``load`` or ``save`` and the
path.
"""

from __future__ import annotations

import io
import os
import threading

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "net.npz"
    minitorch_l2.save(path, nn.Linear(2, 2))
    return path


@pytest.mark.parametrize("function", ["load", "save"])
@pytest.mark.parametrize(
    "target, match",
    [
        (1, "got int 1"),
        (None, "got NoneType None"),
        (b"net.npz", r"got bytes .*pass os\.fsdecode\(path\)"),
        (2.5, "got float"),
        (io.StringIO(), "text-mode file"),
        ("", "non-empty str"),
    ],
)
def test_only_paths_and_binary_files_are_accepted(function, target, match):
    call = getattr(minitorch_l2, function)
    arguments = (target,) if function == "load" else (target, nn.Tanh())
    with pytest.raises(TypeError, match=f"minitorch_l2.{function}: .*{match}"):
        call(*arguments)


def test_bytes_get_the_hint_of_each_function():
    with pytest.raises(TypeError, match=r"to read bytes in memory io\.BytesIO\(data\)"):
        minitorch_l2.load(b"PK\x03\x04")
    with pytest.raises(TypeError) as error:
        minitorch_l2.save(b"net.npz", nn.Tanh())
    assert "read" not in str(error.value)  # save reads nothing


def test_an_int_is_never_taken_as_a_file_descriptor():
    read_end, write_end = os.pipe()
    try:
        for descriptor in (read_end, write_end):
            with pytest.raises(TypeError):
                minitorch_l2.load(descriptor)
            with pytest.raises(TypeError):
                minitorch_l2.save(descriptor, nn.Tanh())
            os.fstat(descriptor)  # still open
    finally:
        os.close(read_end)
        os.close(write_end)


def run_briefly(function, *arguments) -> BaseException | None:
    """Call ``function`` in a thread; fail if it has not returned within 5 s (it blocked)."""
    outcome: list[BaseException | None] = []

    def target():
        try:
            function(*arguments)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(5)
    assert outcome, f"{function.__name__} blocked"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    error = run_briefly(minitorch_l2.load, fifo)
    assert isinstance(error, ValueError)
    assert (
        str(error)
        == f"minitorch_l2.load: {str(fifo)!r} is a FIFO (named pipe); only regular files are read"
    )
    error = run_briefly(minitorch_l2.save, fifo, nn.Tanh())
    assert isinstance(error, ValueError) and "minitorch_l2.save" in str(error)
    assert "FIFO" in str(error) and str(fifo) in str(error)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_device_is_refused():
    with pytest.raises(ValueError, match="'/dev/null' is a character device; only regular files"):
        minitorch_l2.load("/dev/null")
    with pytest.raises(ValueError, match="minitorch_l2.save: '/dev/null' is a character device"):
        minitorch_l2.save("/dev/null", nn.Tanh())


def test_a_directory_and_a_missing_file_name_the_function_and_the_path(tmp_path):
    with pytest.raises(IsADirectoryError, match=f"minitorch_l2.load: '{tmp_path}' is a directory"):
        minitorch_l2.load(tmp_path)
    with pytest.raises(ValueError, match="minitorch_l2.save: .* is a directory"):
        minitorch_l2.save(tmp_path, nn.Tanh())
    missing = tmp_path / "missing.npz"
    with pytest.raises(FileNotFoundError, match="minitorch_l2.load: No such file") as error:
        minitorch_l2.load(missing)
    assert str(missing) in str(error.value)
    with pytest.raises(FileNotFoundError, match="minitorch_l2.save: No such file"):
        minitorch_l2.save(tmp_path / "no" / "such" / "dir.npz", nn.Tanh())


def test_binary_file_objects_are_accepted_explicitly(saved):
    with open(saved, "rb") as file:
        assert type(minitorch_l2.load(file)) is nn.Linear
    buffer = io.BytesIO()
    minitorch_l2.save(buffer, {"w": np.ones(2)}, format="t7")
    np.testing.assert_array_equal(minitorch_l2.load(io.BytesIO(buffer.getvalue()))["w"], [1, 1])


def test_a_refused_file_is_named_in_the_error(tmp_path):
    path = tmp_path / "junk.t7"
    path.write_bytes(b"\x04\x00\x00\x00junk")
    with pytest.raises(ValueError, match=f"minitorch_l2.load: cannot load '{path}': at byte 8: "):
        minitorch_l2.load(path)
