"""``minitorch_l2.optim``: optimisers in Torch 7's functional style.

``x, losses = optim.method(feval, x, config=None, state=None)`` where ``feval(x) -> (loss, grad)``
and ``x`` (usually the flat vector from ``module.get_parameters()``) is updated in place. As in
Torch, ``state`` defaults to ``config``: reuse one dict across calls to keep momentum and moments.
"""

from .adam import adam
from .lbfgs import lbfgs
from .sgd import sgd

__all__ = ["adam", "lbfgs", "sgd"]
