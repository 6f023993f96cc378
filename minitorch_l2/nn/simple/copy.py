"""``nn.Copy(in_type, out_type)``: y = x converted to ``out_type``; ∂L/∂x = g in ``in_type``.

With equal types (and no ``force_copy``) y is x itself and ∂L/∂x is g itself, as Lua's.
"""

from __future__ import annotations

import numpy as np

from .._settings import boolean
from .._types import NO_ARGUMENT, as_module_dtype, lua_type_name
from ..module import Module


class Copy(Module):
    """y = x as ``out_type``, ∂L/∂x = g as ``in_type``; no copy when the types agree.

    ``float()``/``double()``/``type(t)`` make both types t (Lua converts the module's output and
    gradInput tensors the same way), unless ``dont_cast``.

    Parameters
    ----------
    in_type : str, numpy.dtype or None
        The input's type: ``'torch.DoubleTensor'``, ``'torch.FloatTensor'``, ``np.float32``,
        ``'float64'``, ...; None (default) is float64, Torch's default tensor type.
    out_type : str, numpy.dtype or None
        The output's type, spelt the same ways; default float64.
    force_copy : bool
        Copy even when the types agree (default False).
    dont_cast : bool
        Keep both types through ``float()``/``double()``/``type()`` (default False).
    """

    aliases_input = True

    def __init__(
        self,
        in_type: object = None,
        out_type: object = None,
        force_copy: bool = False,
        dont_cast: bool = False,
    ) -> None:
        super().__init__()
        self.in_type = np.dtype(np.float64) if in_type is None else in_type
        self.out_type = np.dtype(np.float64) if out_type is None else out_type
        self.force_copy = force_copy
        self.dont_cast = dont_cast
        self.validate()

    def validate(self) -> None:
        """Resolve both types to float32/float64 and check the two flags."""
        self.in_type = as_module_dtype(self.in_type, "nn.Copy (in_type)")
        self.out_type = as_module_dtype(self.out_type, "nn.Copy (out_type)")
        self.force_copy = boolean("nn.Copy", "force_copy", self.force_copy)
        self.dont_cast = boolean("nn.Copy", "dont_cast", self.dont_cast)
        super().validate()

    def check_input(self, input: np.ndarray) -> None:
        """Accept only an array of ``in_type``, else a TypeError naming the type expected.

        Parameters
        ----------
        input : numpy.ndarray
            The input given to ``forward``.
        """
        if not isinstance(input, np.ndarray) or input.dtype != self.in_type:
            got = f"dtype {input.dtype}" if isinstance(input, np.ndarray) else type(input).__name__
            raise TypeError(
                f"{self._who()}: expected an input of the in_type {self.in_type} "
                f"({lua_type_name(self.in_type)}), got {got}"
            )

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if self.in_type == self.out_type and not self.force_copy:
            self.output = input
        else:
            self.output = self._buffer("output", input.shape, self.out_type)
            np.copyto(self.output, input, casting="unsafe")
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if self.in_type == self.out_type and not self.force_copy:
            self.grad_input = grad_output
        else:
            self.grad_input = self._buffer("grad_input", grad_output.shape, self.in_type)
            np.copyto(self.grad_input, grad_output, casting="unsafe")
        return self.grad_input

    def type(self, dtype: object = NO_ARGUMENT, tensor_cache: object = None) -> Module | str:
        """Make both types ``dtype`` (unless ``dont_cast``), then ``Module.type``.

        Parameters
        ----------
        dtype : numpy.dtype, type or str
            float32 or float64 in any spelling ``Module.type`` takes; omitted, the output type.
        tensor_cache : object, optional
            Accepted for Lua's signature and ignored.

        Returns
        -------
        Module or str
            ``self``; or, without ``dtype``, the output's type name.
        """
        if dtype is NO_ARGUMENT:
            return lua_type_name(self.out_type)
        if self.dont_cast:
            return self
        self.in_type = self.out_type = as_module_dtype(dtype, self._who())
        return super().type(dtype, tensor_cache)
