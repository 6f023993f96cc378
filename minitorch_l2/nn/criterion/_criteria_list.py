"""The criteria a MultiCriterion or ParallelCriterion combines: checked once, by ``validate``."""

from __future__ import annotations

from .criterion import Criterion


def checked_criteria(who: str, criteria: object, weights: object) -> None:
    """A list of criteria and a list of as many weights (Multi/ParallelCriterion), else an error."""
    if type(criteria) is not list or type(weights) is not list:
        raise TypeError(f"{who}: criterions and weights must be lists, got {criteria!r:.60}")
    for index, criterion in enumerate(criteria):
        if not isinstance(criterion, Criterion):
            raise TypeError(
                f"{who}: criterions[{index}] is a {type(criterion).__name__}, not an nn.Criterion"
            )
    if len(weights) != len(criteria):
        raise ValueError(
            f"{who}: has {len(criteria)} criterions but {len(weights)} weights (one each)"
        )
