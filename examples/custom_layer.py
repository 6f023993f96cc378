"""Write a layer, check it with the gradient checker, and read the report of a bug.

The layer is a per-feature scale and shift, y = x ⊙ w + b (what a batch-norm layer does after its
normalisation). Its gradients, for G = ∂L/∂y over a batch of rows x:

    ∂L/∂x = G ⊙ w,     ∂L/∂w = Σₙ G ⊙ x,     ∂L/∂b = Σₙ G.

The first version below has a bug a tired person writes: ∂L/∂w = Σₙ G (the ⊙ x forgotten). The
checker's report says which tensor is wrong (``weight``), where, by how much — and the input and
bias gradients, which are right, pass. Reading its worst elements: ∂y[n, j]/∂w[j] should be
x[n, j] (the numeric column), but the analytic one is 1 everywhere — the ⊙ x is missing. Then the
fixed version passes everywhere.

    python examples/custom_layer.py
"""

from __future__ import annotations

import numpy as np

import minitorch_l2
from minitorch_l2 import gradcheck, nn


class BuggyScaleShift(nn.Module):
    """y = x ⊙ w + b, per feature — with a wrong weight gradient."""

    def __init__(self, size: int) -> None:
        super().__init__()
        rng = minitorch_l2.generator()
        self.weight = rng.uniform(0.5, 1.5, size)
        self.bias = rng.uniform(-0.1, 0.1, size)
        self.grad_weight = np.zeros(size)
        self.grad_bias = np.zeros(size)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self.output = input * self.weight + self.bias
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = grad_output * self.weight
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self.grad_weight += scale * grad_output.sum(axis=0)  # BUG: should be (G ⊙ x) summed
        self.grad_bias += scale * grad_output.sum(axis=0)


class ScaleShift(BuggyScaleShift):
    """y = x ⊙ w + b, per feature."""

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self.grad_weight += scale * (grad_output * input).sum(axis=0)  # ∂L/∂w = Σₙ G ⊙ x
        self.grad_bias += scale * grad_output.sum(axis=0)  # ∂L/∂b = Σₙ G


def main() -> bool:
    """Check both versions; return whether the fixed one passes (and the buggy one fails)."""
    minitorch_l2.manual_seed(0)
    x = np.random.default_rng(0).normal(size=(4, 3))

    buggy = gradcheck.check_module(BuggyScaleShift(3), x)
    print("The buggy layer:")
    print(buggy)
    print()
    fixed = gradcheck.check_module(ScaleShift(3), x)
    print("The fixed layer:")
    print(fixed)
    return fixed.ok and not buggy.ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
