"""LookupTable's settings and index checks: everything of the layer but its formula.

The checks of Lua's constructor arguments (``validate``), Lua's setters (``setPadding``,
``setMaxNorm``, ``setNormType``, ``scaleGradByFreq``) and field names, and the checks of the
integer indices it reads.
"""

from __future__ import annotations

import numpy as np

from .._lua_names import attribute_alias
from .._settings import array, boolean, integer, real
from ..module import Module


class LookupSettings(Module):
    """The settings, setters and index checks of ``nn.LookupTable`` (internal)."""

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

    def set_padding(self, padding_value: int | None) -> LookupSettings:
        """Set ``padding_value``; returns self (Lua's ``setPadding``).

        Parameters
        ----------
        padding_value : int or None
            The 0-based index whose positions add nothing to ``grad_weight``; None for none.
        """
        self.padding_value = padding_value
        self.validate()
        return self

    def set_max_norm(self, max_norm: float | None) -> LookupSettings:
        """Set ``max_norm``; returns self (Lua's ``setMaxNorm``).

        Parameters
        ----------
        max_norm : float or None
            Rows read by a forward are scaled down to this norm first; None for no limit.
        """
        self.max_norm = max_norm
        self.validate()
        return self

    def set_norm_type(self, norm_type: float) -> LookupSettings:
        """Set ``norm_type``; returns self (Lua's ``setNormType``).

        Parameters
        ----------
        norm_type : float
            The p (> 0) of the p-norm that ``max_norm`` bounds.
        """
        self.norm_type = norm_type
        self.validate()
        return self

    def scale_grad_by_freq(self) -> LookupSettings:
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
