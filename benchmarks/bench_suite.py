"""What a user's ``python train.py`` gets: every side in its own process, quiet and under load.

    PYTHONPATH=. python benchmarks/bench_suite.py                 # Markdown tables (~15 min)
    PYTHONPATH=. python benchmarks/bench_suite.py --json          # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_suite.py --quick         # tiny sizes: checks it runs
    PYTHONPATH=. python benchmarks/bench_suite.py --peer-python /work/venv-peers/bin/python
    PYTHONPATH=. python benchmarks/bench_suite.py --baseline ../main   # also an older checkout

Steps (one training step, or one layer call) are timed for each *side* — ours, PyTorch, and with
``--baseline DIR`` ours from another source tree — in a fresh process per (side, setting), with:
- ``1 thread``: ``OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1`` and
  ``torch.set_num_threads(1)``;
- ``default``: none of them set, what ``pip install`` and ``python train.py`` give;
- ``1 thread, loaded`` and ``default, loaded``: the same while this script keeps every core busy
  with one spinning process per core (started before, stopped after, each ending by itself after
  ``LOAD_SECONDS`` at most): the machine of a user with a browser or a compile running.
The cases: the MNIST-sized MLP step (784-256-256-10, float32, batch 32 to 1024), the spiral MLP
step (2-100-100-3, float64, batch 300), L2Normalize forward and forward+backward (direct path) at
(4096, 512) float32, and the LeNet step of benchmarks/bench_conv.py when it exists. A side's time
for a case is the minimum over every round of the minimum over that process's samples; rounds
repeat the whole set with the order of the sides rotated, so slow phases of a shared machine
hit every side. The MLP steps are those of bench_mlp.py (benchmarks/_mlp.py), the first layer
skipping its grad_input as PyTorch does; the two sides agree after one step before any timing.

Beside the steps: the time of ``import minitorch_l2`` in a fresh interpreter; the whole process
of the spiral example (``examples/train_spiral.py``) against the same training (40 epochs of
Adam, batch 32, 2-32-32-3, 300 points) written for scikit-learn, HIPS autograd and JAX; and one
epoch of SGD over the spiral (2-100-100-3, 3000 points, batch 300) and MNIST-sized data
(784-256-256-10, 4096 rows, batch 128) on each side. Imports and whole processes run with byte
code cached (as after ``pip install``, which compiles it), whatever ``PYTHONDONTWRITEBYTECODE``
says. The peers run in ``--peer-python`` (a separate virtual environment; default: this Python)
and are skipped with a note when they are not installed there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
OWN_VARIABLE = "MINITORCH_L2_NUM_THREADS"
LOAD_SECONDS = 900  # a busy process never outlives this, even if the script is killed
# setting name -> (thread variables' value or None for the defaults, under self-made load)
SETTINGS = {
    "1 thread": ("1", False),
    "default": (None, False),
    "1 thread, loaded": ("1", True),
    "default, loaded": (None, True),
}
MNIST_BATCHES = (32, 64, 128, 256, 512, 1024)
# case -> (kind, parameters); kind "mlp": (layer sizes, batch, dtype name); "l2n": (shape, pass)
CASES = {
    **{
        f"MNIST MLP, batch {b}": ("mlp", ((784, 256, 256, 10), b, "float32")) for b in MNIST_BATCHES
    },
    "spiral MLP, batch 300": ("mlp", ((2, 100, 100, 3), 300, "float64")),
    "L2Normalize forward (4096, 512)": ("l2n", ((4096, 512), "forward")),
    "L2Normalize fwd+bwd direct (4096, 512)": ("l2n", ((4096, 512), "fwd+bwd")),
    "LeNet step, batch 64": ("lenet", ()),
}
QUICK_CASES = {
    "tiny MLP, batch 4": ("mlp", ((6, 5, 5, 3), 4, "float32")),
    "tiny MLP float64, batch 5": ("mlp", ((2, 4, 4, 3), 5, "float64")),
    "L2Normalize forward (16, 8)": ("l2n", ((16, 8), "forward")),
    "L2Normalize fwd+bwd direct (16, 8)": ("l2n", ((16, 8), "fwd+bwd")),
}
# Goals of issue 19 at default threads without self-made load: case prefix -> ours/PyTorch
GOALS = {
    "MNIST MLP": 0.8,
    "spiral MLP": 0.6,
    "L2Normalize forward": 1.0,
    "L2Normalize fwd+bwd": 0.4,
    "LeNet": 1.5,
}
LOADED_GOAL = 1.3  # ours at default threads / ours at one thread, both under self-made load
IMPORT_GOAL = 0.2  # seconds
PEERS = ("sklearn", "autograd", "jax")
PEER_MODULES = {"sklearn": "sklearn.neural_network", "autograd": "autograd", "jax": "jax"}
# epoch case -> (layer sizes, rows, batch, dtype name)
EPOCHS = {
    "spiral MLP 2-100-100-3": ((2, 100, 100, 3), 3000, 300, "float64"),
    "MNIST MLP 784-256-256-10": ((784, 256, 256, 10), 4096, 128, "float32"),
}
QUICK_EPOCHS = {"tiny MLP 2-8-8-3": ((2, 8, 8, 3), 64, 16, "float64")}
SPIRAL_RUN = {"epochs": 40, "batch": 32, "hidden": 32, "n_per_class": 100, "lr": 0.01}


# ---------------------------------------------------------------- timing inside a worker
def time_function(function, samples: int, sample_seconds: float) -> list[float]:
    """Seconds per call, one value per sample of back-to-back calls lasting ~sample_seconds."""
    for _ in range(3):
        function()
    calls, elapsed = 1, 0.0
    while True:  # calibrate: how many calls last about a quarter of a sample
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= sample_seconds / 4 or calls >= 1 << 16:
            break
        calls *= 2
    inner = max(1, round(calls * sample_seconds / max(elapsed, 1e-9)))
    values = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(inner):
            function()
        values.append((time.perf_counter() - start) / inner)
    return values


def mlp_data(sizes, batch, dtype):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, sizes[0])).astype(dtype)
    target = rng.integers(0, sizes[-1], size=batch)
    return x, target


def our_case(kind: str, parameters: tuple):
    """A zero-argument function running one step of the case on our side (None: unavailable)."""
    import numpy as np

    import minitorch_l2
    from minitorch_l2 import nn

    if kind == "mlp":
        from _mlp import our_model, our_step

        sizes, batch, dtype = parameters
        x, target = mlp_data(sizes, batch, dtype)
        minitorch_l2.manual_seed(0)
        net = our_model(sizes, np.dtype(dtype).type)
        net.get(0).compute_grad_input = False  # the same work as PyTorch (see bench_mlp.py)
        return our_step(net, x, target)[0]
    if kind == "l2n":
        shape, which = parameters
        x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
        g = np.random.default_rng(1).normal(size=shape).astype(np.float32)
        layer = nn.L2Normalize(jacobian=False)
        if which == "forward":
            return lambda: layer.forward(x)
        return lambda: (layer.forward(x), layer.backward(x, g))
    lenet = _lenet_module()
    if lenet is None:
        return None
    net, x, target = lenet._step_inputs(lenet.FULL)
    return lenet.our_step(net, x, target)[0]


def torch_case(torch, kind: str, parameters: tuple):
    """The same step on PyTorch's side, from the same weights and data."""
    import numpy as np

    import minitorch_l2

    if kind == "mlp":
        from _mlp import our_model, torch_step

        sizes, batch, dtype = parameters
        x, target = mlp_data(sizes, batch, dtype)
        minitorch_l2.manual_seed(0)
        net = our_model(sizes, np.dtype(dtype).type)
        return torch_step(torch, net, x, target)[0]
    if kind == "l2n":
        shape, which = parameters
        x = torch.from_numpy(np.random.default_rng(0).normal(size=shape).astype(np.float32))
        g = torch.from_numpy(np.random.default_rng(1).normal(size=shape).astype(np.float32))
        normalize = torch.nn.functional.normalize
        if which == "forward":
            return lambda: normalize(x, dim=1)
        x_grad = x.clone().requires_grad_(True)

        def forward_backward() -> None:
            x_grad.grad = None
            normalize(x_grad, dim=1).backward(g)

        return forward_backward
    lenet = _lenet_module()
    if lenet is None:
        return None
    net, x, target = lenet._step_inputs(lenet.FULL)
    return lenet.torch_step(torch, net, x, target)[0]


def _lenet_module():
    """benchmarks/bench_conv.py (its LeNet and its steps), or None before convolution exists."""
    from minitorch_l2 import nn

    if not (HERE / "bench_conv.py").exists() or not hasattr(nn, "SpatialConvolution"):
        return None  # e.g. a --baseline tree older than the convolutions
    import bench_conv

    return bench_conv


def check_agreement(torch, cases: dict) -> dict[str, float]:
    """One step of each MLP on both sides from the same weights: the largest relative difference.

    In float64 whatever the case's dtype: in float32 a pre-activation within rounding of 0 can
    fall on the other side of a ReLU's kink on one side (4 of the 262 144 of the MNIST MLP at
    batch 1024 lie within 1e-5 of it), and its unit's gradient with it.
    """
    import numpy as np
    from _mlp import check_same_step, our_model, our_step, torch_step

    import minitorch_l2

    worst = {}
    for name, (kind, parameters) in cases.items():
        if kind != "mlp":
            continue
        sizes, batch, _ = parameters
        dtype = "float64"
        x, target = mlp_data(sizes, batch, dtype)
        minitorch_l2.manual_seed(0)
        net = our_model(sizes, np.dtype(dtype).type)
        net.get(0).compute_grad_input = False
        step, grads = our_step(net, x, target)
        torch_net = net.clone()
        model_step, model = torch_step(torch, torch_net, x, target)
        step()
        model_step()
        worst[name] = check_same_step(torch, net, grads, model, np.dtype(dtype).type)
    return worst


def worker(side: str, names: list[str], quick: bool, samples: int) -> None:
    """In a fresh process: time ``side`` on each case; print {case: [seconds per call, ...]}."""
    cases = QUICK_CASES if quick else CASES
    # Under load a sample is one short burst of calls, so that some run between preemptions.
    loaded = os.environ.get("BENCH_SUITE_LOADED") == "1"
    sample_seconds = 0.001 if quick else 0.002 if loaded else 0.01
    torch = None
    if side == "torch":
        try:
            import torch
        except ImportError:
            print(json.dumps({"missing": "PyTorch is not installed"}))
            return
        if os.environ.get("OMP_NUM_THREADS") == "1":
            torch.set_num_threads(1)
    result: dict[str, object] = {"times": {}, "threads": None}
    for name in names:
        kind, parameters = cases[name]
        function = (
            our_case(kind, parameters) if side != "torch" else torch_case(torch, kind, parameters)
        )
        if function is not None:
            result["times"][name] = time_function(function, samples, sample_seconds)
    if side == "torch":
        result["threads"] = torch.get_num_threads()
    else:
        import threadpoolctl

        infos = threadpoolctl.threadpool_info()
        result["threads"] = max([i["num_threads"] for i in infos if i["user_api"] == "blas"] or [1])
    print(json.dumps(result))


# ---------------------------------------------------------------- the parent: processes, load
def environment_for(threads: str | None, source: Path = ROOT) -> dict[str, str]:
    """This process's environment with the thread variables set to ``threads`` (or removed)."""
    env = {k: v for k, v in os.environ.items() if k not in (*THREAD_VARIABLES, OWN_VARIABLE)}
    if threads is not None:
        env.update({name: threads for name in THREAD_VARIABLES})
    kept = [part for part in os.environ.get("PYTHONPATH", "").split(os.pathsep) if part]
    env["PYTHONPATH"] = os.pathsep.join([str(source), str(HERE), *kept])
    return env


def run_worker(side: str, threads: str | None, names: list[str], args, loaded: bool) -> dict:
    """Start a worker for ``side`` (ours, baseline, torch); return its parsed output."""
    source = Path(args.baseline) if side == "baseline" else ROOT
    samples = args.samples * (3 if loaded and not args.quick else 1)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", side]
    command += ["--samples", str(samples)] + (["--quick"] if args.quick else []) + names
    env = environment_for(threads, source)
    if loaded:
        env["BENCH_SUITE_LOADED"] = "1"
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench_suite worker {side} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Load:
    """One spinning process per core while the ``with`` block runs; each ends by itself too."""

    def __init__(self, seconds: float = LOAD_SECONDS) -> None:
        self.seconds = seconds
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Load:
        spin = (
            f"import time\nend = time.monotonic() + {self.seconds}\n"
            "while time.monotonic() < end: pass"
        )
        for _ in range(os.cpu_count() or 1):
            self.processes.append(subprocess.Popen([sys.executable, "-c", spin]))
        time.sleep(0.5)  # let them reach their loops
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.wait()


def time_steps(args, cases: dict, sides: list[str]) -> tuple[dict, dict, list[str]]:
    """{(case, side, setting): best seconds}, {(side, setting): threads}, notes."""
    best: dict[tuple[str, str, str], float] = {}
    threads_seen: dict[tuple[str, str], int] = {}
    notes: list[str] = []
    names = list(cases)
    for round_index in range(args.rounds):
        for loaded in (False, True):
            settings = [s for s in args.settings if SETTINGS[s][1] == loaded]
            jobs = [(side, s) for s in settings for side in sides]
            if not jobs:
                continue
            shift = round_index % len(jobs)
            jobs = jobs[shift:] + jobs[:shift]
            context = Load(LOAD_SECONDS) if loaded else _Nothing()
            with context:
                for side, setting in jobs:
                    result = run_worker(side, SETTINGS[setting][0], names, args, loaded)
                    if "missing" in result:
                        if result["missing"] not in notes:
                            notes.append(result["missing"] + ": its side is not timed")
                        continue
                    threads_seen[side, setting] = result["threads"]
                    for name, values in result["times"].items():
                        key = (name, side, setting)
                        best[key] = min(best.get(key, float("inf")), min(values))
                        args.per_round.setdefault(key, []).append(min(values))
    return best, threads_seen, notes


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# ---------------------------------------------------------------- import and whole processes
def import_seconds(python: str, module: str, repeats: int, source: Path = ROOT) -> float | None:
    """Fastest ``import module`` in a fresh interpreter, byte code cached (None: not installed)."""
    code = (
        "import time\nstart = time.perf_counter()\n"
        f"import {module}\nprint(time.perf_counter() - start)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = environment_for(None, source)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache  # as after pip install, which compiles the package
        best = None
        for index in range(repeats + 1):
            done = subprocess.run(  # cwd: `python -c` would import a package found there first
                [python, "-c", code], capture_output=True, text=True, env=env, cwd=cache
            )
            if done.returncode != 0:
                return None
            if index:  # the first run writes the cache
                seconds = float(done.stdout.split()[-1])
                best = seconds if best is None else min(best, seconds)
        return best


def process_seconds(command: list[str], repeats: int, env: dict[str, str]) -> float | None:
    """Fastest wall time of ``command`` from start to exit (None: it failed)."""
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            return None
        best = elapsed if best is None else min(best, elapsed)
    return best


def peer_available(python: str, peer: str) -> bool:
    """Whether ``python`` can import the peer (and NumPy)."""
    code = f"import numpy, {PEER_MODULES[peer]}"
    return subprocess.run([python, "-c", code], capture_output=True).returncode == 0


# ---------------------------------------------------------------- the peers' programs
def spiral_data(n_per_class: int, noise: float, seed: int):
    """The spiral of data.make_spiral, rebuilt in NumPy (a peer's process must not import ours)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    radius = np.tile(np.arange(1, n_per_class + 1) / n_per_class, 3)
    label = np.repeat(np.arange(3), n_per_class)
    angle = 2 * np.pi * label / 3 + 4 * radius + rng.normal(0, noise, size=radius.size)
    return np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1), label


def peer_spiral(library: str) -> None:
    """The spiral example's training (Adam, 40 epochs of batch 32, 2-32-32-3) with ``library``."""
    import numpy as np

    run = SPIRAL_RUN
    X, y = spiral_data(run["n_per_class"], 0.2, 0)
    sizes = (2, run["hidden"], run["hidden"], 3)
    if library == "sklearn":
        from sklearn.neural_network import MLPClassifier

        model = MLPClassifier(
            hidden_layer_sizes=sizes[1:-1],
            solver="adam",
            learning_rate_init=run["lr"],
            batch_size=run["batch"],
            max_iter=run["epochs"],
            alpha=0.0,
            tol=0.0,
            n_iter_no_change=run["epochs"] + 1,
            random_state=0,
        )
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "did not converge": 40 epochs on purpose
            model.fit(X, y)
        print(f"final accuracy: {model.score(X, y):.4f}")
        return
    step, params, predict = _functional_mlp(library, sizes, np.float64, "adam", run["lr"])
    rng = np.random.default_rng(0)
    for _ in range(run["epochs"]):
        order = rng.permutation(len(y))
        for start in range(0, len(y), run["batch"]):
            rows = order[start : start + run["batch"]]
            params = step(params, X[rows], y[rows])
    print(f"final accuracy: {np.mean(predict(params, X) == y):.4f}")


def _functional_mlp(library: str, sizes, dtype, method: str, lr: float):
    """(step(params, x, t) -> params, params, predict) for autograd or JAX: ReLU MLP, softmax CE."""
    import numpy as np

    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
        params.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
    if library == "jax":
        import jax

        if dtype == np.float64:
            jax.config.update("jax_enable_x64", True)
        import jax.numpy as xp

        grad_of = jax.grad
    else:
        import autograd
        import autograd.numpy as xp

        grad_of = autograd.grad

    def scores(params, x):
        for index in range(0, len(params) - 2, 2):
            x = xp.maximum(xp.dot(x, params[index]) + params[index + 1], 0)
        return xp.dot(x, params[-2]) + params[-1]

    def loss(params, x, onehot):
        s = scores(params, x)
        top = xp.max(s, axis=1, keepdims=True)
        log_p = s - top - xp.log(xp.sum(xp.exp(s - top), axis=1, keepdims=True))
        return -xp.sum(log_p * onehot) / x.shape[0]

    gradient = grad_of(loss)
    classes = sizes[-1]
    if method == "sgd":

        def update(params, state, x, onehot):
            grads = gradient(params, x, onehot)
            return [p - lr * g for p, g in zip(params, grads)], state
    else:  # Adam, PyTorch's and Torch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8)

        def update(params, state, x, onehot):
            grads = gradient(params, x, onehot)
            t, m, v = state
            t = t + 1
            m = [0.9 * a + 0.1 * g for a, g in zip(m, grads)]
            v = [0.999 * a + 0.001 * g * g for a, g in zip(v, grads)]
            size = lr * xp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            new = [p - size * a / (xp.sqrt(b) + 1e-8) for p, a, b in zip(params, m, v)]
            return new, (t, m, v)

    if library == "jax":
        params = [xp.asarray(p) for p in params]
        update = jax.jit(update)
    state = (0, [0 * p for p in params], [0 * p for p in params])
    box = {"state": state}

    def step(params, x, t):
        onehot = np.eye(classes, dtype=dtype)[t]
        params, box["state"] = update(params, box["state"], x, onehot)
        return params

    def predict(params, x):
        return np.asarray(scores(params, x)).argmax(axis=1)

    return step, params, predict


def epoch_worker(library: str, name: str, quick: bool, samples: int) -> None:
    """In a fresh process: seconds per epoch of SGD (lr 0.01, in order) with ``library``."""
    import numpy as np

    sizes, rows, batch, dtype_name = (QUICK_EPOCHS if quick else EPOCHS)[name]
    dtype = np.dtype(dtype_name).type
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=rows)
    batches = [(X[s : s + batch], y[s : s + batch]) for s in range(0, rows, batch)]
    if library == "ours":
        from _mlp import our_model

        import minitorch_l2
        from minitorch_l2 import nn, optim

        minitorch_l2.manual_seed(0)
        net = our_model(sizes, dtype)
        net.get(0).compute_grad_input = False
        criterion = nn.CrossEntropyCriterion()
        params, grads = net.get_parameters()
        config = {"learning_rate": 0.01}

        def feval_for(xb, tb):
            def feval(_):
                net.zero_grad_parameters()
                out = net.forward(xb)
                loss = criterion.forward(out, tb)
                net.backward(xb, criterion.backward(out, tb))
                return loss, grads

            return feval

        def epoch() -> None:
            for xb, tb in batches:
                optim.sgd(feval_for(xb, tb), params, config)
    elif library == "sklearn":
        from sklearn.neural_network import MLPClassifier

        model = MLPClassifier(
            hidden_layer_sizes=sizes[1:-1],
            solver="sgd",
            learning_rate_init=0.01,
            momentum=0.0,
            nesterovs_momentum=False,
            batch_size=batch,
            alpha=0.0,
            shuffle=False,
            random_state=0,
        )
        classes = np.arange(sizes[-1])

        def epoch() -> None:
            model.partial_fit(X, y, classes=classes)  # one pass of mini-batch SGD
    else:
        step, state, _ = _functional_mlp(library, sizes, dtype, "sgd", 0.01)
        box = {"params": state}

        def epoch() -> None:
            params = box["params"]
            for xb, tb in batches:
                params = step(params, xb, tb)
            if library == "jax":
                params[0].block_until_ready()
            box["params"] = params

    epoch()  # JAX compiles here; everyone allocates
    values = []
    for _ in range(samples):
        start = time.perf_counter()
        epoch()
        values.append(time.perf_counter() - start)
    print(json.dumps(min(values)))


def time_epochs(args, peers: list[str]) -> dict[tuple[str, str], float]:
    """{(epoch case, library): fastest epoch}, each in its own process, rounds interleaved."""
    best: dict[tuple[str, str], float] = {}
    cases = QUICK_EPOCHS if args.quick else EPOCHS
    libraries = ["ours", *peers]
    for round_index in range(args.rounds):
        shift = round_index % len(libraries)
        for library in libraries[shift:] + libraries[:shift]:
            python = sys.executable if library == "ours" else args.peer_python
            for name in cases:
                command = [python, str(Path(__file__).resolve()), "--epoch-worker", library, name]
                command += ["--samples", str(1 if args.quick else max(3, args.samples // 3))]
                command += ["--quick"] if args.quick else []
                done = subprocess.run(
                    command, capture_output=True, text=True, env=environment_for(None)
                )
                if done.returncode != 0:
                    raise RuntimeError(f"epoch worker {library} {name} failed:\n{done.stderr}")
                seconds = json.loads(done.stdout.strip().splitlines()[-1])
                best[name, library] = min(best.get((name, library), float("inf")), seconds)
    return best


def time_processes(args, peers: list[str]) -> dict[str, float | None]:
    """Fastest whole process of the spiral example (ours) and of each peer's same training."""
    repeats = 1 if args.quick else max(3, args.rounds * 2)
    quick = ["--epochs", "2"] if args.quick else []
    ours = [sys.executable, str(ROOT / "examples" / "train_spiral.py"), *quick]
    result = {}
    commands = {"ours": (ours, environment_for(None))}
    if args.baseline:
        old = [sys.executable, str(Path(args.baseline) / "examples" / "train_spiral.py"), *quick]
        commands["baseline"] = (old, environment_for(None, Path(args.baseline)))
    for peer in peers:
        command = [args.peer_python, str(Path(__file__).resolve()), "--peer-spiral", peer]
        commands[peer] = (command + (["--quick"] if args.quick else []), environment_for(None))
    with tempfile.TemporaryDirectory() as cache:
        for _, env in commands.values():  # byte code cached, as after pip install, for all
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        for command, env in commands.values():  # the first run writes the cache
            process_seconds(command, 1, env)
        for _ in range(repeats):  # interleaved: one run of each, then again
            for name, (command, env) in commands.items():
                seconds = process_seconds(command, 1, env)
                if seconds is not None:
                    result[name] = min(result.get(name, float("inf")), seconds)
                else:
                    result.setdefault(name, None)
    return result


# ---------------------------------------------------------------- report
def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing."""
    return None if a is None or b is None else a / b


def build_report(args, cases, sides, steps, threads_seen, epochs, processes, imports, notes):
    """The JSON document: environment, every timing, every goal with its verdict."""
    rows = []
    for name in cases:
        for side in sides:
            for setting in args.settings:
                seconds = steps.get((name, side, setting))
                if seconds is not None:
                    rounds = args.per_round[name, side, setting]
                    rows.append(
                        {
                            "case": name,
                            "side": side,
                            "setting": setting,
                            "seconds": seconds,
                            "worst_round_seconds": max(rounds),
                            "round_seconds": rounds,
                        }
                    )
    goals = []
    for name in cases:
        limit = next((v for k, v in GOALS.items() if name.startswith(k)), None)
        theirs = steps.get((name, "torch", "default"))
        ours = steps.get((name, "ours", "default"))
        if limit is not None and ours is not None:
            value = ratio(ours, theirs)
            goals.append(_goal(f"{name}: ours/PyTorch, default threads", value, limit))
    for name in cases:
        one = steps.get((name, "ours", "1 thread, loaded"))
        default = steps.get((name, "ours", "default, loaded"))
        if one is not None:
            value = ratio(default, one)
            goals.append(_goal(f"{name}: ours loaded, default/1 thread", value, LOADED_GOAL))
    goals.append(_goal("import minitorch_l2 (s)", imports.get("minitorch_l2"), IMPORT_GOAL))
    for peer, seconds in processes.items():
        if peer not in ("ours", "baseline"):
            value = ratio(processes.get("ours"), seconds)
            goals.append(
                _goal(f"spiral example, whole process: ours/{peer}", value, 1.0, strict=True)
            )
    for name in EPOCHS if not args.quick else QUICK_EPOCHS:
        if (name, "jax") in epochs:
            value = ratio(epochs.get((name, "ours")), epochs[name, "jax"])
            goals.append(_goal(f"{name}, one epoch: ours/JAX (jit)", value, 1.0, strict=True))
    for name in cases:
        one, old = steps.get((name, "ours", "1 thread")), steps.get((name, "baseline", "1 thread"))
        if one is not None and old is not None:
            goals.append(_goal(f"{name}: ours/baseline, 1 thread", one / old, 1.05))
    return {
        "benchmark": "bench_suite",
        "environment": _environment(args, threads_seen),
        "rounds": args.rounds,
        "settings": args.settings,
        "rows": rows,
        "epochs": [{"case": c, "library": lib, "seconds": s} for (c, lib), s in epochs.items()],
        "processes": processes,
        "imports": imports,
        "goals": goals,
        "notes": notes,
    }


def _goal(name: str, value: float | None, limit: float, strict: bool = False) -> dict:
    met = None if value is None else (value < limit if strict else value <= limit)
    return {"goal": name, "value": value, "limit": limit, "strict": strict, "met": met}


def _environment(args, threads_seen) -> dict:
    import numpy

    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "torch": torch_version,
        "cpu_count": os.cpu_count(),
        "processor": _processor(),
        "load_average_at_start": args.load_at_start,
        "load_average_at_end": list(os.getloadavg()),
        "threads_seen": {f"{side}, {setting}": n for (side, setting), n in threads_seen.items()},
        "peer_python": args.peer_python,
        "baseline": args.baseline,
    }


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def markdown(report: dict) -> str:
    """The report as the tables docs/performance.md shows."""
    from _timing import format_time, markdown_table

    env = report["environment"]
    out = [
        f"bench_suite: Python {env['python']}, NumPy {env['numpy']}, torch {env['torch']}, "
        f"{env['cpu_count']} cores ({env['processor']}); load average at start "
        f"{', '.join(f'{v:.2f}' for v in env['load_average_at_start'])}, at end "
        f"{', '.join(f'{v:.2f}' for v in env['load_average_at_end'])}; best of "
        f"{report['rounds']} rounds, each side in its own process",
        "",
    ]
    by_key = {(r["case"], r["side"], r["setting"]): r["seconds"] for r in report["rows"]}
    cases = list(dict.fromkeys(r["case"] for r in report["rows"]))
    sides = list(dict.fromkeys(r["side"] for r in report["rows"]))
    settings = report["settings"]
    headers = ["case", "side", *settings, "default/1 (loaded)"]
    lines = []
    for case in cases:
        for side in sides:
            cells = [by_key.get((case, side, s)) for s in settings]
            if all(c is None for c in cells):
                continue
            found = dict(zip(settings, cells))
            loaded = ratio(found.get("default, loaded"), found.get("1 thread, loaded"))
            lines.append(
                [
                    case,
                    side,
                    *[format_time(c) for c in cells],
                    "—" if loaded is None else f"{loaded:.2f}",
                ]
            )
    out += [markdown_table(headers, lines), ""]
    worst = {(r["case"], r["side"], r["setting"]): r["worst_round_seconds"] for r in report["rows"]}
    lines = []
    for case in cases:
        for side in sides:
            cells = [worst.get((case, side, s)) for s in settings]
            if any(c is not None for c in cells):
                lines.append([case, side, *[format_time(c) for c in cells]])
    out += ["The same, worst round (each round's best sample, the slowest round):", ""]
    out += [markdown_table(["case", "side", *settings], lines), ""]
    ratio_lines = []
    for case in cases:
        cells = [
            ratio(by_key.get((case, "ours", s)), by_key.get((case, "torch", s))) for s in settings
        ]
        ratio_lines.append([case, *["—" if c is None else f"{c:.2f}" for c in cells]])
    out += [markdown_table(["ours/PyTorch", *settings], ratio_lines), ""]
    if report["epochs"]:
        libraries = list(dict.fromkeys(e["library"] for e in report["epochs"]))
        epoch_cases = list(dict.fromkeys(e["case"] for e in report["epochs"]))
        found = {(e["case"], e["library"]): e["seconds"] for e in report["epochs"]}
        rows = []
        for case in epoch_cases:
            ours = found.get((case, "ours"))
            rows.append(
                [case]
                + [
                    format_time(found.get((case, lib)))
                    + (
                        ""
                        if lib == "ours" or found.get((case, lib)) is None
                        else f" ({ours / found[case, lib]:.2f})"
                    )
                    for lib in libraries
                ]
            )
        out += [markdown_table(["one epoch of SGD (ours/peer)", *libraries], rows), ""]
    if report["processes"]:
        ours = report["processes"].get("ours")
        rows = [
            [name, format_time(s), "—" if s is None or ours is None else f"{ours / s:.2f}"]
            for name, s in report["processes"].items()
        ]
        out += [markdown_table(["spiral example, whole process", "time", "ours/this"], rows), ""]
    rows = [
        [name, "—" if s is None else f"{s * 1000:.0f} ms"] for name, s in report["imports"].items()
    ]
    out += [markdown_table(["import (fresh interpreter)", "time"], rows), ""]
    rows = []
    for goal in report["goals"]:
        verdict = "—" if goal["met"] is None else ("met" if goal["met"] else "NOT met")
        sign = "<" if goal["strict"] else "≤"
        value = "—" if goal["value"] is None else f"{goal['value']:.2f}"
        rows.append([goal["goal"], value, f"{sign} {goal['limit']}", verdict])
    out += [markdown_table(["goal", "measured", "goal", ""], rows)]
    out += [f"\nnote: {note}" for note in report["notes"]]
    return "\n".join(out)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.strip().split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: a smoke test")
    parser.add_argument("--rounds", type=int, default=3, help="repeats of the whole set (3)")
    parser.add_argument(
        "--samples", type=int, default=20, help="samples of ~10 ms per process and case (20)"
    )
    parser.add_argument("--peer-python", help="the Python with scikit-learn, autograd and JAX")
    parser.add_argument("--baseline", help="another source tree of minitorch_l2 to time as a side")
    parser.add_argument("--no-load", action="store_true", help="skip the loaded settings")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.samples < 1:
        parser.error("--rounds and --samples must be >= 1")
    if args.quick:
        args.rounds, args.samples = 1, 3
    if args.baseline and not (Path(args.baseline) / "minitorch_l2").is_dir():
        parser.error(f"--baseline {args.baseline}: no minitorch_l2 package there")
    args.peer_python = args.peer_python or sys.executable
    args.settings = [s for s, (_, loaded) in SETTINGS.items() if not (loaded and args.no_load)]
    args.per_round = {}
    return args


def main(argv: list[str]) -> int:
    """Run everything; print the report."""
    if argv[:1] == ["--worker"]:
        samples = int(argv[3]) if argv[2:3] == ["--samples"] else 15
        rest = argv[4:] if argv[2:3] == ["--samples"] else argv[2:]
        quick = "--quick" in rest
        worker(argv[1], [r for r in rest if r != "--quick"], quick, samples)
        return 0
    if argv[:1] == ["--epoch-worker"]:
        epoch_worker(argv[1], argv[2], "--quick" in argv, int(argv[argv.index("--samples") + 1]))
        return 0
    if argv[:1] == ["--peer-spiral"]:
        if "--quick" in argv:
            SPIRAL_RUN["epochs"] = 2
        peer_spiral(argv[1])
        return 0
    args = parse_args(argv)
    args.load_at_start = list(os.getloadavg())
    cases = dict(QUICK_CASES if args.quick else CASES)
    notes = []
    if not args.quick and not (HERE / "bench_conv.py").exists():
        cases.pop("LeNet step, batch 64")
        notes.append("no benchmarks/bench_conv.py yet: the LeNet step is not timed")
    sides = ["ours", "torch"] + (["baseline"] if args.baseline else [])
    if str(ROOT) not in sys.path:  # this process checks the two sides agree: it needs our package
        sys.path.insert(1, str(ROOT))
    try:
        import torch
    except ImportError:
        agreement = {}
    else:
        agreement = check_agreement(torch, cases)
    steps, threads_seen, more = time_steps(args, cases, sides)
    notes += more
    peers = [p for p in PEERS if peer_available(args.peer_python, p)]
    for peer in PEERS:
        if peer not in peers:
            notes.append(f"{peer} is not installed for {args.peer_python}: skipped")
    epochs = time_epochs(args, peers)
    processes = time_processes(args, peers)
    repeats = 1 if args.quick else 10
    imports = {"minitorch_l2": import_seconds(sys.executable, "minitorch_l2", repeats)}
    if args.baseline:
        imports["minitorch_l2 (baseline)"] = import_seconds(
            sys.executable, "minitorch_l2", repeats, Path(args.baseline)
        )
    for module in [] if args.quick else ["numpy", "torch"] + [PEER_MODULES[p] for p in peers]:
        python = sys.executable if module in ("numpy", "torch") else args.peer_python
        imports[module] = import_seconds(python, module, repeats)
    if agreement:
        notes.append(
            "ours and PyTorch agree after one step (in float64): largest relative difference "
            + ", ".join(f"{k} {v:.1e}" for k, v in agreement.items())
        )
    report = build_report(
        args, cases, sides, steps, threads_seen, epochs, processes, imports, notes
    )
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
