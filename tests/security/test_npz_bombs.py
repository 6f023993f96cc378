"""Threat: a decompression bomb — a small file that makes ``load`` inflate gigabytes.

Before: a 1 MB ``.npz`` made ``load`` decompress 2.1 GB (15–22 s) before refusing it, an 8 MB one
ended in MemoryError. Now each member is read in 1 MiB chunks after its ``.npy`` header, reading
stops one byte past what the header declares, and the declared sizes together may not pass
``max_bytes`` (1 GiB by default; settable per call). The same limit bounds a ``.t7``.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import minitorch_l2
from minitorch_l2 import nn


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}"
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()


def archive_with(members: dict[str, tuple[bytes, int]]) -> bytes:
    """A deflated archive; each member is a header followed by ``count`` zero bytes, streamed."""
    out = io.BytesIO()
    minitorch_l2.save(out, nn.Linear(2, 2))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, count) in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(header)
                chunk = bytes(2**20)
                for _ in range(count // len(chunk)):
                    member.write(chunk)
                member.write(bytes(count % len(chunk)))
    return out.getvalue()


def timed_refusal(data: bytes, match: str, **options: object) -> float:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        minitorch_l2.load(io.BytesIO(data), **options)
    return time.perf_counter() - start


def test_a_member_inflating_past_its_declared_size_is_refused_at_once():
    # Declares one float64 (8 bytes), inflates to 64 MiB: a file of about 65 kB.
    bomb = archive_with({"bomb.npy": (npy_header((1,)), 2**26)})
    assert len(bomb) < 100_000
    seconds = timed_refusal(bomb, r"entry 'bomb' declares shape \(1,\) .* holds more bytes")
    assert seconds < 0.5  # reading stopped one byte past the 8 declared: no 64 MiB inflated


def test_members_declaring_more_than_max_bytes_are_refused_before_they_are_read():
    bomb = archive_with({"big.npy": (npy_header((2**27 + 1,)), 0)})  # 1 GiB + 8 bytes declared
    seconds = timed_refusal(bomb, r"entry 'big' declares .* more than the \d+ bytes left of max")
    assert seconds < 1.0
    # Together: two members of 600 MiB each pass the 1 GiB total, the second is refused.
    pair = archive_with(
        {"a.npy": (npy_header((600 * 2**17,)), 0), "b.npy": (npy_header((600 * 2**17,)), 0)}
    )
    timed_refusal(pair, "declares .* bytes left of max_bytes")


def test_max_bytes_is_settable_and_counts_every_member(tmp_path):
    net = nn.Linear(100, 100)  # 2 × 80 kB of weights and gradients
    path = tmp_path / "net.npz"
    minitorch_l2.save(path, net)
    with pytest.raises(ValueError, match="pass a larger max_bytes"):
        minitorch_l2.load(path, max_bytes=100_000)
    assert minitorch_l2.load(path, max_bytes=200_000).weight.shape == (100, 100)
    with pytest.raises(TypeError, match="max_bytes must be a positive int"):
        minitorch_l2.load(path, max_bytes=0)


def test_a_t7_larger_than_max_bytes_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "net.t7"
    minitorch_l2.save(path, nn.Linear(100, 100), format="t7")
    with pytest.raises(ValueError, match="larger than max_bytes=100000"):
        minitorch_l2.load(path, max_bytes=100_000)
    np.testing.assert_array_equal(minitorch_l2.load(path).weight.shape, (100, 100))


def test_an_archive_member_shorter_than_declared_is_refused():
    short = archive_with({"short.npy": (npy_header((1000,)), 80)})
    timed_refusal(short, r"declares shape \(1000,\) .* holds fewer bytes")


def test_a_negative_declared_size_cannot_lower_the_total():
    # NumPy's header parser accepts shape (-2**40,); counted, it would add 8 TiB to what is left
    # of max_bytes, and the 50 MB member after it would be inflated in full.
    negative = npy_header((-(2**40),))
    bomb = archive_with(
        {"neg.npy": (negative, 0), "bomb.npy": (npy_header((6_250_000,)), 5 * 10**7)}
    )
    tracemalloc.start()
    try:
        timed_refusal(bomb, r"entry 'neg' declares the negative shape", max_bytes=10**6)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 10**6  # nothing of the 50 MB was inflated
