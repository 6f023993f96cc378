"""``minitorch_l2.save(path, module)``: a module tree to a plain ``.npz``, no pickle."""

from __future__ import annotations

import os

from ..nn.module import Module
from ._archive import write_archive
from ._encoder import Encoder
from ._format import FORMAT_NAME, FORMAT_VERSION


def save(path: str | os.PathLike[str], module: Module) -> None:
    """Save ``module`` (and everything below it) to the ``.npz`` file ``path``.

    The archive holds an ``architecture`` entry — strict JSON ``{"format", "format_version",
    "module"}`` where each module is ``module:qualname`` of its class plus its instance
    attributes — and one ``array_<k>`` entry per ndarray or numpy scalar attribute, in its own
    dtype. Transient state (``output``, ``grad_input``, internal buffers, the flat vectors of
    ``get_parameters``) is not saved. No pickle is used, so :func:`load` runs no code.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write; used as given (no ``.npz`` is appended).
    module : nn.Module
        The model. Its class and those of its children must be defined at the top level of a
        module, so that :func:`load` can find them by name.

    Raises
    ------
    TypeError
        ``module`` is not an ``nn.Module``.
    ValueError
        An attribute holds something that is not data (a function, an arbitrary object, an
        object array), naming the module and the attribute; nothing is written then.
    """
    if not isinstance(module, Module):
        raise TypeError(f"minitorch_l2.save: expected an nn.Module, got {type(module).__name__}")
    encoder = Encoder()
    root = encoder.module(module, "model")  # every refusal happens here, before the file opens
    architecture = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "module": root}
    write_archive(path, architecture, encoder.arrays)
