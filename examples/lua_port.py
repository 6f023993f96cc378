"""A Lua Torch 7 training loop and its Python transcription, line by line.

Each Python line carries, in the comment beside it, the Lua line it transcribes. The model is a
small classifier of three Gaussian blobs, trained with ``optim.sgd`` on the flat parameter vector,
exactly as a 2015 Torch script would do it. Each epoch prints its loss, accuracy and time;
``--progress`` draws a bar over the epoch's batches when the output is a terminal. Run it:

    python examples/lua_port.py [EPOCHS] [--progress]

The differences that matter when porting (see docs/lua-torch.md): Python indices and class targets
are 0-based, ``:`` method calls become ``.``, and ``x:clone()`` becomes ``x.copy()``. The optim
config keeps Lua's option names (``learningRate``), and the state Lua keeps in it
(``config["evalCounter"]``, the momentum ``config["dfdx"]``) is there under Lua's names too.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import minitorch_l2
from minitorch_l2 import data, nn, optim
from minitorch_l2._progress import ProgressBar


def main(argv: list[str] | None = None) -> float:
    """Train and return the final training accuracy (also printed as ``final accuracy: ...``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("epochs", nargs="?", type=int, default=30, help="epochs (30)")
    parser.add_argument("--progress", action="store_true", help="a bar over each epoch")
    args = parser.parse_args(argv)
    epochs, batches = args.epochs, -(-300 // 30)  # 3 blobs of 100 points, batches of 30
    # fmt: off
    # Python                                            -- Lua Torch 7
    minitorch_l2.manual_seed(1)                         # torch.manualSeed(1)
    X, y = data.make_blobs(n_per_class=100, seed=1)     # local X, y = ...  (y: 1..3 in Lua, 0..2 here)

    model = nn.Sequential()                             # local model = nn.Sequential()
    model.add(nn.Linear(2, 16))                         # model:add(nn.Linear(2, 16))
    model.add(nn.Tanh())                                # model:add(nn.Tanh())
    model.add(nn.Linear(16, 3))                         # model:add(nn.Linear(16, 3))
    model.add(nn.LogSoftMax())                          # model:add(nn.LogSoftMax())
    criterion = nn.ClassNLLCriterion()                  # local criterion = nn.ClassNLLCriterion()
    print(model)                                        # print(model)

    params, grad_params = model.get_parameters()        # local params, gradParams = model:getParameters()
    config = {"learningRate": 0.1, "momentum": 0.9}     # local config = {learningRate=0.1, momentum=0.9}

    accuracy = 0.0
    for epoch in range(epochs):                         # for epoch = 1, epochs do
        timer = time.perf_counter()                     #   local timer = torch.Timer()
        bar = ProgressBar(batches) if args.progress else None  # (xlua.progress, with a terminal)
        for done, (batch_x, batch_y) in enumerate(data.batches(X, y, 30, seed=epoch), 1):  # for each mini-batch do
            # Lua closures capture the loop's variables; Python binds them through defaults.
            def feval(x, batch_x=batch_x, batch_y=batch_y):  # local function feval(x)
                if x is not params:                     #   if x ~= params then
                    params[:] = x                       #     params:copy(x) end
                model.zero_grad_parameters()            #   model:zeroGradParameters()
                output = model.forward(batch_x)         #   local output = model:forward(batchX)
                loss = criterion.forward(output, batch_y)        # local loss = criterion:forward(output, batchY)
                d_output = criterion.backward(output, batch_y)   # local dOutput = criterion:backward(output, batchY)
                model.backward(batch_x, d_output)       #   model:backward(batchX, dOutput)
                return loss, grad_params                #   return loss, gradParams end

            _, (loss,) = optim.sgd(feval, params, config)  # local _, fs = optim.sgd(feval, params, config)
            if bar is not None:
                bar.update(done)                        #   xlua.progress(done, batches)
        if bar is not None:
            bar.close()
        prediction = model.forward(X).argmax(axis=1)    # local _, prediction = model:forward(X):max(2)
        accuracy = float(np.mean(prediction == y))      # prediction:eq(y):double():mean()
        seconds = time.perf_counter() - timer           # local seconds = timer:time().real
        print(f"epoch {epoch:3d}  loss {loss:.4f}  accuracy {accuracy:.4f}  time {seconds:.3f} s")
    confusion = optim.ConfusionMatrix(["a", "b", "c"])  # local confusion = optim.ConfusionMatrix({'a', 'b', 'c'})
    confusion.batch_add(model.forward(X), y)            # confusion:batchAdd(model:forward(X), y)
    print(confusion)                                    # print(confusion)
    # fmt: on
    print(f"final accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main(sys.argv[1:])
