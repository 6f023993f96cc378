"""Train a small MLP to tell three spiral arms apart: the whole Torch workflow in one screen.

    python examples/train_spiral.py                      # Adam, mini-batches, about a second
    python examples/train_spiral.py --optimizer sgd      # SGD with momentum
    python examples/train_spiral.py --optimizer lbfgs    # full-batch L-BFGS (Torch's, line search)
    python examples/train_spiral.py --plot spiral.png    # also draw the decision regions

The loop is Torch 7's: ``params, grads = net.get_parameters()`` once, then for every batch a
closure ``feval(x) -> (loss, grads)`` that zeroes the gradients, runs forward and backward, and
hands back the flat gradient; ``optim.<method>(feval, params, config)`` updates ``params`` in
place. Each epoch prints the mean training loss, the accuracy on the training set and its
time; the last line is ``final accuracy: 0.xxxx`` (training set), after the accuracy on a fresh
spiral drawn with another seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from types import ModuleType

import numpy as np

import minitorch_l2
from minitorch_l2 import data, nn, optim

OPTIMISERS: dict[str, tuple[Callable, dict[str, object]]] = {
    "adam": (optim.adam, {"learning_rate": 0.01}),
    # dampening=0 spelled out: Torch's default dampening equals the momentum (PyTorch's is 0).
    "sgd": (optim.sgd, {"learning_rate": 0.1, "momentum": 0.9, "dampening": 0.0}),
    "lbfgs": (optim.lbfgs, {"max_iter": 20, "line_search": optim.lswolfe}),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; a bad value is a usage error (exit status 2) naming the option."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40, help="passes over the data (40)")
    parser.add_argument("--batch-size", type=int, default=32, help="rows per step (32)")
    parser.add_argument("--hidden", type=int, default=32, help="units per hidden layer (32)")
    parser.add_argument("--n-per-class", type=int, default=100, help="points per arm (100)")
    parser.add_argument("--noise", type=float, default=0.2, help="angle noise, radians (0.2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights (0)")
    parser.add_argument(
        "--optimizer",
        choices=sorted(OPTIMISERS),
        default="adam",
        help="adam (default) and sgd step per mini-batch; lbfgs runs 20 full-batch iterations "
        "per epoch",
    )
    parser.add_argument(
        "--learning-rate", type=float, help="override the optimiser's default (lbfgs: first step)"
    )
    parser.add_argument("--plot", metavar="FILE.png", help="draw the decision regions (matplotlib)")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "hidden", "n_per_class"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.noise < 0 or args.seed < 0:
        parser.error("--noise and --seed must be >= 0")
    return args


def make_model(hidden: int) -> nn.Sequential:
    """2 inputs → two ReLU layers → 3 class scores (logits for CrossEntropyCriterion)."""
    return nn.Sequential(
        nn.Linear(2, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 3),
    )


def accuracy(net: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose highest score is the true class."""
    return float(np.mean(net.forward(X).argmax(axis=1) == y))


def make_feval(
    net: nn.Module, criterion: nn.Criterion, grads: np.ndarray, X: np.ndarray, y: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Torch's closure: loss and flat gradient of ``criterion(net(X), y)`` at the weights now."""

    def feval(params: np.ndarray) -> tuple[float, np.ndarray]:
        # params *is* the net's flat weight vector: the optimiser already moved the weights.
        net.zero_grad_parameters()
        scores = net.forward(X)
        loss = criterion.forward(scores, y)
        net.backward(X, criterion.backward(scores, y))
        return loss, grads

    return feval


def train(args: argparse.Namespace) -> tuple[nn.Sequential, np.ndarray, np.ndarray]:
    """Train the MLP as ``args`` says, printing one line per epoch; return (net, X, y)."""
    minitorch_l2.manual_seed(args.seed)  # weights and batch order
    X, y = data.make_spiral(args.n_per_class, 3, args.noise, seed=args.seed)
    net = make_model(args.hidden)
    criterion = nn.CrossEntropyCriterion()
    params, grads = net.get_parameters()
    method, defaults = OPTIMISERS[args.optimizer]
    config = dict(defaults)  # one dict for the whole run: Torch keeps the optimiser state in it
    if args.learning_rate is not None:
        config["learning_rate"] = args.learning_rate
    full_batch = args.optimizer == "lbfgs"

    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        net.training()
        total, seen = 0.0, 0
        steps = [(X, y)] if full_batch else data.batches(X, y, args.batch_size)
        for X_batch, y_batch in steps:
            feval = make_feval(net, criterion, grads, X_batch, y_batch)
            losses = method(feval, params, config)[1]  # lbfgs also returns its evaluations
            total += losses[-1] * len(y_batch)
            seen += len(y_batch)
        net.evaluate()
        print(
            f"epoch {epoch:3d}/{args.epochs}  loss {total / seen:.4f}  "
            f"accuracy {accuracy(net, X, y):.4f}  ({time.perf_counter() - started:.2f} s)",
            flush=True,
        )
    return net, X, y


def plot_decision_regions(
    net: nn.Module, X: np.ndarray, y: np.ndarray, path: str, plt: ModuleType
) -> None:
    """Colour the plane by predicted class and draw the training points on top."""
    low, high = X.min(axis=0) - 0.1, X.max(axis=0) + 0.1
    grid_x, grid_y = np.meshgrid(
        np.linspace(low[0], high[0], 300), np.linspace(low[1], high[1], 300)
    )
    grid = np.c_[grid_x.ravel(), grid_y.ravel()]
    predicted = net.forward(grid).argmax(axis=1).reshape(grid_x.shape)
    figure, axes = plt.subplots(figsize=(5, 5), dpi=100)
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c"]
    axes.contourf(
        grid_x, grid_y, predicted, levels=[-0.5, 0.5, 1.5, 2.5], colors=colours, alpha=0.3
    )
    for label, colour in enumerate(colours):
        points = X[y == label]
        axes.scatter(points[:, 0], points[:, 1], s=12, color=colour, edgecolors="k", linewidths=0.3)
    axes.set_title(f"MLP on the spiral: training accuracy {accuracy(net, X, y):.4f}")
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    args = parse_args(argv)
    plt = None
    if args.plot:
        try:  # checked before training, so a missing extra costs no time
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print(
                "train_spiral.py: --plot needs matplotlib, which is not installed; "
                "install it with: pip install -e '.[plot]'",
                file=sys.stderr,
            )
            return 2
    net, X, y = train(args)
    net.evaluate()
    X_fresh, y_fresh = data.make_spiral(args.n_per_class, 3, args.noise, seed=args.seed + 1)
    print(
        f"accuracy on a fresh spiral (seed {args.seed + 1}): {accuracy(net, X_fresh, y_fresh):.4f}"
    )
    if plt is not None:
        plot_decision_regions(net, X, y, args.plot, plt)
        print(f"decision regions written to {args.plot}")
    print(f"final accuracy: {accuracy(net, X, y):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
