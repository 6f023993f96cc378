"""``optim.ConfusionMatrix``: Torch's confusion matrix of predicted against target classes.

``mat[t, p]`` counts the examples of target class t predicted as class p (classes 0-based). After
``update_valids()`` (which printing calls):

    valids[t]      = mat[t, t] / Σₚ mat[t, p]                          (class t's accuracy)
    unionvalids[t] = mat[t, t] / (Σₚ mat[t, p] + Σₛ mat[s, t] − mat[t, t])   (the VOC measure)
    total_valid    = Σₜ mat[t, t] / Σ mat,   average_valid = the mean of the defined valids[t],

and ``average_union_valid`` the mean of unionvalids[t] over the classes whose valid is defined.
A class with no example has valids[t] = NaN, printed ``-nan`` as Lua prints it. As in Torch,
``valids`` and ``unionvalids`` are float32 (Torch's FloatTensor), which shows in the digits of
the averages printed; ``mat`` is int64 (a LongTensor).
"""

from __future__ import annotations

import math

import numpy as np

from ..nn import _settings
from ..nn._lua_names import attribute_alias, link_lua_names
from ._common import divide
from ._plotting import figure_class

WHO = "optim.ConfusionMatrix"


class ConfusionMatrix:
    """Counts of (target, prediction) pairs, per-class and global accuracies, Lua's printout.

    Parameters
    ----------
    nclasses : int or list
        The number of classes, or the list of their names (Lua's ``ConfusionMatrix({'cat',
        'dog'})``), whose length is then the number of classes.
    classes : list, optional
        The class names, printed beside each row (Lua's second argument). Fewer names than
        classes is allowed, as in Lua: a class without a name prints an empty one.
    """

    totalValid = attribute_alias("total_valid")
    averageValid = attribute_alias("average_valid")
    averageUnionValid = attribute_alias("average_union_valid")

    def __init__(self, nclasses: int | list, classes: list | None = None) -> None:
        if isinstance(nclasses, list | tuple):
            nclasses, classes = len(nclasses), list(nclasses)
        self.nclasses = _settings.integer(WHO, "nclasses", nclasses, 1)
        self.classes = [] if classes is None else classes
        self.mat = np.zeros((self.nclasses, self.nclasses), dtype=np.int64)
        self.valids = np.zeros(self.nclasses, dtype=np.float32)
        self.unionvalids = np.zeros(self.nclasses, dtype=np.float32)
        self.total_valid = 0.0
        self.average_valid = 0.0
        self.average_union_valid = 0.0
        self.validate()

    def validate(self) -> None:
        """Check ``nclasses`` (an int >= 1), ``classes`` (at most one name per class), the counts
        ``mat`` (int64, nclasses × nclasses, >= 0) and the float32 ``valids``/``unionvalids``."""
        self.nclasses = n = _settings.integer(WHO, "nclasses", self.nclasses, 1)
        if not isinstance(self.classes, list | tuple):
            raise TypeError(f"{WHO}: classes must be a list of names, got {self.classes!r:.60}")
        self.classes = list(self.classes)
        if len(self.classes) > n:
            raise ValueError(f"{WHO}: {len(self.classes)} class names given for {n} classes")
        mat = _settings.array(
            WHO, "mat", self.mat, (n, n), floating=False, shape_is="(nclasses, nclasses)"
        )
        if mat.dtype != np.int64 or (mat.size and mat.min() < 0):
            raise ValueError(f"{WHO}: mat must hold int64 counts >= 0, got {mat.dtype}")
        for name in ("valids", "unionvalids"):
            value = getattr(self, name)
            _settings.array(WHO, name, value, (n,), shape_is="(nclasses,)")
            if value.dtype != np.float32:
                raise ValueError(f"{WHO}: {name} must be float32 (Lua's FloatTensor)")
        for name in ("total_valid", "average_valid", "average_union_valid"):
            setattr(self, name, _settings.real(WHO, name, getattr(self, name), finite=False))

    @property
    def union_valids(self) -> np.ndarray:
        """Lua's ``unionvalids`` under a snake_case name (the same array): the VOC measures."""
        return self.unionvalids

    def add(self, prediction: int | np.ndarray, target: int | np.ndarray) -> None:
        """Count one example (Lua's ``add``); a negative target is missing and ignored.

        Parameters
        ----------
        prediction : int or numpy.ndarray
            The predicted class (0-based), or a vector of ``nclasses`` scores (its argmax).
        target : int or numpy.ndarray
            The true class (0-based; negative: ignored, as Lua ignores non-positive ones), or a
            one-hot vector of ``nclasses`` entries.
        """
        predicted = self._class_of(prediction, "prediction")
        wanted = self._class_of(target, "target")
        if predicted < 0:
            raise ValueError(f"{WHO}: prediction must be a class in [0, {self.nclasses}), got -1")
        if wanted >= 0:
            self.mat[wanted, predicted] += 1

    def batch_add(self, predictions: np.ndarray, targets: np.ndarray) -> None:
        """Count a batch (Lua's ``batchAdd``); rows with a negative target are ignored.

        Parameters
        ----------
        predictions : numpy.ndarray
            (n,) predicted classes, (n, 1) likewise, or (n, nclasses) scores (argmax per row).
        targets : numpy.ndarray
            (n,) or (n, 1) true classes, or (n, nclasses) one-hot rows.
        """
        predicted = self._classes_of(predictions, "predictions")
        wanted = self._classes_of(targets, "targets")
        if predicted.shape != wanted.shape:
            raise ValueError(
                f"{WHO}: batch_add got {predicted.size} predictions and {wanted.size} targets"
            )
        kept = wanted >= 0
        predicted, wanted = predicted[kept], wanted[kept]
        if predicted.size and predicted.min() < 0:
            raise ValueError(f"{WHO}: predictions must be classes in [0, {self.nclasses})")
        cells = np.bincount(wanted * self.nclasses + predicted, minlength=self.mat.size)
        self.mat += cells.reshape(self.mat.shape)

    def zero(self) -> None:
        """Reset the counts and the accuracies to zero."""
        self.mat.fill(0)
        self.valids.fill(0)
        self.unionvalids.fill(0)
        self.total_valid = self.average_valid = self.average_union_valid = 0.0

    def update_valids(self) -> None:
        """Recompute ``valids``, ``unionvalids``, ``total_valid`` and the averages from ``mat``."""
        diagonal = np.diagonal(self.mat).astype(np.float64)
        rows, columns = self.mat.sum(axis=1), self.mat.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.valids[:] = diagonal / rows
            self.unionvalids[:] = diagonal / (rows + columns - diagonal)
        self.total_valid = divide(float(diagonal.sum()), float(self.mat.sum()))
        total, union, count, union_count = 0.0, 0.0, 0, 0
        for valid, union_valid in zip(self.valids.tolist(), self.unionvalids.tolist()):
            if not math.isnan(valid):  # summed one by one, in order, as Torch does
                total, count = total + valid, count + 1
                if not math.isnan(union_valid):
                    union, union_count = union + union_valid, union_count + 1
        self.average_valid = divide(total, count)
        self.average_union_valid = divide(union, union_count)

    def __tostring__(self) -> str:
        """The matrix as Lua prints it: one row per target class, its accuracy, the averages."""
        self.update_valids()
        largest = int(self.mat.max())
        width = max(8, 1 + math.ceil(math.log10(largest))) if largest > 0 else 8
        lines = ["ConfusionMatrix:\n["]
        for t in range(self.nclasses):
            accuracy = _lua_format("%2.3f", float(self.valids[t]) * 100)
            cells = "".join(f"{count:{width}d}" for count in self.mat[t].tolist())
            end = "]]  " if t == self.nclasses - 1 else "]   "
            label = self.classes[t] if t < len(self.classes) else ""  # Lua: or ''
            name = f" \t[class: {label}]" if self.classes else " "
            lines.append(("[" if t == 0 else " [") + cells + end + accuracy + "%" + name + "\n")
        lines.append(f" + average row correct: {_lua_number(self.average_valid * 100)}% \n")
        lines.append(
            " + average rowUcol correct (VOC measure): "
            f"{_lua_number(self.average_union_valid * 100)}% \n"
        )
        lines.append(f" + global correct: {_lua_number(self.total_valid * 100)}%")
        return "".join(lines)

    def __str__(self) -> str:
        return self.__tostring__()

    def __repr__(self) -> str:
        return self.__tostring__()

    def plot(self, path: str | None = None) -> object:
        """Draw the row-normalised matrix with its counts (matplotlib), optionally to a PNG.

        Parameters
        ----------
        path : str, optional
            Where to save the picture (any format matplotlib infers from the suffix).

        Returns
        -------
        matplotlib.figure.Figure
            The figure (no window is opened; it needs no display).
        """
        Figure = figure_class(f"{WHO}.plot")  # noqa: N806 (matplotlib's class)
        self.update_valids()
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = self.mat / np.maximum(self.mat.sum(axis=1, keepdims=True), 1)
        size = max(3.0, 1.2 + 0.55 * self.nclasses)
        figure = Figure(figsize=(size + 2.0, size + 0.4), layout="constrained")
        axes = figure.subplots()
        image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
        figure.colorbar(image, ax=axes, label="share of the target's examples")
        for (t, p), count in np.ndenumerate(self.mat):
            colour = "white" if shares[t, p] > 0.5 else "black"
            axes.text(p, t, str(count), ha="center", va="center", color=colour, fontsize=8)
        names = [str(c) for c in range(self.nclasses)]
        names[: len(self.classes)] = [str(name) for name in self.classes]
        axes.set_xticks(range(self.nclasses), names, rotation=45 if self.classes else 0)
        axes.set_yticks(range(self.nclasses), names)
        axes.set_xlabel("prediction")
        axes.set_ylabel("target")
        axes.set_title(
            f"global correct {_lua_format('%.3f', self.total_valid * 100)}%\n"
            f"average row correct {_lua_format('%.3f', self.average_valid * 100)}%",
            fontsize=10,
        )
        if path is not None:
            figure.savefig(path)
        return figure

    def _class_of(self, value: object, what: str) -> int:
        """One class index from a number or a vector of ``nclasses`` scores."""
        if isinstance(value, np.ndarray) and value.ndim == 1:
            if value.size != self.nclasses:
                raise ValueError(
                    f"{WHO}: {what} vector has {value.size} entries, expected one per class "
                    f"({self.nclasses}); use batch_add for a batch"
                )
            return int(np.argmax(value))
        if isinstance(value, np.ndarray) and value.ndim > 1:
            raise ValueError(
                f"{WHO}: add takes one example, got a {what} of shape "
                f"{value.shape}; use batch_add for a batch"
            )
        number = value.item() if isinstance(value, np.ndarray | np.generic) else value
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise TypeError(f"{WHO}: {what} must be a class index or a vector, got {value!r}")
        if not float(number).is_integer():
            raise ValueError(f"{WHO}: {what} must be a whole class index, got {number!r}")
        if number >= self.nclasses:
            raise ValueError(
                f"{WHO}: {what} {int(number)} is not a class in [0, {self.nclasses}) (0-based)"
            )
        return int(number)

    def _classes_of(self, values: object, what: str) -> np.ndarray:
        """A batch's class indices from (n,) or (n, 1) indices or (n, nclasses) scores."""
        array = np.asarray(values)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{WHO}: {what} must be numbers, got dtype {array.dtype}")
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim == 2:
            if array.shape[1] != self.nclasses:
                raise ValueError(
                    f"{WHO}: {what} of shape {array.shape} needs one column per class "
                    f"({self.nclasses})"
                )
            return np.argmax(array, axis=1)
        if array.ndim != 1:
            raise ValueError(
                f"{WHO}: {what} must be (n,), (n, 1) or (n, {self.nclasses}), "
                f"got shape {array.shape}"
            )
        if array.dtype.kind == "f" and not np.array_equal(array, np.floor(array)):
            raise ValueError(f"{WHO}: {what} must hold whole class indices")
        indices = array.astype(np.int64)
        if indices.size and indices.max() >= self.nclasses:
            raise ValueError(
                f"{WHO}: {what} holds class {indices.max()}, not in [0, {self.nclasses}) (0-based)"
            )
        return indices


link_lua_names(ConfusionMatrix, {"batch_add": "batchAdd", "update_valids": "updateValids"})


def _lua_number(value: float) -> str:
    """A number as Lua's ``tostring`` writes it (%.14g; NaN from 0/0 prints as -nan on x86)."""
    return _lua_format("%.14g", value)


def _lua_format(pattern: str, value: float) -> str:
    """C's printf of one number, with glibc's spelling of NaN (Lua's 0/0 has its sign set)."""
    return "-nan" if math.isnan(value) else pattern % value
