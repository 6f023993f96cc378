"""Recurrent nets unrolled in time: Lua's ``model_utils`` (char-rnn, Oxford practical 6, ...).

``clone_many_times(net, t)`` gives t copies of ``net`` — one per time step, each keeping its own
outputs and buffers — whose parameters *and* gradients are the original's very arrays, so that
every step's backward adds into one gradient: ∂L/∂θ = Σₜ ∂L/∂θ|ₜ.
``combine_all_parameters(*nets)`` flattens the parameters of several nets into one vector, a
parameter shared between them taking one place.
"""

from __future__ import annotations

import copy

import numpy as np

from ._parameters import array_key, held_items
from .container import Container
from .criterion.criterion import Criterion
from .module import Module


def clone_many_times(net: Module | Criterion, t: int) -> list[Module | Criterion]:
    """``t`` clones of ``net`` sharing its parameters and gradients (Lua's ``clone_many_times``).

    Each clone is a deep copy (its own ``output``, ``grad_input`` and buffers) except for every
    parameter and gradient array, which is the original's own object — or, where ``net`` holds
    several views of one parameter's memory, those views. The clones are tied to ``net`` as
    :meth:`Module.share` ties modules, so a later ``net.get_parameters()`` re-points them too.
    Convert types (``float()``) before cloning: ``type`` does not follow the ties. A criterion
    (char-rnn clones its ``ClassNLLCriterion`` too) has no parameters: its clones are copies.

    Parameters
    ----------
    net : Module or Criterion
        The module of one time step (often an ``nn.gModule``), or a criterion.
    t : int
        How many clones (≥ 1); clone k runs time step k (0-based).

    Returns
    -------
    list
        The clones, in order.
    """
    if isinstance(t, bool) or not isinstance(t, int | np.integer) or t < 1:
        raise ValueError(f"clone_many_times: t must be an int >= 1, got {t!r}")
    if isinstance(net, Criterion):
        return [copy.deepcopy(net) for _ in range(int(t))]
    if not isinstance(net, Module):
        raise TypeError(
            f"clone_many_times: expected an nn.Module or nn.Criterion, got {type(net).__name__}"
        )
    params, grads = net.parameters()
    keys = {array_key(array) for array in (*params, *grads)}
    shared = {}
    for module in net._reachable_modules():
        for name, value in vars(module).items():
            if name in type(module).transient_attributes():
                continue
            for item in held_items(value):
                if isinstance(item, np.ndarray) and array_key(item) in keys:
                    shared[id(item)] = item
    clones = []
    for _ in range(int(t)):
        clone = copy.deepcopy(net, dict(shared))  # the memo hands back the shared arrays
        clone.clear_state()
        clone.share(net)  # tie the trees, with no field taken: get_parameters follows ties
        clones.append(clone)
    return clones


def combine_all_parameters(*nets: Module) -> tuple[np.ndarray, np.ndarray]:
    """One flat parameter vector and one flat gradient vector for all ``nets`` (Lua's name).

    ``get_parameters`` over the nets together: afterwards every parameter and gradient of every
    net (and of their clones) is a view of the two vectors; a parameter the nets share takes
    one place.

    Parameters
    ----------
    *nets : Module
        The networks, e.g. an encoder and a decoder.

    Returns
    -------
    tuple of numpy.ndarray
        ``(params, grad_params)``.
    """
    if not nets:
        raise ValueError("combine_all_parameters: give at least one network")
    for net in nets:
        if not isinstance(net, Module):
            raise TypeError(
                f"combine_all_parameters: expected nn.Module networks, got {type(net).__name__}"
            )
    holder = Container()
    holder.modules = list(nets)  # not add(): the nets may share modules
    return holder.get_parameters()
