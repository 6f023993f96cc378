"""``str(report)``: a gradient check's result laid out as plain text, 100 columns wide.

The header says the verdict — ``ok``, ``FAIL``, or ``inconclusive`` when every element of a
checked tensor sits on a kink — and the tolerance; then one row per block, the checks beyond the
Jacobian, the kinks found, the calls made, and for each failing block its worst elements with
the checked tensor's value there and a one-line diagnosis when one is evident. A report (a
``GradcheckReport``) is read through its attributes only: ``_report`` imports this module.
"""

from __future__ import annotations

import math
import textwrap

#: How many of a failing block's worst elements (and of a tensor's kinks) ``str(report)`` shows.
SHOWN_ELEMENTS = 3


def render(report: object) -> str:
    """The whole text of ``str(report)``."""
    lines = _header(report)
    if report.mode == "fast":
        lines.append("  fast mode: random projections v'Ju, in full only where they disagree")
    lines += [line for note in report.notes for line in _wrapped(f"note: {note}")]
    lines += [line for problem in report.problems for line in _wrapped(f"problem: {problem}")]
    lines += [line for text in report.unchecked for line in _wrapped(f"unchecked: {text}")]
    lines += _blocks(report)
    passed = [check.name for check in report.properties if check.ok]
    if passed:
        lines += _wrapped("also ok: " + "; ".join(passed))
    for check in report.properties:
        if not check.ok:
            lines += _wrapped(f"FAIL {check.name}: {check.detail}")
    lines += _kinks(report)
    lines.append(
        f"  cost: {report.forward_calls:,} forward and {report.backward_calls:,} backward calls"
    )
    for entry in report.failures:
        if entry.checked:
            lines += [""] + _failure(entry)
    return "\n".join(lines)


def _header(report: object) -> list[str]:
    # The verdict first; an inconclusive one says at once which tensor sits on kinks only.
    error = f"max abs error {format_number(report.max_abs_error)}"
    apart = sum(entry.kinks for entry in report.entries.values())
    if report.status == "inconclusive":
        stuck = "; ".join(
            f"{count} of {count} {tensor} elements sit on a kink (left and right derivatives "
            f"differ); move the {tensor} off it"
            for tensor, count in report.kinked_tensors.items()
        )
        text = f"gradcheck {report.subject}: inconclusive: {stuck}; {error}"
    else:
        text = f"gradcheck {report.subject}: {report.status}, {error}"
        if apart:
            text += f" ({apart} kink elements set apart)"
    if report.unchecked:
        text += f"; {len(report.unchecked)} weight-like attribute(s) unchecked"
    lines = textwrap.wrap(text, 100, subsequent_indent="    ", break_on_hyphens=False)
    if report.mode == "float32":
        lines += _wrapped(
            f"pass when |float32 - float64| <= {report.rtol:g}*(|float64| + max |float64|) (the "
            f"float32 module against its float64 clone: same input, same grad_output)"
        )
    else:
        lines.append(
            f"  pass when |analytic - numeric| <= {report.atol:g} + {report.rtol:g}*|numeric| "
            f"(central differences, eps {report.eps:g}, {report.dtype})"
        )
    return lines


def _blocks(report: object) -> list[str]:
    # One row per block: its tensor, shape, largest error, failing elements and result.
    tables = any(entry.output is not None for entry in report.entries.values())
    rows = [["block" if tables else "tensor", "shape", "max abs error", "failing", "result"]]
    kinked = report.kinked_tensors
    for entry in report.entries.values():
        if not entry.checked:
            result = "not checked"
        elif not entry.ok:
            result = "FAIL"
        else:
            result = "inconclusive" if entry.tensor in kinked else "ok"
        failing = f"{entry.failing}/{entry.total}" if entry.problem is None else "-"
        if entry.method == "fast":
            failing += " v'Ju"
        rows.append(
            [entry.name, _shape(entry.shape), format_number(entry.max_abs_error), failing, result]
        )
    return format_table(rows, indent="  ")


def _kinks(report: object) -> list[str]:
    # Per tensor with kinks: how many elements, and the first few kink elements.
    lines: list[str] = []
    for tensor, (count, size) in report.kinks.items():
        lines += _wrapped(
            f"kink: {count} of {size} {tensor} elements sit on a kink (left and right "
            f"derivatives differ); move the {tensor} off it"
        )
        shown = [k for e in report.entries.values() if e.tensor == tensor for k in e.kink_elements]
        rows = [[f"{tensor} index", "output index", f"{tensor} value", "left", "right"]]
        rows[0].append("analytic")
        for k in shown[:SHOWN_ELEMENTS]:
            rows.append(
                [_index(k.tensor_index), _index(k.output_index), _number(k.value)]
                + [_number(k.left), _number(k.right), _number(k.analytic)]
            )
        lines += format_table(rows, indent="    ")
    return lines


def _failure(entry: object) -> list[str]:
    # "weight: <problem or diagnosis>", where, then the worst elements as a small table.
    head = entry.problem or entry.diagnosis or f"{entry.failing} of {entry.total} elements differ"
    lines = textwrap.wrap(f"{entry.name}: {head}", 100, subsequent_indent="    ")
    if entry.problem is not None and entry.diagnosis is not None:
        lines.append(f"  {entry.diagnosis}")
    if entry.where is not None:
        lines += _wrapped(f"where: {entry.where}")
    if entry.worst and entry.method == "float32":
        rows = [[f"{entry.tensor} index", "float32", "float64", "abs error", "rel error"]]
        for w in entry.worst[:SHOWN_ELEMENTS]:
            rows.append(
                [_index(w.tensor_index), _number(w.analytic), _number(w.numeric)]
                + [format_number(w.abs_error), format_number(w.rel_error)]
            )
        lines += format_table(rows, indent="  ")
    elif entry.worst:
        with_output = entry.output_shape != ()
        header = [f"{entry.tensor} index"]
        header += [f"{entry.output or 'output'} index"] if with_output else []
        header += [f"{entry.tensor} value", "analytic", "numeric", "abs error", "rel error"]
        rows = [header]
        for w in entry.worst[:SHOWN_ELEMENTS]:
            rows.append(
                [_index(w.tensor_index)]
                + ([_index(w.output_index)] if with_output else [])
                + [_number(w.value), _number(w.analytic), _number(w.numeric)]
                + [format_number(w.abs_error), format_number(w.rel_error)]
            )
        lines += format_table(rows, indent="  ")
    return lines


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(
        text, 100, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
    )


def format_table(rows: list[list[str]], indent: str = "") -> list[str]:
    """Left-aligned columns, two spaces apart: the lines of a plain-text table."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return [
        indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in rows
    ]


def format_number(value: float) -> str:
    """Three significant digits, or ``inf``."""
    return "inf" if math.isinf(value) else f"{value:.3g}"


def _number(value: float) -> str:
    return f"{value + 0.0:.6g}"  # + 0.0: a negative zero prints as 0


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]"
