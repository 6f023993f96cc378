"""Recipes of the simple layers: shapes (View, Narrow, Sum, ...) and element-wise maps.

Inputs are drawn from U(−2, 2), away from kinks almost surely; Sqrt, Log and a fractional Power
get positive inputs. ``nn.Index`` takes ``[x, indices]``: the checker holds the integer indices
fixed and checks x (repeated indices add their gradients up).
"""

from __future__ import annotations

import numpy as np

from ... import nn
from . import float32_recipe, recipe, uniform

positive = uniform(3, 4, low=0.5, high=2.0)


# ---------------------------------------------------------------- shapes
recipe("View", lambda: nn.View(12), uniform(2, 3, 4))
recipe("View, -1, num_input_dims", lambda: nn.View(-1, 6).set_num_input_dims(2), uniform(5, 3, 4))
recipe("Reshape", lambda: nn.Reshape(12), uniform(2, 3, 4))
recipe("Reshape, batch_mode", lambda: nn.Reshape(6, 2, batch_mode=True), uniform(2, 3, 4))
recipe("Narrow", lambda: nn.Narrow(1, 1, 3), uniform(3, 5))
recipe("Narrow, negative length", lambda: nn.Narrow(-1, 1, -2), uniform(3, 5))
recipe("Select", lambda: nn.Select(1, 2), uniform(3, 4))
recipe("Transpose", lambda: nn.Transpose((0, 1), (1, 2)), uniform(2, 3, 4))
recipe("Replicate", lambda: nn.Replicate(3, 1), uniform(2, 4))
recipe("Squeeze", nn.Squeeze, uniform(2, 1, 3, 1))
recipe("Unsqueeze", lambda: nn.Unsqueeze(1), uniform(3, 4))
recipe("Contiguous", nn.Contiguous, uniform(3, 4))
recipe("Copy", nn.Copy, uniform(3, 4))
recipe("Copy, forced copy", lambda: nn.Copy(force_copy=True), uniform(3, 4))
recipe("Padding, right, batch", lambda: nn.Padding(0, 2, 1, -1.0), uniform(2, 3))
recipe("Padding, left, index", lambda: nn.Padding(1, -2, value=0.5, index=1), uniform(2, 3))
recipe(
    "Index, repeated indices",
    lambda: nn.Index(0),
    lambda rng: [rng.uniform(-2, 2, (4, 3)), np.array([2, 0, 2], dtype=np.int64)],
)
recipe(
    "Index, last dim",
    lambda: nn.Index(-1),
    lambda rng: [rng.uniform(-2, 2, (2, 3, 4)), np.array([3, 3, 1, 0, 2], dtype=np.int64)],
)
recipe("Sum", lambda: nn.Sum(1), uniform(3, 4))
recipe("Sum, n_input_dims, size_average", lambda: nn.Sum(0, 1, True), uniform(2, 3))
recipe("Mean", lambda: nn.Mean(1), uniform(3, 4))
recipe("Max", lambda: nn.Max(1), uniform(3, 4))
recipe("Min", lambda: nn.Min(0), uniform(3, 4))

# ---------------------------------------------------------------- element-wise
recipe("MulConstant", lambda: nn.MulConstant(2.5), uniform(3, 4))
recipe("AddConstant", lambda: nn.AddConstant(-1.5), uniform(3, 4))
recipe("Abs", nn.Abs, uniform(3, 4))
recipe("Square", nn.Square, uniform(3, 4))
recipe("Sqrt", nn.Sqrt, positive)
recipe("Power, p = 3", lambda: nn.Power(3), uniform(3, 4))
recipe("Power, p = 0.5", lambda: nn.Power(0.5), positive)
recipe("Exp", nn.Exp, uniform(3, 4))
recipe("Log", nn.Log, positive)
recipe("Clamp", lambda: nn.Clamp(-0.5, 0.5), uniform(3, 4))
recipe("CMul, batch", lambda: nn.CMul(4), uniform(5, 4))
recipe("CMul, broadcast", lambda: nn.CMul(1, 4), uniform(3, 4))
recipe("CMul, 2-d weight, batch", lambda: nn.CMul(3, 4), uniform(2, 3, 4))
recipe("CAdd, batch", lambda: nn.CAdd(4), uniform(5, 4))
recipe("CAdd, 2-d bias", lambda: nn.CAdd(3, 4), uniform(3, 4))
recipe("Mul", nn.Mul, uniform(5, 4))
recipe("Add, batch", lambda: nn.Add(4), uniform(5, 4))
recipe("Add, scalar", lambda: nn.Add(4, scalar=True), uniform(5, 4))
float32_recipe(
    "Add, float32 = float64 clone", lambda: nn.Add(4).float(), uniform(5, 4, dtype=np.float32)
)
