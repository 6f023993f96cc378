"""Save and load models and checkpoints: our plain ``.npz`` (never pickle) and Lua's ``.t7``.

``save(path, value)`` writes a ``.npz`` (``_format.py`` has the layout) or, with
``format="t7"``, Torch 7 binary (``t7/``); ``load(path)`` tells the two apart by content. The
Lua values without a Python counterpart are ``TorchObject``, ``LuaFunction`` and ``LuaKey``.
See ``docs/serialization.md`` for a tour and the safety guarantees.
"""

from ..nn import jacobian as _jacobian
from ._files import DEFAULT_MAX_BYTES
from .loading import load
from .saving import save
from .t7 import mapped_lua_classes
from .t7.values import LuaFunction, LuaKey, TorchObject

# nn.Jacobian.testIO saves and loads through us: nn never imports serialization.
_jacobian.register_files(save, load)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LuaFunction",
    "LuaKey",
    "TorchObject",
    "load",
    "mapped_lua_classes",
    "save",
]
