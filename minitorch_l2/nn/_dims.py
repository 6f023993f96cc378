"""Dimension arguments: 0-based, negative from the end, and Lua's ``nInputDims`` batch shift.

Lua's ``_getPositiveDimension``: a negative ``dim`` counts from the end of the input's
dimensions; a non-negative one moves one place right when the input has ``n_input_dims + 1``
dimensions (a batch in front of the ``n_input_dims`` a single sample has).
"""

from __future__ import annotations


def resolve_dim(
    who: str, dim: int, ndim: int, n_input_dims: int | None = None, name: str = "dim"
) -> int:
    """The 0-based axis ``dim`` names in an input of ``ndim`` dimensions, or a ValueError."""
    if dim < 0:
        axis = ndim + dim
    elif n_input_dims is not None and ndim == n_input_dims + 1:
        axis = dim + 1  # a batch: the sample's dimensions start one place later
    else:
        axis = dim
    if not 0 <= axis < ndim:
        shift = "" if n_input_dims is None else f", n_input_dims={n_input_dims}"
        raise ValueError(
            f"{who}: {name}={dim}{shift} is out of range for a tensor of {ndim} dimensions "
            f"(dimensions are 0-based; negative ones count from the end)"
        )
    return axis


def index_along(axis: int, index: int | slice) -> tuple:
    """The indexing tuple picking ``index`` along ``axis``: ``x[index_along(1, 2)]`` is x[:, 2]."""
    return (slice(None),) * axis + (index,)
