"""What Lua's ``read`` does to objects saved by older versions of their class, as functions an
entry's ``upgrade`` can use: ``upgrade(lua_fields, version) -> lua_fields``, on Lua's names."""

from __future__ import annotations

import numpy as np

from .mapping import MappingError


def running_std_to_running_var(fields: dict, version: int) -> dict:
    """``nn.BatchNormalization`` < 2 kept ``running_std`` = 1/√(var + eps); Lua's ``BN:read``
    turns it into ``running_var = running_std⁻² − eps``, as this does.

    Parameters
    ----------
    fields : dict
        The object's Lua fields (``running_std``, ``eps``).
    version : int
        The class version recorded in the file.

    Returns
    -------
    dict
        The fields with ``running_var`` in place of ``running_std``.
    """
    std = fields.get("running_std")
    if version >= 2 or std is None:
        return fields
    eps = fields.get("eps")
    if not isinstance(std, np.ndarray) or std.dtype.kind != "f" or not isinstance(eps, int | float):
        raise MappingError("nn.BatchNormalization: an old running_std needs a float tensor and eps")
    upgraded = {name: value for name, value in fields.items() if name != "running_std"}
    upgraded["running_var"] = (np.power(std, -2) - std.dtype.type(eps)).astype(std.dtype)
    return upgraded
