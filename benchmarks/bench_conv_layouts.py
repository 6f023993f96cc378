"""The layout choices of minitorch_l2's convolutions, each against the alternative it replaced.

    PYTHONPATH=. python benchmarks/bench_conv_layouts.py           # Markdown table, one thread
    PYTHONPATH=. python benchmarks/bench_conv_layouts.py --json
    PYTHONPATH=. python benchmarks/bench_conv_layouts.py --quick   # tiny sizes: only checks it runs

Each row times one step of a convolution or pooling, float32, on the two LeNet convolutions
(batch 64: 1×28×28 → 6@5×5, 6×12×12 → 16@5×5) and the CIFAR-sized block (batch 32, 64×16×16,
64@3×3, pad 1), the way minitorch_l2 does it ("chosen") and the way it was first done
("alternative"), interleaved (benchmarks/_timing.py). Both compute the same numbers; the script
checks that before timing. The steps:

- ``unfold``: copying the columns X̂. Alternative: plain im2col, one run of W_out per row and
  kernel offset. Chosen: *wide* columns over whole padded rows, one run of H_out·W_padded.
- ``bias``: adding b. Alternative: one more pass, out = narrow(W X̂) + b. Chosen: a row of ones
  in X̂ and b as one more column of W, so the product adds it.
- ``grad_weight``: Σₙ G X̂ᵀ. Alternative: that orientation, (O, L)·(L, K). Chosen: its
  transpose X̂ Gᵀ, (K, L)·(L, O), which OpenBLAS runs faster on these shapes.
- ``fold``: adding Wᵀ G back onto the image. Alternative: per sample, a run of H_out·W_padded
  per (sample, plane, offset). Chosen: the samples' padded images end to end, one run per
  (plane, offset).
- ``max pooling``: maximum and first-maximum index of 2×2 windows. Alternative: per offset a
  comparison and two masked copies. Chosen: three ``np.maximum``, then the index by arithmetic.
"""

from __future__ import annotations

import sys

import _timing

_timing.limit_threads(_timing.parse_args(__doc__, sys.argv[1:]).threads)

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import as_strided, sliding_window_view  # noqa: E402

# name -> (batch, planes, side, outputs, kernel, pad)
LAYERS = {
    "LeNet conv1": (64, 1, 28, 6, 5, 0),
    "LeNet conv2": (64, 6, 12, 16, 5, 0),
    "CIFAR block": (32, 64, 16, 64, 3, 1),
}
QUICK = {"tiny conv": (2, 2, 8, 3, 3, 1)}
DTYPE = np.float32


class Case:
    """The arrays of one convolution, and every way of doing each step on them."""

    def __init__(self, n: int, c: int, side: int, o: int, k: int, pad: int) -> None:
        rng = np.random.default_rng(0)
        self.n, self.c, self.o, self.k, self.pad = n, c, o, k, pad
        self.x = rng.standard_normal((n, c, side, side)).astype(DTYPE)
        self.w = rng.standard_normal((o, c * k * k)).astype(DTYPE)
        self.b = rng.standard_normal(o).astype(DTYPE)
        self.hp = self.wp = side + 2 * pad
        self.oh = self.ow = self.hp - k + 1
        self.length = self.oh * self.wp  # wide positions per sample
        self.padded = np.zeros((n, c, self.hp + 1, self.wp), DTYPE)
        self.padded[:, :, pad : pad + side, pad : pad + side] = self.x
        self.g = rng.standard_normal((n, o, self.oh, self.ow)).astype(DTYPE)

    # ------------------------------------------------------------------ unfold
    def unfold_plain(self):
        columns = np.empty((self.n, self.c, self.k, self.k, self.oh, self.ow), DTYPE)
        windows = sliding_window_view(self.padded[:, :, : self.hp], (self.k, self.k), axis=(2, 3))

        def run():
            np.copyto(columns, windows.transpose(0, 1, 4, 5, 2, 3))
            return columns

        return run

    def unfold_wide(self):
        columns = np.empty((self.n, self.c, self.k, self.k, self.length), DTYPE)
        s = self.padded.strides
        view = as_strided(
            self.padded, columns.shape, (s[0], s[1], s[2], s[3], s[3]), writeable=False
        )

        def run():
            np.copyto(columns, view)
            return columns.reshape(self.n, self.c, self.k, self.k, self.oh, self.wp)[..., : self.ow]

        return run

    # ------------------------------------------------------------------ bias
    def _wide(self) -> np.ndarray:
        s = self.padded.strides
        shape = (self.n, self.c, self.k, self.k, self.length)
        view = as_strided(self.padded, shape, (s[0], s[1], s[2], s[3], s[3]), writeable=False)
        return view.reshape(self.n, -1, self.length)

    def bias_pass(self):
        columns = np.ascontiguousarray(self._wide())
        product = np.empty((self.n, self.o, self.length), DTYPE)
        out = np.empty((self.n, self.o, self.oh, self.ow), DTYPE)

        def run():
            np.matmul(self.w, columns, out=product)
            valid = product.reshape(self.n, self.o, self.oh, self.wp)[..., : self.ow]
            np.add(valid, self.b[:, None, None], out=out)
            return out

        return run

    def bias_in_product(self):
        rows = self.c * self.k * self.k
        columns = np.ones((self.n, rows + 1, self.length), DTYPE)
        columns[:, :rows] = self._wide()
        weight = np.concatenate([self.w, self.b[:, None]], axis=1)
        product = np.empty((self.n, self.o, self.length), DTYPE)
        out = np.empty((self.n, self.o, self.oh, self.ow), DTYPE)

        def run():
            np.matmul(weight, columns, out=product)
            np.copyto(out, product.reshape(self.n, self.o, self.oh, self.wp)[..., : self.ow])
            return out

        return run

    # ------------------------------------------------------------------ grad_weight
    def _widened_g(self) -> np.ndarray:
        wide = np.zeros((self.n, self.o, self.oh, self.wp), DTYPE)
        wide[..., : self.ow] = self.g
        return wide.reshape(self.n, self.o, self.length)

    def grad_weight_g_first(self):
        columns, g = np.ascontiguousarray(self._wide()), self._widened_g()
        products = np.empty((self.n, self.o, columns.shape[1]), DTYPE)
        total = np.empty((self.o, columns.shape[1]), DTYPE)

        def run():
            np.matmul(g, columns.transpose(0, 2, 1), out=products)
            return np.sum(products, axis=0, out=total)

        return run

    def grad_weight_columns_first(self):
        columns, g = np.ascontiguousarray(self._wide()), self._widened_g()
        products = np.empty((self.n, columns.shape[1], self.o), DTYPE)
        total = np.empty((columns.shape[1], self.o), DTYPE)

        def run():
            np.matmul(columns, g.transpose(0, 2, 1), out=products)
            return np.sum(products, axis=0, out=total).T

        return run

    # ------------------------------------------------------------------ fold
    def _offsets(self):
        return [(i * self.wp + j, i, j) for i in range(self.k) for j in range(self.k)]

    def _interior(self, image: np.ndarray) -> np.ndarray:
        side = self.hp - 2 * self.pad
        return image[:, :, self.pad : self.pad + side, self.pad : self.pad + side]

    def fold_per_sample(self):
        g = self._widened_g()
        columns = np.empty((self.n, self.c * self.k * self.k, self.length), DTYPE)
        image = np.empty((self.n, self.c, self.hp + 1, self.wp), DTYPE)
        flat = image.reshape(self.n, self.c, -1)
        by_offset = columns.reshape(self.n, self.c, self.k, self.k, self.length)

        def run():
            np.matmul(self.w.T, g, out=columns)
            image.fill(0)
            for start, i, j in self._offsets():
                target = flat[:, :, start : start + self.length]
                target += by_offset[:, :, i, j]
            return self._interior(image)

        return run

    def fold_stacked(self):
        g = self._widened_g()
        size = (self.hp + 1) * self.wp
        rows = self.c * self.k * self.k
        stacked = np.zeros((rows, self.n, size), DTYPE)
        columns = stacked[:, :, : self.length].transpose(1, 0, 2)
        reach = (self.k - 1) * self.wp + self.k - 1
        images = np.empty((self.c, self.n * size + reach), DTYPE)
        source = stacked.reshape(self.c, self.k, self.k, self.n * size)

        def run():
            np.matmul(self.w.T, g, out=columns)
            images.fill(0)
            for start, i, j in self._offsets():
                target = images[:, start : start + self.n * size]
                target += source[:, i, j]
            view = images[:, : self.n * size].reshape(self.c, self.n, self.hp + 1, self.wp)
            return self._interior(view.transpose(1, 0, 2, 3))

        return run

    # ------------------------------------------------------------------ max pooling
    def _pool_input(self) -> list[np.ndarray]:
        relu = np.maximum(self.g[..., : self.oh // 2 * 2, : self.ow // 2 * 2], 0)
        return [relu[:, :, u::2, v::2] for u in range(2) for v in range(2)]

    def pool_masked_copies(self):
        taps = self._pool_input()
        out = np.empty(taps[0].shape, DTYPE)
        index = np.empty(out.shape, np.uint8)
        better = np.empty(out.shape, bool)

        def run():
            np.copyto(out, taps[0])
            index.fill(0)
            for k, tap in enumerate(taps[1:], start=1):
                np.greater(tap, out, out=better)
                np.copyto(out, tap, where=better)
                np.copyto(index, k, where=better)
            return out, index

        return run

    def pool_arithmetic(self):
        taps = self._pool_input()
        out = np.empty(taps[0].shape, DTYPE)
        index = np.empty(out.shape, np.uint8)
        equal = np.empty(out.shape, bool)
        step = np.empty(out.shape, np.uint8)

        def run():
            np.maximum(taps[0], taps[-1], out=out)
            for tap in taps[1:-1]:
                np.maximum(out, tap, out=out)
            index.fill(len(taps) - 1)
            for k in range(len(taps) - 2, -1, -1):
                np.equal(taps[k], out, out=equal)
                np.subtract(index, k, out=step)
                np.multiply(step, equal, out=step)
                np.subtract(index, step, out=index)
            return out, index

        return run


STEPS = {
    "unfold": ("unfold_plain", "unfold_wide"),
    "bias": ("bias_pass", "bias_in_product"),
    "grad_weight": ("grad_weight_g_first", "grad_weight_columns_first"),
    "fold": ("fold_per_sample", "fold_stacked"),
    "max pooling": ("pool_masked_copies", "pool_arithmetic"),
}


def _same(a, b) -> None:
    for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=2e-4, atol=2e-4)


def run(args) -> None:
    layers = QUICK if args.quick else LAYERS
    seconds = 0.001 if args.quick else 0.02
    rows = []
    for name, sizes in layers.items():
        case = Case(*sizes)
        for step, (old, new) in STEPS.items():
            functions = {"alternative": getattr(case, old)(), "chosen": getattr(case, new)()}
            _same(functions["alternative"](), functions["chosen"]())
            samples = _timing.time_interleaved(functions, args.repeats, seconds)
            alternative, chosen = samples["alternative"], samples["chosen"]
            rows.append(
                {
                    "layer": name,
                    "step": step,
                    "alternative": old,
                    "chosen": new,
                    "alternative_seconds": _timing.median(alternative),
                    "chosen_seconds": _timing.median(chosen),
                    "speedup": _timing.paired_ratio(alternative, chosen),
                }
            )
    report = _timing.report("bench_conv_layouts", args, None, rows, notes=[])
    report["environment"]["torch"] = "(not used)"
    table = _timing.markdown_table(
        ["layer", "step", "alternative", "chosen", "speedup"],
        [
            [
                r["layer"],
                r["step"],
                f"{r['alternative']}: {_timing.format_time(r['alternative_seconds'])}",
                f"{r['chosen']}: {_timing.format_time(r['chosen_seconds'])}",
                f"{r['speedup']:.2f}×",
            ]
            for r in rows
        ],
    )
    method = (
        f"{_timing.describe_threads(args.threads)}; median of {args.repeats} interleaved rounds"
    )
    _timing.emit(report, table, args.json, method=method)


if __name__ == "__main__":
    run(_timing.parse_args(__doc__, sys.argv[1:]))
