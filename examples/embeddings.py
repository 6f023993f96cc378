"""A bag-of-words classifier: ``LookupTable`` word vectors, summed, ending in ``Normalize(2)``.

The data: documents of 4 to 12 words over a vocabulary of 60 (index 0 pads the shorter ones),
from K = 4 topics; each word is, with probability 1/2, one of its topic's 8 words, else one of
the 27 words every topic uses. The model reads the word indices themselves, as Lua's did:

    LookupTable(60, 16, padding_value=0) → sum over the words → Linear → ReLU → Linear

(the padding row is set to zero, and its positions add nothing to the gradient), and then one of
two heads:

    plain:       → Linear(classes)                          (an ordinary linear head)
    normalised:  → Normalize(2) → CosineClassifier         (openface's ending, then cosines)

A bag of words is a *sum*: the same document repeated six times has six times the bag, and the
bias-free ReLU trunk is positively homogeneous, f(r x) = r f(x). So the plain head's logits grow
with the length, while f(x)/‖f(x)‖ sees only the words' proportions. ``CosineClassifier`` scores
the unit embedding e against learned class vectors w_k, themselves normalised by an inner
``L2Normalize``: logit_k = s · e·ŵ_k, a scaled cosine in [−s, s]. Both models are tested on
held-out documents and on the same documents repeated six times: the normalised model gives
the same predictions and the same loss on both; the plain one's loss grows several-fold,
over-confident wherever it is wrong.

    python examples/embeddings.py
"""

from __future__ import annotations

import sys

import numpy as np

import minitorch_l2
from minitorch_l2 import nn, optim

VOCABULARY, TOPICS, TOPIC_WORDS, LONGEST = 60, 4, 8, 12


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


def make_documents(n_per_topic: int, seed: int, repeat: int = 1):
    """Word indices (n, LONGEST · repeat), 0-padded, and the topic of each document.

    With ``repeat`` = r, each document of ``seed`` is written r times in a row: the same words,
    r times as many.
    """
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(TOPICS), n_per_topic)
    documents = np.zeros((labels.size, LONGEST * repeat), dtype=np.int64)
    common = np.arange(1 + TOPICS * TOPIC_WORDS, VOCABULARY)
    for row, topic in enumerate(labels):  # data generation, not a layer: a loop is fine here
        length = rng.integers(4, LONGEST + 1)
        own = 1 + topic * TOPIC_WORDS + rng.integers(0, TOPIC_WORDS, length)
        words = np.where(rng.random(length) < 0.5, own, rng.choice(common, length))
        documents[row, : length * repeat] = np.tile(words, repeat)
    return documents, labels


def trunk() -> list[nn.Module]:
    """The bias-free embedding trunk: word vectors, their sum, Linear → ReLU → Linear."""
    words = nn.LookupTable(VOCABULARY, 16, padding_value=0)  # Lua: nn.LookupTable(60, 16, 1)
    words.weight[0] = 0  # padding reads as a zero vector, and padding_value keeps it there
    return [
        words,
        nn.Sum(1),  # the bag: Σ over the words, (n, L, 16) → (n, 16); Lua: nn.Sum(2)
        nn.Linear(16, 32, bias=False),
        nn.ReLU(),
        nn.Linear(32, 8, bias=False),
    ]


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


def loss(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    return nn.CrossEntropyCriterion().forward(model.forward(X), y)


def main(argv: list[str] | None = None) -> float:
    """Train both models; print accuracies and losses; return the normalised model's accuracy."""
    epochs = int(argv[0]) if argv else 300
    X, y = make_documents(150, seed=0)
    X_test, y_test = make_documents(200, seed=1)
    X_long, y_long = make_documents(200, seed=1, repeat=6)  # the same documents, six times over

    minitorch_l2.manual_seed(0)
    plain = nn.Sequential(*trunk(), nn.Linear(8, TOPICS))
    normalised = nn.Sequential(*trunk(), nn.Normalize(2), CosineClassifier(8, TOPICS))
    print(normalised)
    for model in (plain, normalised):
        train(model, X, y, epochs)

    print(f"{'model':<12}{'train':>8}{'test':>8}{'test x6':>9}{'loss':>9}{'loss x6':>9}")
    for name, model in (("plain", plain), ("normalised", normalised)):
        scores = [accuracy(model, *data) for data in ((X, y), (X_test, y_test), (X_long, y_long))]
        losses = [loss(model, X_test, y_test), loss(model, X_long, y_long)]
        print(
            f"{name:<12}{scores[0]:>8.4f}{scores[1]:>8.4f}{scores[2]:>9.4f}"
            f"{losses[0]:>9.4f}{losses[1]:>9.4f}"
        )
    result = accuracy(normalised, X_test, y_test)
    print(f"final accuracy: {result:.4f}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
