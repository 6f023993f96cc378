"""L2Normalize's rows outside the safe range: rescaled by a power of two, so the result is exact.

``l2normalize.py`` computes every row by the plain recipe and guards it once per call: forward
with :func:`in_safe_range` (two reductions over the n values of ‖x‖²), backward with
:func:`direct_guard` or :func:`jacobian_guard` (two reductions over numbers the path has
anyway). Whatever a guard flags comes here — :func:`forward_out_of_range` and
:func:`backward_out_of_range` — and only the flagged rows are touched.

For a row x the plain sum of squares ‖x‖² = Σᵢ xᵢ² overflows to inf once ‖x‖ ≳ √max (float32
``[3e30, 4e30]``) and underflows to 0 or to a few subnormal bits once ‖x‖ ≲ √tiny (float64
``[3e-300, 4e-300]``, any subnormal row). Rows whose ‖x‖² lies in the *safe range*
[2⁻ᵏ, 2ᵏ], k = maxexp // 2 (float32: k = 64, float64: k = 512), are left alone; for them every
later quantity, ‖x‖³ = ‖x‖²·‖x‖ included, stays inside the normal range. Any other nonzero row is
divided by s = 2ᵉ, e = (binary exponent of max|xᵢ|) − 1 from ``np.frexp``, so its largest entry
lands in [1, 2) and ‖x/s‖² ∈ [1, 4d]. Scaling by a power of two only moves exponents, hence

    x/‖x‖ = (x/s) / ‖x/s‖,      J(x) g = 2^(e_g − e) · J(x/s) (g/2^e_g)
    (J = ∂y/∂x = (‖x‖² I − x xᵀ) / ‖x‖³),

where g's row is brought into range the same way, with no rounding beyond the one the plain
formula has in the safe range. (An entry that becomes subnormal when divided is below tiny
(2⁻¹⁰²²; float32 2⁻¹²⁶) times the row's largest entry, so its share of the result is below that
result's own rounding.) Rows of g that are extreme on an ordinary row of x get the same factor
2^e_g, with e = 0: see the grad_output section below. The zero row has no direction: its norm
is taken to be eps, so y = 0 and ∂L/∂x = g / eps. A row holding ±inf becomes NaN, like a row
holding NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, partial

import numpy as np

#: An empty list of row indices: "no row needs rescaling".
NO_ROWS = np.empty(0, dtype=np.intp)


@dataclass
class RowScale:
    """What a forward pass did to rows outside the safe range.

    ``rows[j]`` was divided by 2**``exponent[j]`` in ``input`` (the forward's rows themselves
    when only zero rows were found: then nothing needed dividing); ``zero_rows`` are the
    all-zero rows.
    """

    rows: np.ndarray
    exponent: np.ndarray
    zero_rows: np.ndarray
    input: np.ndarray


@cache
def safe_range(dtype: np.dtype) -> tuple[float, float]:
    """(2⁻ᵏ, 2ᵏ) with k = maxexp // 2: where ‖x‖², ‖x‖³ and 1/‖x‖³ are all normal numbers."""
    k = np.finfo(dtype).maxexp // 2
    return float(2.0**-k), float(2.0**k)


def in_safe_range(sum_sq: np.ndarray) -> bool:
    """True when every row's ‖x‖² is inside :func:`safe_range` (False for NaN, sorted out later)."""
    low, high = safe_range(sum_sq.dtype)
    return sum_sq.size == 0 or bool(low <= sum_sq.min() and sum_sq.max() <= high)


def range_exponent(rows: np.ndarray) -> np.ndarray:
    """Per row, e = (binary exponent of max|xᵢ|) − 1, so that max|xᵢ| / 2ᵉ ∈ [1, 2).

    0 (no scaling) for a zero row and for a row holding ±inf or NaN: such a row has no scale to
    bring into range. (``np.frexp`` gives them exponent 0, so e would be −1, and doubling the
    finite entries of ``[inf, 3e38]`` in float32 would overflow.)
    """
    peak = np.max(np.abs(rows), axis=1, initial=0)
    exponent = np.frexp(peak)[1].astype(np.int64) - 1
    exponent[~(np.isfinite(peak) & (peak > 0))] = 0
    return exponent


def forward_out_of_range(
    rows: np.ndarray, sum_sq: np.ndarray, buffer: Callable[[], np.ndarray]
) -> RowScale:
    """Bring every row whose ‖x‖² is outside the safe range into it; update ``sum_sq``.

    Nonzero rows are divided by 2ᵉ into a copy of ``rows`` (``buffer()``, only requested when
    such a row exists) and get ‖x/2ᵉ‖²; zero rows get ‖x‖² := 1 (so y = 0/1 = 0 and J = I, the
    gradient being divided by eps later); rows with ±inf become NaN. NaN rows are left as they are.
    The forward then goes on with ``RowScale.input``, these rows in range.
    """
    low, high = safe_range(rows.dtype)
    unsafe = np.flatnonzero((sum_sq < low) | (sum_sq > high))  # NaN compares False: left alone
    picked = rows[unsafe]
    nonzero = picked.any(axis=1)
    zero_rows, unsafe, picked = unsafe[~nonzero], unsafe[nonzero], picked[nonzero]
    sum_sq[zero_rows] = 1
    exponent = range_exponent(picked)
    scaled = rows
    if unsafe.size:
        with np.errstate(under="ignore"):
            picked = np.ldexp(picked, -exponent[:, None])  # exact: a power of two
            picked[~np.isfinite(picked).all(axis=1)] = np.nan  # a row with ±inf has no direction
            sum_sq[unsafe] = np.vecdot(picked, picked)
        scaled = buffer()
        np.copyto(scaled, rows)
        scaled[unsafe] = picked
    return RowScale(rows=unsafe, exponent=exponent, zero_rows=zero_rows, input=scaled)


# ---------------------------------------------------------------------------- grad_output rows
# Backward computes J g = (g − y (y·g)) / ‖x‖ (directly, or as J = (‖x‖² I − x xᵀ)/‖x‖³ times g).
# With every row of x in the safe range, 1/‖x‖ ≤ 2^(k/2), and an ordinary g, every step is a
# normal number. An extreme g breaks that even for an ordinary x: float64 g = [1.5e308]·2 on
# x = [1, 1] overflows y·g (the true gradient is 0), g of 2⁻¹⁰⁷⁰ on x ~ 2⁻²⁵⁶ rounds y·g to a
# subnormal before 1/‖x‖ ~ 2²⁵⁶ magnifies the lost bits. Such rows of g are divided by their own
# power of two 2^e_g (exact) and the gradient multiplied back, J(x) g = 2^e_g · J(x)(g/2^e_g).
# Each path finds them from numbers it has anyway, so the common case pays nothing noticeable.


@cache
def grad_bounds(dtype: np.dtype) -> tuple[float, float]:
    """(tiny/ε, ulp(max)/4) of ``dtype``: float64 (2⁻⁹⁷⁰, 2⁹⁶⁹), float32 (2⁻¹⁰³, 2¹⁰²).

    A product below tiny loses at most half the smallest subnormal, 2^(−nmant−1)·tiny; against a
    row of g of size ≥ tiny/ε that is below ε²: negligible. Adding anything of size ≤ ulp(max)/4
    to a finite number rounds to a finite number (overflow needs half an ulp of max).
    """
    info = np.finfo(dtype)
    ulp_of_max = 2.0 ** (info.maxexp - 1 - info.nmant)
    return float(info.tiny / info.eps), ulp_of_max / 4


@cache
def norm_scale(dtype: np.dtype) -> tuple[float, float]:
    """(2ˢ, (low·2ˢ)²) for :func:`scaled_square_norms`, low = tiny/ε from :func:`grad_bounds`.

    s = ⌈−log₂(smallest subnormal)/2⌉ + 1 (float64: 538, float32: 76), so the square of the
    smallest subnormal times 2ˢ is still nonzero: ‖g·2ˢ‖² = 0 only for a row of zeros.
    """
    info = np.finfo(dtype)
    s = (-int(np.log2(info.smallest_subnormal)) + 1) // 2 + 1
    low, _ = grad_bounds(dtype)
    return float(2.0**s), float((low * 2.0**s) ** 2)


def scaled_square_norms(
    grad_output: np.ndarray, rows: np.ndarray, scratch: tuple[np.ndarray, np.ndarray] | None
) -> np.ndarray:
    """‖g·2ˢ‖² of each row in ``rows`` (:func:`norm_scale`): 0 exactly for a zero row, and
    below d·(low·2ˢ)² for every row with max|gᵢ| < low (since ‖g‖² ≤ d·max|gᵢ|²).

    Few rows are copied out; many — an all-zero ``grad_output``, common where a loss ignores
    part of the batch, makes every row a suspect — go through ``scratch``: an (n, d) array that
    may be overwritten (the gradient buffer, written later anyway) and an (n,) one, so the rare
    path allocates nothing of size n·d and costs two passes instead of NumPy's row-wise max over
    short rows (several times slower). Entries that overflow when scaled give inf: not small.
    """
    scale, _ = norm_scale(grad_output.dtype)
    with np.errstate(over="ignore", under="ignore"):
        if scratch is None or rows.size * 8 <= grad_output.shape[0]:
            scaled = grad_output[rows] * scale
            return np.vecdot(scaled, scaled)
        scaled, norms = scratch
        np.multiply(grad_output, scale, out=scaled)
        return np.vecdot(scaled, scaled, out=norms)[rows]


def rows_needing_scale(
    grad_output: np.ndarray,
    rows: np.ndarray,
    big: np.ndarray,
    small_needs: Callable[[np.ndarray], np.ndarray],
    scratch: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """The suspect ``rows`` whose g must be rescaled.

    ``big`` marks suspects that may overflow: they need it when max|gᵢ| is finite and nonzero
    (one look at those rows, usually few). The others are small: ``small_needs`` decides from
    their :func:`scaled_square_norms`.
    """
    needs = np.zeros(rows.size, dtype=bool)
    if big.any():
        peak = np.max(np.abs(grad_output[rows[big]]), axis=1)
        needs[big] = np.isfinite(peak) & (peak > 0)
    if not big.all():
        small = ~big
        needs[small] = small_needs(scaled_square_norms(grad_output, rows[small], scratch))
    return rows[needs]


def direct_rows_out_of_range(
    y_dot_g: np.ndarray,
    inv_norm: np.ndarray,
    grad_output: np.ndarray,
    scratch: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Rows whose g the direct path must bring into range, judged from y·g (computed anyway).

    Direct path: (g − y (y·g)) · (1/‖x‖). With |y·g| ≤ ulp(max)/4 nothing before the last
    factor can overflow (|yᵢ| ≤ 1, so |gᵢ − yᵢ (y·g)| rounds to at most max); an overflow in that
    last product is a true gradient beyond the range, rounding to ±inf as it should. A larger
    or non-finite y·g flags its row. The other hazard is a tiny g: products yᵢ gᵢ lose bits to
    subnormal rounding, which 1/‖x‖ > 1 then magnifies. Since ‖g‖ ≥ |y·g|, a row with
    |y·g| ≥ tiny/ε is safe; rows with smaller |y·g| (g = 0 and g ⊥ y too) and 1/‖x‖ > 1 are only
    suspects: their max|gᵢ| (one look at those rows alone) decides. The common case costs two
    reductions over n numbers. Rows of NaN x (1/‖x‖ NaN) and rows of g holding ±inf or NaN are
    never flagged: they give NaN or ±inf whatever their scale. ``scratch`` is a reused (n,)
    buffer for |y·g|, an overwritable (n, d) one and another (n,) one for
    :func:`scaled_square_norms`. A small suspect is rescaled when its scaled ‖g‖² is nonzero and
    below d·(low·2ˢ)²: every row with 0 < max|gᵢ| < low, and perhaps a few a little above, for
    which the exact rescaling changes nothing.
    """
    low, high = grad_bounds(y_dot_g.dtype)
    size = np.abs(y_dot_g, out=scratch[0])
    if size.size == 0 or (size.max() <= high and size.min() >= low):  # NaN compares False
        return NO_ROWS
    suspect = ~(size <= high) | ((size < low) & (inv_norm > 1))
    rows = np.flatnonzero(suspect & ~np.isnan(inv_norm))
    if not rows.size:
        return rows
    _, small_bound = norm_scale(grad_output.dtype)
    below = small_bound * grad_output.shape[1]
    big = ~(size[rows] <= high)  # |y·g| too large, or NaN
    return rows_needing_scale(
        grad_output, rows, big, lambda norms: (norms > 0) & (norms < below), scratch[1:]
    )


def jacobian_rows_out_of_range(
    grad_output: np.ndarray, out: np.ndarray, scratch: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Rows whose g the Jacobian path must bring into range, judged from ‖g‖² per row.

    |Jᵢⱼ| ≤ 1/‖x‖ ≤ 2^(k/2) (x in the safe range, or rescaled), so each product Jᵢⱼ gⱼ is at
    most s = ‖g‖/‖x‖ and each sum at most (1 + √d) s. A row is safe when ‖g‖² (one ``vecdot``
    into ``out``, O(n·d), nothing beside the path's O(n·d²); a row-wise max would cost ten times
    more) is a finite number ≥ tiny: then ‖g‖ ≤ 2^(maxexp/2) keeps (1 + √d) s ≤ 2^(3·maxexp/4)·
    (1 + √d) far from overflow, and ‖g‖ ≥ 2^(minexp/2) keeps s ≥ 2^((minexp − k)/2) far above
    tiny/ε, where subnormal rounding would begin to matter. Other rows are suspects: an all-zero
    g (‖g‖² = 0) needs nothing: a small suspect (‖g‖² < tiny) is rescaled when it is not all
    zero, which :func:`scaled_square_norms` tells with the (n, d) and (n,) ``scratch``; a big one
    (‖g‖² overflowed, or NaN) when its max|gᵢ| is finite.
    """
    with np.errstate(over="ignore", under="ignore"):
        sum_sq = np.vecdot(grad_output, grad_output, out=out)
    info = np.finfo(grad_output.dtype)
    if sum_sq.size == 0 or (sum_sq.min() >= info.tiny and sum_sq.max() <= info.max):
        return NO_ROWS
    rows = np.flatnonzero(~((sum_sq >= info.tiny) & (sum_sq <= info.max)))
    big = ~(sum_sq[rows] < info.tiny)  # overflowed, or NaN
    return rows_needing_scale(grad_output, rows, big, lambda norms: norms > 0, scratch)


def add_rows(
    rows: np.ndarray, x_exponent: np.ndarray, more: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` ∪ ``more`` (sorted) and the matching 2^e of x: ``x_exponent`` or 0 for new rows."""
    merged = np.union1d(rows, more)
    exponent = np.zeros(merged.size, dtype=np.int64)
    exponent[np.searchsorted(merged, rows)] = x_exponent
    return merged, exponent


def rescale_grad_rows(
    grad_output: np.ndarray,
    rows: np.ndarray,
    x_exponent: np.ndarray,
    buffer: Callable[[], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """g with ``rows`` divided by their own 2^e_g (in a copy), and e_g − e per such row.

    ``rows`` are the rows the forward divided by 2ᵉ (``x_exponent``; 0 for a row of ordinary x
    whose g is out of range). Without this, g of a tiny row (g ~ x ~ 2⁻¹⁰⁷⁰) would be multiplied
    by J(x/s) ~ 1 while still tiny, losing its bits to subnormal rounding before the final
    factor restores the scale.
    """
    if not rows.size:
        return grad_output, NO_ROWS
    picked = grad_output[rows]
    grad_exponent = range_exponent(picked)
    scaled = buffer()
    np.copyto(scaled, grad_output)
    with np.errstate(under="ignore"):
        scaled[rows] = np.ldexp(picked, -grad_exponent[:, None])
    return scaled, grad_exponent - x_exponent


def unscale_gradient(
    grad: np.ndarray,
    grad_output: np.ndarray,
    rows: np.ndarray,
    shift: np.ndarray,
    zero_rows: np.ndarray,
    eps: float,
) -> None:
    """Finish, in place, the rows whose x or g was divided by a power of two, and the zero rows.

    A rescaled row gets its factor back, J(x) g = 2^shift · J(x/2ᵉ)(g/2^e_g), in one exact ldexp;
    a true gradient beyond the float range rounds to ±inf, one below it to a subnormal or 0, as
    IEEE arithmetic does, without a warning. A zero row gets g / eps.
    """
    with np.errstate(over="ignore", under="ignore"):
        if rows.size:
            grad[rows] = np.ldexp(grad[rows], shift[:, None])
        if zero_rows.size:
            # eps too small for the dtype counts as its smallest subnormal, never as 0
            eps_here = np.maximum(
                np.asarray(eps, grad.dtype), np.finfo(grad.dtype).smallest_subnormal
            )
            grad[zero_rows] = grad_output[zero_rows] / eps_here


# ---------------------------------------------------------------------------- the entry points
Buffer = Callable[[str, tuple[int, ...], np.dtype], np.ndarray]  # the layer's ``_buffer``


def direct_guard(
    y_dot_g: np.ndarray, inv_norm: np.ndarray, g: np.ndarray, grad: np.ndarray, buffer: Buffer
) -> np.ndarray:
    """The direct path's guard: rows of g out of range, judged from y·g (NO_ROWS: none).

    ``grad`` is scratch until the product is written; the other scratch comes from ``buffer``.
    """
    n, dtype = g.shape[0], g.dtype
    scratch = (buffer("abs_y_dot_g", (n,), dtype), grad, buffer("grad_norms", (n,), dtype))
    return direct_rows_out_of_range(y_dot_g, inv_norm, g, scratch)


def jacobian_guard(g: np.ndarray, grad: np.ndarray, buffer: Buffer) -> np.ndarray:
    """The Jacobian path's guard: rows of g out of range, judged from ‖g‖² (NO_ROWS: none)."""
    n, dtype = g.shape[0], g.dtype
    scratch = (grad, buffer("grad_norms", (n,), dtype))
    return jacobian_rows_out_of_range(g, buffer("grad_sum_sq", (n,), dtype), scratch)


def backward_out_of_range(
    product: Callable[..., np.ndarray],
    rows: np.ndarray,
    g: np.ndarray,
    grad: np.ndarray,
    rescaled: RowScale | None,
    outside: np.ndarray | None,
    buffer: Buffer,
    eps: float,
) -> None:
    """grad = J g, exactly, when the forward rescaled rows of x or a guard flagged rows of g.

    ``product(rows, g, grad, detect)`` is the layer's path (its guard runs when ``detect``).
    ``outside`` holds the rows of g its guard flagged, or None when the forward rescaled rows
    (the guard then runs here, on g with those rows rescaled). The rows of g concerned are
    divided by their own 2^e_g, the product run on rows all in range, and the factor
    2^(e_g − e) put back; zero rows of x get g / eps.
    """
    grad_rows = x_exponent = zero_rows = NO_ROWS
    if rescaled is not None:
        rows, grad_rows, x_exponent = rescaled.input, rescaled.rows, rescaled.exponent
        zero_rows = rescaled.zero_rows
    scaled = partial(buffer, "scaled_grad_output", rows.shape, rows.dtype)
    g_in_range, shift = rescale_grad_rows(g, grad_rows, x_exponent, scaled)
    if outside is None:
        outside = product(rows, g_in_range, grad, detect=True)
    if outside.size:  # rows of g itself out of range (rare): the product again, those in range too
        grad_rows, x_exponent = add_rows(grad_rows, x_exponent, outside)
        g_in_range, shift = rescale_grad_rows(g, grad_rows, x_exponent, scaled)
        product(rows, g_in_range, grad, detect=False)
    if grad_rows.size or zero_rows.size:  # J(x) g = 2^(e_g − e) J(x/2ᵉ)(g/2^e_g); 0-row: g/eps
        unscale_gradient(grad, g, grad_rows, shift, zero_rows, eps)
    if grad_rows.size:
        beyond = past_the_range(rows[grad_rows], g_in_range[grad_rows], shift)
        if beyond.any():
            picked = grad_rows[beyond]
            grad[picked] = exact_products(rows[picked], g[picked], x_exponent[beyond])


# ---------------------------------------------------------------------------- ‖g‖/‖x‖ past max
# The product's rounding error is about ε·‖g‖/‖x‖. When ‖g‖/‖x‖ itself is past the float range,
# that error alone overflows, though the true J g = (g − y (y·g))/‖x‖ may be small: x =
# [[5e-324, 5e-324]], g = [[8, 8]] (g along x) has J g = 0. Such rows are computed in exact
# rational arithmetic from the floats themselves, then rounded once: the answer wherever it is
# representable, ±inf where it is not. Python arithmetic, but only on those rows, which no
# real data reaches.


def past_the_range(x_rows: np.ndarray, g_rows: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Per rescaled row, whether ‖g‖/‖x‖ = 2^shift · ‖g/2^e_g‖/‖x/2ᵉ‖ may pass the float range."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.linalg.norm(g_rows, axis=1) / np.linalg.norm(x_rows, axis=1)
        log_ratio = shift + np.log2(ratio.astype(np.float64))
    return np.isfinite(log_ratio) & (log_ratio >= np.finfo(x_rows.dtype).maxexp - 1)


def exact_products(x_rows: np.ndarray, g_rows: np.ndarray, x_exponent: np.ndarray) -> np.ndarray:
    """J(x) g of each row, x = ``x_rows`` · 2^``x_exponent``: exact numerator, one rounding.

    J(x) g = (‖x‖² g − x (x·g)) / ‖x‖³ with ‖x‖² and x·g summed exactly (``Fraction``) and the
    denominator ‖x/2ᵉ‖³ rounded once; a result past the range is ±inf, below it 0.
    """
    out = np.empty(g_rows.shape)
    for row in range(x_rows.shape[0]):  # only the rows past the range (see above)
        x = [Fraction(v) for v in x_rows[row].tolist()]
        g = [Fraction(v) for v in g_rows[row].tolist()]
        sum_sq = sum(v * v for v in x)
        x_dot_g = sum(u * v for u, v in zip(x, g))
        square = float(sum_sq)
        # ‖x‖³ = ‖x/2ᵉ‖³ 2³ᵉ, and the numerator, of x/2ᵉ, is 2²ᵉ too small: 2ᵉ is left.
        cube = Fraction(square * math.sqrt(square)) * Fraction(2) ** int(x_exponent[row])
        out[row] = [_rounded((v * sum_sq - u * x_dot_g) / cube) for u, v in zip(x, g)]
    with np.errstate(over="ignore"):  # past float32's range: inf, as the result should be
        return out.astype(g_rows.dtype)


def _rounded(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
