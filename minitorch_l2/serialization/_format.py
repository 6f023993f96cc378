"""The on-disk format of a saved module: a plain ``.npz`` with the architecture as JSON.

Layout of the archive (every entry is an ordinary ``.npy`` member, none needs pickle):

- ``architecture``: a 0-d unicode array holding strict JSON (no NaN/Infinity literals)::

      {"format": "minitorch_l2.module", "format_version": 1, "module": <module node>}

- ``array_0``, ``array_1``, ...: the ndarray attributes and numpy scalars, referenced by key.

A module node is ``{"$": "module", "id": n, "class": "package.module:QualName",
"attributes": {name: value node}}``, where the attributes are the instance ``__dict__`` minus
transient state. A value node is plain JSON (None, bool, int, finite float, str, list) or a
tagged object ``{"$": tag, ...}``; every JSON object in the tree is such a tag, so nothing is
ambiguous.
"""

from __future__ import annotations

FORMAT_NAME = "minitorch_l2.module"
FORMAT_VERSION = 1
ARCHITECTURE_KEY = "architecture"
ARRAY_KEY_PREFIX = "array_"
TAG = "$"

# Per-call state that is rebuilt on use: buffers, and the flat vectors of get_parameters().
TRANSIENT_ATTRIBUTES = frozenset({"output", "grad_input", "_buffers", "_flat"})
# Transient attributes a loaded module gets back as None (the Module contract's initial state).
RESET_TO_NONE = ("output", "grad_input")

# Non-finite floats by name, since JSON has no literal for them.
NON_FINITE_FLOATS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


class FormatError(ValueError):
    """A file that is not a minitorch_l2 model; ``load`` adds the file name to the message."""
