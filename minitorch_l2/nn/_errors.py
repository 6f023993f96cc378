"""Errors of the module tree: a child's error with its place, a module placed twice, a slip."""

from __future__ import annotations


def with_place(error: Exception, place: str) -> Exception:
    """``error`` re-made with ``place`` in front of its message, as Lua's ``rethrowErrors`` does.

    ``In module (1) of nn.Sequential: nn.Linear(4 -> 3): expected input ...``; nested
    containers each add their part. An exception type that cannot be rebuilt from a message
    keeps its own and gets the place as a note instead.

    Parameters
    ----------
    error : Exception
        The exception raised inside a child.
    place : str
        Where: ``In module (1) of nn.Sequential``.

    Returns
    -------
    Exception
        The exception to raise (``raise with_place(error, place) from None``).
    """
    message = f"{place}: {error}"
    try:
        new = type(error)(message)
    except Exception:
        new = None
    if new is None or str(new) != message:
        error.add_note(place)
        return error
    new.__traceback__ = error.__traceback__
    for note in getattr(error, "__notes__", ()):
        new.add_note(note)
    return new


def called_on_a_module(module: object, argument: object) -> str:
    """The error for ``module(other_module)``: nngraph's second call forgotten."""
    # nngraph's second call forgotten: nn.Tanh()(nn.Linear(3, 3)) for nn.Tanh()(nn.Linear(3, 3)(x)).
    name = f"nn.{type(argument).__name__}"
    return (
        f"{module._who()} was called on a module, {argument!r}, not on a graph node or a "
        f"tensor: did you forget the second call that makes a node? In a graph write "
        f"{name}(...)(x), with x a node (nn.Identity()() for an input), as Lua's nngraph; "
        f"to chain modules without a graph, use nn.Sequential(...)"
    )


def duplicate_message(module: object, path: str) -> str:
    """The error for one module object placed twice in a tree, with the sharing recipe.

    Parameters
    ----------
    module : Module
        The module met twice.
    path : str
        Where it was met the second time.

    Returns
    -------
    str
        The message.
    """
    return (
        f"{module._who()} appears twice in one module tree (again at {path}); a module keeps "
        f"the output and grad_input of its last call, so a second use would overwrite the "
        f"first's and give wrong gradients. To use the same weights twice, add a clone that "
        f"shares them: m.clone('weight', 'bias', 'grad_weight', 'grad_bias')"
    )
