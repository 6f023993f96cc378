"""``python -m minitorch_l2.gradcheck``: check the built-in modules and criteria, or your own.

See ``python -m minitorch_l2.gradcheck --help`` and :mod:`minitorch_l2.gradcheck._cli`.
"""

from __future__ import annotations

import sys

from ._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
