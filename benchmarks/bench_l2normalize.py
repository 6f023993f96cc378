"""nn.L2Normalize against PyTorch's F.normalize: forward, and forward+backward on both paths.

    PYTHONPATH=. python benchmarks/bench_l2normalize.py            # Markdown tables
    PYTHONPATH=. python benchmarks/bench_l2normalize.py --json     # the same numbers for machines
    PYTHONPATH=. python benchmarks/bench_l2normalize.py --quick    # tiny sizes: only checks it runs

For each shape and dtype (standard normal rows, so every row is on the fast path):
- ``forward``: ``L2Normalize().forward(x)`` against ``F.normalize(x, dim=1)`` on a tensor that
  does not require grad.
- ``fwd+bwd direct``: ``jacobian=False`` forward then backward, against ``F.normalize`` of a
  tensor that requires grad followed by ``.backward(g)``.
- ``fwd+bwd jacobian``: ``jacobian=True`` (the 2015 Torch recipe in a reused (n, d, d) buffer),
  only where an (n, d, d) array fits in ``JACOBIAN_BUDGET``; it is also compared with
  :func:`lua_recipe`, a direct transcription of the Lua code that makes fresh arrays every call.
- ``copy``: ``np.copyto`` of an (n, d) array, the memory-bandwidth floor of any pass over it.

Memory: for ours, the peak that ``tracemalloc`` traces (NumPy reports every array allocation to
it) during the first call on a fresh layer (``cold``: the layer allocates its buffers) and during
a call after warm-up (``warm``: what a training step allocates anew). For PyTorch, the bytes of
the distinct tensors autograd saves for backward (``saved_tensors_hooks``) plus the output —
what it keeps alive between forward and backward; its temporaries are not counted.
"""

from __future__ import annotations

import sys
import tracemalloc

import _timing

# OpenBLAS reads its thread count when NumPy loads it, so the limit comes before the imports.
_timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402

from minitorch_l2 import nn  # noqa: E402

SHAPES = [(256, 64), (4096, 512), (65536, 128)]
QUICK_SHAPES = [(8, 4), (16, 8)]
DTYPES = [np.float32, np.float64]
JACOBIAN_BUDGET = 1 << 30  # bytes of one (n, d, d) array; the Lua transcription makes several
# (pass, shape, dtype) -> largest acceptable ratio; the targets of issue 6
TARGETS = {
    ("forward", (4096, 512), "float32"): ("torch", 1.2),
    ("fwd+bwd direct", (4096, 512), "float32"): ("torch", 0.5),
}
LUA_TARGET = 0.5  # ours / Lua transcription, on the Jacobian path


def lua_recipe(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2015 Lua L2Normalize, transcribed line by line: fresh arrays every call.

    Forward ``y = x / ‖x‖``; backward: tile the identity over the batch, scale it by ‖x‖², subtract
    the batched outer products x xᵀ (a matmul of (n, d, 1) by (n, 1, d)), divide by ‖x‖³, then a
    batched matrix-vector product with g, squeezed back to (n, d).
    """
    n, d = x.shape
    norm_sq = np.sum(x * x, axis=1)  # self.buffer:cmul(input, input):sum(2)
    y = x / np.sqrt(norm_sq)[:, None]  # self.output:cdiv(input, self.normp:expandAs(input))
    eye = np.tile(np.eye(d, dtype=x.dtype), (n, 1)).reshape(n, d, d)  # eye(d):repeatTensor(n,1)
    diag = eye * norm_sq[:, None, None]  # self.diag:cmul(eye, buffer:view(n,1,1):expand)
    outer = np.matmul(x[:, :, None], x[:, None, :])  # torch.bmm(b1, b2)
    diag = diag - outer  # self.diag:add(-1, b1b2)
    cube = norm_sq**1.5  # self.buffer:pow(1.5)
    diag = diag / cube[:, None, None]  # self.diag:cdiv(buffer:view(n,1,1):expand)
    grad = np.matmul(diag, g[:, :, None])  # self.gradInput:bmm(self.diag, gradOutput:view(n,d,1))
    return y, grad.reshape(n, d)  # the squeeze the original forgot


def traced_peak(function) -> int:
    """Peak bytes traced by ``tracemalloc`` while ``function()`` runs."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def our_memory(jacobian: bool, x: np.ndarray, g: np.ndarray) -> tuple[int, int]:
    """(cold, warm) peak bytes of one forward+backward of ours."""
    layer = nn.L2Normalize(jacobian=jacobian)

    def step() -> None:
        layer.forward(x)
        layer.backward(x, g)

    cold = traced_peak(step)
    step()
    return cold, traced_peak(step)


def torch_saved_bytes(torch, x: np.ndarray) -> int:
    """Bytes of the distinct tensors autograd saves for F.normalize's backward, plus the output."""
    saved: dict[int, int] = {}

    def pack(tensor):
        saved[tensor.untyped_storage().data_ptr()] = tensor.untyped_storage().nbytes()
        return tensor

    x_t = torch.from_numpy(x).requires_grad_(True)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        y = torch.nn.functional.normalize(x_t, dim=1)
    saved.pop(x_t.untyped_storage().data_ptr(), None)  # the input is the caller's, not extra
    return sum(saved.values()) + y.untyped_storage().nbytes()


def cases(torch, x: np.ndarray, g: np.ndarray, with_jacobian: bool) -> dict[str, object]:
    """name -> zero-argument function, for one shape and dtype."""
    forward_layer = nn.L2Normalize(jacobian=False)
    direct = nn.L2Normalize(jacobian=False)
    jacobian = nn.L2Normalize(jacobian=True)
    copy_target = np.empty_like(x)
    functions = {
        "ours forward": lambda: forward_layer.forward(x),
        "ours fwd+bwd direct": lambda: (direct.forward(x), direct.backward(x, g)),
        "copy": lambda: np.copyto(copy_target, x),
    }
    if with_jacobian:
        functions["ours fwd+bwd jacobian"] = lambda: (jacobian.forward(x), jacobian.backward(x, g))
        functions["lua fwd+bwd jacobian"] = lambda: lua_recipe(x, g)
    if torch is not None:
        normalize = torch.nn.functional.normalize
        x_plain = torch.from_numpy(x)
        x_grad = torch.from_numpy(x.copy()).requires_grad_(True)
        g_t = torch.from_numpy(g)

        def torch_backward() -> None:
            x_grad.grad = None
            normalize(x_grad, dim=1).backward(g_t)

        functions["torch forward"] = lambda: normalize(x_plain, dim=1)
        functions["torch fwd+bwd"] = torch_backward
    return functions


def check_agreement(torch, x: np.ndarray, g: np.ndarray, with_jacobian: bool) -> None:
    """Both of our paths, the Lua transcription and PyTorch give the same y and ∂L/∂x."""
    tolerance = 1e-4 if x.dtype == np.float32 else 1e-10
    layer = nn.L2Normalize(jacobian=False)
    y, grad = layer.forward(x).copy(), layer.backward(x, g).copy()
    others = []
    if with_jacobian:
        recipe = nn.L2Normalize(jacobian=True)
        others += [(recipe.forward(x).copy(), recipe.backward(x, g).copy()), lua_recipe(x, g)]
    if torch is not None:
        x_t = torch.from_numpy(x.copy()).requires_grad_(True)
        y_t = torch.nn.functional.normalize(x_t, dim=1)
        y_t.backward(torch.from_numpy(g))
        others.append((y_t.detach().numpy(), x_t.grad.numpy()))
    for other_y, other_grad in others:
        for ours, theirs in ((y, other_y), (grad, other_grad)):
            scale = np.max(np.abs(theirs))
            if not np.max(np.abs(ours - theirs)) <= tolerance * scale:
                raise AssertionError("L2Normalize disagrees with a reference before timing")


def run(args) -> None:
    torch = _timing.import_torch(args.threads)
    shapes = QUICK_SHAPES if args.quick else SHAPES
    sample_seconds = 0.001 if args.quick else 0.02
    rows = []
    for dtype in DTYPES:
        for shape in shapes:
            n, d = shape
            rng = np.random.default_rng(0)
            x = rng.standard_normal(shape).astype(dtype)
            g = rng.standard_normal(shape).astype(dtype)
            with_jacobian = n * d * d * x.itemsize <= JACOBIAN_BUDGET
            check_agreement(torch, x, g, with_jacobian)
            samples = _timing.time_interleaved(
                cases(torch, x, g, with_jacobian), args.repeats, sample_seconds
            )
            rows += rows_for(torch, x, g, samples, with_jacobian)
    report = _timing.report("bench_l2normalize", args, torch, rows, notes(torch, shapes))
    _timing.emit(report, table(rows), args.json)


def rows_for(torch, x, g, samples, with_jacobian) -> list[dict]:
    """The table rows of one shape and dtype."""
    shape, dtype = x.shape, x.dtype.name
    passes = [("forward", "ours forward", "torch forward", None)]
    passes.append(("fwd+bwd direct", "ours fwd+bwd direct", "torch fwd+bwd", False))
    if with_jacobian:
        passes.append(("fwd+bwd jacobian", "ours fwd+bwd jacobian", "torch fwd+bwd", True))
    copy = _timing.median(samples["copy"])
    rows = []
    for name, ours_key, torch_key, jacobian in passes:
        ours = samples[ours_key]
        theirs = samples.get(torch_key)
        row = {
            "shape": list(shape),
            "dtype": dtype,
            "pass": name,
            "ours_seconds": _timing.median(ours),
            "torch_seconds": None if theirs is None else _timing.median(theirs),
            "ratio": None if theirs is None else _timing.paired_ratio(ours, theirs),
            "copy_seconds": copy,
            "lua_seconds": None,
            "ours_over_lua": None,
            "target": None,
            "met": None,
        }
        target = TARGETS.get((name, tuple(shape), dtype))
        if target is not None and row["ratio"] is not None:
            row["target"] = f"ours/PyTorch <= {target[1]}"
            row["met"] = row["ratio"] <= target[1]
        if jacobian:
            lua = samples["lua fwd+bwd jacobian"]
            row["lua_seconds"] = _timing.median(lua)
            row["ours_over_lua"] = _timing.paired_ratio(ours, lua)
            row["target"] = f"ours/Lua <= {LUA_TARGET}"
            row["met"] = row["ours_over_lua"] <= LUA_TARGET
        if jacobian is not None:
            cold, warm = our_memory(jacobian, x, g)
            row["ours_peak_bytes_cold"], row["ours_peak_bytes_warm"] = cold, warm
            row["jacobian_bytes"] = x.shape[0] * x.shape[1] ** 2 * x.itemsize
            row["torch_saved_bytes"] = None if torch is None else torch_saved_bytes(torch, x)
            if jacobian:
                row["lua_peak_bytes"] = traced_peak(lambda: lua_recipe(x, g))
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    """Two Markdown tables: times, then memory."""
    t = _timing.format_time
    times = _timing.markdown_table(
        ["shape", "dtype", "pass", "ours", "PyTorch", "ours/PyTorch", "copy", "Lua", "ours/Lua"]
        + ["target"],
        [
            [
                tuple(r["shape"]),
                r["dtype"],
                r["pass"],
                t(r["ours_seconds"]),
                t(r["torch_seconds"]),
                _ratio(r["ratio"]),
                t(r["copy_seconds"]),
                t(r["lua_seconds"]),
                _ratio(r["ours_over_lua"]),
                _target(r),
            ]
            for r in rows
        ],
    )
    memory = _timing.markdown_table(
        ["shape", "dtype", "pass", "ours cold peak", "ours warm peak", "n·d·d array"]
        + ["Lua peak", "PyTorch saved + output"],
        [
            [
                tuple(r["shape"]),
                r["dtype"],
                r["pass"],
                _bytes(r["ours_peak_bytes_cold"]),
                _bytes(r["ours_peak_bytes_warm"]),
                _bytes(r["jacobian_bytes"]),
                _bytes(r.get("lua_peak_bytes")),
                _bytes(r["torch_saved_bytes"]),
            ]
            for r in rows
            if "ours_peak_bytes_cold" in r
        ],
    )
    return (
        times + "\n\nMemory (bytes; see the script's docstring for what is measured):\n\n" + memory
    )


def notes(torch, shapes) -> list[str]:
    skipped = [
        f"{shape} {np.dtype(dtype).name}"
        for dtype in DTYPES
        for shape in shapes
        if shape[0] * shape[1] ** 2 * np.dtype(dtype).itemsize > JACOBIAN_BUDGET
    ]
    found = []
    if skipped:
        found.append(
            f"jacobian path skipped where one (n, d, d) array exceeds {JACOBIAN_BUDGET >> 20} MiB: "
            + ", ".join(skipped)
        )
    if torch is None:
        found.append("PyTorch not installed: no ratios")
    return found


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _target(row: dict) -> str:
    if row["target"] is None:
        return ""
    if row["met"] is None:
        return row["target"]
    return f"{row['target']}: {'met' if row['met'] else 'NOT met'}"


def _bytes(value: int | None) -> str:
    if value is None:
        return "—"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value} B"


if __name__ == "__main__":
    run(_timing.parse_args(__doc__, sys.argv[1:]))
