"""Lua's ``inplace`` flag: the layer writes its result into the array it was given.

In place, ``output`` IS the input array and ``grad_input`` IS the ``grad_output`` array, as
Lua's ``self.output:set(input)``: no buffer is allocated, and the layer before sees its own
output (and the layer after its own ``grad_input``) overwritten. Backward then reads the
overwritten input, which each in-place layer's formula allows for.
"""

from __future__ import annotations

import numpy as np


def writable(who: str, array: np.ndarray, name: str = "input") -> np.ndarray:
    """``array`` itself when NumPy lets us write into it, else a ValueError naming ``who``."""
    if not array.flags.writeable:
        raise ValueError(
            f"{who}: inplace=True writes into the {name}, but it is read-only (a broadcast "
            f"view such as nn.Replicate's output?); use inplace=False"
        )
    return array
