"""An embedding net ending in ``nn.L2Normalize``, read by a cosine classifier — and why it helps.

The data: K classes in D dimensions, each a direction u_k; a sample is r · (u_k + 0.15 z) with a
magnitude r drawn log-uniformly over two decades. The magnitude carries no class information,
but a plain classifier's logits move with it. Two models share a bias-free embedding trunk
(Linear → ReLU → Linear) and differ in the head:

    plain:       trunk → Linear(classes)                     (an ordinary linear head)
    normalised:  trunk → L2Normalize → CosineClassifier

``CosineClassifier`` scores an embedding e (a unit vector) against learned class vectors w_k,
themselves normalised by an inner ``L2Normalize``: logit_k = s · e·ŵ_k, a scaled cosine in [−s, s].
A bias-free ReLU trunk f is positively homogeneous, f(r x) = r f(x), so f(x)/‖f(x)‖ depends on the
direction of x only: the normalised model is scale-invariant by construction. Both models are
then tested on samples from the training range and on samples whose magnitudes span *six*
decades: the normalised model keeps its accuracy, the plain one loses some.

    python examples/embeddings.py
"""

from __future__ import annotations

import sys

import numpy as np

import minitorch_l2
from minitorch_l2 import nn, optim


class CosineClassifier(nn.Module):
    """logits = s · x Ŵᵀ with Ŵ the row-normalised weight: s times the cosine to each class vector.

    Backward (with G = ∂L/∂logits):  ∂L/∂x = s G Ŵ,   ∂L/∂Ŵ = s Gᵀ x,   and ∂L/∂W is ∂L/∂Ŵ sent
    back through the inner L2Normalize (its O(n·d) path: (g − ŵ(ŵ·g)) / ‖w‖ per row).
    """

    def __init__(self, embedding_size: int, n_classes: int, scale: float = 10.0) -> None:
        super().__init__()
        self.scale = float(scale)
        self.weight = minitorch_l2.generator().normal(size=(n_classes, embedding_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.normalize_weight = nn.L2Normalize(jacobian=False)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        unit_weight = self.normalize_weight.forward(self.weight)
        self.output = self.scale * (input @ unit_weight.T)
        return self.output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self.grad_input = self.scale * (grad_output @ self.normalize_weight.output)
        return self.grad_input

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        grad_unit_weight = self.scale * (grad_output.T @ input)
        self.normalize_weight.forward(self.weight)  # its backward reads the forward's state
        self.grad_weight += scale * self.normalize_weight.backward(self.weight, grad_unit_weight)

    def _children(self) -> list[nn.Module]:
        return [self.normalize_weight]


def make_directions(n_per_class: int, n_classes: int, dim: int, decades: float, seed: int):
    """Samples r · (u_k + 0.15 z), r = 10^U(−decades/2, decades/2); the same u_k for every seed."""
    directions = np.random.default_rng(12345).normal(size=(n_classes, dim))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    noisy = directions[labels] + 0.15 * rng.normal(size=(labels.size, dim))
    magnitude = 10.0 ** rng.uniform(-decades / 2, decades / 2, size=(labels.size, 1))
    return magnitude * noisy, labels


def train(model: nn.Module, X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    criterion = nn.CrossEntropyCriterion()
    params, grads = model.get_parameters()
    config, state = {"learning_rate": 0.01}, {}

    def feval(_):
        model.zero_grad_parameters()
        scores = model.forward(X)
        loss = criterion.forward(scores, y)
        model.backward(X, criterion.backward(scores, y))
        return loss, grads

    for _ in range(epochs):
        optim.adam(feval, params, config, state)


def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(model.forward(X).argmax(axis=1) == y))


def main(argv: list[str] | None = None) -> float:
    """Train both models; print their accuracies; return the normalised model's on the test set."""
    epochs = int(argv[0]) if argv else 300
    n_classes, dim, hidden, embedding = 5, 16, 32, 8
    X, y = make_directions(100, n_classes, dim, decades=2, seed=0)
    X_same, y_same = make_directions(200, n_classes, dim, decades=2, seed=1)
    X_test, y_test = make_directions(200, n_classes, dim, decades=6, seed=1)

    minitorch_l2.manual_seed(0)
    # The same bias-free embedding trunk for both (a ReLU net without biases scales with its
    # input); only the head differs: an ordinary Linear, or L2Normalize + a cosine classifier.
    plain = nn.Sequential(
        nn.Linear(dim, hidden, bias=False),
        nn.ReLU(),
        nn.Linear(hidden, embedding, bias=False),
        nn.Linear(embedding, n_classes),
    )
    normalised = nn.Sequential(
        nn.Linear(dim, hidden, bias=False),
        nn.ReLU(),
        nn.Linear(hidden, embedding, bias=False),
        nn.L2Normalize(jacobian=False),
        CosineClassifier(embedding, n_classes),
    )
    print(normalised)
    for model in (plain, normalised):
        train(model, X, y, epochs)

    norms = np.linalg.norm(normalised.get(2).forward(normalised.get(1).output), axis=1)
    print(f"embedding norms before L2Normalize: {norms.min():.3g} .. {norms.max():.3g}")
    print(f"{'model':<12}{'train':>10}{'test, 2 decades':>18}{'test, 6 decades':>18}")
    for name, model in (("plain", plain), ("normalised", normalised)):
        scores = [accuracy(model, *data) for data in ((X, y), (X_same, y_same), (X_test, y_test))]
        print(f"{name:<12}{scores[0]:>10.4f}{scores[1]:>18.4f}{scores[2]:>18.4f}")
    result = accuracy(normalised, X_test, y_test)
    print(f"final accuracy: {result:.4f}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
