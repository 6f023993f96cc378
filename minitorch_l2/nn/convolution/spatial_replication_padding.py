"""``nn.SpatialReplicationPadding(l, r, t, b)``: pad each plane by repeating its border.

Along each axis, output position p copies input position clip(p − pad, 0, H − 1): the first
and last rows (columns) are repeated outwards; negative pads crop. Gradient: every ∂L/∂y
element adds to the ∂L/∂x element it was copied from, so the border collects the padding's.
"""

from __future__ import annotations

from ._padding import CopiedPadding


class SpatialReplicationPadding(CopiedPadding):
    """Pad every plane by repeating its border rows and columns; see the module docstring.

    y[..., i, j] = x[..., clip(i − t), clip(j − l)]; ∂L/∂x adds up ∂L/∂y over the copies.
    Input (C, H, W) or (N, C, H, W).

    Parameters
    ----------
    pad_l : int
        Columns added on the left (negative: removed).
    pad_r, pad_t, pad_b : int, optional
        Right, top and bottom; each defaults to ``pad_l``, as in Lua.
    """

    rule = "replicate"
