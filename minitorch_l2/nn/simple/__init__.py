"""Simple layers (Lua nn ``simple.md``): parametrised, shape, element-wise, normalisation."""

__all__: list[str] = []  # every class is exported flat from minitorch_l2.nn
