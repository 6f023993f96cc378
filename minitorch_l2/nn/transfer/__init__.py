"""Transfer functions (Lua nn ``transfer.md``): element-wise and row-wise non-linearities."""

__all__: list[str] = []  # every class is exported flat from minitorch_l2.nn
