"""The base of ``MultiCriterion`` and ``ParallelCriterion``: a list of criteria with weights.

Both keep ``criterions`` and ``weights`` (Lua's field names), grow them with ``add(criterion,
weight)`` and check them in ``validate`` (which ``load`` runs too); they differ in what each
criterion is applied to.
"""

from __future__ import annotations

from typing import Self

from .._settings import real
from .._tables import describe
from .criterion import Criterion


class WeightedCriteria(Criterion):
    """Criteria Lᵢ with weights wᵢ, summed by the subclass: L = Σᵢ wᵢ Lᵢ."""

    takes_table = True

    def __init__(self) -> None:
        super().__init__()
        self.criterions: list[Criterion] = []
        self.weights: list[float] = []

    def validate(self) -> None:
        """Check the criteria (a list of nn.Criterion) and their weights (as many finite reals)."""
        who = self._who()
        criteria, weights = vars(self).get("criterions"), vars(self).get("weights")
        if type(criteria) is not list or type(weights) is not list:
            raise TypeError(f"{who}: criterions and weights must be lists, got {criteria!r:.60}")
        for index, criterion in enumerate(criteria):
            if not isinstance(criterion, Criterion):
                raise TypeError(
                    f"{who}: criterions[{index}] is a {type(criterion).__name__}, not an "
                    f"nn.Criterion"
                )
        if len(weights) != len(criteria):
            raise ValueError(
                f"{who}: has {len(criteria)} criterions but {len(weights)} weights (one each)"
            )
        self.weights = [real(who, "weights[i]", weight) for weight in weights]
        self._refuse_cycle(criteria)
        super().validate()

    def _refuse_cycle(self, criteria: list[Criterion]) -> None:
        """A ValueError when this criterion is among ``criteria``, at any depth (a file's cycle,
        or ``add`` of an enclosing criterion): every call would recurse forever."""
        stack, seen = list(criteria), set()
        while stack:
            criterion = stack.pop()
            if criterion is self:
                raise ValueError(
                    f"{self._who()}: criterions holds the criterion itself (at some depth); a "
                    f"criterion cannot contain itself"
                )
            if id(criterion) not in seen and isinstance(criterion, WeightedCriteria):
                seen.add(id(criterion))
                stack.extend(vars(criterion).get("criterions") or ())

    def add(self, criterion: Criterion, weight: float = 1.0) -> Self:
        """Append ``criterion`` with ``weight``; returns self, so calls chain.

        Parameters
        ----------
        criterion : Criterion
            The next criterion (what it is applied to is the subclass's rule).
        weight : float, default 1
            Its factor in the sum.
        """
        if not isinstance(criterion, Criterion):
            raise TypeError(f"{self._who()}: expected an nn.Criterion, got {describe(criterion)}")
        weight = real(self._who(), "weight", weight)
        self._refuse_cycle([*self.criterions, criterion])  # checked before anything is appended
        self.criterions.append(criterion)
        self.weights.append(weight)
        return self
