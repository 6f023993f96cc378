"""Criteria (Lua nn ``criterion.md``): losses L(input, target) and ∂L/∂input."""

__all__: list[str] = []  # every class is exported flat from minitorch_l2.nn
