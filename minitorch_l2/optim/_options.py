"""The options and state of an optimiser call: Torch's config/state convention, both spellings.

Torch 7's rule, kept here: ``state = state or config``. Passing the same ``config`` dict on every
call (and no ``state``) therefore carries momentum, moments and counters in that dict; passing a
separate ``state`` dict keeps them there instead. With neither, each call starts from scratch.

Every option has two spellings, Lua's (``learningRate``) and snake_case (``learning_rate``);
either is read, both at once is an error, and a name the optimiser does not know is refused with
the list of those it does. A state entry is written under the spelling it already has in the
dict; a new one under Lua's spelling, unless ``config`` (or ``state``) uses a snake_case name
that differs from Lua's, then under snake_case. So a loop ported from Lua reads
``config["evalCounter"]``, a Python loop ``config["eval_counter"]``, and each dict holds one
spelling of each entry.
"""

from __future__ import annotations

import difflib
import functools
import math
from dataclasses import dataclass, field

import numpy as np

from ..nn import _settings


@dataclass(frozen=True)
class Names:
    """One optimiser's name, options ``{snake: (lua, default)}`` and state ``{snake: lua}``."""

    who: str
    options: dict[str, tuple[str, object]]
    state: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def spellings(self) -> frozenset[str]:
        """Every key a config may hold: both spellings of each option and state entry."""
        found = set(self.options) | set(self.state) | set(self.state.values())
        return frozenset(found | {lua for lua, _ in self.options.values()})

    @functools.cached_property
    def snake_only(self) -> frozenset[str]:
        """The snake_case spellings that differ from their Lua twins."""
        pairs = [(snake, lua) for snake, (lua, _) in self.options.items()]
        return frozenset(snake for snake, lua in pairs + list(self.state.items()) if lua != snake)


class Options:
    """The options of one call, read from ``config`` under either spelling, checked on demand."""

    def __init__(self, names: Names, config: dict) -> None:
        self.who = names.who
        self._values: dict[str, object] = {}
        self._labels: dict[str, str] = {}
        for snake, (lua, default) in names.options.items():
            value, label = config.get(snake), snake
            if lua != snake and config.get(lua) is not None:
                if value is not None:
                    raise ValueError(
                        f"{self.who}: config gives both {lua!r} and {snake!r}; give one"
                    )
                value, label = config[lua], lua
            self._labels[snake] = label
            self._values[snake] = default if value is None else value

    def raw(self, name: str) -> object:
        """The value as given (or the default), unchecked."""
        return self._values[name]

    def label(self, name: str) -> str:
        """The spelling the caller used (snake_case when defaulted), for messages."""
        return self._labels[name]

    def real(
        self,
        name: str,
        minimum: float = 0.0,
        maximum: float = math.inf,
        *,
        low_open: bool = False,
        high_open: bool = False,
    ) -> float:
        """A finite real in [minimum, maximum] (``low_open``/``high_open`` exclude the ends)."""
        value = self._values[name]
        if (  # the common case, without the general checker's cost
            type(value) in (float, int)
            and (minimum < value if low_open else minimum <= value)
            and (value < maximum if high_open else value <= maximum)
            and math.isfinite(value)
        ):
            return float(value)
        return _settings.real(
            self.who,
            self.label(name),
            value,
            minimum,
            maximum,
            low_open=low_open,
            high_open=high_open,
        )

    def integer(self, name: str, minimum: int = 1) -> int:
        """An int ≥ minimum; a whole float such as 20.0 is read as 20 (Lua's numbers are
        doubles, so a config Lua wrote or ported code holds them), any other float refused."""
        value = self._values[name]
        if isinstance(value, float | np.floating) and math.isfinite(value) and value.is_integer():
            value = int(value)
        return _settings.integer(self.who, self.label(name), value, minimum)

    def boolean(self, name: str) -> bool:
        """True or False, nothing truthy."""
        return _settings.boolean(self.who, self.label(name), self._values[name])

    def vector(self, name: str, x: np.ndarray) -> np.ndarray | None:
        """None, or a finite non-negative float array with x's number of elements, as x's shape."""
        value = self._values[name]
        if value is None:
            return None
        value = _settings.array(self.who, self.label(name), value)
        if value.size != x.size:
            raise ValueError(
                f"{self.who}: {self.label(name)} must have one entry per parameter ({x.size}), "
                f"got shape {value.shape}"
            )
        low, high = (float(np.min(value)), float(np.max(value))) if value.size else (0.0, 0.0)
        if not (low >= 0 and math.isfinite(high)):
            raise ValueError(f"{self.who}: {self.label(name)} must be finite and >= 0")
        return value.reshape(x.shape)


class State:
    """The dict that keeps an optimiser's state, read and written under one spelling per entry."""

    def __init__(self, names: Names, store: dict, lua_style: bool) -> None:
        self.who = names.who
        self.store = store
        self._keys: dict[str, str] = {}
        for snake, lua in names.state.items():
            key = lua if lua_style else snake
            if lua != snake:
                has_snake, has_lua = store.get(snake) is not None, store.get(lua) is not None
                if has_snake and has_lua:
                    raise ValueError(
                        f"{self.who}: state holds both {lua!r} and {snake!r}; keep one"
                    )
                key = snake if has_snake else lua if has_lua else key
            self._keys[snake] = key

    def get(self, name: str, default: object = None) -> object:
        """The entry ``name`` (snake_case), or ``default`` when absent or None."""
        value = self.store.get(self._keys[name])
        return default if value is None else value

    def __setitem__(self, name: str, value: object) -> None:
        self.store[self._keys[name]] = value

    def counter(self, name: str) -> int:
        """A count kept in the state (0 when absent); Lua's doubles such as 12.0 are read too."""
        value = self.get(name, 0)
        if (
            isinstance(value, bool | np.bool_)
            or not isinstance(value, int | float | np.integer | np.floating)
            or not float(value).is_integer()
            or value < 0
        ):
            raise ValueError(
                f"{self.who}: state[{self._keys[name]!r}] must be a count, got {value!r}"
            )
        return int(value)

    def number(self, name: str, default: float) -> float:
        """A real number kept in the state (``default`` when absent)."""
        return _settings.real(self.who, f"state[{self._keys[name]!r}]", self.get(name, default))

    def array(self, name: str, x: np.ndarray, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """The state's array ``name`` (created as zeros when absent), checked against ``x``.

        ``shape`` defaults to x's; the dtype is always x's. An array of another shape or dtype
        belongs to other parameters: that is an error, never a silent restart.
        """
        shape = x.shape if shape is None else shape
        value = self.get(name)
        if value is None:
            value = np.zeros(shape, dtype=x.dtype)
            self[name] = value
        elif not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != x.dtype:
            got = f"{value.dtype} {value.shape}" if isinstance(value, np.ndarray) else type(value)
            raise ValueError(
                f"{self.who}: state[{self._keys[name]!r}] is {got}, but x is {x.dtype} {x.shape}: "
                "this state belongs to other parameters (start from a fresh state dict)"
            )
        return value

    def buffer(self, name: str, x: np.ndarray, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """A work buffer kept in the state for reuse, holding nothing between calls: made anew
        (not refused) when it does not fit ``x``."""
        shape = x.shape if shape is None else shape
        value = self.get(name)
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != x.dtype:
            value = np.empty(shape, dtype=x.dtype)
            self[name] = value
        return value

    def has(self, name: str) -> bool:
        """True when the entry exists (and is not None)."""
        return self.get(name) is not None


def resolve(names: Names, config: dict | None, state: dict | None) -> tuple[Options, State]:
    """Check ``config`` and ``state`` (``state`` defaults to ``config``) and read both."""
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise TypeError(
            f"{names.who}: expected config to be a dict or None, got {type(config).__name__}"
        )
    if state is None:
        state = config  # Torch: local state = state or config
    elif not isinstance(state, dict):
        raise TypeError(
            f"{names.who}: expected state to be a dict or None, got {type(state).__name__}"
        )
    known = names.spellings
    for key in config:
        if key not in known:
            raise ValueError(unknown_option(names, key))
    snake_style = not (names.snake_only.isdisjoint(config) and names.snake_only.isdisjoint(state))
    return Options(names, config), State(names, state, lua_style=not snake_style)


def unknown_option(names: Names, key: object) -> str:
    """The message for an option ``names`` does not know, with the closest known spelling."""

    def plain(name: str) -> str:  # learningRate, learning_rate and learningrate alike
        return name.replace("_", "").lower()

    by_plain = {plain(snake): (snake, lua) for snake, (lua, _) in names.options.items()}
    close = difflib.get_close_matches(plain(str(key)), sorted(by_plain), n=1, cutoff=0.7)
    # suggest the spelling of the caller's style: snake_case if the key has an underscore
    suggestion = by_plain[close[0]][0 if "_" in str(key) else 1] if close else None
    hint = f" (did you mean {suggestion!r}?)" if close else ""
    listed = ", ".join(
        snake if lua == snake else f"{snake} ({lua})"
        for snake, (lua, _) in sorted(names.options.items())
    )
    return f"{names.who}: unknown option {key!r}{hint}; its options are {listed}"
