"""The two dtypes modules compute in, by any spelling: NumPy's and Lua's tensor type names."""

from __future__ import annotations

import numpy as np

from ._checks import SUPPORTED_FLOAT_CHARS

_TORCH_TYPES = {
    "torch.FloatTensor": np.dtype(np.float32),
    "torch.DoubleTensor": np.dtype(np.float64),
}


class _NoArgument:
    def __repr__(self) -> str:
        return "<no argument>"


#: The default of ``type(dtype=...)``: no argument given (``type()`` answers the type's name).
NO_ARGUMENT = _NoArgument()


def as_module_dtype(dtype: object, who: str) -> np.dtype:
    """float32 or float64 from any spelling (``np.float32``, ``"float64"``, Lua's type names).

    Anything else — None, another dtype, a string NumPy does not know — is a TypeError naming
    ``who`` and the two accepted types.

    Parameters
    ----------
    dtype : object
        The requested type.
    who : str
        The module or criterion asking, for the message.

    Returns
    -------
    numpy.dtype
        float32 or float64.
    """
    if isinstance(dtype, str) and dtype in _TORCH_TYPES:
        return _TORCH_TYPES[dtype]
    if dtype is None:
        raise TypeError(
            f"{who}: type() needs a dtype, float32 or float64 (np.float32, 'float64', "
            f"'torch.FloatTensor', ...), got None; call type() without arguments to read it"
        )
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.char not in SUPPORTED_FLOAT_CHARS:
        got = repr(dtype) if resolved is None else resolved.name
        raise TypeError(
            f"{who}: type() expects a floating dtype modules compute in (np.float32, 'float64', "
            f"'torch.FloatTensor', 'torch.DoubleTensor'): float32 or float64, got {got}"
        )
    return resolved


def lua_type_name(dtype: np.dtype) -> str:
    """``'torch.FloatTensor'`` or ``'torch.DoubleTensor'``, as Lua's ``module:type()`` answers.

    Parameters
    ----------
    dtype : numpy.dtype
        float32 or float64.

    Returns
    -------
    str
        Lua's tensor type name.
    """
    return "torch.FloatTensor" if dtype == np.float32 else "torch.DoubleTensor"
