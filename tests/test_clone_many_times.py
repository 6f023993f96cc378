"""``nn.utils.clone_many_times`` and ``combine_all_parameters``: Lua's model_utils."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch_l2 import nn
from minitorch_l2.gradcheck._recipes.graph import gru_cell

RNG = np.random.default_rng(11)
T, N, D, H = 4, 3, 2, 5


def unrolled_loss(clones, xs, targets, h0):
    """Σₜ MSE(hₜ, targetₜ) for hₜ = cell(xₜ, hₜ₋₁), with every step's backward."""
    criterion = nn.MSECriterion()
    states, loss = [h0], 0.0
    for t, clone in enumerate(clones):
        states.append(clone.forward([xs[t], states[-1]]))
        loss += criterion.forward(states[-1], targets[t])
    grad_h = np.zeros_like(h0)
    for t in range(len(clones) - 1, -1, -1):
        grad = criterion.backward(states[t + 1], targets[t]) + grad_h
        grad_h = clones[t].backward([xs[t], states[t]], grad)[1]
    return loss


def problem():
    xs = RNG.normal(size=(T, N, D))
    targets = RNG.uniform(-0.5, 0.5, size=(T, N, H))
    return xs, targets, np.zeros((N, H))


def test_clones_share_parameters_and_gradients_but_not_outputs():
    cell = gru_cell(D, H)
    clones = nn.utils.clone_many_times(cell, 3)
    originals = [*cell.parameters()[0], *cell.parameters()[1]]
    for clone in clones:
        mine = [*clone.parameters()[0], *clone.parameters()[1]]
        assert all(a is b for a, b in zip(mine, originals)) and len(mine) == len(originals)
    first = clones[0].forward([np.ones((N, D)), np.zeros((N, H))])
    second = clones[1].forward([-np.ones((N, D)), np.zeros((N, H))])
    assert first is not second and not np.allclose(first, second)
    with pytest.raises(ValueError, match="t must be an int >= 1"):
        nn.utils.clone_many_times(cell, 0)


def test_one_get_parameters_sees_the_sum_over_time_steps():
    # The gradient of the unrolled loss with respect to the shared weights, checked by central
    # differences of the loss itself.
    cell = gru_cell(D, H)
    params, grads = nn.utils.combine_all_parameters(cell)
    clones = nn.utils.clone_many_times(cell, T)
    xs, targets, h0 = problem()
    grads.fill(0)
    unrolled_loss(clones, xs, targets, h0)
    analytic = grads.copy()
    numeric = np.empty_like(params)
    for i in range(params.size):
        saved = params[i]
        params[i] = saved + 1e-6
        up = unrolled_loss(clones, xs, targets, h0)
        params[i] = saved - 1e-6
        down = unrolled_loss(clones, xs, targets, h0)
        params[i] = saved
        numeric[i] = (up - down) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)
    # One step's gradient alone is not the total: the clones really add up.
    grads.fill(0)
    unrolled_loss(clones[:1], xs, targets, h0)
    assert not np.allclose(grads, analytic)


def test_clones_made_before_get_parameters_follow_it():
    cell = gru_cell(D, H)
    clones = nn.utils.clone_many_times(cell, 2)
    params, grads = cell.get_parameters()
    for clone in clones:
        for p, g in zip(*clone.parameters()):
            assert np.shares_memory(p, params) and np.shares_memory(g, grads)
    assert clone.get_parameters()[0] is params


def test_training_through_the_clones_updates_the_original():
    cell = gru_cell(D, H)
    params, grads = nn.utils.combine_all_parameters(cell)
    before = [p.copy() for p in cell.parameters()[0]]
    clones = nn.utils.clone_many_times(cell, T)
    xs, targets, h0 = problem()
    losses = []
    for _ in range(30):
        grads.fill(0)
        losses.append(unrolled_loss(clones, xs, targets, h0))
        params -= 0.5 * grads
    assert losses[-1] < 0.5 * losses[0]
    # The original cell alone, run step by step, now gives the trained loss.
    assert unrolled_loss([cell], xs[:1], targets[:1], h0) == pytest.approx(
        unrolled_loss(clones[:1], xs[:1], targets[:1], h0)
    )
    assert all(not np.array_equal(a, p) for a, p in zip(before, cell.parameters()[0]))


def test_criteria_are_cloned_as_copies():
    criteria = nn.utils.clone_many_times(nn.ClassNLLCriterion(), 3)
    assert len({id(c) for c in criteria}) == 3
    assert all(type(c) is nn.ClassNLLCriterion for c in criteria)


def test_combine_all_parameters_counts_a_shared_module_once():
    shared = nn.Linear(3, 3)
    encoder = nn.Sequential(shared, nn.Tanh())
    decoder = nn.Sequential(
        shared.clone("weight", "bias", "grad_weight", "grad_bias"), nn.Linear(3, 2)
    )
    params, grads = nn.utils.combine_all_parameters(encoder, decoder)
    assert params.size == 12 + 8
    assert np.shares_memory(encoder.modules[0].weight, decoder.modules[0].weight)
    with pytest.raises(ValueError, match="at least one network"):
        nn.utils.combine_all_parameters()
