"""``nn.ParallelCriterion(repeat_target=False)``: criterion i on entry i of a table input.

L = Σᵢ wᵢ Lᵢ(xᵢ, tᵢ), with tᵢ = target[i] (or the whole target for every i with
``repeat_target``); ∂L/∂xᵢ = wᵢ ∂Lᵢ/∂xᵢ, and zeros for entries of the input no criterion reads.
"""

from __future__ import annotations

from .._errors import with_place
from .._settings import boolean
from .._table_sums import scaled_into
from .._tables import describe, reuse_list, zeros_like_table
from ._weighted_criteria import WeightedCriteria


class ParallelCriterion(WeightedCriteria):
    """Weighted sum of criteria, criterion i applied to entry i: L = Σᵢ wᵢ Lᵢ(xᵢ, tᵢ).

    ``add(criterion, weight)`` appends the criterion of the next entry. ``backward`` returns a
    table of the input's layout: wᵢ ∂Lᵢ/∂xᵢ at entry i, zeros at any entry beyond the criteria
    (as Lua). An error in criterion i is re-raised as ``In criterion
    (i) of nn.ParallelCriterion: ...``.

    Parameters
    ----------
    repeat_target : bool, default False
        Give every criterion the whole target (Lua's ``repeatTarget``) instead of target[i].
    """

    def __init__(self, repeat_target: bool = False) -> None:
        super().__init__()
        self.repeat_target = repeat_target
        self.validate()

    def validate(self) -> None:
        """Check ``repeat_target`` (a bool), then the criteria and their weights."""
        self.repeat_target = boolean(self._who(), "repeat_target", self.repeat_target)
        super().validate()

    def _targets(self, input: object, target: object) -> list:
        who = self._who()
        count = len(self.criterions)
        if not count:
            raise ValueError(f"{who} has no criteria; add them first")
        if type(input) is not list or len(input) < count:
            raise ValueError(
                f"{who}: expected a table of at least {count} entries (one per criterion), got "
                f"{describe(input)}"
            )
        if self.repeat_target:
            return [target] * count
        if type(target) is not list or len(target) < count:
            raise ValueError(
                f"{who}: expected a table of at least {count} targets (one per criterion; or "
                f"repeat_target=True), got {describe(target)}"
            )
        return target[:count]

    def update_output(self, input: list, target: object) -> float:
        total = 0.0
        for index, (criterion, weight, part) in enumerate(
            zip(self.criterions, self.weights, self._targets(input, target))
        ):
            try:
                total += weight * criterion.forward(input[index], part)
            except Exception as error:
                raise with_place(error, f"In criterion ({index}) of {self._who()}") from None
        self.output = total
        return total

    def update_grad_input(self, input: list, target: object) -> list:
        targets = self._targets(input, target)
        grads = self.grad_input = reuse_list(self.grad_input, len(input))
        for index, item in enumerate(input):
            if index >= len(self.criterions):
                grads[index] = zeros_like_table(item, grads[index])
                continue
            criterion = self.criterions[index]
            try:
                grad = criterion.backward(item, targets[index])
            except Exception as error:
                raise with_place(error, f"In criterion ({index}) of {self._who()}") from None
            grads[index] = scaled_into(grads[index], grad, self.weights[index])
        return grads
