"""``nn.tables``: connection tables for ``SpatialConvolutionMap`` and ``SpatialFullConvolutionMap``.

A connection table is an int64 array (K, 2): row k connects input plane ``table[k, 0]`` to
output plane ``table[k, 1]`` through its own kernel ``weight[k]``. **Plane numbers are 0-based**
(the project's rule for indices); Lua's tables hold 1-based plane numbers, so a table ported
from Lua, or read from a Lua file, is ``lua_table - 1``.
"""

from __future__ import annotations

import numpy as np

from ..._random import generator
from .._settings import integer


def full(nin: int, nout: int) -> np.ndarray:
    """Every input plane to every output plane: (nin·nout, 2), output-major as Lua orders it.

    Parameters
    ----------
    nin, nout : int
        Input and output planes (≥ 1).

    Returns
    -------
    numpy.ndarray of int64, shape (nin · nout, 2)
        Row j·nin + i is ``[i, j]``.
    """
    nin, nout = integer("nn.tables.full", "nin", nin, 1), integer("nn.tables.full", "nout", nout, 1)
    inputs, outputs = np.meshgrid(np.arange(nin), np.arange(nout))
    return np.stack([inputs.ravel(), outputs.ravel()], axis=1).astype(np.int64)


def one_to_one(nfeat: int) -> np.ndarray:
    """Plane i to plane i, for i < nfeat (Lua's ``oneToOne``).

    Parameters
    ----------
    nfeat : int
        Planes (≥ 1).

    Returns
    -------
    numpy.ndarray of int64, shape (nfeat, 2)
        Row i is ``[i, i]``.
    """
    nfeat = integer("nn.tables.one_to_one", "nfeat", nfeat, 1)
    return np.repeat(np.arange(nfeat, dtype=np.int64)[:, None], 2, axis=1)


oneToOne = one_to_one


def random(nin: int, nout: int, nto: int) -> np.ndarray:
    """Each output plane fed by ``nto`` distinct input planes drawn at random, as Lua draws them.

    The inputs are dealt from a random permutation of the nin planes in chunks of nto; when
    ⌊nin/nto⌋ chunks have been dealt, a new permutation starts, so the input planes are used as
    evenly as possible. Draws come from the generator of ``minitorch_l2.manual_seed``.

    Parameters
    ----------
    nin, nout : int
        Input and output planes (≥ 1).
    nto : int
        Input planes per output plane, in [1, nin].

    Returns
    -------
    numpy.ndarray of int64, shape (nout · nto, 2)
        Rows o·nto … o·nto + nto − 1 are the connections into output plane o.
    """
    who = "nn.tables.random"
    nin, nout = integer(who, "nin", nin, 1), integer(who, "nout", nout, 1)
    nto = integer(who, "nto", nto, 1, nin)
    chunks = nin // nto
    rng = generator()
    dealt = [
        rng.permutation(nin)[: chunks * nto].reshape(chunks, nto) for _ in range(-(-nout // chunks))
    ]
    inputs = np.concatenate(dealt)[:nout]
    outputs = np.repeat(np.arange(nout), nto).reshape(nout, nto)
    return np.stack([inputs.ravel(), outputs.ravel()], axis=1).astype(np.int64)
