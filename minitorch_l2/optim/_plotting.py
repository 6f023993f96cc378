"""matplotlib on demand: the optional ``[plot]`` extra, imported only when something is drawn."""

from __future__ import annotations


def figure_class(who: str) -> type:
    """matplotlib's ``Figure`` (drawn without a window or display), or an ImportError that says
    what ``who`` needs and how to install it."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            f"{who} needs matplotlib, which is not installed: pip install matplotlib "
            "(or the package's [plot] extra)"
        ) from None
    return Figure
