"""The ``.npz`` format of ``save``: a plain archive, the structure as JSON beside the arrays.

Layout of the archive (every entry is an ordinary ``.npy`` member, none needs pickle):

- ``architecture``: a 0-d unicode array holding strict JSON (no NaN/Infinity literals)::

      {"format": "minitorch_l2.module", "format_version": 2, "value": <value node>}

  (version 1, still read, held one module: ``"module": <module node>``);
- ``array_0``, ``array_1``, ...: the ndarrays, numpy scalars and byte strings, referenced by key.

A value node is plain JSON (None, bool, int, finite float, str, list) or a tagged object
``{"$": tag, ...}``; every JSON object in the tree is such a tag, so nothing is ambiguous. A
module node is ``{"$": "module", "id": n, "class": "package.module:QualName", "attributes":
{name: value node}}``, the attributes being the instance ``__dict__`` minus transient state
(``transient_attributes()``); built-in classes are recorded by their public name,
``minitorch_l2.nn:Linear``, so moving a file inside the package never breaks a saved model.
"""

from __future__ import annotations

FORMAT_NAME = "minitorch_l2.module"
FORMAT_VERSION = 2
ARCHITECTURE_KEY = "architecture"
ARRAY_KEY_PREFIX = "array_"
TAG = "$"

# Non-finite floats by name, since JSON has no literal for them.
NON_FINITE_FLOATS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


class FormatError(ValueError):
    """A file that is not a minitorch_l2 model; ``load`` adds the file name to the message."""
