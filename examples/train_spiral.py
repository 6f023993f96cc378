"""Train a small MLP on a two-arm spiral with Linear + Tanh and a squared-error loss.

A first, self-contained example of the Torch workflow: forward, backward, update.
"""

from __future__ import annotations

import numpy as np

import minitorch_l2
from minitorch_l2 import nn


def spiral(n_per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.linspace(0.25, 1.0, n_per_class)
    xs, ys = [], []
    for label in (0, 1):
        angle = 3 * np.pi * t + label * np.pi
        xs.append(
            np.c_[t * np.cos(angle), t * np.sin(angle)] + rng.normal(0, 0.02, (n_per_class, 2))
        )
        ys.append(np.full(n_per_class, label))
    return np.concatenate(xs), np.concatenate(ys)


def main(epochs: int = 2000) -> float:
    minitorch_l2.manual_seed(0)
    x, y = spiral(100, seed=0)
    target = np.where(y == 1, 1.0, -1.0)[:, None]
    net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
    accuracy = 0.0
    for epoch in range(epochs):
        prediction = net.forward(x)
        loss = float(np.mean((prediction - target) ** 2))
        net.zero_grad_parameters()
        net.backward(x, 2 * (prediction - target) / len(x))
        net.update_parameters(0.1)
        accuracy = float(np.mean((prediction[:, 0] > 0) == (y == 1)))
        if epoch % 200 == 0:
            print(f"epoch {epoch:4d}  loss {loss:.4f}  accuracy {accuracy:.4f}")
    print(f"final accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
