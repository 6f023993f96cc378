"""Recipes of the table modules, the containers Concat/Parallel/ConcatTable/ParallelTable, and
the table criteria.

A module whose output is a table is checked through a small composition that ends in a tensor,
named so ("SplitTable, through JoinTable"), and directly: the checker reads nested tables in and
out, block by block ("table out" recipes, whose report names ``input[1] → output[0][1]``).
"""

from __future__ import annotations

import numpy as np

from ... import nn
from . import float32_recipe, integers, recipe, uniform


def pair(*shapes: tuple[int, ...], low: float = -2.0, high: float = 2.0, dtype: type = np.float64):
    """Draw a table (a list) of arrays of ``shapes`` from U(low, high)."""
    return lambda rng: [rng.uniform(low, high, shape).astype(dtype) for shape in shapes]


def signs(n: int):
    """Draw n targets, each +1 or -1."""
    return lambda rng: rng.choice([-1.0, 1.0], n)


def _nested_then(module: nn.Module) -> nn.Sequential:
    # x → [x, [tanh x, sigmoid x]] → module → ...
    branches = nn.ConcatTable(nn.Identity(), nn.ConcatTable(nn.Tanh(), nn.Sigmoid()))
    return nn.Sequential(branches, module)


# ---------------------------------------------------------------- tensor outputs
recipe("JoinTable", lambda: nn.JoinTable(1), pair((3, 2), (3, 4)))
recipe("JoinTable, n_input_dims, batch", lambda: nn.JoinTable(0, 1), pair((3, 2), (3, 4)))
recipe("SelectTable", lambda: nn.SelectTable(1), pair((2,), (3, 2), (4,)))
recipe("SelectTable, negative index", lambda: nn.SelectTable(-1), pair((2,), (3, 2), (4,)))
recipe("CAddTable", nn.CAddTable, pair((3, 4), (3, 4), (3, 4)))
recipe("CSubTable", nn.CSubTable, pair((3, 4), (3, 4)))
recipe("CMulTable", nn.CMulTable, pair((3, 4), (3, 4), (3, 4)))
recipe(
    "CDivTable",
    nn.CDivTable,
    lambda rng: [rng.uniform(-2, 2, (3, 4)), rng.uniform(0.5, 2, (3, 4)) * rng.choice([-1, 1])],
)
recipe("CMaxTable", nn.CMaxTable, pair((3, 4), (3, 4), (3, 4)))
recipe("CMinTable", nn.CMinTable, pair((3, 4), (3, 4), (3, 4)))
recipe("MM", nn.MM, pair((2, 3), (3, 4)))
recipe("MM, batch, trans_a and trans_b", lambda: nn.MM(True, True), pair((2, 3, 2), (2, 4, 3)))
recipe("MV", nn.MV, pair((3, 4), (4,)))
recipe("MV, batch, trans", lambda: nn.MV(True), pair((2, 4, 3), (2, 4)))
recipe("DotProduct", nn.DotProduct, pair((3, 4), (3, 4)))
recipe("DotProduct, vectors", nn.DotProduct, pair((4,), (4,)))
recipe("CosineDistance", nn.CosineDistance, pair((3, 4), (3, 4)))
recipe("CosineDistance, vectors", nn.CosineDistance, pair((4,), (4,)))
recipe("PairwiseDistance, p=2", lambda: nn.PairwiseDistance(2), pair((3, 4), (3, 4)))
recipe("PairwiseDistance, p=1", lambda: nn.PairwiseDistance(1), pair((3, 4), (3, 4)))
recipe("PairwiseDistance, p=1.5, vectors", lambda: nn.PairwiseDistance(1.5), pair((4,), (4,)))
recipe("PairwiseDistance, p=3", lambda: nn.PairwiseDistance(3), pair((3, 4), (3, 4)))
recipe("Cosine", lambda: nn.Cosine(4, 3), uniform(5, 4))
recipe("Cosine, vector input", lambda: nn.Cosine(4, 3), uniform(4))
recipe("Euclidean", lambda: nn.Euclidean(4, 3), uniform(5, 4))
recipe("Euclidean, vector input", lambda: nn.Euclidean(4, 3), uniform(4))
recipe("Bilinear", lambda: nn.Bilinear(3, 4, 2), pair((5, 3), (5, 4)))
recipe("Bilinear, no bias", lambda: nn.Bilinear(3, 4, 2, bias=False), pair((5, 3), (5, 4)))
float32_recipe(
    "Bilinear, float32 = float64 clone",
    lambda: nn.Bilinear(3, 4, 2).float(),
    pair((5, 3), (5, 4), dtype=np.float32),
)
recipe("Concat", lambda: nn.Concat(1, nn.Linear(4, 3), nn.Tanh()), uniform(5, 4))
recipe("Parallel", lambda: nn.Parallel(0, 0, nn.Linear(3, 2), nn.Linear(3, 4)), uniform(2, 3))
recipe(
    "Parallel, batch slices",
    lambda: nn.Parallel(1, 1, nn.Linear(3, 2), nn.Tanh()),
    uniform(5, 2, 3),
)

# ---------------------------------------------------------------- table outputs, composed
recipe(
    "ConcatTable, through CAddTable",
    lambda: nn.Sequential(nn.ConcatTable(nn.Linear(4, 4), nn.Tanh()), nn.CAddTable()),
    uniform(5, 4),
)
recipe(
    "ConcatTable of a table, through JoinTable",
    lambda: nn.Sequential(
        nn.ConcatTable(nn.SelectTable(0), nn.CAddTable()), nn.FlattenTable(), nn.JoinTable(1)
    ),
    pair((3, 4), (3, 4)),
)
recipe(  # adds into the first Linear's output, which that Linear's backward never reads
    "CAddTable, inplace, after ConcatTable",
    lambda: nn.Sequential(nn.ConcatTable(nn.Linear(4, 3), nn.Linear(4, 3)), nn.CAddTable(True)),
    uniform(5, 4),
)
recipe(
    "ParallelTable, through JoinTable",
    lambda: nn.Sequential(nn.ParallelTable(nn.Linear(4, 3), nn.Tanh()), nn.JoinTable(1)),
    pair((5, 4), (5, 2)),
)
recipe(
    "SplitTable, through JoinTable",
    lambda: nn.Sequential(nn.SplitTable(1), nn.JoinTable(0)),
    uniform(3, 4),
)
recipe(
    "SplitTable, n_input_dims, through CMulTable",
    lambda: nn.Sequential(nn.SplitTable(0, 2), nn.CMulTable()),
    uniform(2, 3, 4),
)
recipe(
    "NarrowTable, through JoinTable",
    lambda: nn.Sequential(nn.NarrowTable(1, 2), nn.JoinTable(0)),
    pair((2,), (3,), (4,), (5,)),
)
recipe(
    "FlattenTable of a nested table, through JoinTable",
    lambda: _nested_then(nn.Sequential(nn.FlattenTable(), nn.JoinTable(1))),
    uniform(3, 4),
)
recipe(
    "SelectTable of a nested table, through CMulTable",
    lambda: _nested_then(nn.Sequential(nn.SelectTable(1), nn.CMulTable())),
    uniform(3, 4),
)

# ---------------------------------------------------------------- table outputs, directly
recipe(
    "ConcatTable, nested table out",
    lambda: nn.ConcatTable(nn.Linear(4, 3), nn.ConcatTable(nn.Tanh(), nn.Identity())),
    uniform(5, 4),
)
recipe(
    "ParallelTable, table out",
    lambda: nn.ParallelTable(nn.Linear(4, 3), nn.Tanh()),
    pair((5, 4), (5, 2)),
)
recipe("SplitTable, table out", lambda: nn.SplitTable(1), uniform(3, 4))
recipe("NarrowTable, table out", lambda: nn.NarrowTable(1, 2), pair((2,), (3,), (4,), (5,)))
recipe(
    "FlattenTable, nested table in",
    nn.FlattenTable,
    lambda rng: [rng.uniform(-2, 2, 3), [rng.uniform(-2, 2, 2), [rng.uniform(-2, 2, 4)]]],
)

# ---------------------------------------------------------------- criteria
recipe(
    "MarginRankingCriterion",
    lambda: nn.MarginRankingCriterion(0.5),
    pair((6,), (6,)),
    signs(6),
)
recipe(
    "ParallelCriterion",
    lambda: nn.ParallelCriterion().add(nn.MSECriterion(), 0.5).add(nn.ClassNLLCriterion()),
    pair((5, 3), (5, 4)),
    lambda rng: [rng.uniform(-2, 2, (5, 3)), rng.integers(0, 4, 5)],
)
recipe(
    "ParallelCriterion, repeat_target",
    lambda: nn.ParallelCriterion(True).add(nn.MSECriterion()).add(nn.MSECriterion(False), 2),
    pair((5, 3), (5, 3)),
    uniform(5, 3),
)
recipe(
    "MultiCriterion",
    lambda: nn.MultiCriterion().add(nn.ClassNLLCriterion(), 0.5).add(nn.CrossEntropyCriterion()),
    uniform(5, 4),
    integers(4, 5),
)
