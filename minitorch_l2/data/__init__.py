"""``minitorch_l2.data``: toy data sets (spiral, blobs, glyph images) and a mini-batch iterator."""

from .batches import batches
from .blobs import make_blobs
from .glyphs import make_glyphs
from .spiral import make_spiral

__all__ = ["batches", "make_blobs", "make_glyphs", "make_spiral"]
