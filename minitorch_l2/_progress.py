"""A one-line progress bar for a terminal, redrawn in place: ``[=======>      ] 120/400  1.3 s``.

Drawn only when the stream is a terminal (``isatty()``), so logs and pipes never get ``\\r``
noise; redrawn at most every 0.1 s; ``close()`` wipes the line for what is printed next.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Progress of ``total`` steps on ``stream`` (standard output by default)."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(int(total), 1)
        self.stream = sys.stdout if stream is None else stream
        self.width = width
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = self.last = time.perf_counter()
        self.length = 0

    def update(self, done: int) -> None:
        """Show ``done`` of ``total`` steps (skipped if drawn less than 0.1 s ago, but the last)."""
        if not self.active:
            return
        now = time.perf_counter()
        if done < self.total and now - self.last < 0.1:
            return
        self.last = now
        filled = self.width * done // self.total
        arrow = ">" if filled < self.width else ""
        bar = "=" * filled + arrow + " " * (self.width - filled - len(arrow))
        line = f"[{bar}] {done}/{self.total}  {now - self.start:.1f} s"
        self.stream.write("\r" + line.ljust(self.length))
        self.stream.flush()
        self.length = len(line)

    def close(self) -> None:
        """Erase the bar, leaving the cursor at the start of the line."""
        if self.active and self.length:
            self.stream.write("\r" + " " * self.length + "\r")
            self.stream.flush()
            self.length = 0
