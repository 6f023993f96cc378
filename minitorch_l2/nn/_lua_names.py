"""Lua Torch spellings as true aliases of the Python ones.

A layer ported line by line from Lua defines ``updateOutput``; a Python layer defines
``update_output``. Whichever one a class defines, this makes the other name the same function,
so ``forward``/``backward`` (which call the snake_case names) reach the code the user wrote.
"""

from __future__ import annotations

MODULE_METHODS: dict[str, str] = {
    "update_output": "updateOutput",
    "update_grad_input": "updateGradInput",
    "acc_grad_parameters": "accGradParameters",
    "zero_grad_parameters": "zeroGradParameters",
    "update_parameters": "updateParameters",
    "get_parameters": "getParameters",
    "clear_state": "clearState",
    "list_modules": "listModules",
    "find_modules": "findModules",
}

CRITERION_METHODS: dict[str, str] = {
    "update_output": "updateOutput",
    "update_grad_input": "updateGradInput",
}


def link_lua_names(cls: type, pairs: dict[str, str]) -> None:
    """Make each snake_case/camelCase pair on ``cls`` name one function.

    Only names defined in ``cls`` itself are looked at, so an override in a subclass (in either
    spelling) always wins over what the base classes define.
    """
    own = cls.__dict__
    for snake, camel in pairs.items():
        if camel in own and snake not in own:
            setattr(cls, snake, own[camel])
        elif snake in own and camel not in own:
            setattr(cls, camel, own[snake])


def attribute_alias(name: str) -> property:
    """A read/write property forwarding to ``name``: Lua's ``gradInput`` for ``grad_input``."""
    return property(
        lambda self: getattr(self, name),
        lambda self, value: setattr(self, name, value),
        doc=f"Lua spelling of ``{name}`` (the same attribute, read and write).",
    )
