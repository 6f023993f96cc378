"""``optim.Logger``: Torch's training log — a plain-text table, and its curves drawn as a PNG.

The file is Lua's: a header row of the names, then one row per ``add``, every cell followed by a
tab, numbers written ``%11.4e`` and strings as they are; each row is flushed as it is written.

    logger = optim.Logger("train.log")
    logger.set_names(["training error", "test error"])
    logger.add([0.25, 0.5])                 # or logger.add({"training error": 0.25, ...})
    logger.style(["-", "+-"]).plot()        # writes train.log.png (Lua: train.log.eps)

Lua draws with gnuplot, on screen and into ``name.eps``; this one draws with matplotlib (the
optional ``[plot]`` extra, imported only by ``plot``) into ``name.png``, and opens no window.
"""

from __future__ import annotations

import datetime
import math
import numbers
import os
import sys
from pathlib import Path

from ..nn import _settings
from ..nn._lua_names import link_lua_names
from ._plotting import figure_class

WHO = "optim.Logger"
# Lua's styles (gnuplot's) as matplotlib's line and marker: '~' (smoothed) is drawn as a line.
STYLES = {".": ("", "."), "+": ("", "+"), "-": ("-", ""), "+-": ("-", "+"), "~": ("-", "")}


class Logger:
    """A log of named columns, one row per ``add``, in Lua's text format; ``plot`` draws them.

    Parameters
    ----------
    path : str, optional
        The log file (its folder is created). Without one the rows go to standard output, as in
        Lua, and ``plot`` needs a ``path`` of its own.
    timestamp : bool, default False
        Append ``-YYYY_MM_DD_HH:MM:SS`` to the file name, as Lua does, for a unique file.
    """

    def __init__(self, path: str | None = None, timestamp: bool = False) -> None:
        _settings.boolean(WHO, "timestamp", timestamp)  # before any file is made
        if path is not None and not isinstance(path, str | os.PathLike):
            raise TypeError(f"{WHO}: path must be a file name or None, got {path!r:.60}")
        self.name = "stdout" if path is None else str(path)
        self.path: Path | None = None
        self.plot_path: str | None = None if path is None else f"{path}.png"
        if path is None:
            print("<Logger> warning: no path provided, logging to std out")
        else:
            file = str(path)
            if timestamp:
                file += "-" + datetime.datetime.now().strftime("%Y_%m_%d_%X")
            self.path = Path(file)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("")
        self.empty = True
        self.names: list[str] = []
        self.symbols: dict[str, list] = {}
        self.styles: dict[str, list[str]] = {}
        self.default_style = "+"
        self.logscale = False
        self.show_plot = True
        self.validate()

    def validate(self) -> None:
        """Check the settings: ``logscale`` and ``show_plot`` bools, the columns and their
        styles (one list of style strings per named column), ``default_style`` a string."""
        self.logscale = _settings.boolean(WHO, "logscale", self.logscale)
        self.show_plot = _settings.boolean(WHO, "show_plot", self.show_plot)
        self.empty = _settings.boolean(WHO, "empty", self.empty)
        if not isinstance(self.default_style, str):
            raise TypeError(f"{WHO}: default_style must be a string, got {self.default_style!r}")
        if not (isinstance(self.names, list) and all(isinstance(n, str) for n in self.names)):
            raise TypeError(f"{WHO}: names must be a list of strings, got {self.names!r:.60}")
        if set(self.symbols) != set(self.names) or set(self.styles) != set(self.names):
            raise ValueError(f"{WHO}: symbols and styles must have one entry per column name")
        for name, styles in self.styles.items():
            if not (isinstance(styles, list) and all(isinstance(x, str) for x in styles)):
                raise TypeError(f"{WHO}: the styles of {name!r} must be a list of strings")

    def set_names(self, names: list[str]) -> Logger:
        """Name the columns and write the header row (Lua's ``setNames``).

        Parameters
        ----------
        names : list of str
            The column names, in the order ``add`` takes values.
        """
        if not isinstance(names, list | tuple) or not names:
            raise TypeError(f"{WHO}: set_names takes a non-empty list of names, got {names!r}")
        self.names = [str(name) for name in names]
        self.symbols = {name: [] for name in self.names}
        self.styles = {name: [self.default_style] for name in self.names}
        self.empty = False
        self._write(self.names)
        return self

    def add(self, symbols: dict | list) -> None:
        """Write one row and keep its values (Lua's ``add``).

        Parameters
        ----------
        symbols : dict or list
            ``{name: value}`` for every column (the first ``add`` may name them this way), or
            the values in the order of ``set_names``. Values are numbers or strings.
        """
        if self.empty:
            if not isinstance(symbols, dict):
                raise ValueError(f"{WHO}: call set_names first, or add a dict of name: value")
            self.set_names(list(symbols))
        if isinstance(symbols, dict):
            keys = [str(key) for key in symbols]
            if sorted(keys) != sorted(self.names):
                raise ValueError(f"{WHO}: add got columns {keys}, the log has {self.names}")
            values = [symbols[key] for key in self._keys_in_order(symbols)]
        elif isinstance(symbols, list | tuple):
            if len(symbols) != len(self.names):
                raise ValueError(
                    f"{WHO}: add got {len(symbols)} values for the {len(self.names)} columns "
                    f"{self.names}"
                )
            values = list(symbols)
        else:
            raise TypeError(f"{WHO}: add takes a dict or a list, got {type(symbols).__name__}")
        cells = []
        for value in values:
            if isinstance(value, str):
                cells.append(value)
            elif isinstance(value, numbers.Real) and not isinstance(value, bool):
                cells.append(_c_format("%11.4e", float(value)))
            else:
                raise TypeError(f"{WHO}: can only log numbers and strings, got {value!r}")
        self._write(cells)
        for name, value in zip(self.names, values):
            self.symbols[name].append(value)

    def style(self, symbols: dict | list) -> Logger:
        """Choose how ``plot`` draws each column (Lua's ``style``).

        Parameters
        ----------
        symbols : dict or list
            ``{name: style}`` or styles in column order; a style is a string or a list of
            them: ``'.'`` dots, ``'+'`` points, ``'-'`` lines, ``'+-'`` both, ``'~'`` a line
            (Lua's smoothed one), ``'|'`` boxes, or any matplotlib format string (``'r--'``).
        """
        pairs = symbols.items() if isinstance(symbols, dict) else zip(self.names, symbols)
        for name, style in pairs:
            if name not in self.symbols:
                raise ValueError(f"{WHO}: style for unknown column {name!r}; has {self.names}")
            styles = [style] if isinstance(style, str) else style
            if not isinstance(styles, list | tuple) or not all(isinstance(s, str) for s in styles):
                raise TypeError(f"{WHO}: a style is a string or a list of strings, got {style!r}")
            self.styles[name] = list(styles)
        return self

    def set_logscale(self, state: bool) -> None:
        """Draw the y axis on a log scale (Lua's ``setlogscale``).

        Parameters
        ----------
        state : bool
            True for a logarithmic y axis.
        """
        if not isinstance(state, bool):
            raise TypeError(f"{WHO}: set_logscale takes True or False, got {state!r}")
        self.logscale = state

    def display(self, state: bool) -> None:
        """Lua's switch for the gnuplot window; kept for ported code (no window is ever opened).

        Parameters
        ----------
        state : bool
            Lua's ``showPlot``; recorded, without effect here.
        """
        if not isinstance(state, bool):
            raise TypeError(f"{WHO}: display takes True or False, got {state!r}")
        self.show_plot = state

    def plot(self, *names: str, path: str | None = None) -> str:
        """Draw the columns (all, or those named) against the row number into a PNG.

        Parameters
        ----------
        *names : str
            The columns to draw; by default every numeric column with more than one value
            (Lua draws only those).
        path : str, optional
            The picture's file; by default the log's name with ``.png`` appended.

        Returns
        -------
        str
            The path written.
        """
        target = path or self.plot_path
        if target is None:
            raise ValueError(f"{WHO}: this log goes to stdout; give plot a path=")
        for name in names:
            if name not in self.symbols:
                raise ValueError(f"{WHO}: no column {name!r}; the log has {self.names}")
            if not all(_is_number(value) for value in self.symbols[name]):
                raise ValueError(f"{WHO}: column {name!r} holds strings, which cannot be drawn")
        Figure = figure_class(f"{WHO}.plot")  # noqa: N806 (matplotlib's class)
        chosen = list(names) or [
            name
            for name, values in self.symbols.items()
            if len(values) > 1 and all(_is_number(value) for value in values)
        ]
        figure = Figure(figsize=(6.4, 4.0), layout="constrained")
        axes = figure.subplots()
        for name in chosen:
            ys = [float(value) for value in self.symbols[name]]
            xs = list(range(1, len(ys) + 1))
            for style in self.styles[name]:
                if style == "|":
                    axes.bar(xs, ys, width=1.0, alpha=0.5, label=name)
                elif style in STYLES:
                    line, marker = STYLES[style]
                    axes.plot(xs, ys, linestyle=line or "None", marker=marker or None, label=name)
                else:
                    try:
                        axes.plot(xs, ys, style, label=name)
                    except ValueError:
                        raise ValueError(
                            f"{WHO}: style {style!r} of {name!r} is neither Lua's "
                            f"('.', '+', '-', '+-', '~', '|') nor a matplotlib format string"
                        ) from None
        if self.logscale:
            axes.set_yscale("log")
        axes.grid(True)
        axes.set_title(f"<Logger::{self.name}>")
        if chosen:
            axes.legend()
        figure.savefig(target)
        return str(target)

    def _keys_in_order(self, symbols: dict) -> list:
        """The dict's keys in the column order."""
        by_name = {str(key): key for key in symbols}
        return [by_name[name] for name in self.names]

    def _write(self, cells: list[str]) -> None:
        """One row, every cell followed by a tab, then a newline; flushed at once."""
        row = "".join(f"{cell}\t" for cell in cells) + "\n"
        if self.path is None:
            sys.stdout.write(row)
            sys.stdout.flush()
        else:
            with self.path.open("a") as file:
                file.write(row)


link_lua_names(Logger, {"set_names": "setNames", "set_logscale": "setlogscale"})


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _c_format(pattern: str, value: float) -> str:
    """printf of one number, NaN spelled as glibc spells it (with its sign)."""
    if math.isnan(value):
        text = "-nan" if math.copysign(1.0, value) < 0 else "nan"
        return text.rjust(len(pattern % 0.0))
    return pattern % value
