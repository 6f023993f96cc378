"""One-line diagnoses of a failing block, from the most specific pattern to the most general.

The evidence is gathered block by block while the numerical Jacobian is computed, so a large
Jacobian is never held whole. Blocks are in the *by-output* layout ``(output.size, rows)``:
``A[j, k] = J_analytic[start + k, j]``, likewise ``N`` for the numeric one, with
``J[i, j] = ∂outputⱼ/∂tensorᵢ``. "≈" below means |a − n| ≤ atol + rtol·|n| for every element,
the same test that decided the tensor failed.
"""

from __future__ import annotations

import math

import numpy as np


def close(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> bool:
    """``|analytic − numeric| ≤ atol + rtol·|numeric|`` everywhere (numeric is the reference)."""
    return bool(np.all(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)))


class AllClose:
    """Running answer to "is this candidate ≈ numeric everywhere?" over blocks."""

    def __init__(self, atol: float, rtol: float) -> None:
        self.atol, self.rtol = atol, rtol
        self.ok = True

    def add(self, candidate: np.ndarray, numeric: np.ndarray) -> None:
        """Fold in one block (a block that fails settles the answer; later ones are skipped)."""
        if self.ok:
            self.ok = close(candidate, numeric, self.atol, self.rtol)


class ConstantFactor:
    """Is there one c with analytic ≈ c · numeric everywhere, and which?

    For an element (a, n) the values u = c·n allowed by |a − u| ≤ atol + rtol·|u| form the
    interval [lo, hi] (solved for u ≥ 0 and u ≤ 0 separately; 0 ≤ rtol < 1):

        lo = min((a − atol)/(1 + rtol), (a − atol)/(1 − rtol)),
        hi = max((a + atol)/(1 + rtol), (a + atol)/(1 − rtol)),

    so c lies between lo/n and hi/n when n ≠ 0 (the smaller one is the lower bound), and n = 0
    needs |a| ≤ atol. The intersection over all elements is again an interval, kept as two
    running numbers: one pass, no full-size array. The reported c is the least-squares fit
    c = (a·n) / (n·n), clipped into it.

    A fitted c means something only if it could have failed to fit:

    - with fewer than 2 elements where |n| > atol, one ratio a/n fits by construction;
    - when c = 0 fits too (every |a| ≤ atol), closeness cannot tell c from 0, so the direction
      must match as well: the residual of the fit, ‖a‖² − (a·n)²/‖n‖² (= ‖a‖² sin²∠(a, n)),
      must be at most (rtol·‖a‖)². A gradient scaled by 1e-6 passes that; noise does not.
    """

    def __init__(self, atol: float, rtol: float) -> None:
        self.atol, self.rtol = atol, rtol
        self.low, self.high = -math.inf, math.inf
        self.possible = rtol < 1  # a tolerance of 100% or more cannot tell one factor from another
        self.a_dot_n = self.n_dot_n = 0.0
        self.significant = 0  # elements with |n| > atol

    def add(self, a: np.ndarray, n: np.ndarray, fails: np.ndarray | None = None) -> None:
        """Fold in one block of analytic ``a`` and numeric ``n`` values (any matching shape).

        ``fails`` marks the elements outside |a − n| ≤ atol + rtol·|n| (None: none fail). Where
        n = 0 that test is |a| ≤ atol, the whole constraint on c there, so only the elements
        with n ≠ 0 (often a small fraction of a Jacobian) are solved for c.
        """
        nonzero = n != 0
        if fails is not None and self.possible and np.any(fails[~nonzero]):
            self.possible = False  # n = 0 but |a| > atol (or NaN): no c helps
        a, n = a[nonzero], n[nonzero]
        self.a_dot_n += float(np.dot(a, n))
        self.n_dot_n += float(np.dot(n, n))
        self.significant += int(np.count_nonzero(np.abs(n) > self.atol))
        if not self.possible:
            return
        atol, shrink, grow = self.atol, 1 / (1 + self.rtol), 1 / (1 - self.rtol)
        with np.errstate(all="ignore"):
            shifted = a - atol
            lo = shifted * shrink
            np.minimum(lo, np.multiply(shifted, grow, out=shifted), out=lo)
            np.add(a, atol, out=shifted)
            hi = shifted * shrink
            np.maximum(hi, np.multiply(shifted, grow, out=shifted), out=hi)
            np.divide(lo, n, out=lo)
            np.divide(hi, n, out=hi)
            low = float(np.minimum(lo, hi, out=shifted).max(initial=-np.inf))
            high = float(np.maximum(lo, hi, out=hi).min(initial=np.inf))
        if math.isnan(low) or math.isnan(high):  # a NaN in a or n: no factor explains it
            self.possible = False
            return
        self.low, self.high = max(self.low, low), min(self.high, high)
        self.possible = self.low <= self.high

    def factor(self, a_dot_a: float) -> float | None:
        """A c with analytic ≈ c · numeric everywhere that the data really determine, or None.

        ``a_dot_a`` is ‖a‖² over all elements (used only when c = 0 also fits).
        """
        if not self.possible or self.n_dot_n == 0 or self.significant < 2:
            return None
        fit = self.a_dot_n / self.n_dot_n
        if not math.isfinite(fit):
            return None
        if self.low <= 0 <= self.high:
            residual = a_dot_a - self.a_dot_n * fit  # ‖a‖² − (a·n)²/‖n‖²
            if not residual <= (self.rtol**2) * a_dot_a:
                return None
        return min(max(fit, self.low), self.high)


class ValueEvidence:
    """Evidence for :meth:`diagnosis`, gathered over blocks of the numerical Jacobian.

    Parameters
    ----------
    name : str
        ``input``, ``weight``, ``3.bias``: input tensors and parameters get different advice.
    shape : tuple of int
        The tensor's shape (a square 2-D tensor is tested for a transposed gradient).
    by_output : numpy.ndarray or None
        The whole analytic Jacobian in the by-output layout ``(output.size, tensor.size)``,
        or None when it is never held whole (a check going block by block): then a transposed
        gradient is not looked for.
    atol, rtol : float
        The tolerances of the check.
    output : str or None
        The block's output tensor (``output[1]``) when the output is a table.
    """

    def __init__(
        self,
        name: str,
        shape: tuple[int, ...],
        by_output: np.ndarray | None,
        atol: float,
        rtol: float,
        output: str | None = None,
    ) -> None:
        self.name, self.shape, self.by_output = name, tuple(shape), by_output
        self.output = output
        self.columns = 0
        self.a_dot_a = 0.0
        self.atol, self.rtol = atol, rtol
        self.analytic_zero = self.numeric_flat = True
        self.analytic_same_columns = True
        self.numeric_same_columns = AllClose(atol, rtol)
        self.transposed: AllClose | None = None
        if by_output is not None and len(self.shape) == 2 and self.shape[0] == self.shape[1] > 1:
            # Row i = (p, q) of J compared with row (q, p) of the analytic Jacobian.
            m = self.shape[0]
            self.swap = np.arange(m * m).reshape(m, m).T.reshape(-1)
            self.transposed = AllClose(atol, rtol)
        self.factor = ConstantFactor(atol, rtol)
        # Failing elements: all, those where numeric ≈ 0 but analytic ≠ 0, and the converse.
        self.failing = self.failing_numeric_zero = self.failing_analytic_zero = 0

    def add(
        self,
        start: int,
        analytic: np.ndarray,
        numeric: np.ndarray,
        fails: np.ndarray | None = None,
    ) -> None:
        """Fold in tensor rows ``start …`` as by-output blocks ``(output.size, rows)``.

        ``fails`` marks the block's failing elements (None when none failed).
        """
        # "Zero" is exact for the analytic gradient (a forgotten gradient is exactly 0; one
        # scaled by 1e-6 is not, and is diagnosed as a factor), but within atol for the numeric
        # one, whose finite differences carry rounding noise.
        self.columns = analytic.shape[0]
        self.a_dot_a += float(np.einsum("ij,ij->", analytic, analytic))
        self.analytic_zero = self.analytic_zero and not np.any(analytic)
        self.numeric_flat = self.numeric_flat and not np.any(np.abs(numeric) > self.atol)
        if analytic.shape[0] > 1:
            # Column 0 of J (the gradient for grad_output = e₀) is row 0 here. A backward that
            # ignores grad_output repeats one computation: its columns are equal bit for bit
            # (a tolerance would call any gradient smaller than atol "the same everywhere").
            self.analytic_same_columns = self.analytic_same_columns and bool(
                np.all(analytic == analytic[:1])
            )
            self.numeric_same_columns.add(numeric, numeric[:1])
        if self.transposed is not None and self.transposed.ok:
            rows = self.swap[start : start + analytic.shape[1]]
            self.transposed.add(self.by_output[:, rows], numeric)
        self.factor.add(analytic, numeric, fails)
        if fails is not None:
            a, n = analytic[fails], numeric[fails]
            flat = np.abs(n) <= self.atol
            self.failing += a.size
            self.failing_numeric_zero += int(np.count_nonzero(flat & (a != 0)))
            self.failing_analytic_zero += int(np.count_nonzero(~flat & (a == 0)))

    def diagnosis(self) -> str | None:
        """Name the pattern of a wrong gradient, or None when none is evident.

        Tried in order: the gradient is exactly zero; the output does not depend on the tensor
        (numeric within atol of 0); every column of J is exactly the same (backward ignores
        grad_output); J matches after transposing a square tensor; J = c·numeric for a constant
        c determined by at least 2 elements (c = −1: sign flipped); every failing element has
        numeric ≈ 0 but analytic ≠ 0 (a mask forgotten: the gradient flows where the output
        does not depend on the tensor), or analytic = 0 but numeric ≠ 0 (the converse).
        """
        name = self.name
        if self.analytic_zero and not self.numeric_flat and self.output is not None:
            return (
                f"{name} gets no gradient through {self.output}: backward ignores "
                f"grad_{self.output} there (a path of the chain rule forgotten?)"
            )
        if self.numeric_flat and not self.analytic_zero and self.output is not None:
            return f"{self.output} does not depend on {name}, yet the analytic gradient is not zero"
        if self.analytic_zero and not self.numeric_flat:
            if name.startswith("input"):
                return "input gradient is zero (does update_grad_input fill grad_input?)"
            return (
                f"parameter gradient is zero (does acc_grad_parameters add into the gradient "
                f"of {name}?)"
            )
        if self.numeric_flat and not self.analytic_zero:
            return f"the output does not depend on {name}, yet the analytic gradient is not zero"
        if self.columns > 1 and self.analytic_same_columns and not self.numeric_same_columns.ok:
            return (
                "gradient ignores grad_output (every one-hot grad_output gives the same gradient)"
            )
        if self.transposed is not None and self.transposed.ok:
            return "analytic ≈ numeric transposed"
        factor = self.factor.factor(self.a_dot_a)
        if factor is not None and factor != 0:
            if abs(factor + 1) <= max(self.rtol, 1e-9):
                return "sign flipped: analytic ≈ −numeric (factor −1)"
            return f"off by a constant factor {format_factor(factor)} (analytic ≈ c · numeric)"
        if self.failing and self.failing_numeric_zero == self.failing:
            return "analytic ≠ 0 where numeric = 0 (a missing mask?)"
        if self.failing and self.failing_analytic_zero == self.failing:
            return "analytic = 0 where numeric ≠ 0 (a mask too strict, or a term missing?)"
        return None


class ShapeEvidence:
    """For a gradient of the wrong shape: do its values match once transposed or reshaped?

    ``stack`` holds the returned gradients, shape ``(output.size, *returned shape)``; numeric
    blocks come in the by-output layout ``(output.size, rows)``.
    """

    def __init__(
        self, expected: tuple[int, ...], stack: np.ndarray, atol: float, rtol: float
    ) -> None:
        self.expected, got = tuple(expected), stack.shape[1:]
        self.by_output = stack.reshape(stack.shape[0], -1)
        self.transposed: AllClose | None = None
        if len(got) == 2 and got == self.expected[::-1]:
            # Expected element (p, q) is the returned element (q, p).
            self.swap = np.arange(math.prod(got)).reshape(got).T.reshape(-1)
            self.transposed = AllClose(atol, rtol)
        self.reshaped = AllClose(atol, rtol) if math.prod(got) == math.prod(expected) else None

    def add(self, start: int, numeric: np.ndarray) -> None:
        """Fold in tensor rows ``start …`` of the numerical Jacobian (by-output block)."""
        stop = start + numeric.shape[1]
        if self.transposed is not None:
            self.transposed.add(self.by_output[:, self.swap[start:stop]], numeric)
        if self.reshaped is not None:
            self.reshaped.add(self.by_output[:, start:stop], numeric)

    def diagnosis(self) -> str | None:
        """The hint for the report, or None."""
        if self.transposed is not None and self.transposed.ok:
            return "analytic ≈ numeric transposed"
        if self.reshaped is not None and self.reshaped.ok:
            return (
                f"the values are right once reshaped to {self.expected}: a missing squeeze/reshape"
            )
        return None


def format_factor(factor: float) -> str:
    """Shortest rounding of ``factor`` that still differs from 1 (1.01, 0.25, 1.0001, 2)."""
    for digits in range(3, 17):
        text = f"{factor:.{digits}g}"
        if float(text) != 1.0:
            return text
    return repr(factor)
