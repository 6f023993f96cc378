"""Table layers (Lua nn ``table.md``): modules whose input or output is a table (a list)."""

__all__: list[str] = []  # every class is exported flat from minitorch_l2.nn
