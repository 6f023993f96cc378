"""``nn.LookupTable``: rows of a weight table picked by integer indices (word embeddings).

For indices i (a vector (L,) or a batch (n, L), 0-based) and W (n_index, n_output):

    y[..., :] = W[i[...], :],        ∂L/∂W[k] += scale · Σ g[p] over the positions p with i[p] = k,

a scatter-add: an index repeated in the input adds each of its gradient rows (Lua's loop of
axpy; here one ``np.add.at``). Positions holding ``padding_value`` add nothing. Indices have no
gradient: ``grad_input`` is zeros of the input's shape and integer dtype, as Lua returns.
With ``max_norm``, the rows about to be read are first renormalised in place, as in Lua: a row
whose ``norm_type``-norm exceeds ``max_norm`` is scaled by max_norm / (norm + 1e-7).
"""

from __future__ import annotations

import numpy as np

from ..._random import generator
from .._checks import reuse
from .._settings import real
from ._lookup_settings import LookupSettings

RENORM_EPS = 1e-7  # Lua's, added to the norm of a row being scaled down to max_norm


class LookupTable(LookupSettings):
    """Embedding table: y = W[input], for 0-based integer indices; W of shape (n_index, n_output).

    ∂L/∂W[k] += scale · Σ g over the positions whose index is k (repeated indices add up);
    ``grad_input`` is zeros, indices having no gradient.

    Parameters
    ----------
    n_index : int
        Number of rows: indices lie in [0, n_index).
    n_output : int
        Size of each row (the embedding).
    padding_value : int, optional
        A 0-based index whose positions add nothing to ``grad_weight`` (Lua's ``paddingValue``,
        1-based there: Lua's ``paddingValue = 1`` is ``padding_value=0``); a negative one counts
        from the end (−1: the last row). Its row is *not*
        zeroed, as in Lua: set ``weight[padding_value] = 0`` for an all-zero padding vector.
    max_norm : float, optional
        Before each forward, rows about to be read whose norm exceeds it are scaled down to it.
    norm_type : float, default 2
        The p of that p-norm (> 0).

    Notes
    -----
    Input: an integer array (L,) or (n, L), e.g. int64; anything else is a TypeError, an index
    outside [0, n_index) a ValueError naming it (negative indices do not count from the end here:
    a −1 is far more often a padding marker than a wish for the last row).
    """

    def __init__(
        self,
        n_index: int,
        n_output: int,
        padding_value: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2,
    ) -> None:
        super().__init__()
        self.n_index = n_index
        self.n_output = n_output
        self.padding_value = padding_value
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.should_scale_grad_by_freq = False
        self._check_settings()
        self.weight = np.empty((self.n_index, self.n_output))
        self.grad_weight = np.zeros((self.n_index, self.n_output))
        self.validate()
        self.reset()

    def reset(self, stdv: float | None = None) -> LookupTable:
        """Draw every row from N(0, stdv²), in place (Lua's ``reset``: stdv = 1 by default).

        Parameters
        ----------
        stdv : float, optional
            Standard deviation of the normal distribution, default 1.
        """
        stdv = 1.0 if stdv is None else real(self._who(), "stdv", stdv, 0.0)
        self.weight[...] = generator().normal(0.0, stdv, self.weight.shape)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        self._check_range(input)
        if self.max_norm is not None:
            self._renorm(np.unique(input))
        self.output = reuse(self.output, input.shape + (self.n_output,), self.weight.dtype)
        # mode="clip" skips take's own bounds check (a buffered output): _check_range did it
        np.take(self.weight, input, axis=0, out=self.output, mode="clip")
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # Indices have no gradient: zeros of the input's shape and dtype, as Lua's updateGradInput.
        self.grad_input = reuse(self.grad_input, input.shape, input.dtype)
        self.grad_input.fill(0)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        self._check_range(input)  # a negative flat index below would wrap round silently
        index = input.reshape(-1)
        rows = grad_output.reshape(index.size, self.n_output)
        if self.padding_value is not None:
            kept = index != self.padding_value
            index, rows = index[kept], rows[kept]
        if self.should_scale_grad_by_freq:
            counts = np.bincount(index, minlength=self.n_index)
            rows = rows * (scale / counts[index])[:, None]  # scale / (occurrences of k)
        elif scale != 1:
            rows = rows * scale
        grad = self.grad_weight
        if not grad.flags.c_contiguous:  # no flat view: the row-wise scatter-add
            np.add.at(grad, index, rows)
            return
        # W[k] += g[p] for every position p, repeated k included, in input order as Lua's loop;
        # on flat indices k·n_output + j, several times faster than np.add.at over rows.
        flat = self._buffer("flat_index", rows.shape, np.intp)
        np.multiply(index[:, None], self.n_output, out=flat)
        flat += np.arange(self.n_output)
        np.add.at(grad.reshape(-1), flat.reshape(-1), rows.reshape(-1))

    def _renorm(self, rows: np.ndarray) -> None:
        """Scale the given rows of ``weight`` whose norm exceeds ``max_norm``, in place."""
        picked = self.weight[rows]
        p = self.norm_type
        if p == 1:
            norms = np.abs(picked).sum(axis=1)
        elif p == 2:
            norms = np.sqrt(np.vecdot(picked, picked))
        else:
            norms = (np.abs(picked) ** p).sum(axis=1) ** (1 / p)
        over = norms > self.max_norm
        if over.any():
            factor = self.max_norm / (norms[over] + RENORM_EPS)
            self.weight[rows[over]] = picked[over] * factor[:, None]

    def __tostring__(self) -> str:
        return "nn.LookupTable"  # as Lua prints it
