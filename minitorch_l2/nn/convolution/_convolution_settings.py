"""What the convolutions share beside their formulas: settings, parameter shapes, geometry.

``ConvolutionSettings`` is the base of ``nn.SpatialConvolution`` (and so of its MM, dilated,
full, map and volumetric variants): it checks Lua's integer settings, makes and checks weight
and bias of the shapes they imply, gives the geometry the columns are built from, the weight as
the matrix of the products, and Lua's field names (``nInputPlane``, ``kW``, ...).
"""

from __future__ import annotations

import numpy as np

from .._lua_names import attribute_alias
from .._settings import array, integer
from ..module import Module
from ._columns import Grid, as_matrix, grid_for


class ConvolutionSettings(Module):
    """A convolution's settings and parameters (internal); see ``nn.SpatialConvolution``."""

    def _make_parameters(self) -> None:
        """Weight and bias of the shapes the (checked) settings give, then validate and reset."""
        self._validate_settings()  # no array is made from an unchecked size
        shape = self._weight_shape()
        self.weight = np.empty(shape)
        self.grad_weight = np.zeros(shape)
        self.bias = np.empty(self.n_output_plane)
        self.grad_bias = np.zeros(self.n_output_plane)
        self.validate()
        self.reset()

    def _integer_settings(self) -> dict[str, int]:
        """Each integer setting with its smallest allowed value (subclasses add theirs)."""
        return {
            "n_input_plane": 1,
            "n_output_plane": 1,
            "k_w": 1,
            "k_h": 1,
            "d_w": 1,
            "d_h": 1,
            "pad_w": 0,
            "pad_h": 0,
        }

    def _validate_settings(self) -> None:
        """Check and normalise the integer settings (the part of ``validate`` before weights)."""
        who = f"nn.{type(self).__name__}"
        for name, least in self._integer_settings().items():
            setattr(self, name, integer(who, name, getattr(self, name), least))

    def validate(self) -> None:
        """Check every setting, and that weight and bias have the shapes they imply."""
        self._validate_settings()
        who = f"nn.{type(self).__name__}"
        shape = self._weight_shape()
        self.weight = array(who, "weight", self.weight, shape)
        self.grad_weight = array(who, "grad_weight", self.grad_weight, shape, self.weight.dtype)
        if (self.bias is None) != (self.grad_bias is None):
            raise ValueError(f"{who}: bias and grad_bias must both be arrays or both None")
        if self.bias is not None:
            dtype = self.weight.dtype
            self.bias = array(who, "bias", self.bias, (self.n_output_plane,), dtype)
            self.grad_bias = array(who, "grad_bias", self.grad_bias, self.bias.shape, dtype)
        super().validate()

    def _weight_shape(self) -> tuple[int, ...]:
        """(n_output_plane, n_input_plane, k_h, k_w), as Lua stores it."""
        return (self.n_output_plane, self.n_input_plane, self.k_h, self.k_w)

    def _fan_in(self) -> int:
        """Inputs seen by one output: k_w · k_h · n_input_plane (sets the default init)."""
        return self.k_w * self.k_h * self.n_input_plane

    def _geometry(self) -> tuple[tuple[int, ...], ...]:
        """(kernel, stride, pad, dilation) per spatial dimension, height first."""
        return (self.k_h, self.k_w), (self.d_h, self.d_w), (self.pad_h, self.pad_w), (1, 1)

    def _grid(self, input: np.ndarray) -> tuple[np.ndarray, Grid]:
        return grid_for(self._who(), input, self.n_input_plane, *self._geometry())

    def _weight_matrix(self) -> np.ndarray:
        """W as the matrix of the products, one row per plane of its first axis (a view)."""
        return as_matrix(self.weight, self.weight.shape[0])

    def _add_weight_step(self, step: np.ndarray) -> None:
        """∂L/∂W += step, ``step`` in the shape of :meth:`_weight_matrix`."""
        grad_weight = as_matrix(self.grad_weight, self.grad_weight.shape[0])
        grad_weight += step

    def _who(self) -> str:
        return repr(self)

    nInputPlane = attribute_alias("n_input_plane")
    nOutputPlane = attribute_alias("n_output_plane")
    kW = attribute_alias("k_w")
    kH = attribute_alias("k_h")
    dW = attribute_alias("d_w")
    dH = attribute_alias("d_h")
    padW = attribute_alias("pad_w")
    padH = attribute_alias("pad_h")
