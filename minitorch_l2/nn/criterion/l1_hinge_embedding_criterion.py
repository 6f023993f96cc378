"""``nn.L1HingeEmbeddingCriterion(margin)``: the L1 distance of a pair {x1, x2}, pulled or pushed.

With d = ‖x1 − x2‖₁ and a label y of +1 (similar) or −1 (dissimilar):

    ℓ = d if y = 1,   ℓ = max(0, margin − d) if y = −1,
    ∂ℓ/∂x1 = s, ∂ℓ/∂x2 = −s, with s = sign(x1 − x2) for y = 1, −sign(x1 − x2) for y = −1 and
    d ≤ margin, 0 for y = −1 and d > margin.

Lua's form: one pair (the whole arrays, any shape) and a number y. A batch of pairs — x1, x2 of
shape (n, d) with n labels — gives one ℓ per row, averaged over the rows (``size_average``) or
summed; Lua has no batch form. Where x1ᵢ = x2ᵢ the sign is taken to be 0 (Lua draws ±1 at random).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_float_array, reuse
from ._margin import MarginSetting
from ._target_checks import check_sign_values


class L1HingeEmbeddingCriterion(MarginSetting):
    """Hinge loss on the L1 distance d of a pair: ℓ = d (y = 1), max(0, margin − d) (y = −1).

    The input is the table ``[x1, x2]`` of two arrays of one shape and dtype; the target a number
    ±1 (one pair, Lua's form, whatever the arrays' shape) or, for a batch of pairs (n, d), an
    array of n labels ±1. ``backward`` returns the pair [∂L/∂x1, ∂L/∂x2].

    Parameters
    ----------
    margin : float, default 1
        Dissimilar pairs cost nothing once their L1 distance exceeds it.
    size_average : bool, default True
        For a batch, average ℓ over the pairs (True) or sum it; one pair is its own average.
    """

    takes_table = True

    def update_output(self, input: list, target: object) -> float:
        diff, labels = self._difference(input, target)
        distance = np.abs(diff).sum(axis=1)  # d per pair
        losses = np.where(labels == 1, distance, np.maximum(0, self.margin - distance))
        self.output = float(losses.sum())
        if self.size_average:
            self.output /= losses.size
        return self.output

    def update_grad_input(self, input: list, target: object) -> list:
        diff, labels = self._difference(input, target)
        distance = np.abs(diff).sum(axis=1)
        # ∂ℓ/∂d per pair: 1 (similar), −1 (dissimilar inside the margin), 0 (beyond it)
        slope = np.where(labels == 1, 1.0, np.where(distance > self.margin, 0.0, -1.0))
        if self.size_average:
            slope /= slope.size
        previous = self.grad_input if isinstance(self.grad_input, list) else [None, None]
        grad1 = reuse(previous[0], input[0].shape, diff.dtype)
        grad2 = reuse(previous[1], input[0].shape, diff.dtype)
        rows = grad1.reshape(diff.shape)
        np.sign(diff, out=rows)  # ∂d/∂x1 = sign(x1 − x2)
        rows *= slope[:, None]
        np.negative(grad1, out=grad2)  # ∂d/∂x2 = −∂d/∂x1
        self.grad_input = [grad1, grad2]
        return self.grad_input

    def _difference(self, input: object, target: object) -> tuple[np.ndarray, np.ndarray]:
        """x1 − x2 as rows (one row for Lua's single pair) and the ±1 label of each row."""
        who = self._who()
        if not isinstance(input, list) or len(input) != 2:
            raise TypeError(
                f"{who}: expected input to be a pair [x1, x2] of arrays, got {input!r:.60}"
            )
        x1 = check_float_array(who, "input[0]", input[0])
        x2 = check_float_array(who, "input[1]", input[1])
        if x1.shape != x2.shape or x1.dtype != x2.dtype or x1.size == 0:
            raise ValueError(
                f"{who}: expected x1 and x2 non-empty, of one shape and dtype, got "
                f"{x1.shape} {x1.dtype} and {x2.shape} {x2.dtype}"
            )
        if isinstance(target, int | float | np.number) and not isinstance(target, bool):
            labels, rows = np.array([target], dtype=np.float64), 1  # Lua's: one pair
        elif isinstance(target, np.ndarray) and x1.ndim == 2 and target.shape == (x1.shape[0],):
            labels, rows = target, x1.shape[0]  # a batch of pairs
        elif isinstance(target, np.ndarray) and target.size == 1:
            labels, rows = target.reshape(1), 1
        else:
            raise ValueError(
                f"{who}: expected a target +1 or -1 (one pair), or an array of {x1.shape[0]} "
                f"labels for x1, x2 of shape (n, d); got {target!r:.60} for shape {x1.shape}"
            )
        check_sign_values(who, labels)
        with np.errstate(invalid="ignore"):  # inf − inf: forward names the element instead
            diff = np.subtract(x1, x2).reshape(rows, -1)
        return diff, labels
