"""``nn.MultiCriterion``: a weighted sum of criteria, all on the same input and target.

L = Σᵢ wᵢ Lᵢ(x, t);  ∂L/∂x = Σᵢ wᵢ ∂Lᵢ/∂x (tensors, or tables leaf by leaf).
"""

from __future__ import annotations

from .._errors import with_place
from .._table_sums import add_into, scaled_into
from ._weighted_criteria import WeightedCriteria


class MultiCriterion(WeightedCriteria):
    """Weighted sum of criteria on one input and target: L = Σᵢ wᵢ Lᵢ(x, t).

    ∂L/∂x = Σᵢ wᵢ ∂Lᵢ/∂x, summed into a reused buffer; ``add(criterion, weight)`` appends a
    criterion applied to the whole input and target. An error in criterion i is re-raised as
    ``In criterion (i) of nn.MultiCriterion: ...``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.validate()

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
