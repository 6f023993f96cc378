"""``nn.SpatialReflectionPadding(l, r, t, b)``: pad each plane with its mirror image.

Along each axis, output position p copies input position r(p), the reflection about the border
element (which is not repeated): r = …, 2, 1, 0, 1, 2, …, H − 2, H − 1, H − 2, …; negative pads
crop. Each pad must be below the input's size on that axis. Gradient: every ∂L/∂y element adds
to the ∂L/∂x element it was copied from.
"""

from __future__ import annotations

from ._padding import CopiedPadding


class SpatialReflectionPadding(CopiedPadding):
    """Pad every plane with its reflection (the border element not repeated); see the module.

    y[..., i, j] = x[..., r(i), r(j)]; ∂L/∂x adds up ∂L/∂y over the copies. Input (C, H, W) or
    (N, C, H, W).

    Parameters
    ----------
    pad_l : int
        Columns added on the left (negative: removed).
    pad_r, pad_t, pad_b : int, optional
        Right, top and bottom; each defaults to ``pad_l``, as in Lua.
    """

    rule = "reflect"
