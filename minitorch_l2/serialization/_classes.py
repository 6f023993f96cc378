"""Classes by name, ``"package.module:QualName"``, resolved without importing anything.

Loading must never run code from the file, so a class is looked up only in modules that are
already in ``sys.modules``, through their namespace dictionaries (no ``getattr``, which could
reach a module-level ``__getattr__`` that imports lazily), and it must be an ``nn.Module`` or an
``nn.Criterion``.

A class exported by ``minitorch_l2.nn`` is recorded by that public name
(``minitorch_l2.nn:Linear``), so reorganising the package's files never breaks a saved model; a
record naming a file inside ``minitorch_l2.nn`` that no longer exists (an older layout) falls
back to the public name.
"""

from __future__ import annotations

import sys
import types

from ..nn.criterion.criterion import Criterion
from ..nn.module import Module
from ._format import FormatError

PUBLIC_MODULE = "minitorch_l2.nn"


def class_record(cls: type) -> str:
    """The record ``"module:qualname"`` of ``cls``; a ValueError if it could not be found again.

    Parameters
    ----------
    cls : type
        The class of a module being saved.

    Returns
    -------
    str
        ``f"{cls.__module__}:{cls.__qualname__}"``, checked to resolve back to ``cls``.
    """
    public = sys.modules.get(PUBLIC_MODULE)
    if public is not None and vars(public).get(cls.__name__) is cls:
        record = f"{PUBLIC_MODULE}:{cls.__name__}"
    else:
        record = f"{cls.__module__}:{cls.__qualname__}"
    try:
        found = resolve_class(record)
    except FormatError as error:
        found, reason = None, str(error)
    else:
        reason = f"{record!r} names another class"
    if found is not cls:
        raise ValueError(
            f"minitorch_l2.save: class nn.{cls.__name__} could not be loaded again by its name "
            f"{record!r} ({reason}); define it at the top level of an importable module, "
            f"not inside a function"
        )
    return record


def resolve_class(record: object) -> type:
    """The ``nn.Module`` or ``nn.Criterion`` subclass named by ``record``, from imported modules.

    Parameters
    ----------
    record : object
        ``"module:qualname"`` as written by :func:`class_record`.

    Returns
    -------
    type[Module]
        The class. A FormatError when the record is malformed, its module is not imported, the
        name is not found, or the object found is not a subclass of ``nn.Module`` or
        ``nn.Criterion``.
    """
    if not isinstance(record, str):
        raise FormatError(f"class record must be a string 'module:qualname', got {record!r}")
    module_name, colon, qualname = record.rpartition(":")
    if not colon or not module_name or not qualname:
        raise FormatError(f"class record {record!r} is not of the form 'module:qualname'")
    module = sys.modules.get(module_name)
    if module is None and module_name.startswith(PUBLIC_MODULE + ".") and "." not in qualname:
        module_name, module = PUBLIC_MODULE, sys.modules.get(PUBLIC_MODULE)  # an older layout
    if not isinstance(module, types.ModuleType):
        raise FormatError(
            f"class {record!r}: module {module_name!r} is not imported, and load never imports "
            f"modules; import it yourself before loading if you trust it"
        )
    # Namespace dictionaries only: a lookup that misses must not reach any __getattr__.
    namespace = vars(module)
    parts = qualname.split(".")
    for depth, part in enumerate(parts, start=1):
        found = namespace.get(part)
        if found is None or (depth < len(parts) and not isinstance(found, type)):
            raise FormatError(f"class {record!r}: {qualname!r} not found in module {module_name!r}")
        if depth < len(parts):
            namespace = vars(found)
    if not (isinstance(found, type) and issubclass(found, Module | Criterion)):
        raise FormatError(
            f"class {record!r} is a {type(found).__name__}, not an nn.Module subclass (nor an "
            f"nn.Criterion); refused"
        )
    return found
