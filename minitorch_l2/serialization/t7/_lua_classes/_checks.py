"""Small checks shared by the entries: a constructor's checks for a class without ``validate()``."""

from __future__ import annotations

import numpy as np

from ....nn._settings import boolean, real
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


def size_average(criterion: object) -> None:
    """A criterion's ``size_average`` must be a boolean (Lua's ``sizeAverage``).

    Parameters
    ----------
    criterion : object
        The loaded criterion.
    """
    criterion.size_average = boolean(criterion._who(), "sizeAverage", criterion.size_average)


def probability(module: object) -> None:
    """Dropout's ``p`` must be a real number in [0, 1), as its constructor requires.

    Parameters
    ----------
    module : object
        The loaded module.
    """
    module.p = real(module._who(), "p", module.p, 0.0, 1.0, high_open=True)
