"""Hypothesis strategies shared by every test file (one place, reused everywhere)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_DTYPES = (np.float32, np.float64)


def float_dtypes() -> st.SearchStrategy[np.dtype]:
    """float32 or float64."""
    return st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)])


def batch_shapes(max_n: int = 8, max_d: int = 8, min_d: int = 1) -> st.SearchStrategy:
    """Shapes of a vector (d,) or a batch (n, d)."""
    vector = st.tuples(st.integers(min_d, max_d))
    batch = st.tuples(st.integers(1, max_n), st.integers(min_d, max_d))
    return st.one_of(vector, batch)


def arrays(
    shape: tuple[int, ...] | st.SearchStrategy,
    dtype: np.dtype | type = np.float64,
    bound: float = 10.0,
) -> st.SearchStrategy[np.ndarray]:
    """Finite arrays with elements in [-bound, bound], exactly representable in ``dtype``."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=width)
    return hnp.arrays(dtype, shape, elements=elements)


def batches(
    max_n: int = 8, max_d: int = 8, dtype: np.dtype | type = np.float64, bound: float = 10.0
) -> st.SearchStrategy[np.ndarray]:
    """A vector or a batch of finite values."""
    return arrays(batch_shapes(max_n, max_d), dtype, bound)


@st.composite
def class_problems(
    draw: st.DrawFn,
    max_n: int = 8,
    max_classes: int = 6,
    dtype: np.dtype | type = np.float64,
    bound: float = 10.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, targets): scores of shape (n, C) or (C,), one 0-based int64 class per row."""
    classes = draw(st.integers(1, max_classes))
    shape = draw(st.one_of(st.just((classes,)), st.tuples(st.integers(1, max_n), st.just(classes))))
    scores = draw(arrays(shape, dtype, bound))
    rows = 1 if len(shape) == 1 else shape[0]
    targets = draw(hnp.arrays(np.int64, (rows,), elements=st.integers(0, classes - 1)))
    return scores, targets


def sign_targets(n: int) -> st.SearchStrategy[np.ndarray]:
    """An int64 array of n values, each +1 or -1 (targets of CosineEmbeddingCriterion)."""
    return hnp.arrays(np.int64, (n,), elements=st.sampled_from([-1, 1]))


def normal_range_arrays(
    shape: tuple[int, ...] | st.SearchStrategy, dtype: np.dtype | type = np.float64
) -> st.SearchStrategy[np.ndarray]:
    """Arrays whose entries are 0 or have magnitude in [2⁻⁶, 10]: every row's ‖x‖ is 0 or ≥ 2⁻⁶.

    Inside every implementation's comfortable range (PyTorch's eps clamp included), which makes
    these rows fit for oracle and finite-difference comparisons.
    """
    width = 32 if np.dtype(dtype) == np.float32 else 64
    magnitude = st.floats(2.0**-6, 10, width=width)
    element = st.one_of(st.just(0.0), magnitude, magnitude.map(lambda v: -v))
    return hnp.arrays(dtype, shape, elements=element)


def normal_range_batches(
    max_n: int = 6, max_d: int = 6, dtype: np.dtype | type = np.float64, zero_rows: bool = True
) -> st.SearchStrategy[np.ndarray]:
    """A vector or batch of :func:`normal_range_arrays`; ``zero_rows=False`` rules out 0-rows."""
    batch = normal_range_arrays(batch_shapes(max_n, max_d), dtype)
    if zero_rows:
        return batch
    return batch.filter(lambda x: bool(np.all(np.abs(x).max(axis=-1) > 0)))


@st.composite
def wide_range_pairs(
    draw: st.DrawFn, max_n: int = 6, max_d: int = 6, dtype: np.dtype | type = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """(x, g) of one shape: each row of x is m·2ᵏ with max|mᵢ| = 1 and k anywhere in the dtype.

    k spans the whole exponent range, from rows of subnormals (2^(minexp − nmant)) to rows whose
    largest entry is 2^(maxexp − 1), with the two ends drawn often. Row r of g shares x's 2ᵏ, so
    ∂L/∂x ~ g/‖x‖ stays representable; zero rows of x (all mᵢ = 0) get g with k = 0.
    """
    info = np.finfo(dtype)
    low, high = info.minexp - info.nmant, info.maxexp - 1
    shape = draw(batch_shapes(max_n, max_d))
    rows = shape[0] if len(shape) == 2 else 1
    mantissa = draw(arrays(shape, dtype, bound=1.0)).reshape(rows, -1)
    grad_mantissa = draw(arrays(shape, dtype, bound=1.0)).reshape(rows, -1)
    edge = st.one_of(st.integers(low, low + 40), st.integers(high - 40, high))
    exponent = np.array(
        draw(st.lists(st.one_of(edge, st.integers(low, high)), min_size=rows, max_size=rows))
    )
    peak = np.abs(mantissa).max(axis=1)
    exponent[peak == 0] = 0
    # This division rounds, harmlessly: oracles read the values actually drawn.
    mantissa /= np.where(peak == 0, 1, peak)[:, None]
    x = np.ldexp(mantissa, exponent[:, None]).astype(dtype).reshape(shape)
    g = np.ldexp(grad_mantissa, exponent[:, None]).astype(dtype).reshape(shape)
    return x, g


@st.composite
def wide_range_grad_pairs(
    draw: st.DrawFn, max_n: int = 6, max_d: int = 6, dtype: np.dtype | type = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """(x, g) like :func:`wide_range_pairs`, but g's row exponent drawn independently of x's.

    Both exponents span the whole range, ends drawn often, so an ordinary x meets a g near the
    largest float or among the subnormals, and a tiny x a huge g: the gradient ∂L/∂x ~ g/‖x‖
    may then lie beyond the float range (it must round to ±inf or 0, never be NaN). Rows of g
    are all-zero now and then.
    """
    info = np.finfo(dtype)
    low, high = info.minexp - info.nmant, info.maxexp - 1
    x, _ = draw(wide_range_pairs(max_n, max_d, dtype))
    rows = x.reshape(-1, x.shape[-1])
    mantissa = draw(arrays(rows.shape, dtype, bound=1.0))
    edge = st.one_of(st.integers(low, low + 40), st.integers(high - 40, high))
    exponent = st.one_of(edge, st.integers(low, high), st.just(0))
    exponents = np.array(draw(st.lists(exponent, min_size=len(rows), max_size=len(rows))))
    peak = np.abs(mantissa).max(axis=1)
    mantissa /= np.where(peak == 0, 1, peak)[:, None]  # largest |entry| 1, or a zero row
    g = np.ldexp(mantissa, exponents[:, None]).astype(dtype).reshape(x.shape)
    return x, g


@st.composite
def linear_cases(draw, max_size: int = 4, max_n: int = 4, bound: float = 2.0):
    """(input, weight, bias, grad_weight, grad_bias) for a Linear layer with arbitrary state.

    Values include signed zeros and subnormals; the gradients stand for what a user has
    accumulated before a check (they must survive it bit for bit).
    """
    input_size = draw(st.integers(1, max_size))
    output_size = draw(st.integers(1, max_size))
    n = draw(st.integers(1, max_n))
    input = draw(arrays((n, input_size), np.float64, bound))
    weight = draw(arrays((output_size, input_size), np.float64, bound))
    bias = draw(arrays((output_size,), np.float64, bound))
    grad_weight = draw(arrays((output_size, input_size), np.float64, 100.0))
    grad_bias = draw(arrays((output_size,), np.float64, 100.0))
    return input, weight, bias, grad_weight, grad_bias


def small_shapes(min_dims: int = 1, max_dims: int = 4, max_side: int = 4) -> st.SearchStrategy:
    """Array shapes of ``min_dims`` .. ``max_dims`` dims, each side 1 .. ``max_side``."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


@st.composite
def arrays_and_dims(
    draw: st.DrawFn, min_dims: int = 1, max_dims: int = 4, dtype: np.dtype | type = np.float64
) -> tuple[np.ndarray, int]:
    """(x, dim): a small finite array and one of its dims, 0-based or counted from the end."""
    x = draw(arrays(small_shapes(min_dims, max_dims), dtype))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    return x, dim


@st.composite
def tables_of_one_shape(
    draw: st.DrawFn, max_entries: int = 4, max_n: int = 4, max_d: int = 4, bound: float = 10.0
) -> list[np.ndarray]:
    """A table (list) of 1 to ``max_entries`` finite arrays of one shape and one float dtype."""
    dtype = draw(float_dtypes())
    shape = draw(batch_shapes(max_n, max_d))
    count = draw(st.integers(1, max_entries))
    return [draw(arrays(shape, dtype, bound)) for _ in range(count)]


@st.composite
def lookup_problems(draw, max_index: int = 6, max_n: int = 4, max_length: int = 6):
    """(n_index, indices, grad_output): 0-based int64 indices (L,) or (n, L), repeats likely.

    ``grad_output`` has the output's shape (indices' shape + (3,)), finite values.
    """
    n_index = draw(st.integers(1, max_index))
    shape = draw(
        st.one_of(
            st.tuples(st.integers(1, max_length)),
            st.tuples(st.integers(1, max_n), st.integers(1, max_length)),
        )
    )
    indices = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, n_index - 1)))
    grad_output = draw(arrays(shape + (3,)))
    return n_index, indices, grad_output


@st.composite
def graph_specs(draw, max_nodes: int = 7, max_n: int = 3, max_d: int = 4):
    """(spec, x): a random DAG over one input and a batch x for it.

    ``spec`` lists the nodes after the input (node 0): ``(op, sources)`` with op one of
    ``tanh``, ``sigmoid``, ``square``, ``half`` (one source) or ``add``, ``mul`` (two sources,
    possibly the same node twice); sources are earlier node numbers, so fan-out is common. The
    last node is the output.
    """
    count = draw(st.integers(1, max_nodes))
    spec = []
    for index in range(1, count + 1):
        op = draw(st.sampled_from(["tanh", "sigmoid", "square", "half", "add", "mul"]))
        arity = 2 if op in ("add", "mul") else 1
        sources = tuple(draw(st.integers(0, index - 1)) for _ in range(arity))
        spec.append((op, sources))
    shape = (draw(st.integers(1, max_n)), draw(st.integers(1, max_d)))
    return spec, draw(arrays(shape, np.float64, 2.0))


def _plain_leaves() -> st.SearchStrategy:
    """Values both save formats give back as they were (a .t7 has no float 3.0: it is int 3)."""
    tensors = st.sampled_from(["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u1"]).flatmap(
        lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1))
    )
    return st.one_of(
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats().filter(lambda x: not x.is_integer()),
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=8),
        st.binary(max_size=6).map(lambda b: b"\xff" + b),  # not UTF-8, so bytes in a .t7 too
        tensors,
    )


def checkpoint_data() -> st.SearchStrategy:
    """Nested lists, tuples and str-keyed dicts of numbers, strings, bytes and arrays."""
    return st.recursive(
        _plain_leaves(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.tuples(children, children),
            st.dictionaries(st.text(max_size=5), children, max_size=4),
        ),
        max_leaves=12,
    )


SGD_SPELLINGS = {
    "learningRate": "learning_rate",
    "learningRateDecay": "learning_rate_decay",
    "weightDecay": "weight_decay",
    "momentum": "momentum",
    "dampening": "dampening",
    "nesterov": "nesterov",
}


@st.composite
def sgd_configs(draw: st.DrawFn) -> tuple[dict, dict]:
    """(config, the same config in snake_case) for optim.sgd: any valid subset of its options."""
    rate = st.floats(0.0, 0.2, allow_nan=False)
    momentum = draw(st.floats(0.0, 0.95))
    nesterov = momentum > 0 and draw(st.booleans())
    values = {
        "learningRate": draw(rate),
        "learningRateDecay": draw(st.floats(0.0, 1.0)),
        "weightDecay": draw(st.floats(0.0, 0.1)),
        "momentum": momentum,
        "dampening": 0.0 if nesterov else draw(st.floats(0.0, 1.0)),
        "nesterov": nesterov,
    }
    keys = draw(st.lists(st.sampled_from(sorted(values)), unique=True))
    if nesterov and "nesterov" in keys:
        keys = sorted(set(keys) | {"momentum", "dampening"})
    lua = {key: values[key] for key in keys}
    return lua, {SGD_SPELLINGS[key]: value for key, value in lua.items()}


@st.composite
def confusion_batches(draw: st.DrawFn, max_classes: int = 5, max_n: int = 30) -> tuple:
    """(nclasses, predictions, targets): 0-based int64 classes; some targets -1 (missing)."""
    classes = draw(st.integers(1, max_classes))
    n = draw(st.integers(0, max_n))
    predictions = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, classes - 1)))
    targets = draw(hnp.arrays(np.int64, (n,), elements=st.integers(-1, classes - 1)))
    return classes, predictions, targets


@st.composite
def window_geometries(draw: st.DrawFn, max_kernel: int = 4, max_stride: int = 3, max_pad: int = 2):
    """A 2-D kernel with stride and padding, and an (N, C, H, W) input it fits into.

    Returns ``(kernel, stride, pad, shape)``, each pair (height, width); the pad is at most
    half the kernel (the pooling layers' rule), the input at least the kernel's size.
    """
    kernel = (draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel)))
    stride = (draw(st.integers(1, max_stride)), draw(st.integers(1, max_stride)))
    pad = tuple(draw(st.integers(0, min(max_pad, k // 2))) for k in kernel)
    size = tuple(draw(st.integers(k, k + 5)) for k in kernel)
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3))) + size
    return kernel, stride, pad, shape
