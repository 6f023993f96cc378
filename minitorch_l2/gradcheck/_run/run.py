"""One check as it runs: what it was told, whom it calls, and what it has to say afterwards.

A :class:`Run` is made once per ``check_module``/``check_criterion`` call and handed to every
step (the cost plan, fast mode, the full check): each reads the settings and the calls from it
and adds its notes and problems to it; ``report`` then builds the :class:`GradcheckReport`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..._jacobian import Calls
from .._report import GradcheckReport, PropertyCheck, TensorCheck
from .settings import Settings


@dataclass
class Run:
    """The state of one check.

    Parameters
    ----------
    settings : Settings
        What the check was told.
    subject : str
        What is checked, as the report names it.
    calls : Calls or None
        The counted forward and backward calls (set once the checked copy is known).
    notes : list of str
        Remarks that do not fail the check.
    problems : list of str
        What failed outside the comparisons.
    started : float
        ``time.perf_counter()`` when the check began.
    """

    settings: Settings
    subject: str
    calls: Calls | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def note(self, text: str) -> None:
        """Add a remark to the report (it does not fail the check)."""
        self.notes.append(text)

    def problem(self, text: str) -> None:
        """Add a problem to the report (it fails the check)."""
        self.problems.append(text)

    def report(
        self,
        entries: dict[str, TensorCheck],
        properties: list[PropertyCheck],
        unchecked: list[str] | None = None,
    ) -> GradcheckReport:
        """The report of this run: its blocks, extra checks, notes, problems and calls."""
        s = self.settings
        return GradcheckReport(
            subject=self.subject,
            entries=entries,
            properties=properties,
            eps=s.eps,
            atol=s.atol,
            rtol=s.rtol,
            dtype=s.dtype,
            notes=self.notes,
            problems=self.problems,
            unchecked=list(unchecked or []),
            mode=s.mode,
            forward_calls=self.calls.forwards,
            backward_calls=self.calls.backwards,
            seconds=time.perf_counter() - self.started,
        )
