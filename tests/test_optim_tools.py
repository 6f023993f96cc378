"""optim.ConfusionMatrix and optim.Logger: hand counts, Lua's printout, the log file read back."""

from __future__ import annotations

import builtins
import importlib.util
import re

import numpy as np
import pytest
from hypothesis import given, settings

from minitorch_l2 import optim

from .strategies import confusion_batches

PNG = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- ConfusionMatrix: the counts
def hand_counted() -> optim.ConfusionMatrix:
    """Seven examples of three classes, counted below by hand."""
    matrix = optim.ConfusionMatrix(["cat", "dog", "bird"])
    matrix.add(0, 0)  # cat → cat
    matrix.add(np.array([0.2, 0.7, 0.1]), 0)  # cat → dog (argmax 1)
    matrix.add(1, np.array([0.0, 1.0, 0.0]))  # dog → dog (one-hot target)
    matrix.batch_add(np.array([2, 2, 0]), np.array([2, 1, 2]))  # bird→bird, dog→bird, bird→cat
    matrix.add(1, -1)  # a missing target (Lua: non-positive): ignored
    matrix.batch_add(np.array([[0.1, 0.1, 0.8]]), np.array([[0.0, 0.0, 1.0]]))  # bird → bird
    return matrix


def test_the_counts_and_accuracies_are_the_hand_counts():
    matrix = hand_counted()
    #            predicted: cat dog bird
    np.testing.assert_array_equal(matrix.mat, [[1, 1, 0], [0, 1, 1], [1, 0, 2]])
    matrix.update_valids()
    np.testing.assert_array_equal(matrix.valids, np.float32([1 / 2, 1 / 2, 2 / 3]))
    # VOC: diagonal / (row + column − diagonal): cat 1/(2+2−1), dog 1/(2+2−1), bird 2/(3+3−2)
    np.testing.assert_array_equal(matrix.unionvalids, np.float32([1 / 3, 1 / 3, 2 / 4]))
    assert matrix.total_valid == 4 / 7 and matrix.totalValid == 4 / 7
    # averages of the float32 values, as Torch sums its FloatTensor entries
    average = (float(np.float32(0.5)) * 2 + float(np.float32(2 / 3))) / 3
    assert matrix.average_valid == average == matrix.averageValid
    assert matrix.average_union_valid == (float(np.float32(1 / 3)) * 2 + 0.5) / 3
    assert matrix.nclasses == 3 and matrix.classes == ["cat", "dog", "bird"]


def test_zero_resets_everything():
    matrix = hand_counted()
    matrix.update_valids()
    matrix.zero()
    assert not matrix.mat.any() and not matrix.valids.any() and matrix.total_valid == 0


def test_lua_spellings_are_the_same_methods():
    matrix = optim.ConfusionMatrix(2)
    matrix.batchAdd(np.array([0, 1]), np.array([1, 1]))
    matrix.updateValids()
    assert matrix.totalValid == 0.5 and matrix.union_valids is matrix.unionvalids


@settings(max_examples=40, deadline=None)
@given(confusion_batches())
def test_batch_add_counts_what_add_counts_one_by_one(case):
    classes, predictions, targets = case
    one_by_one, batch = optim.ConfusionMatrix(classes), optim.ConfusionMatrix(classes)
    for p, t in zip(predictions.tolist(), targets.tolist()):
        one_by_one.add(p, t)
    batch.batch_add(predictions, targets)
    np.testing.assert_array_equal(batch.mat, one_by_one.mat)
    assert batch.mat.sum() == np.count_nonzero(targets >= 0)
    if classes > 1:  # (n, 1) columns are class indices, as in Lua, so no score rows then
        scores = np.eye(classes)[predictions]  # the same predictions as score rows
        from_scores = optim.ConfusionMatrix(classes)
        from_scores.batch_add(scores, targets[:, None])
        np.testing.assert_array_equal(from_scores.mat, batch.mat)


# ---------------------------------------------------------------- ConfusionMatrix: the printout
def test_str_is_luas_printout_of_a_real_training_log():
    # Printed by Lua Torch 7 in a public training log (2 classes, pos/neg): the same counts give
    # the same text, digit for digit (the averages show Torch's float32 valids).
    matrix = optim.ConfusionMatrix(2, ["pos", "neg"])
    matrix.mat[:] = [[30422, 36], [27, 30443]]
    assert str(matrix) == (
        "ConfusionMatrix:\n"
        "[[   30422      36]   99.882% \t[class: pos]\n"
        " [      27   30443]]  99.911% \t[class: neg]\n"
        " + average row correct: 99.896594882011% \n"
        " + average rowUcol correct (VOC measure): 99.793410301208% \n"
        " + global correct: 99.896599264706%"
    )


def test_a_class_without_examples_prints_as_lua_prints_nan():
    # Also from a Lua log: an empty row's accuracy is 0/0, which Lua prints as -nan.
    matrix = optim.ConfusionMatrix(2, [0, 1])
    matrix.mat[:] = [[0, 0], [7277, 217]]
    lines = str(matrix).splitlines()
    assert lines[1] == "[[       0       0]   -nan% \t[class: 0]"
    assert lines[2] == " [    7277     217]]  2.896% \t[class: 1]"
    assert lines[3:] == [
        " + average row correct: 2.895649895072% ",
        " + average rowUcol correct (VOC measure): 2.895649895072% ",
        " + global correct: 2.8956498532159%",
    ]


def test_str_without_names_and_with_wide_counts():
    matrix = optim.ConfusionMatrix(2)
    matrix.mat[:] = [[123456789, 0], [1, 1]]  # 9 digits: columns widen to 1 + ⌈log₁₀ max⌉
    lines = str(matrix).splitlines()
    assert lines[1] == "[[ 123456789         0]   100.000% "
    assert lines[2] == " [         1         1]]  50.000% "
    assert lines[-1] == f" + global correct: {123456790 / 123456791 * 100:.14g}%"
    empty = str(optim.ConfusionMatrix(1)).splitlines()
    assert empty[1] == "[[       0]]  -nan% " and empty[-1] == " + global correct: -nan%"


def test_plot_draws_a_png(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: nothing is drawn")
    path = tmp_path / "confusion.png"
    figure = hand_counted().plot(str(path))
    assert path.read_bytes()[:8] == PNG
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["cat", "dog", "bird"]


def test_plot_without_matplotlib_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"ConfusionMatrix\.plot needs matplotlib.*pip install"):
        hand_counted().plot()


def test_bad_examples_are_clear_errors():
    matrix = optim.ConfusionMatrix(3)
    with pytest.raises(ValueError, match=r"prediction 3 is not a class in \[0, 3\) \(0-based\)"):
        matrix.add(3, 0)
    with pytest.raises(ValueError, match=r"prediction must be a class in \[0, 3\), got -1"):
        matrix.add(-1, 0)
    with pytest.raises(ValueError, match=r"prediction vector has 2 entries, expected one per"):
        matrix.add(np.array([0.5, 0.5]), 0)
    with pytest.raises(ValueError, match=r"use batch_add for a batch"):
        matrix.add(np.zeros((2, 3)), 0)
    with pytest.raises(TypeError, match=r"target must be a class index or a vector"):
        matrix.add(0, "dog")
    with pytest.raises(ValueError, match=r"batch_add got 2 predictions and 3 targets"):
        matrix.batch_add(np.array([0, 1]), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"targets holds class 5, not in \[0, 3\)"):
        matrix.batch_add(np.array([0]), np.array([5]))
    with pytest.raises(ValueError, match=r"predictions of shape \(1, 4\) needs one column per"):
        matrix.batch_add(np.zeros((1, 4)), np.array([0]))
    with pytest.raises(ValueError, match=r"must hold whole class indices"):
        matrix.batch_add(np.array([0.5]), np.array([0]))
    with pytest.raises(ValueError, match=r"3 class names given for 2 classes"):
        optim.ConfusionMatrix(2, ["a", "b", "c"])
    with pytest.raises(TypeError, match=r"classes must be a list of names"):
        optim.ConfusionMatrix(2, "ab")
    with pytest.raises(ValueError, match=r"nclasses must be in \[1, inf\]"):
        optim.ConfusionMatrix(0)
    assert not matrix.mat.any()  # nothing was counted


# ---------------------------------------------------------------- Logger
def read_log(path) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a Lua log: every cell ends with a tab."""
    lines = path.read_text().split("\n")
    assert lines[-1] == ""  # every row ends with a newline
    rows = []
    for line in lines[:-1]:
        assert line.endswith("\t")
        rows.append(line[:-1].split("\t"))
    return rows[0], rows[1:]


def test_the_log_file_reads_back_in_luas_format(tmp_path):
    path = tmp_path / "logs" / "accuracy.log"  # the folder is created, as Lua's mkdir -p
    logger = optim.Logger(str(path))
    logger.setNames(["Training acc.", "Test acc."])
    values = [(70.0, 59.0), (76.0, 8.0), (0.000123456, -1234.5678)]
    for row in values:
        logger.add(list(row))
    header, rows = read_log(path)
    assert header == ["Training acc.", "Test acc."]
    assert rows[:2] == [[" 7.0000e+01", " 5.9000e+01"], [" 7.6000e+01", " 8.0000e+00"]]
    assert rows[2] == [" 1.2346e-04", "-1.2346e+03"]  # %11.4e, as Lua writes numbers
    np.testing.assert_allclose([[float(c) for c in r] for r in rows], values, rtol=1e-4)
    assert logger.symbols["Test acc."] == [59.0, 8.0, -1234.5678]


def test_a_first_add_with_a_dict_names_the_columns(tmp_path):
    path = tmp_path / "train.log"
    logger = optim.Logger(path)
    logger.add({"loss": 0.5, "note": "warm-up"})
    logger.add({"note": "steady", "loss": 0.25})  # any order: written in the columns' order
    header, rows = read_log(path)
    assert header == ["loss", "note"]
    assert rows == [[" 5.0000e-01", "warm-up"], [" 2.5000e-01", "steady"]]


def test_without_a_path_the_rows_go_to_stdout(capsys):
    logger = optim.Logger()
    logger.set_names(["a"])
    logger.add([1.5])
    assert capsys.readouterr().out == (
        "<Logger> warning: no path provided, logging to std out\na\t\n 1.5000e+00\t\n"
    )
    with pytest.raises(ValueError, match=r"this log goes to stdout; give plot a path="):
        logger.plot()


def test_timestamped_file_name(tmp_path):
    logger = optim.Logger(str(tmp_path / "run.log"), timestamp=True)
    assert re.fullmatch(r"run\.log-\d{4}_\d\d_\d\d_\d\d:\d\d:\d\d", logger.path.name)
    assert logger.path.exists() and logger.plot_path == str(tmp_path / "run.log") + ".png"


def test_plot_writes_a_png_beside_the_log(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: nothing is drawn")
    logger = optim.Logger(str(tmp_path / "curves.log"))
    logger.set_names(["train", "test", "note"])
    for epoch in range(5):
        logger.add([1.0 / (epoch + 1), 1.2 / (epoch + 1), f"epoch {epoch}"])
    logger.style({"train": "+-", "test": ["-", "r."]}).set_logscale(True)
    written = logger.plot()  # the string column is left out of "every column"
    assert written == str(tmp_path / "curves.log") + ".png"
    assert (tmp_path / "curves.log.png").read_bytes()[:8] == PNG
    other = logger.plot("test", path=str(tmp_path / "test.png"))
    assert (tmp_path / "test.png").read_bytes()[:8] == PNG and other.endswith("test.png")
    with pytest.raises(ValueError, match=r"column 'note' holds strings"):
        logger.plot("note")
    logger.style({"train": "no such style"})
    with pytest.raises(ValueError, match=r"style 'no such style' of 'train' is neither Lua's"):
        logger.plot()


def test_logger_refuses_what_lua_refuses_and_misaligned_rows(tmp_path):
    logger = optim.Logger(str(tmp_path / "x.log"))
    with pytest.raises(ValueError, match=r"call set_names first, or add a dict"):
        logger.add([1.0])
    logger.set_names(["a", "b"])
    with pytest.raises(ValueError, match=r"add got 1 values for the 2 columns"):
        logger.add([1.0])
    with pytest.raises(ValueError, match=r"add got columns \['a', 'c'\]"):
        logger.add({"a": 1.0, "c": 2.0})
    with pytest.raises(TypeError, match=r"can only log numbers and strings, got \[1\]"):
        logger.add([1.0, [1]])
    with pytest.raises(TypeError, match=r"can only log numbers and strings, got True"):
        logger.add([1.0, True])
    with pytest.raises(ValueError, match=r"style for unknown column 'z'"):
        logger.style({"z": "-"})
    _, rows = read_log(tmp_path / "x.log")
    assert rows == []  # no partial row was written


def test_fewer_class_names_than_classes_print_an_empty_name_as_lua_does():
    # Lua: '[class: ' .. (self.classes[t] or '') .. ']'
    matrix = optim.ConfusionMatrix(3, ["cat"])
    matrix.batch_add(np.array([0, 1, 2, 2]), np.array([0, 1, 2, 1]))
    rows = str(matrix).splitlines()[1:4]
    assert rows[0].endswith("% \t[class: cat]")
    assert rows[1].endswith("% \t[class: ]") and rows[2].endswith("% \t[class: ]")
    if importlib.util.find_spec("matplotlib") is not None:
        figure = matrix.plot()
        assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["cat", "1", "2"]


def test_confusion_matrix_and_logger_validate_their_state(tmp_path):
    matrix = optim.ConfusionMatrix(2)
    matrix.validate()
    matrix.mat = np.zeros((3, 3), dtype=np.int64)
    with pytest.raises(ValueError, match=r"mat must have shape \(nclasses, nclasses\) = \(2, 2\)"):
        matrix.validate()
    matrix.mat = -np.ones((2, 2), dtype=np.int64)
    with pytest.raises(ValueError, match=r"mat must hold int64 counts >= 0"):
        matrix.validate()
    matrix = optim.ConfusionMatrix(2)
    matrix.valids = np.zeros(2)
    with pytest.raises(ValueError, match=r"valids must be float32"):
        matrix.validate()
    logger = optim.Logger(str(tmp_path / "v.log"))
    logger.set_names(["a"])
    logger.validate()
    logger.logscale = "yes"
    with pytest.raises(TypeError, match=r"optim.Logger: logscale must be True or False"):
        logger.validate()
    logger.logscale = False
    logger.styles = {"a": "-"}
    with pytest.raises(TypeError, match=r"the styles of 'a' must be a list of strings"):
        logger.validate()
    with pytest.raises(TypeError, match=r"optim.Logger: timestamp must be True or False"):
        optim.Logger(str(tmp_path / "w.log"), timestamp="yes")
    assert not (tmp_path / "w.log").exists()  # refused before any file was made
    with pytest.raises(TypeError, match=r"path must be a file name or None"):
        optim.Logger(3)


def test_the_logger_plot_without_matplotlib_says_what_to_install(monkeypatch, tmp_path):
    logger = optim.Logger(str(tmp_path / "m.log"))
    logger.add({"loss": 1.0})
    logger.add({"loss": 0.5})
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"optim\.Logger\.plot needs matplotlib.*pip install"):
        logger.plot()
