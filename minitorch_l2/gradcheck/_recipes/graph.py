"""Recipes of ``nn.gModule``: fan-out and split, char-rnn's LSTM cell, a GRU cell, nesting.

The LSTM cell's output is the table ``[next_c, next_h]``: it is checked directly (the checker
reads table outputs block by block) and inside a Sequential that joins the table into one
tensor, which also checks a gModule as a child of a Sequential.
"""

from __future__ import annotations

import numpy as np

from ... import nn
from . import float32_recipe, recipe, uniform
from .table import pair


def _fan_out_and_split() -> nn.gModule:
    # x → Linear → h; h feeds Tanh, Sigmoid and a split of its two halves: five uses of h.
    x = nn.Identity()()
    h = nn.Linear(4, 6)(x)
    left, right = nn.SplitTable(1)(nn.Reshape(2, 3)(h)).split(2)
    mixed = nn.CMulTable()([nn.Tanh()(h), nn.Sigmoid()(h)])
    halves = nn.CAddTable()([left, nn.CMulTable()([right, right])])
    return nn.gModule([x], [nn.JoinTable(1)([mixed, halves, nn.Exp()(h)])])


def lstm_cell(input_size: int, rnn_size: int) -> nn.gModule:
    """char-rnn's LSTM step: ``[x, prev_c, prev_h] → [next_c, next_h]`` (its gate layout)."""
    x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()
    sums = nn.CAddTable()(
        [nn.Linear(input_size, 4 * rnn_size)(x), nn.Linear(rnn_size, 4 * rnn_size)(prev_h)]
    )
    n1, n2, n3, n4 = nn.SplitTable(1)(nn.Reshape(4, rnn_size)(sums)).split(4)
    in_gate, forget_gate, out_gate = nn.Sigmoid()(n1), nn.Sigmoid()(n2), nn.Sigmoid()(n3)
    in_transform = nn.Tanh()(n4)
    next_c = nn.CAddTable()(
        [nn.CMulTable()([forget_gate, prev_c]), nn.CMulTable()([in_gate, in_transform])]
    )
    next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
    return nn.gModule([x, prev_c, prev_h], [next_c, next_h])


def gru_cell(input_size: int, rnn_size: int) -> nn.gModule:
    """A GRU step ``[x, prev_h] → next_h``: h' = z ⊙ tanh(W x + U (r ⊙ h)) + (1 − z) ⊙ h."""
    x, prev_h = nn.Identity()(), nn.Identity()()

    def gate() -> object:
        both = [nn.Linear(input_size, rnn_size)(x), nn.Linear(rnn_size, rnn_size)(prev_h)]
        return nn.Sigmoid()(nn.CAddTable()(both))

    update, reset = gate(), gate()
    gated = nn.Linear(rnn_size, rnn_size)(nn.CMulTable()([reset, prev_h]))
    candidate = nn.Tanh()(nn.CAddTable()([nn.Linear(input_size, rnn_size)(x), gated]))
    keep = nn.AddConstant(1)(nn.MulConstant(-1)(update))
    next_h = nn.CAddTable()([nn.CMulTable()([update, candidate]), nn.CMulTable()([keep, prev_h])])
    return nn.gModule([x, prev_h], [next_h])


def _nested() -> nn.gModule:
    # A GRU cell as one node of an outer graph, whose input also skips past it.
    x, h = nn.Identity()(), nn.Identity()()
    cell = gru_cell(3, 4)([x, h])
    return nn.gModule([x, h], [nn.CAddTable()([cell, nn.Tanh()(h)])])


def _lstm_joined(dtype: type = np.float64) -> nn.Sequential:
    return nn.Sequential(lstm_cell(3, 4), nn.JoinTable(1)).type(dtype)


recipe("gModule, fan-out and split", _fan_out_and_split, uniform(5, 4))
recipe(
    "gModule, LSTM cell in a Sequential, then JoinTable", _lstm_joined, pair((5, 3), (5, 4), (5, 4))
)
float32_recipe(
    "gModule, LSTM cell, float32 = float64 clone",
    lambda: _lstm_joined(np.float32),
    pair((5, 3), (5, 4), (5, 4), dtype=np.float32),
)
recipe("gModule, LSTM cell, table out", lambda: lstm_cell(3, 4), pair((5, 3), (5, 4), (5, 4)))
recipe("gModule, GRU cell", lambda: gru_cell(3, 4), pair((5, 3), (5, 4)))
recipe("gModule, a GRU cell inside a gModule", _nested, pair((5, 3), (5, 4)))
