"""Inputs as named arrays: ``input`` for one array, ``input[0]``, ``input[1]`` for a tuple.

Torch modules and criteria take a tensor or a *table* of tensors (``CosineEmbeddingCriterion``
takes ``{x1, x2}``); here a table is a tuple or list of arrays. The checker perturbs each array
on its own, so it needs the arrays by name, deep copies of the whole structure, and the matching
piece of a returned ``grad_input``.
"""

from __future__ import annotations

import copy

import numpy as np

Input = np.ndarray | tuple[np.ndarray, ...] | list[np.ndarray]


def named_arrays(input: Input, who: str = "gradcheck") -> list[tuple[str, np.ndarray]]:
    """``[("input", x)]`` for an array, ``[("input[0]", x0), ...]`` for a tuple or list of arrays.

    Raises a TypeError naming ``who`` unless every array is a floating ndarray, because a
    finite difference of an integer array means nothing.
    """
    if isinstance(input, np.ndarray):
        pairs = [("input", input)]
    elif (
        isinstance(input, tuple | list) and input and all(isinstance(a, np.ndarray) for a in input)
    ):
        pairs = [(f"input[{k}]", a) for k, a in enumerate(input)]
    else:
        raise TypeError(
            f"{who}: expected the input to be a numpy.ndarray or a non-empty tuple of them, "
            f"got {type(input).__name__}"
        )
    for name, array in pairs:
        if array.dtype.kind != "f":
            raise TypeError(
                f"{who}: expected {name} of a floating dtype (float32 or float64), got "
                f"{array.dtype}; convert it with .astype(np.float64)"
            )
    return pairs


def copy_input(input: Input, dtype: np.dtype | None = None) -> Input:
    """A deep copy of ``input`` (same structure), converted to ``dtype`` when one is given."""
    if isinstance(input, np.ndarray):
        return input.astype(dtype or input.dtype, copy=True)
    return type(input)(a.astype(dtype or a.dtype, copy=True) for a in input)


def copy_target(target: object, source: np.dtype, dtype: np.dtype) -> object:
    """A deep copy of a criterion's ``target``; float arrays of dtype ``source`` become ``dtype``.

    Class-index targets (integers) keep their dtype; only a float target that shares the
    input's precision follows the input into the checking dtype.
    """
    if isinstance(target, np.ndarray):
        return target.astype(dtype if target.dtype == source else target.dtype, copy=True)
    if isinstance(target, tuple | list):
        return type(target)(copy_target(t, source, dtype) for t in target)
    return copy.deepcopy(target)


def arrays_of(input: Input) -> list[np.ndarray]:
    """The arrays inside ``input``, in the order of :func:`named_arrays`."""
    return [input] if isinstance(input, np.ndarray) else list(input)


def split_gradient(grad_input: object, input: Input) -> list[tuple[str, object]]:
    """Pair each input name with the matching piece of ``grad_input`` (any object, unchecked).

    For a tuple input, ``grad_input`` must be a tuple/list of the same length; otherwise every
    piece is reported as the whole ``grad_input`` so the caller can name what went wrong.
    """
    names = [name for name, _ in named_arrays(input)]
    if isinstance(input, np.ndarray):
        return [(names[0], grad_input)]
    if isinstance(grad_input, tuple | list) and len(grad_input) == len(names):
        return list(zip(names, grad_input))
    return [(name, grad_input) for name in names]


def same_value(a: object, b: object) -> bool:
    """True when two inputs or targets hold the same data: arrays bit for bit, recursively."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return bool(a == b)
