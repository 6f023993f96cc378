"""The thread policy and the import: one BLAS thread by default, the user's choice honoured,
results bit-identical to one thread, and ``import minitorch_l2`` without SciPy.

Each case runs in a fresh interpreter: the policy acts at import, and OpenBLAS reads its own
variables when NumPy loads it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import minitorch_l2

ROOT = Path(__file__).resolve().parent.parent
VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "MINITORCH_L2_NUM_THREADS",
)

# A few SGD steps of an MNIST-sized MLP (float32) and a float64 one; prints the thread count
# and a digest of the final weights. 784 inputs: two OpenBLAS threads give other bits there.
TRAIN = """
import hashlib, json, sys
import numpy as np
import minitorch_l2
from minitorch_l2 import nn, optim

digests = []
for sizes, dtype in (((784, 64, 10), np.float32), ((2, 100, 100, 3), np.float64)):
    minitorch_l2.manual_seed(0)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    net = nn.Sequential(*layers[:-1]).type(dtype)
    criterion = nn.CrossEntropyCriterion()
    params, grads = net.get_parameters()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, sizes[0])).astype(dtype)
    t = rng.integers(0, sizes[-1], size=256)

    def feval(_):
        net.zero_grad_parameters()
        out = net.forward(x)
        loss = criterion.forward(out, t)
        net.backward(x, criterion.backward(out, t))
        return loss, grads

    config = {"learning_rate": 0.1, "momentum": 0.9}
    for _ in range(5):
        optim.sgd(feval, params, config)
    digests.append(hashlib.sha256(params.tobytes()).hexdigest())
print(json.dumps({"threads": minitorch_l2.get_num_threads(), "digests": digests,
                  "scipy": "scipy" in sys.modules}))
"""


def run(code: str, **variables: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    env.update(variables)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


def train(**variables: str) -> dict:
    done = run(TRAIN, **variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_import_does_not_load_scipy():
    done = run("import sys, minitorch_l2; print(sorted(m for m in sys.modules if 'scipy' in m))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_default_is_one_blas_thread_and_gives_the_bits_of_one_thread():
    default = train()
    pinned = train(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")  # one thread from the start
    assert default["threads"] == 1
    assert pinned["threads"] == 1
    assert default["digests"] == pinned["digests"]
    assert not default["scipy"]  # training an MLP needs no SciPy either


def test_the_users_environment_is_honoured():
    assert train(MINITORCH_L2_NUM_THREADS="2")["threads"] == 2
    # A BLAS variable set by the user leaves the library as that variable made it.
    assert train(OPENBLAS_NUM_THREADS="2")["threads"] == 2
    done = run("import minitorch_l2", MINITORCH_L2_NUM_THREADS="two")
    assert done.returncode != 0
    assert "MINITORCH_L2_NUM_THREADS must be a positive integer, got 'two'" in done.stderr


def test_set_num_threads_at_run_time():
    code = (
        "import minitorch_l2 as m\n"
        "m.set_num_threads(2); a = m.get_num_threads()\n"
        "m.set_num_threads(1); print(a, m.get_num_threads())"
    )
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "1"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2", None])
def test_set_num_threads_refuses_what_is_not_a_positive_int(bad):
    with pytest.raises(ValueError, match="minitorch_l2.set_num_threads: the thread count must"):
        minitorch_l2.set_num_threads(bad)
    assert minitorch_l2.get_num_threads() >= 1
