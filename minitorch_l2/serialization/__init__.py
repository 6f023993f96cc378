"""Save and load modules as a plain ``.npz`` with the architecture as JSON — never pickle.

See ``_format.py`` for the layout and ``docs/serialization.md`` for a tour.
"""

from .loading import load
from .saving import save

__all__ = ["load", "save"]
