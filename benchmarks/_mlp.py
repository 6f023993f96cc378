"""The MLP training step both sides run, for bench_mlp.py and bench_suite.py (no side effects).

Ours is the Torch 7 loop: ``params, grads = net.get_parameters()`` once, then per step
``optim.sgd(feval, params, config)`` with a ``feval`` that zeroes the gradients, runs
``Sequential.forward``, ``CrossEntropyCriterion`` and ``Sequential.backward``. PyTorch's is
``optimizer.zero_grad(); loss_fn(model(x), t).backward(); optimizer.step()`` with the same
``torch.nn.Sequential`` of ``Linear`` and ``ReLU``, ``torch.nn.CrossEntropyLoss`` and
``torch.optim.SGD`` (plain SGD, default options), from the same weights.

Importing this module imports NumPy: a script that limits threads does it first.
"""

from __future__ import annotations

import numpy as np

from minitorch_l2 import nn, optim

LEARNING_RATE = 0.01


def our_model(sizes: tuple[int, ...], dtype: type) -> nn.Sequential:
    """Linear, ReLU, ..., Linear: ReLU between every pair of Linear layers."""
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1]).type(dtype)


def our_step(
    net: nn.Sequential, x: np.ndarray, target: np.ndarray, criterion: nn.Criterion | None = None
):
    """The Torch 7 training step as a closure (CrossEntropyCriterion unless another is given);
    returns (step, grads)."""
    criterion = nn.CrossEntropyCriterion() if criterion is None else criterion
    params, grads = net.get_parameters()
    config = {"learning_rate": LEARNING_RATE}

    def feval(_params: np.ndarray) -> tuple[float, np.ndarray]:
        net.zero_grad_parameters()
        scores = net.forward(x)
        loss = criterion.forward(scores, target)
        net.backward(x, criterion.backward(scores, target))
        return loss, grads

    def step() -> None:
        optim.sgd(feval, params, config)

    return step, grads


def torch_step(torch, net: nn.Sequential, x: np.ndarray, target: np.ndarray):
    """The same model in PyTorch, with ``net``'s weights; returns (step, model)."""
    layers = []
    for module in net.modules:
        if isinstance(module, nn.Linear):
            layer = torch.nn.Linear(module.input_size, module.output_size)
            layer = layer.to(torch.from_numpy(module.weight).dtype)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(module.weight))
                layer.bias.copy_(torch.from_numpy(module.bias))
            layers.append(layer)
        else:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    x_t, target_t = torch.from_numpy(x), torch.from_numpy(target)

    def step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x_t), target_t).backward()
        optimizer.step()

    return step, model


def check_same_step(torch, net, grads, model, dtype) -> float:
    """Largest relative difference of gradients and weights after one step of each side."""
    ours_grad = grads
    ours_params = net.get_parameters()[0]
    theirs_grad = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy()
    theirs_params = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy()
    worst = 0.0
    for a, b in ((ours_grad, theirs_grad), (ours_params, theirs_params)):
        worst = max(worst, float(np.max(np.abs(a - b)) / np.max(np.abs(b))))
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    if not worst <= tolerance:
        raise AssertionError(f"ours and PyTorch disagree after one step: {worst:.3g}")
    return worst
