"""The nn docs' Siamese network: two weight-sharing branches, compared by their cosine.

A ``ParallelTable`` holds an embedding network and its clone sharing ``weight``, ``bias``,
``grad_weight`` and ``grad_bias`` (Lua's ``mlp:clone('weight','bias','gradWeight','gradBias')``),
so a pair {x1, x2} is embedded by one set of weights. ``CosineEmbeddingCriterion`` pulls the
embeddings of a matching pair together and pushes the others apart; ``CosineDistance`` scores a
pair. The data are points around a few prototypes, all sharing a large common offset, so that
raw inputs of any two classes already have a high cosine: the network must learn to remove it.
Training stops when, among pairs never seen in training, 95% of the matching pairs score above
0.9 and 95% of the others below 0.1. Each epoch prints the two shares and its time;
``--progress`` draws a bar over the epoch's batches when the output is a terminal. Run it:

    python examples/siamese.py [MAX_EPOCHS] [--progress]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import minitorch_l2
from minitorch_l2 import nn, optim
from minitorch_l2._progress import ProgressBar

CLASSES, FEATURES = 4, 10
TARGET = 0.95  # the share of held-out pairs that must score on the right side


def make_pairs(
    n_pairs: int, rng: np.random.Generator, prototypes: np.ndarray
) -> tuple[list, np.ndarray]:
    """Pairs [x1, x2] of (n_pairs, FEATURES) points and targets: +1 same class, −1 not."""
    first = rng.integers(0, CLASSES, n_pairs)
    same = rng.random(n_pairs) < 0.5
    other = (first + rng.integers(1, CLASSES, n_pairs)) % CLASSES  # always another class
    second = np.where(same, first, other)
    offset = 3.0 * np.ones(FEATURES)  # shared by every point: raw cosines are all high

    def points(classes: np.ndarray) -> np.ndarray:
        noise = 0.3 * rng.normal(size=(n_pairs, FEATURES))
        return offset + prototypes[classes] + noise

    return [points(first), points(second)], np.where(same, 1.0, -1.0)


def scores(model: nn.Module, pairs: list, targets: np.ndarray) -> tuple[float, float]:
    """The share of matching pairs whose cosine is above 0.9, and of the others below 0.1."""
    cosine = model.forward(pairs)
    return float(np.mean(cosine[targets > 0] > 0.9)), float(np.mean(cosine[targets < 0] < 0.1))


def main(argv: list[str] | None = None) -> tuple[float, float]:
    """Train until the held-out pairs are separated; return the two shares of :func:`scores`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("max_epochs", nargs="?", type=int, default=200, help="at most (200)")
    parser.add_argument("--progress", action="store_true", help="a bar over each epoch")
    args = parser.parse_args(argv)
    max_epochs = args.max_epochs
    minitorch_l2.manual_seed(0)
    rng = np.random.default_rng(0)
    prototypes = rng.normal(size=(CLASSES, FEATURES))
    train_pairs, train_targets = make_pairs(512, rng, prototypes)
    test_pairs, test_targets = make_pairs(256, rng, prototypes)

    embed = nn.Sequential(nn.Linear(FEATURES, 16), nn.Tanh(), nn.Linear(16, 8))
    siamese = nn.ParallelTable(embed, embed.clone("weight", "bias", "grad_weight", "grad_bias"))
    model = nn.Sequential(siamese, nn.CosineDistance())  # scores a pair: its cosine
    criterion = nn.CosineEmbeddingCriterion(0.0)
    print(model)

    params, grad_params = model.get_parameters()
    one_branch = sum(p.size for p in embed.parameters()[0])
    print(f"parameters: {params.size} numbers, one branch has {one_branch}")

    def feval(x: np.ndarray) -> tuple[float, np.ndarray]:
        model.zero_grad_parameters()
        embeddings = siamese.forward(batch)
        loss = criterion.forward(embeddings, batch_targets)
        siamese.backward(batch, criterion.backward(embeddings, batch_targets))
        return loss, grad_params

    config, state = {"learning_rate": 0.01}, {}
    matching, other = scores(model, test_pairs, test_targets)
    print(f"epoch   0  matching > 0.9: {matching:.3f}  others < 0.1: {other:.3f}")
    for epoch in range(1, max_epochs + 1):
        started = time.perf_counter()
        order = rng.permutation(len(train_targets))
        starts = range(0, len(order), 64)
        bar = ProgressBar(len(starts)) if args.progress else None
        for done, start in enumerate(starts, 1):
            rows = order[start : start + 64]
            batch = [train_pairs[0][rows], train_pairs[1][rows]]
            batch_targets = train_targets[rows]
            optim.adam(feval, params, config, state)
            if bar is not None:
                bar.update(done)
        if bar is not None:
            bar.close()
        matching, other = scores(model, test_pairs, test_targets)
        seconds = time.perf_counter() - started
        print(
            f"epoch {epoch:3d}  matching > 0.9: {matching:.3f}  others < 0.1: {other:.3f}  "
            f"time {seconds:.3f} s"
        )
        if matching >= TARGET and other >= TARGET:
            break
    cosine = model.forward(test_pairs)
    same, different = cosine[test_targets > 0].mean(), cosine[test_targets < 0].mean()
    print(f"after {epoch} epochs, on {len(test_targets)} pairs never seen in training:")
    print(f"matching pairs: {matching:.1%} score above 0.9 (mean cosine {same:.3f})")
    print(f"other pairs: {other:.1%} score below 0.1 (mean cosine {different:.3f})")
    return matching, other


if __name__ == "__main__":
    main(sys.argv[1:])
