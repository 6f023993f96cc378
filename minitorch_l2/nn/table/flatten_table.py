"""``nn.FlattenTable``: a nested table flattened into one table of its tensors, depth first.

y = the leaves of x in depth-first order (the tensors themselves, as Lua); ∂L/∂x is ∂L/∂y's
tensors put back in x's nested layout.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._tables import describe, is_table, leaves, reuse_list
from ..module import Module


class FlattenTable(Module):
    """Flatten a nested table: ``[a, [b, [c]], d]`` → ``[a, b, c, d]``.

    ∂L/∂x = ∂L/∂y re-nested in x's layout: ``[g0, [g1, [g2]], g3]`` (the arrays themselves).
    """

    takes_table = True
    aliases_input = True

    def update_output(self, input: list) -> list:
        if type(input) is not list:
            raise TypeError(f"{self._who()}: expected a table (a list), got {describe(input)}")
        flat = [leaf for _, leaf in leaves(input)]
        out = self.output = reuse_list(self.output, len(flat))
        out[:] = flat
        return out

    def update_grad_input(self, input: list, grad_output: list) -> list:
        self.grad_input = _nested(input, iter(grad_output), self.grad_input)
        return self.grad_input


def _nested(layout: object, flat: Iterator[object], old: object) -> object:
    """The next items of ``flat`` arranged as ``layout``, reusing ``old``'s lists."""
    if not is_table(layout):
        return next(flat)
    items = reuse_list(old, len(layout))
    for index, item in enumerate(layout):
        items[index] = _nested(item, flat, items[index])
    return items
