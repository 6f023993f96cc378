"""Module's tree methods: the children in ``modules``, walks, modes, state, copies and sharing.

A part of ``nn.Module`` kept in its own file (``Module`` inherits it): ``list_modules``,
``apply``, ``replace``, ``find_modules``, ``training``/``evaluate``, ``reset``, ``clear_state``,
``clone`` and ``share``, as Lua's ``Module`` has them. Children are the modules kept in a
``modules`` list (Lua's containers); one module object in two places of a tree is refused.
"""

from __future__ import annotations

import copy
import re
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ._errors import duplicate_message
from ._lua_names import MODULE_METHODS, link_lua_names
from ._parameters import held_items

if TYPE_CHECKING:  # for annotations only: module.py imports this file
    from .module import Module
#: Modules that ``share`` tied together (weakly): ``get_parameters`` re-points them too.
SHARE_PARTNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _field_name(module: Module, name: str) -> str:
    # Lua's camelCase field ('gradWeight') or ours ('grad_weight'): whichever the module has.
    if name in vars(module) or hasattr(type(module), name):
        return name
    snake = _camel_to_snake(name)
    return snake if snake in vars(module) else name


class TreeMethods:
    """The tree half of ``nn.Module`` (see the module docstring); not used on its own."""

    def _children(self) -> list[Module]:
        """The modules kept in ``self.modules`` (Lua's containers), or none."""
        modules = self.__dict__.get("modules")
        return modules if type(modules) is list else []

    def _named_tree(self, prefix: str) -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for index, child in enumerate(self._children()):
            yield from child._named_tree(f"{prefix}{index}.")

    def list_modules(self) -> list[Module]:
        """This module followed by every module below it, depth first (Lua's ``listModules``).

        A module met twice (the same object in two places of the tree) is a ValueError: its
        ``output`` would be overwritten by its second use. Share weights between clones instead.
        """
        found: list[Module] = []
        seen: set[int] = set()

        def visit(module: Module, path: str) -> None:
            if id(module) in seen:
                raise ValueError(duplicate_message(module, path))
            seen.add(id(module))
            found.append(module)
            for index, child in enumerate(module._children()):
                if not isinstance(child, TreeMethods):
                    raise TypeError(
                        f"{module._who()}: modules[{index}] is a {type(child).__name__}, "
                        f"not an nn.Module"
                    )
                visit(child, f"{path}.modules[{index}]")

        visit(self, "self")
        return found

    def _reachable_modules(self, partners: bool = False) -> list[Module]:
        """The tree, plus modules held by other attributes, plus (optionally) ``share`` partners."""
        found: dict[int, Module] = {}
        stack: list[Module] = [self]
        skip = self._skipped()
        while stack:
            module = stack.pop()
            if id(module) in found:
                continue
            found[id(module)] = module
            for name, value in vars(module).items():
                if name in skip:
                    continue
                for item in held_items(value):
                    if isinstance(item, TreeMethods):
                        stack.append(item)
            if partners:
                stack.extend(SHARE_PARTNERS.get(module, ()))
        return list(found.values())

    def apply(self, function: Callable[[Module], object]) -> Module:
        """Call ``function(module)`` on this module and every module below it, parents first.

        Parameters
        ----------
        function : callable
            Called with each module; its return value is ignored.

        Returns
        -------
        Module
            ``self`` (Lua's ``module:apply(fn)`` returns nothing).
        """
        function(self)
        for child in self._children():
            child.apply(function)
        return self

    def replace(self, function: Callable[[Module], Module]) -> Module:
        """Lua's ``replace``: ``function(module)`` returns the module to put in its place.

        Applied to this module, then to each child of the result. A replacement that is
        already elsewhere in the tree is a ValueError, as at ``add``: it would be used twice.

        Parameters
        ----------
        function : callable
            ``function(module)`` returns the module itself or the one to use in its place.

        Returns
        -------
        Module
            The replacement of this module (``net = net.replace(fn)``).
        """
        result = function(self)
        if not isinstance(result, TreeMethods):
            raise TypeError(
                f"{self._who()}: replace's function must return an nn.Module, got "
                f"{type(result).__name__}"
            )
        children = result._children()
        for index, child in enumerate(children):
            children[index] = child.replace(function)
        result.list_modules()  # refuses a module now in two places (containers cache the check)
        return result

    def find_modules(
        self, type_or_name: type | str, container: Module | None = None
    ) -> tuple[list[Module], list[Module]]:
        """Every module of the given class below (and including) this one, and its container.

        Lua's ``findModules(typename)``: the class must match exactly (``nn.Linear``, or the
        names ``'nn.Linear'``/``'Linear'``), not a subclass. As in Lua (its code and its
        documentation), a module found without a parent container — this module itself —
        has itself as its container (not nil): ``seq.find_modules(nn.Sequential)`` gives
        ``([seq], [seq])``.

        Parameters
        ----------
        type_or_name : type or str
            The class, or its name with or without ``nn.``.
        container : Module, optional
            The container reported for this module itself (default: itself, as Lua).

        Returns
        -------
        tuple of (list, list)
            ``(modules, containers)``: each module found, and the container holding it.
        """
        if isinstance(type_or_name, str):
            name = type_or_name.removeprefix("nn.")
            matches = type(self).__name__ == name
        elif isinstance(type_or_name, type):
            matches = type(self) is type_or_name
        else:
            raise TypeError(
                f"{self._who()}: find_modules expects a class or a class name such as "
                f"'nn.Linear', got {type_or_name!r}"
            )
        holder = self if container is None else container  # an empty container is falsy
        found, containers = ([self], [holder]) if matches else ([], [])
        for child in self._children():
            more, their = child.find_modules(type_or_name, self)
            found += more
            containers += their
        return found, containers

    def training(self) -> Module:
        """Set ``train = True`` here and below (Dropout becomes active)."""
        for module in self.list_modules():
            module.train = True
        return self

    def evaluate(self) -> Module:
        """Set ``train = False`` here and below (Dropout becomes the identity)."""
        for module in self.list_modules():
            module.train = False
        return self

    def reset(self, stdv: float | None = None) -> Module:
        """Re-draw the parameters (layers with weights override this); children are reset too.

        Parameters
        ----------
        stdv : float, optional
            Passed on to each child's ``reset``; its meaning is the layer's (see ``nn.Linear``).
        """
        for child in self._children():
            child.reset(stdv)
        return self

    def clear_state(self) -> Module:
        """Drop ``output``, ``grad_input``, internal buffers and per-call state here and below."""
        for module in self.list_modules():
            module._drop_state()
        return self

    def clone(self, *names: str) -> Module:
        """A deep copy; with ``names``, the copy shares those fields with this module (Lua's).

        ``clone()`` gives new arrays throughout — the way to give each thread its own module —
        and no transient state: the copy starts as after :meth:`clear_state`.
        ``clone('weight', 'bias', 'grad_weight', 'grad_bias')`` (Lua's camelCase names work
        too) makes the copy use this module's very arrays for those fields, in every module of
        the two trees: the Siamese-network recipe, whose gradients then add up in one place.

        Parameters
        ----------
        *names : str
            Fields to share (``weight``, ``grad_weight`` or ``gradWeight``, ``running_mean``).

        Returns
        -------
        Module
            The copy.
        """
        # Transient state is not copied (the copy starts as after clear_state): seeding the
        # memo with None keeps deepcopy from copying outputs, buffers or a caller's input.
        modules = self._reachable_modules()
        kept = {
            id(item)
            for m in modules
            for name, value in vars(m).items()
            if name not in type(m).transient_attributes()
            for item in [value, *held_items(value)]
        }
        memo: dict[int, object] = {}
        for m in modules:
            for name in type(m).transient_attributes():
                value = m.__dict__.get(name)
                if value is not None and id(value) not in kept:
                    memo[id(value)] = None
        twin = copy.deepcopy(self, memo)
        twin.clear_state()
        if names:
            twin.share(self, *names)
        return twin

    def share(self, other: Module, *names: str) -> Module:
        """Make this module use ``other``'s arrays for the fields ``names``, module by module.

        Lua's ``share``: the two trees are walked in step (they must have the same layout, as a
        clone has) and each named field present in both is set to ``other``'s array. The
        modules stay tied: ``get_parameters`` on either re-points both.

        Parameters
        ----------
        other : Module
            The module whose arrays this one takes.
        *names : str
            The fields, in our spelling or Lua's (``grad_weight`` or ``gradWeight``).

        Returns
        -------
        Module
            ``self``.
        """
        if not isinstance(other, TreeMethods):
            raise TypeError(
                f"{self._who()}: share expects an nn.Module, got {type(other).__name__}"
            )
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"{self._who()}: share's field names must be str, got {name!r}")
        mine, theirs = self.list_modules(), other.list_modules()
        if len(mine) != len(theirs) or any(type(a) is not type(b) for a, b in zip(mine, theirs)):
            raise ValueError(
                f"{self._who()}: share needs two trees of the same layout (as a clone has); "
                f"got {len(mine)} and {len(theirs)} modules"
            )
        for a, b in zip(mine, theirs):
            for name in names:
                attribute = _field_name(b, name)
                value = getattr(b, attribute, None)
                if value is not None and getattr(a, attribute, None) is not None:
                    setattr(a, attribute, value)
            if a is not b:
                SHARE_PARTNERS.setdefault(a, weakref.WeakSet()).add(b)
                SHARE_PARTNERS.setdefault(b, weakref.WeakSet()).add(a)
        return self


link_lua_names(TreeMethods, MODULE_METHODS)
