"""Dimension arguments of the shape modules: 0-based, negative from the end, Lua's batch shift.

Lua's ``nn.Sum(2, 1)`` sums dim 2 of a 1-d sample and dim 3 of a batch of them: a non-negative
dim moves one place right when the input has one more dimension than ``n_input_dims``. Ours is
the same rule on 0-based dims; a negative dim counts from the end and never moves.
"""

from __future__ import annotations

from .._settings import integer


def axis(who: str, dim: int, shape: tuple[int, ...], name: str = "dim") -> int:
    """``dim`` as an axis of an input of ``shape`` (negative from the end), else a ValueError."""
    ndim = len(shape)
    resolved = dim + ndim if dim < 0 else dim
    if not 0 <= resolved < ndim:
        raise ValueError(
            f"{who}: {name} {dim} is out of range for an input of shape {shape} "
            f"(valid: {-ndim} .. {ndim - 1})"
        )
    return resolved


def batch_axis(who: str, dim: int, shape: tuple[int, ...], n_input_dims: int | None) -> int:
    """Lua's rule: a dim ≥ 0 moves one right when the input is a batch of n_input_dims samples."""
    if dim >= 0 and n_input_dims is not None and len(shape) == n_input_dims + 1:
        if dim + 1 >= len(shape):
            raise ValueError(
                f"{who}: dim {dim} ({dim + 1} in a batch of {n_input_dims}-dim samples) is out "
                f"of range for an input of shape {shape}"
            )
        return dim + 1
    return axis(who, dim, shape)


def optional_count(who: str, name: str, value: object) -> int | None:
    """None, or a number of dimensions ≥ 1 (``n_input_dims``-style settings)."""
    return None if value is None else integer(who, name, value, minimum=1)
