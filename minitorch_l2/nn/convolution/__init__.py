"""Convolution layers (Lua nn ``convolution.md``): temporal, spatial and volumetric."""

__all__: list[str] = []  # every class is exported flat from minitorch_l2.nn
