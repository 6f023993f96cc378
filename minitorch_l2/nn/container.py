"""``nn.Container``: a module whose children are its ``modules`` list, as in Lua.

Every tree operation — ``parameters``, ``get_parameters``, ``zero_grad_parameters``,
``update_parameters``, ``training``/``evaluate``, ``type``, ``clear_state``, ``list_modules``,
``apply``, ``reset``, ``save``/``load`` and the gradient checker — sees the modules kept in
``self.modules``, so a custom container only has to keep its children there. An error inside a
child is re-raised with the child's place (:meth:`Container.rethrow`), and one module object in
two places of a tree is refused, at ``add`` and before a forward that would use it twice.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

import numpy as np

from ._errors import duplicate_message, with_place
from ._tables import as_table, check_like
from .module import Module


def _unchanged_below(below: list) -> bool:
    # Each container below still holds the same ``modules`` list with the same children.
    for owner, modules, children in below:
        if owner.__dict__.get("modules") is not modules or modules != children:
            return False
    return True


class Container(Module):
    """Base class of the modules that hold other modules in ``self.modules``.

    Subclasses implement ``update_output``/``update_grad_input``/``acc_grad_parameters`` by
    calling their children (``self.modules[i].forward(...)`` and so on), wrapping each call in
    ``try: ... except Exception as error: raise self.rethrow(error, i) from None`` so that the
    message says where the error happened.

    Parameters
    ----------
    *modules : Module
        Initial children, in order; more with :meth:`add`.
    """

    per_call_attributes = ("_tree_snapshot",)
    takes_table = True

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        self.modules: list[Module] = []
        self._tree_snapshot = None
        for module in modules:
            self.add(module)

    # ------------------------------------------------------------------ the children
    def add(self, module: Module) -> Container:
        """Append ``module``; returns self, so calls chain: ``Sequential().add(a).add(b)``.

        Parameters
        ----------
        module : Module
            The new last child. Anything that is not an ``nn.Module`` is a TypeError; a module
            already in this tree (or this container itself) is a ValueError that says how to
            share weights instead.
        """
        self.modules.append(self._checked_module(module))
        self._check_tree_after_change(len(self.modules) - 1)
        return self

    def insert(self, module: Module, index: int | None = None) -> Container:
        """Insert ``module`` before position ``index`` (0-based; default: at the end).

        Parameters
        ----------
        module : Module
            The module to insert; anything else raises a TypeError.
        index : int or None
            As with ``list.insert``: ``0`` puts it first, ``len(self)`` or None last, a negative
            index counts from the end. Outside ``-len(self) … len(self)``, an IndexError; not
            an int, a TypeError.

        Returns
        -------
        Container
            ``self``.
        """
        module = self._checked_module(module)
        size = len(self.modules)
        if index is None:
            index = size
        index = self._checked_int(index, "insert")
        if not -size <= index <= size:
            raise IndexError(f"{self._who()}.insert: index {index} out of range for {size} modules")
        position = index if index >= 0 else size + index
        self.modules.insert(position, module)
        self._check_tree_after_change(position)
        return self

    def remove(self, index: int | None = None) -> Container:
        """Remove the child at ``index`` (0-based; default: the last one); returns self.

        Parameters
        ----------
        index : int or None
            ``-len(self) <= index < len(self)``, else an IndexError; not an int, a TypeError.
        """
        if index is None:
            index = len(self.modules) - 1
        del self.modules[self._checked_index(index, "remove")]
        return self

    def get(self, index: int) -> Module:
        """The child at 0-based ``index`` (negative counts from the end); Lua's ``get(i+1)``.

        Parameters
        ----------
        index : int
            ``-len(self) <= index < len(self)``, else an IndexError; not an int, a TypeError.

        Returns
        -------
        Module
            The module itself, not a copy.
        """
        return self.modules[self._checked_index(index)]

    def size(self) -> int:
        """Number of children (Torch's ``:size()``)."""
        return len(self.modules)

    def __len__(self) -> int:
        return len(self.modules)

    def __getitem__(self, index: int) -> Module:
        return self.get(index)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules)

    def validate(self) -> None:
        """Check ``modules`` (a list of modules, none in two places), then the base checks.

        Raises
        ------
        TypeError
            ``modules`` is not a list of ``nn.Module``.
        ValueError
            One module object sits in two places of the tree (see :meth:`list_modules`).
        """
        who = f"nn.{type(self).__name__}"
        modules = vars(self).get("modules")
        if type(modules) is not list:
            raise TypeError(f"{who}: modules must be a list of nn.Module, got {modules!r:.60}")
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"{who}: modules[{index}] is a {type(module).__name__}, not an nn.Module"
                )
        try:
            self.list_modules()
        except ValueError as error:
            raise ValueError(f"{who}: modules: {error}") from None
        super().validate()

    @property
    def aliases_input(self) -> bool:
        """True when a child's output may be (a view of) the input: a branch hands it on."""
        return any(module.aliases_input for module in self.modules)

    # ------------------------------------------------------------------ checks
    def _checked_module(self, module: object) -> Module:
        if not isinstance(module, Module):
            raise TypeError(f"{self._who()}: expected an nn.Module, got {type(module).__name__}")
        return module

    def _checked_int(self, index: object, what: str) -> int:
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise TypeError(f"{self._who()}.{what}: index must be an int (0-based), got {index!r}")
        return int(index)

    def _checked_index(self, index: object, what: str = "get") -> int:
        index = self._checked_int(index, what)
        if not -len(self.modules) <= index < len(self.modules):
            raise IndexError(
                f"{self._who()}: index {index} out of range for {len(self.modules)} modules"
            )
        return index

    def _check_tree_after_change(self, position: int) -> None:
        # The change is undone when it would put one module object in two places.
        try:
            self.list_modules()
        except ValueError:
            module = self.modules.pop(position)
            raise ValueError(
                duplicate_message(module, f"{self._who()}.modules[{position}]")
            ) from None

    def check_tree(self) -> None:
        """Raise a ValueError if one module object sits in two places of this tree.

        Run by every ``forward``: a snapshot of each ``modules`` list of the tree (the list and
        its children's identities) is compared, and the tree walked again when one differs, so
        that a module reused by mistake — through ``add`` or a direct edit such as
        ``net.modules.append(m)`` or ``net.modules[i] = m``, at any depth — is refused before
        it can silently give wrong gradients.
        """
        # The snapshot: this container's modules list, a copy of it, and the same pair (with
        # the owner) for each container below. A change anywhere — add, insert, remove, or a
        # direct edit — shows as a list that is another object or holds other children.
        snapshot = self.__dict__.get("_tree_snapshot")
        if (
            snapshot is None
            or self.__dict__.get("modules") is not snapshot[0]
            or snapshot[0] != snapshot[1]
            or (snapshot[2] and not _unchanged_below(snapshot[2]))
        ):
            found = self.list_modules()
            below = [
                (module, children, list(children))
                for module in found[1:]
                if type(children := module.__dict__.get("modules")) is list
            ]
            self._tree_snapshot = (self.modules, list(self.modules), below)

    def forward(self, input: np.ndarray | list) -> np.ndarray | list:
        """Check the tree (:meth:`check_tree`), then ``update_output``; returns ``output``.

        The container does not walk ``input``: each child checks what it receives (a
        ``LookupTable`` first in a ``Sequential`` takes integers), so every leaf is checked
        once, by the module that computes on it, and an error names the child's place.

        Parameters
        ----------
        input : numpy.ndarray or list
            A tensor or a table (list, or tuple read as a list) of tensors.

        Returns
        -------
        numpy.ndarray or list
            ``self.output``.
        """
        snapshot = self.__dict__.get("_tree_snapshot")  # see check_tree: the same test inline
        if (
            snapshot is None
            or self.__dict__.get("modules") is not snapshot[0]
            or snapshot[0] != snapshot[1]
            or (snapshot[2] and not _unchanged_below(snapshot[2]))
        ):
            self.check_tree()
        if type(input) is not np.ndarray:
            input = as_table(input)
        result = self.update_output(input)
        if result is not None:
            self.output = result
        return self.output

    def check_backward(self, input: object, grad_output: object, scale: object = 1.0) -> tuple:
        """``grad_output``'s top level against ``output``, and ``scale``; returns both as lists.

        A tensor ``grad_output`` is compared with the output tensor (shape, dtype); a table only
        by its length: each child checks the entries it receives against its own output, so
        every leaf is walked once, by the module that computes on it. A container that computes
        on ``grad_output`` itself before handing it on checks what it reads.

        Parameters
        ----------
        input : object
            The input given to ``backward``; the children check it.
        grad_output : object
            ∂L/∂output given to ``backward``.
        scale : object
            The ``scale`` given to ``backward``.

        Returns
        -------
        tuple
            ``(input, grad_output)`` with tuples read as lists.
        """
        output = self.output
        if (  # the hot path: attribute tests only
            type(grad_output) is np.ndarray
            and type(output) is np.ndarray
            and grad_output.shape == output.shape
            and grad_output.dtype == output.dtype
            and type(scale) in (float, int)
            and type(input) is np.ndarray
        ):
            return input, grad_output
        who = self._who()
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
            raise TypeError(f"{who}: backward's scale must be a real number, got {scale!r}")
        if output is None:
            raise ValueError(
                f"{who}: backward called before forward (no forward yet, or clear_state() "
                f"dropped the output backward reads); call forward(input) first"
            )
        grad_output = as_table(grad_output)
        check_like(who, grad_output, output, "grad_output", "the output", deep=False)
        return as_table(input), grad_output

    def rethrow(self, error: Exception, index: int) -> Exception:
        """``error`` with ``In module (index) of <this container>:`` in front (Lua's rethrow).

        Parameters
        ----------
        error : Exception
            Raised by child ``index``.
        index : int
            The child's 0-based place.

        Returns
        -------
        Exception
            To raise: ``raise self.rethrow(error, index) from None``.
        """
        return with_place(error, f"In module ({index}) of {self._who()}")

    # ------------------------------------------------------------------ printing
    def _who(self) -> str:
        return f"nn.{type(self).__name__}"

    def __tostring__(self) -> str:
        # Torch's layout for containers that hold their children side by side.
        lines = [f"nn.{type(self).__name__} {{"]
        for index, module in enumerate(self.modules):
            lines.append(f"  ({index}): " + repr(module).replace("\n", "\n  "))
        lines.append("}")
        return "\n".join(lines)
