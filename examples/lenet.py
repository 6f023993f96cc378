"""LeNet, as the "Deep Learning with Torch" tutorial builds it, trained on generated glyphs.

The network is the tutorial's: two 5×5 convolutions with ReLU and 2×2 max pooling, a View to
flatten, three Linear layers and LogSoftMax, trained with ClassNLLCriterion and ``optim.sgd``
on the flat parameter vector, as a 2015 Torch script would. The images come from
``data.make_glyphs``: ten digit-like glyphs, 1×28×28, anywhere in the frame. Each Python line
of the model and the loop carries the Lua line it transcribes. Then a fully connected network
of the same number of parameters trains on the same data, for comparison.

    PYTHONPATH=. python examples/lenet.py            # one line per epoch, then the comparison
    PYTHONPATH=. python examples/lenet.py --plot     # also lenet_filters.png, lenet_errors.png

Options: ``--epochs N``, ``--per-class N`` (training images per class), ``--plot``. Porting
notes: class targets are 0-based here (Lua's 1…10 are 0…9), and ``:`` becomes ``.``. On a
machine busy with other jobs, run it with ``OPENBLAS_NUM_THREADS=1``: a second BLAS thread
waiting for a busy core makes the Linear layers' products many times slower
(docs/performance.md, "Convolution").
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import minitorch_l2
from minitorch_l2 import data, nn, optim


def lenet() -> nn.Sequential:
    """The tutorial's LeNet for 1×28×28 inputs (28 → 24 → 12 → 8 → 4 after each layer)."""
    # fmt: off
    # Python                                     -- Lua Torch 7
    net = nn.Sequential()                        # net = nn.Sequential()
    net.add(nn.SpatialConvolution(1, 6, 5, 5))   # net:add(nn.SpatialConvolution(1, 6, 5, 5))
    net.add(nn.ReLU())                           # net:add(nn.ReLU())
    net.add(nn.SpatialMaxPooling(2, 2, 2, 2))    # net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
    net.add(nn.SpatialConvolution(6, 16, 5, 5))  # net:add(nn.SpatialConvolution(6, 16, 5, 5))
    net.add(nn.ReLU())                           # net:add(nn.ReLU())
    net.add(nn.SpatialMaxPooling(2, 2, 2, 2))    # net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
    net.add(nn.View(16 * 4 * 4))                 # net:add(nn.View(16*4*4))
    net.add(nn.Linear(16 * 4 * 4, 120))          # net:add(nn.Linear(16*4*4, 120))
    net.add(nn.ReLU())                           # net:add(nn.ReLU())
    net.add(nn.Linear(120, 84))                  # net:add(nn.Linear(120, 84))
    net.add(nn.ReLU())                           # net:add(nn.ReLU())
    net.add(nn.Linear(84, 10))                   # net:add(nn.Linear(84, 10))
    net.add(nn.LogSoftMax())                     # net:add(nn.LogSoftMax())
    # fmt: on
    return net


def mlp(parameters: int) -> nn.Sequential:
    """One hidden layer of ReLUs, as wide as ``parameters`` weights and biases allow."""
    hidden = round((parameters - 10) / (28 * 28 + 1 + 10))
    return nn.Sequential(
        nn.View(28 * 28),
        nn.Linear(28 * 28, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 10),
        nn.LogSoftMax(),
    )


def count(net: nn.Module) -> int:
    """The number of weights and biases."""
    return sum(p.size for p in net.parameters()[0])


def accuracy(net: nn.Module, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Test accuracy and the predicted classes, in batches of 500 (evaluation mode)."""
    net.evaluate()
    predicted = np.concatenate(
        [net.forward(X[i : i + 500]).argmax(axis=1) for i in range(0, len(X), 500)]
    )
    net.training()
    return float(np.mean(predicted == y)), predicted


def train(net: nn.Sequential, X, y, X_test, y_test, epochs: int, name: str) -> np.ndarray:
    """Mini-batch SGD with momentum, one line per epoch; returns the test predictions."""
    # fmt: off
    criterion = nn.ClassNLLCriterion()           # criterion = nn.ClassNLLCriterion()
    params, grads = net.get_parameters()         # params, grads = net:getParameters()
    config = {"learning_rate": 0.05,             # config = {learningRate = 0.05,
              "momentum": 0.9}                   #           momentum = 0.9}
    predicted = np.empty(0)
    for epoch in range(1, epochs + 1):           # for epoch = 1, epochs do
        start, total = time.perf_counter(), 0.0
        for inputs, targets in data.batches(X, y, 32, seed=epoch):  # for each mini-batch
            def feval(x, inputs=inputs, targets=targets):  # local feval = function(x)
                if x is not params:              #   if x ~= params then
                    params[:] = x                #     params:copy(x) end
                grads.fill(0)                    #   grads:zero()
                outputs = net.forward(inputs)    #   local outputs = net:forward(inputs)
                loss = criterion.forward(outputs, targets)  # local f = criterion:forward(...)
                df = criterion.backward(outputs, targets)  # local df = criterion:backward(...)
                net.backward(inputs, df)         #   net:backward(inputs, df)
                return loss, grads               #   return f, grads end

            _, (loss,) = optim.sgd(feval, params, config)  # optim.sgd(feval, params, config)
            total += loss * len(targets)
        score, predicted = accuracy(net, X_test, y_test)
        print(
            f"{name} epoch {epoch:2d}  loss {total / len(y):.4f}  test accuracy {score:.4f}  "
            f"time {time.perf_counter() - start:.1f} s"
        )
    # fmt: on
    return predicted


def plot(net: nn.Sequential, X_test, y_test, predicted) -> None:
    """Save the first layer's six filters and up to 24 misclassified test images."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no pictures (pip install matplotlib)")
        return
    filters = net.get(0).weight[:, 0]
    figure, axes = plt.subplots(1, len(filters), figsize=(1.5 * len(filters), 1.8))
    for axis, kernel, index in zip(axes, filters, range(len(filters))):
        axis.imshow(kernel, cmap="gray")
        axis.set_title(f"filter {index}", fontsize=8)
        axis.axis("off")
    figure.savefig("lenet_filters.png", dpi=100, bbox_inches="tight")
    wrong = np.flatnonzero(predicted != y_test)[:24]
    figure, axes = plt.subplots(3, 8, figsize=(12, 5))
    for axis in axes.flat:
        axis.axis("off")
    for axis, index in zip(axes.flat, wrong):
        axis.imshow(X_test[index, 0], cmap="gray")
        axis.set_title(f"{y_test[index]} taken for {predicted[index]}", fontsize=8)
    figure.savefig("lenet_errors.png", dpi=100, bbox_inches="tight")
    print(f"saved lenet_filters.png and lenet_errors.png ({len(wrong)} misclassified shown)")


def main(argv: list[str] | None = None) -> float:
    """Train LeNet, then the MLP; returns LeNet's final test accuracy (printed last)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--per-class", type=int, default=600, help="training images per class")
    parser.add_argument("--plot", action="store_true", help="save the filters and the errors")
    args = parser.parse_args(argv)
    minitorch_l2.manual_seed(1)  # torch.manualSeed(1)
    X, y = data.make_glyphs(args.per_class, seed=1)
    X_test, y_test = data.make_glyphs(200, seed=2)
    # As the tutorial does: centre and scale the inputs by the training set's mean and std.
    mean, std = X.mean(), X.std()  # mean = trainset.data:mean(); std = trainset.data:std()
    X = ((X - mean) / std).astype(np.float32)  # trainset.data:add(-mean):div(std)
    X_test = ((X_test - mean) / std).astype(np.float32)
    net = lenet().float()  # net:float()
    print(net)  # print(net)
    print(f"LeNet: {count(net)} parameters, {len(y)} training images, {len(y_test)} test images")
    predicted = train(net, X, y, X_test, y_test, args.epochs, "lenet")
    final, _ = accuracy(net, X_test, y_test)
    dense = mlp(count(net)).float()
    print(f"MLP of the same size: {dense.get(1)!r}, {count(dense)} parameters")
    train(dense, X, y, X_test, y_test, args.epochs, "mlp")
    dense_final, _ = accuracy(dense, X_test, y_test)
    print(f"test accuracy: lenet {final:.4f}, mlp {dense_final:.4f}")
    if args.plot:
        plot(net, X_test, y_test, predicted)
    print(f"final accuracy: {final:.4f}")
    return final


if __name__ == "__main__":
    main()
