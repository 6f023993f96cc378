"""``nn.Jacobian``: Lua Torch's gradient tests, under their Lua names and argument order.

J[i, j] = ∂outputⱼ/∂xᵢ, one row per element of x (the input, or a parameter), one column per
output element; a table's elements are its leaves' elements, one leaf after the other.
``forward`` computes J by central differences, ``backward`` from one-hot backward passes;
``testJacobian`` and its siblings return max |J_forward − J_backward|, one number that answers
"how wrong?" (:func:`minitorch_l2.gradcheck.check_module` also says where and why). The
``*Update`` pair checks ``acc_update_grad_parameters`` (Lua's ``accUpdateGradParameters``,
θ ← θ − lr · ∂L/∂θ): a module without one is given Lua's default, an ``acc_grad_parameters``
applied to θ itself.

Every test checks all its arguments before it draws a random value into any of them: an input
it would refuse is left as it was.
"""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np

from .._jacobian import (
    Layout,
    ModuleCalls,
    grad_input_enabled,
    one_hot_rows,
    preserved_parameters,
    rows_of,
    zero_gradients,
)
from .._random import generator


class Jacobian:
    """Static helpers, called as in Lua: ``nn.Jacobian.testJacobian(module, input)``."""

    @staticmethod
    def forward(
        module: object,
        input: np.ndarray | list,
        param: np.ndarray | None = None,
        perturbation: float = 1e-6,
    ) -> np.ndarray:
        """Numerical Jacobian of ``module.forward(input)`` w.r.t. ``input`` (or ``param``).

        ``J[i, j] = (f(xᵢ + h) − f(xᵢ − h))ⱼ / 2h``, shape (x.size, output.size); as in Lua,
        x is perturbed in place (``module.forward(input)`` is called on ``input`` itself) and
        restored exactly. The difference is divided by the steps xᵢ ± h really took in x's
        dtype, which is 2h up to rounding (see :func:`minitorch_l2.gradcheck.numerical_jacobian`).

        Parameters
        ----------
        module : nn.Module
            Its ``forward(input)`` is f.
        input : numpy.ndarray or list
            Where to differentiate: a tensor or a table. It is x unless ``param`` is given.
        param : numpy.ndarray or None
            A parameter array of the module (its own array, e.g. ``module.weight``, not a
            copy: a copy is never read by forward) to take as x instead of ``input``.
        perturbation : float
            h, the finite-difference step.

        Returns
        -------
        numpy.ndarray
            float64, shape ``(x.size, output.size)``, ``J[i, j] ≈ ∂outputⱼ/∂xᵢ``.
        """
        leaves = _leaves(input, "forward") if param is None else [param]
        return _numerical(module, input, leaves, perturbation)

    @staticmethod
    def backward(
        module: object,
        input: np.ndarray | list,
        param: np.ndarray | None = None,
        dparam: np.ndarray | None = None,
    ) -> np.ndarray:
        """Analytic Jacobian from one-hot ``backward`` passes, shape (x.size, output.size).

        Column j is what backward gives for ``grad_output`` = eⱼ (1 at output element j):
        (∂y/∂x)ᵀ eⱼ = ∂yⱼ/∂x. With ``param``/``dparam`` (a parameter array of the module and
        its gradient array, e.g. ``module.weight, module.grad_weight``) it is the gradient
        ``acc_grad_parameters`` accumulates, after zeroing. Forward is re-run at ``input``
        before every backward, the module only sees copies of ``input``, and its parameters
        and gradients are left exactly as they were.

        Parameters
        ----------
        module : nn.Module
            The module whose ``backward`` is tested.
        input : numpy.ndarray or list
            Where to linearise; not modified.
        param : numpy.ndarray or None
            None for the Jacobian w.r.t. ``input``; else a parameter array of the module, the
            module's own array (found by identity in ``named_parameters()``), or a ValueError.
        dparam : numpy.ndarray or None
            The gradient array belonging to ``param``. Only checked: if given and not that
            array, a ValueError. The Jacobian is read from the module's gradient either way.

        Returns
        -------
        numpy.ndarray
            float64, shape ``(x.size, output.size)``, ``J[i, j] = ∂outputⱼ/∂xᵢ`` as backward
            computes it. A ValueError is raised when backward returns None or a gradient of
            the wrong shape.
        """
        calls = ModuleCalls(module, input, params=param is not None)
        names = list(calls.inputs.paths) if param is None else [_parameter(module, param, dparam)]
        with grad_input_enabled(module), preserved_parameters(module):
            output = Layout.of(calls.forward(), "output", "nn.Jacobian")
            tensors = dict(calls.tensors())
            wanted = {name: (tensors[name].shape, 0, tensors[name].size) for name in names}
            rows = one_hot_rows(calls, output, wanted)
        for name in names:
            if name in rows.problems:
                raise ValueError(f"nn.Jacobian: {rows.problems[name]}")
        return np.hstack([rows.stacks[name] for name in names]).T

    @staticmethod
    def backwardUpdate(module: object, input: np.ndarray | list, param: np.ndarray) -> np.ndarray:
        """Column j: ``param`` after ``acc_update_grad_parameters(input, eⱼ, 1)`` from its start.

        That is θ − J[:, j] (θ ← θ − lr · ∂yⱼ/∂θ with lr = 1), shape (param.size,
        output.size). ``param`` and the gradients are restored afterwards.

        Parameters
        ----------
        module : nn.Module
            The module whose direct update is tested.
        input : numpy.ndarray or list
            Where to linearise; not modified.
        param : numpy.ndarray
            A parameter array of the module, its own.

        Returns
        -------
        numpy.ndarray
            float64, shape ``(param.size, output.size)``.
        """
        _parameter(module, param, None)
        calls = ModuleCalls(module, input, params=False)
        with preserved_parameters(module):
            start = param.copy()
            output = Layout.of(calls.forward(), "output", "nn.Jacobian")
            columns = np.empty((param.size, output.size))
            for j in range(output.size):
                param[...] = start
                x = calls.inputs.copy(input)
                module.forward(x)
                grad_output = output.one_hot(j)
                module.update_grad_input(x, grad_output)
                _acc_update(module, x, grad_output, 1.0)
                columns[:, j] = param.reshape(-1)
        return columns

    @staticmethod
    def forwardUpdate(
        module: object, input: np.ndarray | list, param: np.ndarray, perturbation: float = 1e-6
    ) -> np.ndarray:
        """Row i: θᵢ − J[i, :] with J from :meth:`forward`: what :meth:`backwardUpdate` should be.

        Parameters
        ----------
        module : nn.Module
            The module.
        input : numpy.ndarray or list
            Where to differentiate.
        param : numpy.ndarray
            A parameter array of the module, its own; perturbed and restored exactly.
        perturbation : float
            h, the finite-difference step.

        Returns
        -------
        numpy.ndarray
            float64, shape ``(param.size, output.size)``.
        """
        jacobian = Jacobian.forward(module, input, param, perturbation)
        return param.reshape(-1, 1).astype(np.float64) - jacobian

    @staticmethod
    def testJacobian(
        module: object,
        input: np.ndarray | list,
        minval: float = -2.0,
        maxval: float = 2.0,
        perturbation: float = 1e-6,
    ) -> float:
        """Max |J_forward − J_backward| w.r.t. the input, at a random input.

        As in Lua, ``input`` only gives the shape: it is filled in place with U(minval, maxval)
        from the generator seeded by ``minitorch_l2.manual_seed`` — after the module has
        accepted those values (an input it refuses is left untouched).

        Parameters
        ----------
        module : nn.Module
            The module whose ``backward`` is tested against its ``forward``.
        input : numpy.ndarray or list
            A float array (or table of them) of the shape to test; overwritten with the draw.
        minval, maxval : float
            Bounds of the uniform distribution the input is drawn from.
        perturbation : float
            The finite-difference step h of :meth:`forward`.

        Returns
        -------
        float
            max over i, j of |J_forward[i, j] − J_backward[i, j]|; 0.0 for an empty Jacobian,
            NaN when either Jacobian holds a NaN. No pass/fail threshold is applied; for a
            correct smooth layer in float64 it is typically below 1e-8.
        """
        _fill(module, input, [], minval, maxval, "testJacobian")
        numeric = Jacobian.forward(module, input, perturbation=perturbation)
        return _max_abs(numeric - Jacobian.backward(module, input))

    @staticmethod
    def testJacobianParameters(
        module: object,
        input: np.ndarray | list,
        param: np.ndarray,
        dparam: np.ndarray,
        minval: float = -2.0,
        maxval: float = 2.0,
        perturbation: float = 1e-6,
    ) -> float:
        """Max |J_forward − J_backward| w.r.t. ``param``, at a random input and random ``param``.

        As in Lua, both ``input`` and ``param`` (the module's own array) are filled in place
        with U(minval, maxval); ``dparam`` is the matching gradient array.

        Parameters
        ----------
        module : nn.Module
            The module whose parameter gradient (``acc_grad_parameters``) is tested.
        input : numpy.ndarray or list
            A float array (or table) of the shape to test; overwritten with a random input.
        param : numpy.ndarray
            A parameter array of the module, its own (e.g. ``module.weight``); overwritten with
            random values, which it keeps afterwards.
        dparam : numpy.ndarray
            The gradient array of ``param`` (e.g. ``module.grad_weight``); a ValueError if it
            is another array. Its values are restored after the check.
        minval, maxval : float
            Bounds of the uniform distribution ``input`` and ``param`` are drawn from.
        perturbation : float
            The finite-difference step h of :meth:`forward`.

        Returns
        -------
        float
            max over i, j of |J_forward[i, j] − J_backward[i, j]| for the Jacobian w.r.t.
            ``param``; 0.0 for an empty Jacobian, NaN when either holds a NaN.
        """
        _parameter(module, param, dparam)
        _fill(module, input, [param], minval, maxval, "testJacobianParameters")
        analytic = Jacobian.backward(module, input, param, dparam)
        return _max_abs(Jacobian.forward(module, input, param, perturbation) - analytic)

    @staticmethod
    def testJacobianUpdateParameters(
        module: object,
        input: np.ndarray | list,
        param: np.ndarray,
        minval: float = -2.0,
        maxval: float = 2.0,
        perturbation: float = 1e-6,
    ) -> float:
        """Max |forwardUpdate − backwardUpdate| for ``param``, at a random input and ``param``.

        Tests the direct update θ ← θ − lr · ∂L/∂θ of ``acc_update_grad_parameters``; ``input``
        and ``param`` are filled in place with U(minval, maxval), as in Lua.

        Parameters
        ----------
        module : nn.Module
            The module.
        input : numpy.ndarray or list
            A float array (or table) of the shape to test; overwritten with a random input.
        param : numpy.ndarray
            A parameter array of the module, its own; keeps its random values afterwards.
        minval, maxval : float
            Bounds of the uniform distribution.
        perturbation : float
            The finite-difference step h.

        Returns
        -------
        float
            max over i, j of |forwardUpdate[i, j] − backwardUpdate[i, j]|.
        """
        _parameter(module, param, None)
        _fill(module, input, [param], minval, maxval, "testJacobianUpdateParameters")
        direct = Jacobian.backwardUpdate(module, input, param)
        return _max_abs(Jacobian.forwardUpdate(module, input, param, perturbation) - direct)

    @staticmethod
    def testIO(
        module: object, input: np.ndarray | list, minval: float = -2.0, maxval: float = 2.0
    ) -> tuple[float, float]:
        """Save and load the module (``minitorch_l2.save``/``load``): do both compute the same?

        As in Lua: forward at ``input`` and backward with a ``grad_output`` drawn from
        U(minval, maxval), for the module and for its reloaded copy (``input`` is not
        modified). Both errors are 0.0 for a module whose state survives the file.

        Parameters
        ----------
        module : nn.Module
            The module to save; its class must be importable at the top level of a module.
        input : numpy.ndarray or list
            Where to run it.
        minval, maxval : float
            Bounds of the uniform ``grad_output``.

        Returns
        -------
        tuple of float
            ``(forward error, backward error)``: max |output − output′| and
            max |grad_input − grad_input′|.
        """
        # serialization imports nn, so nn does not import it: the package is looked up where
        # ``import minitorch_l2`` has already put it.
        files = sys.modules.get("minitorch_l2.serialization")
        if files is None:
            raise RuntimeError(
                "nn.Jacobian.testIO needs minitorch_l2.serialization: import minitorch_l2"
            )
        save, load = files.save, files.load

        _check_range(minval, maxval, "testIO")
        inputs = Layout.of(input, "input", "nn.Jacobian.testIO")
        output = Layout.of(module.forward(inputs.copy(input)), "output", "nn.Jacobian.testIO")
        draw = generator().uniform(minval, maxval, output.size)
        grad_output = output.from_flat(draw)
        results = []
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "module.npz")
            save(path, module)
            for m in (module, load(path)):
                x = inputs.copy(input)
                out = output.read(m.forward(x), np.empty(output.size))
                m.zero_grad_parameters()
                grad = m.backward(x, output.copy(grad_output))
                results.append((out, inputs.read(grad, np.empty(inputs.size))))
        (out_a, grad_a), (out_b, grad_b) = results
        return _max_abs(out_a - out_b), _max_abs(grad_a - grad_b)

    @staticmethod
    def testAllUpdate(
        module: object,
        input: np.ndarray | list,
        weight: str,
        gradWeight: str,  # noqa: N803
    ) -> dict[str, float]:
        """Lua's four ways of updating ``weight`` must agree, on clones of the module.

        With lr ~ U(0.1, 1) and a ``grad_output`` from U(0, 1) (Lua's draws): a backward then
        ``update_parameters(lr)`` must give w − lr·g ("accGradParameters");
        ``acc_update_grad_parameters`` the same w ("accUpdateGradParameters"); and two clones
        sharing ``weight`` (not its gradient), each updated, w − 2·lr·g in both ("[shared]"
        variants, whose errors add the two clones'). Each error is a 2-norm.

        Parameters
        ----------
        module : nn.Module
            The module; only its clones are run.
        input : numpy.ndarray or list
            Where to run them.
        weight : str
            The parameter's field name (``'weight'``).
        gradWeight : str
            Its gradient's field name (``'grad_weight'`` or Lua's ``'gradWeight'``).

        Returns
        -------
        dict of str to float
            Lua's keys: ``accGradParameters``, ``accUpdateGradParameters``,
            ``accGradParameters [shared]``, ``accUpdateGradParameters [shared]``.
        """
        for name in (weight, gradWeight):
            if not isinstance(name, str) or not isinstance(getattr(module, name, None), np.ndarray):
                raise ValueError(
                    f"nn.Jacobian.testAllUpdate: {name!r} is not an array field of "
                    f"{module!r} (pass field names, as Lua does: 'weight', 'gradWeight')"
                )
        inputs = Layout.of(input, "input", "nn.Jacobian.testAllUpdate")
        rng = generator()
        lr = float(rng.uniform(0.1, 1.0))
        start = getattr(module, weight).copy()
        errors = {}

        # Each way runs Lua's steps in Lua's order: every forward, then every backward, then
        # every update (a shared weight changes only after both clones have seen it).
        def run(modules: list, direct: bool) -> None:
            xs = [inputs.copy(input) for _ in modules]
            for m, x in zip(modules, xs):
                m.forward(x)
            for m, x in zip(modules, xs):
                m.zero_grad_parameters()
                m.update_grad_input(x, output.copy(grad_output))
            for m, x in zip(modules, xs):
                if direct:
                    _acc_update(m, x, output.copy(grad_output), lr)
                else:
                    m.acc_grad_parameters(x, output.copy(grad_output), 1.0)
            for m in modules if not direct else ():
                m.update_parameters(lr)

        first = module.clone()
        output = Layout.of(first.forward(inputs.copy(input)), "output")
        grad_output = output.from_flat(rng.uniform(0.0, 1.0, output.size))
        run([first], direct=False)
        grad = getattr(first, gradWeight)
        errors["accGradParameters"] = _norm(start - lr * grad - getattr(first, weight))
        alone = module.clone()
        run([alone], direct=True)
        errors["accUpdateGradParameters"] = _norm(getattr(alone, weight) - getattr(first, weight))
        for key, direct in (
            ("accGradParameters [shared]", False),
            ("accUpdateGradParameters [shared]", True),
        ):
            one, two = module.clone(), module.clone()
            two.share(one, weight)
            run([one, two], direct)
            expected = start - 2 * lr * grad
            errors[key] = sum(_norm(expected - getattr(m, weight)) for m in (one, two))
        return errors


def _acc_update(
    module: object, input: np.ndarray | list, grad_output: np.ndarray | list, lr: float
) -> None:
    """θ ← θ − lr · ∂L/∂θ in place: the module's own method, else Lua's default for it."""
    # Lua's default points each gradient at its parameter and accumulates with scale −lr; here
    # the gradients are zeroed, accumulated at scale 1 and subtracted, then given back.
    own = getattr(type(module), "acc_update_grad_parameters", None) or getattr(
        type(module), "accUpdateGradParameters", None
    )
    if own is not None:
        own(module, input, grad_output, lr)
        return
    params, grads = module.parameters()
    saved = [g.copy() for g in grads]
    zero_gradients(module)
    module.acc_grad_parameters(input, grad_output, 1.0)
    for param, grad, old in zip(params, grads, saved):
        param -= lr * grad
        grad[...] = old


def _numerical(
    module: object, input: object, leaves: list[np.ndarray], perturbation: float
) -> np.ndarray:
    # Rows of every leaf, one after the other; fn reads the perturbed leaf through ``input``.
    def fn(_: object) -> object:
        return module.forward(input)

    return np.vstack([rows_of(fn, leaf, perturbation) for leaf in leaves])


def _leaves(input: object, who: str) -> list[np.ndarray]:
    # The input's leaves, refused (before anything is written) unless each is a float array.
    layout = Layout.of(input, "input", f"nn.Jacobian.{who}")
    leaves = layout.leaves(input)
    for path, leaf in zip(layout.paths, leaves):
        if leaf.dtype.kind != "f":
            raise TypeError(
                f"nn.Jacobian.{who}: {path} has dtype {leaf.dtype}; finite differences need a "
                f"floating array: pass np.zeros(shape) or .astype(np.float64)"
            )
        if not leaf.flags.writeable:
            raise ValueError(f"nn.Jacobian.{who}: {path} is read-only; pass a writable array")
    return leaves


def _fill(
    module: object,
    input: object,
    params: list[np.ndarray],
    minval: float,
    maxval: float,
    who: str,
) -> None:
    # Draw every value first, let the module take them on copies, and only then write them in.
    _check_range(minval, maxval, who)
    leaves = _leaves(input, who)
    rng = generator()
    drawn = [rng.uniform(minval, maxval, leaf.shape).astype(leaf.dtype) for leaf in leaves]
    values = [rng.uniform(minval, maxval, p.shape).astype(p.dtype) for p in params]
    trial = Layout.of(input, "input").build(drawn)
    with preserved_parameters(module):
        for param, value in zip(params, values):
            param[...] = value
        module.forward(trial)  # raises (naming the module) for an input it refuses
    for leaf, value in zip(leaves, drawn):
        leaf[...] = value
    for param, value in zip(params, values):
        param[...] = value


def _check_range(minval: float, maxval: float, who: str) -> None:
    if not (np.isfinite(minval) and np.isfinite(maxval) and minval <= maxval):
        raise ValueError(
            f"nn.Jacobian.{who}: need finite minval <= maxval, got {minval!r} and {maxval!r}"
        )


def _parameter(module: object, param: object, dparam: object) -> str:
    # The name of ``param`` among the module's own parameters; dparam must be its gradient.
    for name, p, g in module.named_parameters():
        if p is param:
            if dparam is not None and g is not dparam:
                raise ValueError(
                    f"nn.Jacobian: dparam is not the gradient array of {name}; pass the "
                    f"module's own gradient array (e.g. module.grad_weight)"
                )
            return name
    raise ValueError(
        "nn.Jacobian: param is not a parameter array of the module; pass the module's own "
        "array (e.g. module.weight), not a copy"
    )


def _max_abs(difference: np.ndarray) -> float:
    return float(np.max(np.abs(difference))) if difference.size else 0.0


def _norm(difference: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.square(difference, dtype=np.float64))))
