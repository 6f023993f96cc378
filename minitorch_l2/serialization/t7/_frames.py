"""One loop for every walk over a ``.t7`` object graph, so no depth of nesting recurses in Python.

A walk is a ``begin(item)`` function: for a leaf it returns the result, for a container it
returns a *frame*, a generator that ``yield``s each item it needs done and is sent that item's
result back, and whose ``return`` value is the container's result. :func:`run` keeps the frames
on a list, so a file or a value nested ten thousand deep costs memory, not Python's stack; the
list's length is bounded by ``max_depth``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

_NOTHING = object()


def run(
    begin: Callable[[object], object],
    first: object,
    max_depth: int,
    too_deep: Callable[[int], Exception],
) -> object:
    """The result of walking from ``first``; ``too_deep(max_depth)`` is raised past the bound.

    Parameters
    ----------
    begin : callable
        ``begin(item)`` → a result, or a generator frame (see the module docstring).
    first : object
        The item to start from.
    max_depth : int
        The most frames open at once.
    too_deep : callable
        Makes the exception for a walk nested deeper than ``max_depth``.
    """
    stack: list[Generator] = []
    item = begin(first)
    while True:
        if isinstance(item, Generator):
            if len(stack) >= max_depth:
                raise too_deep(max_depth)
            stack.append(item)
            result = None  # what starts a frame
        else:
            result = item
        item = _NOTHING
        while stack:  # hand the result up until a frame asks for another item
            try:
                wanted = stack[-1].send(result)
            except StopIteration as done:
                stack.pop()
                result = done.value
            else:
                item = begin(wanted)
                break
        if item is _NOTHING:
            return result
