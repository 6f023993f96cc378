"""One object for everything a check is told: tolerances, mode, limits, what to keep.

:data:`OPTIONS` is the one definition of the keywords ``check_module`` and ``check_criterion``
take (their names, defaults and types; :func:`takes_options` gives both functions these
keywords as their signature). ``check_module(module, x, atol=1e-4, mode="fast")`` builds a
:class:`Settings` from them once, validated once, and every step of the check reads the fields
it needs from it.
"""

from __future__ import annotations

import difflib
import inspect
import math
import warnings
from collections.abc import Callable
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

#: Every keyword of a check: ``name: (default, type as the signature shows it)``.
OPTIONS: dict[str, tuple[object, str]] = {
    "eps": (1e-6, "float"),
    "atol": (1e-5, "float"),
    "rtol": (1e-3, "float"),
    "params": (True, "bool"),
    "dtype": (None, "np.dtype | type | str | None"),
    "raise_on_failure": (False, "bool"),
    "keep_jacobians": (None, "bool | None"),
    "mode": ("full", "str"),
    "max_memory": (GIB, "int | None"),
    "max_seconds": (600.0, "float | None"),
    "seed": (0, "int"),
}


def takes_options(*without: str) -> Callable[[Callable], Callable]:
    """Give a check function ``(..., **options)`` the signature of :data:`OPTIONS`' keywords
    (less ``without``), so that ``help()`` and the API page show each name and default."""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        fixed = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        keywords = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=kind)
            for name, (d, kind) in OPTIONS.items()
            if name not in without
        ]
        function.__signature__ = signature.replace(parameters=fixed + keywords)
        function.options = tuple(name for name in OPTIONS if name not in without)
        return function

    return decorate


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
    eps: float
    atol: float
    rtol: float
    params: bool
    dtype: np.dtype
    raise_on_failure: bool
    keep_jacobians: bool | None
    mode: str
    max_memory: int | None
    max_seconds: float | None
    seed: int

    @classmethod
    def checked(cls, who: str, options: dict[str, object], allowed: tuple[str, ...]) -> Settings:
        """Validate the keywords given (a ValueError/TypeError naming ``who``) and build the object.

        ``options`` are the keywords the caller passed, each one of ``allowed``; the rest take
        their :data:`OPTIONS` default. ``dtype=None`` means float64; another floating dtype is
        allowed with a warning (finite differences in float32 are mostly rounding noise).
        """
        for name in options:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise TypeError(f"{who}() got an unexpected keyword argument {name!r}{hint}")
        given = {name: default for name, (default, _) in OPTIONS.items()}
        given.update(options)
        eps, atol, rtol = given["eps"], given["atol"], given["rtol"]
        if not (_real(eps) and math.isfinite(eps) and eps > 0):
            raise ValueError(f"{who}: eps must be a positive finite number, got {eps!r}")
        for name, value in (("atol", atol), ("rtol", rtol)):
            if not (_real(value) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{who}: {name} must be a finite number >= 0, got {value!r}")
        for name in ("params", "raise_on_failure"):
            if not isinstance(given[name], bool):
                raise TypeError(f"{who}: {name} must be True or False, got {given[name]!r}")
        keep = given["keep_jacobians"]
        if keep is not None and not isinstance(keep, bool):
            raise TypeError(f"{who}: keep_jacobians must be True, False or None, got {keep!r}")
        if given["mode"] not in MODES:
            raise ValueError(f"{who}: mode must be 'full' or 'fast', got {given['mode']!r}")
        memory = given["max_memory"]
        if memory is not None and not (
            isinstance(memory, int | np.integer) and not isinstance(memory, bool) and memory > 0
        ):
            raise ValueError(f"{who}: max_memory must be a positive number of bytes or None")
        seconds = given["max_seconds"]
        if seconds is not None and not (_real(seconds) and seconds > 0):
            raise ValueError(f"{who}: max_seconds must be a positive number or None")
        seed = given["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"{who}: seed must be an int >= 0, got {seed!r}")
        given["dtype"] = _checking_dtype(who, given["dtype"])
        return cls(who=who, **given)

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
