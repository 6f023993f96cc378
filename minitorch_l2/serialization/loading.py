"""``minitorch_l2.load(path) -> module``: read a file written by ``save``, running no code."""

from __future__ import annotations

import os

from ..nn.module import Module
from ._archive import read_archive
from ._decoder import Decoder
from ._format import FormatError


def load(path: str | os.PathLike[str]) -> Module:
    """Rebuild the module saved at ``path`` by :func:`save`.

    The archive is read with ``allow_pickle=False``; classes are found by their recorded
    ``module:qualname`` among modules already in ``sys.modules`` (nothing is imported) and must
    be ``nn.Module`` subclasses; each module is created without calling ``__init__`` (no draw
    from the random generator) and given its saved attributes, with ``output`` and
    ``grad_input`` set to None. Outputs of the loaded model are bit-identical to the saved one's.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save`.

    Returns
    -------
    nn.Module
        The model, with fresh arrays that share nothing with any other model.

    Raises
    ------
    ValueError
        The file is not a minitorch_l2 model: not an ``.npz``, damaged (truncated, a member
        failing its CRC-32 check, any error of the zip or ``.npy`` parsers), a pickled/object
        array in it, no or garbled ``architecture`` entry, another format version, a class that
        is not an imported ``nn.Module`` subclass, or arrays missing or not as described. The
        message names the file and the problem.
    OSError
        The file cannot be opened (missing, a directory, no permission), as ``open`` reports.
    MemoryError
        An intact archive whose arrays do not fit in memory.
    """
    try:
        architecture, arrays = read_archive(path)
        return Decoder(arrays).root(architecture)
    except FormatError as error:
        raise ValueError(f"minitorch_l2.load: cannot load {os.fspath(path)!r}: {error}") from None
    except RecursionError:
        raise ValueError(
            f"minitorch_l2.load: cannot load {os.fspath(path)!r}: its architecture is nested "
            f"too deeply"
        ) from None
