"""How many threads NumPy's BLAS runs: one, unless the user says otherwise.

``import minitorch_l2`` sets every BLAS library loaded in the process (NumPy's OpenBLAS, or the
MKL or BLIS a NumPy build uses) to **one thread**, through ``threadpoolctl``. Why one (the
measurements are in docs/performance.md):

- OpenBLAS's worker threads busy-wait between calls and split each product evenly, so on a
  machine whose other cores are busy (a browser, a compile, another training run) a step with
  two BLAS threads takes many times as long as with one; one thread never waits for a core.
- Two BLAS threads do not give the same bits as one: OpenBLAS's threaded products add in
  another order, so a training run would change with the thread count.
- For the models this library trains, a second BLAS thread buys little even on an idle machine.

The user keeps the last word, by precedence: :func:`set_num_threads` at run time; the variable
``MINITORCH_L2_NUM_THREADS`` at import; any of the BLAS libraries' own variables
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ...) set at import, which
leaves the libraries as that variable made them.
"""

from __future__ import annotations

import os

import numpy  # noqa: F401  (loads NumPy's BLAS, so that threadpoolctl finds it)
import threadpoolctl

#: Setting any of these before ``import minitorch_l2`` leaves the BLAS thread counts alone.
BLAS_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
#: This package's own variable: the thread count to set at import (a positive integer).
OWN_VARIABLE = "MINITORCH_L2_NUM_THREADS"
DEFAULT_THREADS = 1

# The count set by the policy or by set_num_threads (None: the user's environment decides);
# re-applied by refresh() to a BLAS library loaded later (SciPy's, for optim.lbfgsb).
_chosen: int | None = None


def _checked(threads: object, who: str) -> int:
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"{who}: the thread count must be a positive int, got {threads!r}")
    return threads


def set_num_threads(threads: int) -> None:
    """Run every BLAS library loaded in the process with ``threads`` threads (default 1).

    ``minitorch_l2.set_num_threads(2)`` lets NumPy's matrix products use two cores, which can
    speed up large products on an idle machine but slows every product down when other
    processes keep the cores busy, and changes results in the last bits (OpenBLAS's threaded
    products add in another order). The setting is process-wide: it applies to the
    user's own NumPy code too, as ``threadpoolctl.threadpool_limits`` would.

    Parameters
    ----------
    threads : int
        A positive thread count.
    """
    global _chosen
    _chosen = _checked(threads, "minitorch_l2.set_num_threads")
    threadpoolctl.threadpool_limits(limits=_chosen, user_api="blas")


def get_num_threads() -> int:
    """The thread count of the BLAS libraries loaded in the process (the largest, if several).

    Returns
    -------
    int
        1 after ``import minitorch_l2`` unless the environment or :func:`set_num_threads` chose
        otherwise.
    """
    infos = threadpoolctl.threadpool_info()
    return max([info["num_threads"] for info in infos if info["user_api"] == "blas"] or [1])


def apply_default_policy(environ: dict[str, str] | None = None) -> int | None:
    """Set the BLAS thread count at import, as the module docstring says; returns it or None.

    Parameters
    ----------
    environ : dict, optional
        The environment to read (default ``os.environ``).
    """
    environ = os.environ if environ is None else environ
    own = environ.get(OWN_VARIABLE)
    if own is not None:
        try:
            threads = int(own)
        except ValueError:
            threads = 0
        if threads < 1:
            raise ValueError(f"{OWN_VARIABLE} must be a positive integer, got {own!r}")
        set_num_threads(threads)
    elif not any(environ.get(name) for name in BLAS_VARIABLES):
        set_num_threads(DEFAULT_THREADS)
    return _chosen


def refresh() -> None:
    """Give a BLAS library loaded since the last setting (SciPy's) the chosen thread count."""
    if _chosen is not None:
        threadpoolctl.threadpool_limits(limits=_chosen, user_api="blas")
