"""The cost of a check: estimated first, held within max_memory block by block, refused above
the limits with the estimate, and a MemoryError never reported as the module's failure (the
hardening issue's item 8)."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck import GradcheckCostError, check_module

from .test_gradcheck_planted import DoubleBiasGradLinear, TransposedWeightLinear


def test_a_linear_1000_by_1000_is_refused_with_its_estimate_without_allocating_it():
    x = np.random.default_rng(0).uniform(-2, 2, (10, 1000))
    started = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(GradcheckCostError) as caught:
            check_module(nn.Linear(1000, 1000), x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    # 8 bytes × 10,000 outputs × (1,000,000 weights + 1,000 biases + 10,000 inputs).
    assert caught.value.estimate.bytes == 8 * 10_000 * 1_011_000
    assert "75.3 GiB of analytic Jacobian" in message
    assert "above max_seconds=600" in message and "mode='fast'" in message
    assert message.startswith("check_module(nn.Linear(1000 -> 1000)): the full check would need")
    assert peak < 200e6  # the few forwards and backwards of the checks beyond the Jacobian
    assert time.perf_counter() - started < 30


def test_the_same_check_in_fast_mode_runs():
    x = np.random.default_rng(0).uniform(-2, 2, (10, 1000))
    report = check_module(nn.Linear(1000, 1000), x, mode="fast")
    assert report.ok, str(report)
    assert report.backward_calls < 20 and report.forward_calls < 40


def test_refusal_when_not_even_one_row_fits():
    with pytest.raises(GradcheckCostError, match="not even one element's rows"):
        check_module(nn.Linear(3, 2), np.ones((4, 3)), max_memory=1000)


def test_max_seconds_none_lifts_the_time_limit_and_a_small_limit_refuses():
    x = np.ones((4, 3))
    with pytest.raises(GradcheckCostError, match="above max_seconds=1e-09"):
        check_module(nn.Linear(3, 2), x, max_seconds=1e-9)
    assert check_module(nn.Linear(3, 2), x, max_seconds=None, max_memory=None).ok


def test_a_big_check_goes_block_by_block_within_the_limit():
    # Linear(60, 60) on a batch of 4: 3,900 checked elements × 240 outputs = 7.1 MiB of
    # analytic Jacobian; a 4 MiB limit splits it into passes.
    layer = nn.Linear(60, 60)
    x = np.random.default_rng(0).uniform(-2, 2, (4, 60))
    limit = 4 << 20
    tracemalloc.start()
    try:
        report = check_module(layer, x, max_memory=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, str(report)
    assert peak <= limit, f"peak {peak / 2**20:.2f} MiB"
    assert any("went block by block within max_memory=4 MiB" in note for note in report.notes)
    assert report.backward_calls > 2 * 240  # a backward per output element and pass


@pytest.mark.parametrize("cls", [DoubleBiasGradLinear, TransposedWeightLinear])
def test_block_by_block_finds_what_the_whole_check_finds(cls):
    x = np.random.default_rng(1).uniform(-2, 2, (4, 30))
    layer = cls(30, 30)
    whole = check_module(layer, x)
    split = check_module(layer, x, max_memory=600_000)
    assert any("went block by block" in note for note in split.notes)
    assert not whole.ok and not split.ok
    for name, entry in whole.entries.items():
        other = split[name]
        assert (other.failing, other.ok) == (entry.failing, entry.ok), name
        assert other.max_abs_error == entry.max_abs_error  # the same numbers, bit for bit
        assert other.worst == entry.worst
    # The factor is found either way; the transposed pattern needs the whole analytic block.
    if cls is DoubleBiasGradLinear:
        assert split["bias"].diagnosis == whole["bias"].diagnosis
    else:
        assert whole["weight"].diagnosis == "analytic ≈ numeric transposed"


class GreedyTanh(nn.Tanh):
    """Runs out of memory in backward once the check is past its first calls."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def update_grad_input(self, input, grad_output):
        self.calls += 1
        if self.calls > 8:
            raise MemoryError("Unable to allocate 7.28 TiB")
        return super().update_grad_input(input, grad_output)


def test_a_memory_error_is_the_checks_problem_not_the_modules_failure():
    with pytest.raises(GradcheckCostError, match="ran out of memory during the check") as caught:
        check_module(GreedyTanh(), np.ones((3, 4)))
    assert "not a fault of the module" in str(caught.value)
    assert isinstance(caught.value.__cause__, MemoryError)


def test_the_report_counts_the_calls():
    report = check_module(nn.Linear(3, 2), np.ones((4, 3)))
    # 8 outputs: a forward and a backward for each row; 2 forwards per checked element
    # (12 + 6 + 2), one unperturbed forward per tensor, and the checks beyond the Jacobian.
    assert report.backward_calls == 8 + 6
    assert report.forward_calls >= 8 + 2 * 20 + 3
    assert f"cost: {report.forward_calls} forward and {report.backward_calls} backward" in str(
        report
    )
