"""Dimension arguments: 0-based, negative from the end, and Lua's ``nInputDims`` batch shift.

Lua's ``_getPositiveDimension``, on 0-based dims: a negative ``dim`` counts from the end of the
input's dimensions and never moves; a non-negative one moves one place right when the input has
``n_input_dims + 1`` dimensions (a batch in front of the ``n_input_dims`` a single sample has):
Lua's ``nn.Sum(2, 1)`` is our ``nn.Sum(1, 1)``, dim 1 of a vector and dim 2 of a batch of them.
Every module with a dimension setting (the shape modules, the table modules, ``Concat``,
``Parallel``) resolves it here, so the rule and its error read the same everywhere.
"""

from __future__ import annotations

from ._settings import integer


def resolve_dim(
    who: str,
    dim: int,
    shape: tuple[int, ...],
    n_input_dims: int | None = None,
    name: str = "dim",
) -> int:
    """The 0-based axis ``dim`` names in an input of ``shape``, or a ValueError naming ``who``."""
    ndim = len(shape)
    batch = dim >= 0 and n_input_dims is not None and ndim == n_input_dims + 1
    axis = dim + ndim if dim < 0 else dim + batch
    if not 0 <= axis < ndim:
        shifted = f" ({axis} in a batch of {n_input_dims}-dim samples)" if batch else ""
        raise ValueError(
            f"{who}: {name} {dim}{shifted} is out of range for an input of shape {shape} "
            f"(dims are 0-based, valid {-ndim} .. {ndim - 1}; a negative one counts from the end)"
        )
    return axis


def dim_settings(who: str, dim: object, n_input_dims: object) -> tuple[int, int | None]:
    """A ``dim`` setting (an int) and an ``n_input_dims``-style one (None or an int >= 1).

    Returns both normalised (a TypeError or ValueError naming ``who`` otherwise): the one
    validation of ``JoinTable``, ``SplitTable`` and the shape modules' dimension settings.
    """
    return integer(who, "dimension", dim), optional_count(who, "n_input_dims", n_input_dims)


def optional_count(who: str, name: str, value: object) -> int | None:
    """None, or a number of dimensions ≥ 1 (``n_input_dims``-style settings)."""
    return None if value is None else integer(who, name, value, minimum=1)


def index_along(axis: int, index: int | slice) -> tuple:
    """The indexing tuple picking ``index`` along ``axis``: ``x[index_along(1, 2)]`` is x[:, 2]."""
    return (slice(None),) * axis + (index,)
