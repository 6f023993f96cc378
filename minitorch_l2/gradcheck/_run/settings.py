"""One object for everything a check is told: tolerances, mode, limits, what to keep.

``check_module(module, x, atol=1e-4, mode="fast")`` builds a :class:`Settings` once, validated
once, and every step of the check reads the fields it needs from it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

FLOAT64 = np.dtype(np.float64)

#: The default memory limit of a check: 1 GiB for the Jacobians it holds at once.
GIB = 1 << 30

#: With ``keep_jacobians=None`` (the default) a report keeps a block's Jacobians when they have
#: at most this many elements (512 KB each): small checks stay inspectable, and a large
#: module's report does not hold gigabytes.
KEPT_JACOBIAN_ELEMENTS = 1 << 16

MODES = ("full", "fast")


@dataclass(frozen=True)
class Settings:
    """How to check: built by ``check_module``/``check_criterion`` from their keywords.

    Parameters
    ----------
    who : str
        The public function, for messages (``check_module``).
    eps : float
        Finite-difference step.
    atol, rtol : float
        An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
    params : bool
        Check the parameters too.
    dtype : numpy.dtype
        The dtype the check computes in (float64 unless forced).
    raise_on_failure : bool
        Raise a GradcheckError on failure.
    keep_jacobians : bool or None
        Keep the Jacobians in the report: always, never, or (None) when small.
    mode : str
        ``"full"``: every Jacobian element; ``"fast"``: random projections vᵀJu first.
    max_memory : int or None
        Bytes the check may hold for its Jacobians at once; None for no limit.
    max_seconds : float or None
        Estimated seconds above which a full check is refused; None for no limit.
    seed : int
        Seed of the check's own random draws (grad_outputs, fast-mode directions).
    """

    who: str
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3
    params: bool = True
    dtype: np.dtype = FLOAT64
    raise_on_failure: bool = False
    keep_jacobians: bool | None = None
    mode: str = "full"
    max_memory: int | None = GIB
    max_seconds: float | None = 600.0
    seed: int = 0

    @classmethod
    def checked(cls, who: str, dtype: object = None, **options: object) -> Settings:
        """Validate every option (a ValueError/TypeError naming ``who``) and build the object.

        ``dtype=None`` means float64; another floating dtype is allowed with a warning (finite
        differences in float32 are mostly rounding noise).
        """
        eps, atol, rtol = (
            options.get("eps", 1e-6),
            options.get("atol", 1e-5),
            options.get("rtol", 1e-3),
        )
        if not (_real(eps) and math.isfinite(eps) and eps > 0):
            raise ValueError(f"{who}: eps must be a positive finite number, got {eps!r}")
        for name, value in (("atol", atol), ("rtol", rtol)):
            if not (_real(value) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{who}: {name} must be a finite number >= 0, got {value!r}")
        for name in ("params", "raise_on_failure"):
            if name in options and not isinstance(options[name], bool):
                raise TypeError(f"{who}: {name} must be True or False, got {options[name]!r}")
        keep = options.get("keep_jacobians")
        if keep is not None and not isinstance(keep, bool):
            raise TypeError(f"{who}: keep_jacobians must be True, False or None, got {keep!r}")
        mode = options.get("mode", "full")
        if mode not in MODES:
            raise ValueError(f"{who}: mode must be 'full' or 'fast', got {mode!r}")
        memory = options.get("max_memory", GIB)
        if memory is not None and not (
            isinstance(memory, int | np.integer) and not isinstance(memory, bool) and memory > 0
        ):
            raise ValueError(f"{who}: max_memory must be a positive number of bytes or None")
        seconds = options.get("max_seconds", 600.0)
        if seconds is not None and not (_real(seconds) and seconds > 0):
            raise ValueError(f"{who}: max_seconds must be a positive number or None")
        seed = options.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"{who}: seed must be an int >= 0, got {seed!r}")
        options = {**options, "mode": mode}
        return cls(who=who, dtype=_checking_dtype(who, dtype), **options)

    def keeps(self, elements: int) -> bool:
        """Whether a block of ``elements`` Jacobian elements is kept in the report."""
        if self.keep_jacobians is None:
            return elements <= KEPT_JACOBIAN_ELEMENTS
        return self.keep_jacobians

    def tolerance(self, numeric: np.ndarray | float) -> np.ndarray | float:
        """atol + rtol·|numeric|: the most an element may differ."""
        return self.atol + self.rtol * np.abs(numeric)


def _real(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _checking_dtype(who: str, dtype: object) -> np.dtype:
    if dtype is None:
        return FLOAT64
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.kind != "f":
        raise TypeError(f"{who}: dtype must be a floating dtype or None, got {dtype!r}")
    if resolved != FLOAT64:
        warnings.warn(
            f"gradcheck in {resolved}: finite differences at this precision are mostly rounding "
            f"noise (errors near 1e-3 are normal; use eps≈1e-3, atol≈1e-2), and a real bug can "
            f"hide in it. Leave dtype=None to check a float64 clone instead.",
            UserWarning,
            stacklevel=4,  # the caller of check_module/check_criterion
        )
    return resolved
