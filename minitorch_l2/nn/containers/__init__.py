"""Containers (Lua nn ``containers.md``): modules that hold other modules in ``modules``."""

__all__: list[str] = []  # every class is exported flat from minitorch_l2.nn
