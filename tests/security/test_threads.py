"""Threat: one module used from two threads at once.

A module keeps its ``output``, ``grad_input`` and internal buffers between calls and reuses them
(Torch's design, and what makes a training loop allocation-free), so two threads calling one
module at once write into the same arrays and read each other's numbers (issue 18, item 4: 20
wrong results in 20 scenarios). The documented way is a module per thread, ``clone()``: a deep
copy with buffers of its own. Two threads, each on its own clone, run forward and backward at
the same time and get exactly the results of running alone.
"""

from __future__ import annotations

import threading

import numpy as np

import minitorch_l2
from minitorch_l2 import nn

STEPS = 60


def model() -> nn.Module:
    minitorch_l2.manual_seed(4)
    return nn.Sequential(
        nn.Linear(16, 32), nn.Tanh(), nn.BatchNormalization(32), nn.Linear(32, 4), nn.LogSoftMax()
    ).evaluate()


def test_two_threads_each_on_its_own_clone_compute_what_each_computes_alone():
    net = model()
    rng = np.random.default_rng(0)
    inputs = [rng.normal(size=(64, 16)), rng.normal(size=(64, 16)) * 3]
    grads = [rng.normal(size=(64, 4)), rng.normal(size=(64, 4))]
    alone = []
    for x, g in zip(inputs, grads):  # each input alone, one after the other
        reference = net.clone()
        output = reference.forward(x).copy()
        reference.zero_grad_parameters()
        grad_input = reference.backward(x, g).copy()
        alone.append((output, grad_input, reference.parameters()[1][0].copy()))
    clones = [net.clone(), net.clone()]  # one module per thread
    start = threading.Barrier(2)
    wrong: list[str] = []

    def work(index: int) -> None:
        module, x, g = clones[index], inputs[index], grads[index]
        output, grad_input, grad_weight = alone[index]
        start.wait()
        for step in range(STEPS):
            module.zero_grad_parameters()
            same = np.array_equal(module.forward(x), output)
            same &= np.array_equal(module.backward(x, g), grad_input)
            same &= np.array_equal(module.parameters()[1][0], grad_weight)
            if not same:
                wrong.append(f"thread {index}, step {step}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_a_clone_shares_no_array_with_its_original():
    net = model()
    net.forward(np.ones((2, 16)))
    twin = net.clone()
    mine = {
        id(a) for m in net.list_modules() for a in vars(m).values() if isinstance(a, np.ndarray)
    }
    for module in twin.list_modules():
        for value in vars(module).values():
            assert not isinstance(value, np.ndarray) or id(value) not in mine
