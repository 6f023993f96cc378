"""Small helpers shared by the entries: the shapes Lua's fields give our sizes."""

from __future__ import annotations

import numpy as np

from ..mapping import MappingError


def matrix_shape(attributes: dict, name: str, who: str) -> tuple[int, int]:
    """The (rows, columns) of the 2-D float tensor ``attributes[name]``, else a MappingError.

    Parameters
    ----------
    attributes : dict
        The mapped attributes.
    name : str
        Which one.
    who : str
        The Lua class, for the message.
    """
    value = attributes.get(name)
    if not isinstance(value, np.ndarray) or value.ndim != 2 or min(value.shape) < 1:
        got = value.shape if isinstance(value, np.ndarray) else type(value).__name__
        raise MappingError(f"{who}: {name} must be a non-empty 2-D tensor, got {got}")
    return value.shape


def vector_size(attributes: dict, name: str, who: str) -> int:
    """The length of the 1-D tensor ``attributes[name]``, else a MappingError.

    Parameters
    ----------
    attributes : dict
        The mapped attributes.
    name : str
        Which one.
    who : str
        The Lua class, for the message.
    """
    value = attributes.get(name)
    if not isinstance(value, np.ndarray) or value.ndim != 1 or value.size < 1:
        got = value.shape if isinstance(value, np.ndarray) else type(value).__name__
        raise MappingError(f"{who}: {name} must be a non-empty 1-D tensor, got {got}")
    return value.shape[0]
