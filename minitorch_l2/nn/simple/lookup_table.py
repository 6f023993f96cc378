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
from .._lua_names import attribute_alias
from .._settings import array, boolean, integer, real
from ..module import Module

RENORM_EPS = 1e-7  # Lua's, added to the norm of a row being scaled down to max_norm


class LookupTable(Module):
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

    def _check_settings(self) -> None:
        who = self._who()
        self.n_index = integer(who, "n_index", self.n_index, 1)
        self.n_output = integer(who, "n_output", self.n_output, 1)
        if self.padding_value is not None:  # negative: from the end, stored 0-based
            value = integer(
                who, "padding_value", self.padding_value, -self.n_index, self.n_index - 1
            )
            self.padding_value = value % self.n_index
        if self.max_norm is not None:
            self.max_norm = real(who, "max_norm", self.max_norm, 0.0, low_open=True)
        self.norm_type = real(who, "norm_type", self.norm_type, 0.0, low_open=True)
        self.should_scale_grad_by_freq = boolean(
            who, "should_scale_grad_by_freq", self.should_scale_grad_by_freq
        )

    def validate(self) -> None:
        """Check the sizes, padding_value (in range), max_norm (> 0), norm_type (> 0), weights."""
        self._check_settings()
        shape = (self.n_index, self.n_output)
        array(self._who(), "weight", self.weight, shape, shape_is="(n_index, n_output)")
        super().validate()

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

    # ------------------------------------------------------------------ Lua's setters
    def set_padding(self, padding_value: int | None) -> LookupTable:
        """Set ``padding_value``; returns self (Lua's ``setPadding``).

        Parameters
        ----------
        padding_value : int or None
            The 0-based index whose positions add nothing to ``grad_weight``; None for none.
        """
        self.padding_value = padding_value
        self.validate()
        return self

    def set_max_norm(self, max_norm: float | None) -> LookupTable:
        """Set ``max_norm``; returns self (Lua's ``setMaxNorm``).

        Parameters
        ----------
        max_norm : float or None
            Rows read by a forward are scaled down to this norm first; None for no limit.
        """
        self.max_norm = max_norm
        self.validate()
        return self

    def set_norm_type(self, norm_type: float) -> LookupTable:
        """Set ``norm_type``; returns self (Lua's ``setNormType``).

        Parameters
        ----------
        norm_type : float
            The p (> 0) of the p-norm that ``max_norm`` bounds.
        """
        self.norm_type = norm_type
        self.validate()
        return self

    def scale_grad_by_freq(self) -> LookupTable:
        """Divide each position's gradient by how often its index occurs in the batch (Lua's)."""
        self.should_scale_grad_by_freq = True
        return self

    setPadding = set_padding
    setMaxNorm = set_max_norm
    setNormType = set_norm_type
    scaleGradByFreq = scale_grad_by_freq
    paddingValue = attribute_alias("padding_value")
    maxNorm = attribute_alias("max_norm")
    normType = attribute_alias("norm_type")

    # ------------------------------------------------------------------ the layer
    def check_input(self, input: np.ndarray | list) -> None:
        """Accept integer indices of shape (L,) or (n, L), else raise a TypeError/ValueError.

        Their range, [0, n_index), is checked by the steps that read them (``update_output``,
        ``acc_grad_parameters``), so that a direct call is checked too.

        Parameters
        ----------
        input : numpy.ndarray
            The indices given to ``forward`` or ``backward``.
        """
        who = self._who()
        if not isinstance(input, np.ndarray) or input.dtype.kind not in "iu":
            got = input.dtype if isinstance(input, np.ndarray) else type(input).__name__
            raise TypeError(
                f"{who}: expected integer indices (an int64 array of 0-based row numbers), got "
                f"{got}; convert with .astype(np.int64)"
            )
        if input.ndim not in (1, 2):
            raise ValueError(
                f"{who}: expected indices of shape (L,) or (n, L), got shape {input.shape}"
            )

    def _check_range(self, input: np.ndarray) -> None:
        """Raise a ValueError naming the first index outside [0, n_index) and the table size."""
        if input.size and (input.min() < 0 or input.max() >= self.n_index):
            bad = (input < 0) | (input >= self.n_index)
            where = np.unravel_index(int(np.argmax(bad)), input.shape)
            raise ValueError(
                f"{self._who()}: index {input[where]} at input[{', '.join(map(str, where))}] is "
                f"out of range for a table of {self.n_index} rows (0-based indices 0 .. "
                f"{self.n_index - 1}; Lua's 1-based index k is k - 1 here)"
            )

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
