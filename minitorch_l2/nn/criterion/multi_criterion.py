"""``nn.MultiCriterion``: a weighted sum of criteria, all on the same input and target.

L = Σᵢ wᵢ Lᵢ(x, t);  ∂L/∂x = Σᵢ wᵢ ∂Lᵢ/∂x (tensors, or tables leaf by leaf).
"""

from __future__ import annotations

import numbers

from .._settings import real
from .._table_sums import add_into, scaled_into
from .._tables import describe
from ..module import with_place
from ._criteria_list import checked_criteria
from .criterion import Criterion


class MultiCriterion(Criterion):
    """Weighted sum of criteria on one input and target: L = Σᵢ wᵢ Lᵢ(x, t).

    ∂L/∂x = Σᵢ wᵢ ∂Lᵢ/∂x, summed into a reused buffer. An error in criterion i is re-raised as
    ``In criterion (i) of nn.MultiCriterion: ...``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.criterions: list[Criterion] = []
        self.weights: list[float] = []
        self.validate()

    def validate(self) -> None:
        """Check the criteria and their weights (finite reals)."""
        checked_criteria(self._who(), self.criterions, self.weights)
        self.weights = [real(self._who(), "weights[i]", weight) for weight in self.weights]
        super().validate()

    def add(self, criterion: Criterion, weight: float = 1.0) -> MultiCriterion:
        """Append ``criterion`` with ``weight``; returns self, so calls chain.

        Parameters
        ----------
        criterion : Criterion
            Applied to the whole input and target.
        weight : float, default 1
            Its factor in the sum.
        """
        if not isinstance(criterion, Criterion):
            raise TypeError(f"{self._who()}: expected an nn.Criterion, got {describe(criterion)}")
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
            raise TypeError(f"{self._who()}: weight must be a real number, got {weight!r}")
        self.criterions.append(criterion)
        self.weights.append(real(self._who(), "weight", weight))
        return self

    def _check(self) -> None:
        if not self.criterions:
            raise ValueError(f"{self._who()} has no criteria; add them first")

    def update_output(self, input: object, target: object) -> float:
        self._check()
        total = 0.0
        for index, (criterion, weight) in enumerate(zip(self.criterions, self.weights)):
            try:
                total += weight * criterion.forward(input, target)
            except Exception as error:
                raise with_place(error, f"In criterion ({index}) of {self._who()}") from None
        self.output = total
        return total

    def update_grad_input(self, input: object, target: object) -> object:
        self._check()
        total = None
        for index, (criterion, weight) in enumerate(zip(self.criterions, self.weights)):
            try:
                grad = criterion.backward(input, target)
            except Exception as error:
                raise with_place(error, f"In criterion ({index}) of {self._who()}") from None
            if total is None:
                total = scaled_into(self.grad_input, grad, weight)
            else:
                add_into(f"{self._who()}: criterion ({index})'s grad_input", total, grad, weight)
        self.grad_input = total
        return total
