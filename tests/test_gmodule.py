"""``nn.gModule``: graphs of modules (Lua's nngraph) — against Lua, PyTorch and the containers."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from hypothesis import given, settings

import minitorch_l2
from minitorch_l2 import nn, nngraph
from minitorch_l2.gradcheck import check_module
from minitorch_l2.gradcheck._recipes.graph import gru_cell, lstm_cell

from . import lua_reference as ref
from .allocations import warm_peak
from .strategies import graph_specs

RNG = np.random.default_rng(7)


def batch(*shape: int, dtype: type = np.float64) -> np.ndarray:
    return RNG.normal(size=shape).astype(dtype)


# ---------------------------------------------------------------------- Lua's char-rnn LSTM


def char_rnn_lstm(input_size: int, rnn_size: int, n: int) -> nn.gModule:
    """The manifest's Lua build code of models/lstm, transcribed by the 0-based rule."""
    inputs = [nn.Identity()()]  # x
    for _ in range(n):
        inputs.append(nn.Identity()())  # prev_c[L]
        inputs.append(nn.Identity()())  # prev_h[L]
    outputs = []
    for L in range(1, n + 1):
        prev_h = inputs[L * 2]  # Lua inputs[L * 2 + 1]
        prev_c = inputs[L * 2 - 1]  # Lua inputs[L * 2]
        if L == 1:
            x, size = nn.Identity()(inputs[0]), input_size  # stands in for OneHot
        else:
            x, size = outputs[(L - 1) * 2 - 1], rnn_size  # Lua outputs[(L - 1) * 2]
        i2h = nn.Linear(size, 4 * rnn_size)(x).annotate(name=f"i2h_{L}")
        h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h).annotate(name=f"h2h_{L}")
        reshaped = nn.Reshape(4, rnn_size)(nn.CAddTable()([i2h, h2h]))
        n1, n2, n3, n4 = nn.SplitTable(1)(reshaped).split(4)  # Lua nn.SplitTable(2)
        in_gate, forget_gate, out_gate = nn.Sigmoid()(n1), nn.Sigmoid()(n2), nn.Sigmoid()(n3)
        in_transform = nn.Tanh()(n4)
        next_c = nn.CAddTable()(
            [nn.CMulTable()([forget_gate, prev_c]), nn.CMulTable()([in_gate, in_transform])]
        )
        next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
        outputs += [next_c, next_h]
    proj = nn.Linear(rnn_size, input_size)(outputs[-1]).annotate(name="decoder")
    outputs.append(nn.LogSoftMax()(proj))
    return nn.gModule(inputs, outputs)


def test_char_rnn_lstm_matches_lua_to_1e12():
    entry = ref.case("models", "lstm")
    assert "nn.SplitTable(2)(reshaped):split(4)" in entry["lua"]  # the translated line
    flat = ref.arrays("models", "lstm")
    model = char_rnn_lstm(5, 8, 2)
    params, grads = model.parameters()
    assert len(params) == len(entry["parameters"])
    for parameter in entry["parameters"]:  # model:parameters() order, 1-based
        params[parameter["index"] - 1][...] = flat[parameter["key"]]
    model.training()
    input = ref.table(flat, "input")
    ref.assert_close(model.forward(input), ref.table(flat, "output"), "lstm: output")
    model.zero_grad_parameters()
    grad_input = model.backward(input, ref.table(flat, "gradOutput"), 1.0)
    ref.assert_close(grad_input, ref.table(flat, "gradInput"), "lstm: grad_input")
    for parameter in entry["parameters"]:
        what = f"lstm: gradient of {parameter['annotation']}.{parameter['field']}"
        ref.assert_close(grads[parameter["index"] - 1], flat[parameter["grad_key"]], what)


def test_modules_and_parameters_come_in_luas_order():
    # Lua's module_index counts model:listModules() from 1, the gModule itself first.
    entry = ref.case("models", "lstm")
    modules = char_rnn_lstm(5, 8, 2).list_modules()
    for parameter in entry["parameters"]:
        module = modules[parameter["module_index"] - 1]
        assert f"nn.{type(module).__name__}" == parameter["module"]
        assert list(getattr(module, parameter["field"]).shape) == parameter["shape"]
    names = [n.annotations.get("name") for n in char_rnn_lstm(5, 8, 2).forwardnodes]
    named = [name for name in names if name]
    assert named == [p["annotation"] for p in entry["parameters"][::2]]


def test_char_rnns_initialisation_loop_runs_as_written():
    # for _, node in ipairs(model.forwardnodes) do if node.data.annotations.name == 'i2h_' .. L
    model = char_rnn_lstm(5, 8, 2)
    for node in model.forwardnodes:
        if node.data.annotations.get("name") in ("i2h_1", "i2h_2"):
            node.data.module.bias[8:16] = 1.0
    by_name = {n.annotations.get("name"): n.module for n in model.forwardnodes}
    for name in ("i2h_1", "i2h_2"):
        assert np.all(by_name[name].bias[8:16] == 1.0) and not np.any(by_name[name].bias[:8] == 1)
    assert not np.any(by_name["h2h_1"].bias == 1.0)


# ---------------------------------------------------------------------- independent oracles


def test_lstm_cell_against_pytorch_autograd(torch):
    cell = lstm_cell(3, 4)
    x, c, h = batch(5, 3), batch(5, 4), batch(5, 4)
    next_c, next_h = (out.copy() for out in cell.forward([x, c, h]))
    g_c, g_h = batch(5, 4), batch(5, 4)
    cell.zero_grad_parameters()
    grads = [g.copy() for g in cell.backward([x, c, h], [g_c, g_h])]

    i2h, h2h = cell.find_modules("nn.Linear")[0]
    t = {k: torch.tensor(v, requires_grad=True) for k, v in dict(x=x, c=c, h=h).items()}
    w = {
        k: torch.tensor(v, requires_grad=True)
        for k, v in dict(wi=i2h.weight, bi=i2h.bias, wh=h2h.weight, bh=h2h.bias).items()
    }
    sums = t["x"] @ w["wi"].T + w["bi"] + t["h"] @ w["wh"].T + w["bh"]
    gate_in, gate_forget, gate_out, candidate = sums.reshape(5, 4, 4).unbind(1)
    c2 = torch.sigmoid(gate_forget) * t["c"] + torch.sigmoid(gate_in) * torch.tanh(candidate)
    h2 = torch.sigmoid(gate_out) * torch.tanh(c2)
    ((c2 * torch.tensor(g_c)).sum() + (h2 * torch.tensor(g_h)).sum()).backward()
    np.testing.assert_allclose(next_c, c2.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(next_h, h2.detach().numpy(), rtol=1e-12, atol=1e-14)
    for ours, name in zip(grads, "xch"):
        np.testing.assert_allclose(ours, t[name].grad.numpy(), rtol=1e-10, atol=1e-13)
    for ours, name in ((i2h.grad_weight, "wi"), (i2h.grad_bias, "bi"), (h2h.grad_weight, "wh")):
        np.testing.assert_allclose(ours, w[name].grad.numpy(), rtol=1e-10, atol=1e-13)


def _graph_from_spec(spec):
    nodes = [nn.Identity()()]
    for op, sources in spec:
        parents = [nodes[i] for i in sources]
        if op == "add":
            nodes.append(nn.CAddTable()(parents))
        elif op == "mul":
            nodes.append(nn.CMulTable()(parents))
        else:
            make = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "square": nn.Square}.get(op)
            module = make() if make else nn.MulConstant(0.5)
            nodes.append(module(parents[0]))
    return nn.gModule([nodes[0]], [nodes[-1]])


def _torch_op(torch, op, a, b):
    if op == "add":
        return a + b
    if op == "mul":
        return a * b
    if op == "tanh":
        return torch.tanh(a)
    if op == "sigmoid":
        return torch.sigmoid(a)
    return a * a if op == "square" else 0.5 * a


def _torch_from_spec(torch, spec, x):
    values = [x]
    for op, sources in spec:
        values.append(_torch_op(torch, op, values[sources[0]], values[sources[-1]]))
    return values[-1]


@settings(max_examples=40, deadline=None)
@given(graph_specs())
def test_random_graphs_with_fan_out_agree_with_pytorch(case):
    torch = pytest.importorskip("torch")
    spec, x = case
    graph = _graph_from_spec(spec)
    out = graph.forward(x).copy()
    g = np.cos(np.arange(out.size)).reshape(out.shape)
    grad_input = graph.backward(x, g)
    tx = torch.tensor(x, requires_grad=True)
    ty = _torch_from_spec(torch, spec, tx)
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out, ty.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad_input, tx.grad.numpy(), rtol=1e-11, atol=1e-14)


def test_fan_out_sums_like_a_concat_table_of_the_same_modules():
    # x -> Linear -> {Tanh, Sigmoid} -> CAddTable, once as a graph, once as containers.
    x = nn.Identity()()
    h = nn.Linear(4, 3)(x)
    graph = nn.gModule([x], [nn.CAddTable()([nn.Tanh()(h), nn.Sigmoid()(h)])])
    chain = nn.Sequential(nn.Linear(4, 3), nn.ConcatTable(nn.Tanh(), nn.Sigmoid()), nn.CAddTable())
    chain.modules[0].weight[...] = graph.modules[1].weight
    chain.modules[0].bias[...] = graph.modules[1].bias
    input, g = batch(6, 4), batch(6, 3)
    np.testing.assert_array_equal(graph.forward(input), chain.forward(input))
    graph.zero_grad_parameters()
    chain.zero_grad_parameters()
    np.testing.assert_allclose(graph.backward(input, g), chain.backward(input, g), rtol=1e-15)
    np.testing.assert_allclose(graph.get_parameters()[1], chain.get_parameters()[1], rtol=1e-15)


def test_one_node_used_twice_by_one_module_gets_both_gradients():
    x = nn.Identity()()
    square = nn.gModule([x], [nn.CMulTable()([x, x])])
    input = batch(3, 2)
    np.testing.assert_allclose(square.forward(input), input**2)
    np.testing.assert_allclose(square.backward(input, np.ones((3, 2))), 2 * input, rtol=1e-15)


def test_an_output_that_also_feeds_another_node_adds_both_gradients():
    x = nn.Identity()()
    t = nn.Tanh()(x)
    graph = nn.gModule([x], [t, nn.MulConstant(3.0)(t)])
    input = batch(2, 3)
    graph.forward(input)
    grad = graph.backward(input, [np.ones((2, 3)), np.ones((2, 3))])
    np.testing.assert_allclose(grad, 4 * (1 - np.tanh(input) ** 2), rtol=1e-14)


def test_a_warm_graph_reuses_its_buffers_and_its_fan_out_sums():
    # One (300, 100) float64 array is 240 kB; a warm call allocates only small Python objects.
    x = nn.Identity()()
    h = nn.Linear(100, 100)(x)
    fan_out = nn.gModule([x], [nn.CAddTable()([nn.Tanh()(h), nn.Sigmoid()(h), nn.Square()(h)])])
    assert warm_peak(fan_out, batch(300, 100), np.ones((300, 100))) < 8192
    cell = lstm_cell(100, 100)
    inputs = [batch(300, 100) for _ in range(3)]
    assert warm_peak(cell, inputs, [np.ones((300, 100)), np.ones((300, 100))]) < 8192


# ---------------------------------------------------------------------- tables, split, nesting


def test_table_inputs_and_outputs():
    a, b = nn.Identity()(), nn.Identity()()
    total = nn.CAddTable()([a, b])
    graph = nn.gModule([a, b], [total, nn.CMulTable()([a, b])])
    x, y = batch(2, 3), batch(2, 3)
    out = graph.forward([x, y])
    assert type(out) is list and len(out) == 2
    np.testing.assert_allclose(out[0], x + y)
    np.testing.assert_allclose(out[1], x * y)
    gx, gy = graph.backward([x, y], [np.ones((2, 3)), 2 * np.ones((2, 3))])
    np.testing.assert_allclose(gx, 1 + 2 * y)
    np.testing.assert_allclose(gy, 1 + 2 * x)
    assert graph.forward((x, y)) is out  # a tuple is a table; the output list is reused


def test_one_input_node_takes_a_whole_table():
    pair = nn.Identity()()
    first, second = pair.split(2)
    graph = nn.gModule(pair, nn.CSubTable()([first, second]))
    x, y = batch(2, 3), batch(2, 3)
    np.testing.assert_allclose(graph.forward([x, y]), x - y)
    gx, gy = graph.backward([x, y], np.ones((2, 3)))
    np.testing.assert_array_equal(gx, np.ones((2, 3)))
    np.testing.assert_array_equal(gy, -np.ones((2, 3)))


def test_split_selects_elements_and_an_unused_element_gets_zero_gradient():
    x = nn.Identity()()
    rows = nn.SplitTable(0)(x).split(3)
    graph = nn.gModule([x], [nn.CAddTable()([rows[0], rows[2]])])
    input = batch(3, 4)
    np.testing.assert_allclose(graph.forward(input), input[0] + input[2])
    grad = graph.backward(input, np.full(4, 2.0))
    np.testing.assert_array_equal(grad, [[2.0] * 4, [0.0] * 4, [2.0] * 4])
    assert len(x.split(1)) == 1


def test_split_of_a_table_of_the_wrong_length_names_the_node():
    x = nn.Identity()()
    a, b = nn.SplitTable(1)(x).annotate(name="columns").split(2)
    graph = nn.gModule([x], [nn.CAddTable()([a, b])])
    with pytest.raises(ValueError, match=r"split output 0 of 2 of node \d+\).*split\(2\) needs"):
        graph.forward(batch(2, 3))
    with pytest.raises(ValueError, match="split"):
        nn.gModule([x], [nn.Tanh()(x).split(2)[0]]).forward(batch(2, 2))


def test_nested_gmodules_equal_the_flat_graph():
    cell = gru_cell(3, 4)
    x, h = nn.Identity()(), nn.Identity()()
    outer = nn.gModule([x, h], [nn.Tanh()(cell([x, h]))])
    inputs = [batch(5, 3), batch(5, 4)]
    expected = np.tanh(cell.forward(inputs))
    np.testing.assert_allclose(outer.forward(inputs), expected, rtol=1e-15)
    assert len(outer.parameters()[0]) == len(cell.parameters()[0]) == 12
    assert outer.modules[2] is cell
    report = check_module(outer, inputs)
    assert report.ok, str(report)


def test_a_gmodule_inside_a_sequential():
    net = nn.Sequential(nn.Linear(3, 3), nn.ConcatTable(nn.Identity(), nn.Tanh()), gru_cell(3, 3))
    report = check_module(net, batch(4, 3))
    assert report.ok, str(report)


def test_update_grad_input_then_acc_grad_parameters_equals_backward():
    cell, twin = lstm_cell(3, 4), None
    twin = cell.clone()
    inputs = [batch(5, 3), batch(5, 4), batch(5, 4)]
    grads = [batch(5, 4), batch(5, 4)]
    cell.forward(inputs)
    twin.forward(inputs)
    cell.zero_grad_parameters()
    twin.zero_grad_parameters()
    one = [g.copy() for g in cell.backward(inputs, grads, 0.5)]
    two = twin.update_grad_input(inputs, grads)
    twin.acc_grad_parameters(inputs, grads, 0.5)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(cell.get_parameters()[1], twin.get_parameters()[1])
    with pytest.raises(ValueError, match="update_grad_input first"):
        twin.forward(inputs)
        twin.acc_grad_parameters(inputs, grads)


# ---------------------------------------------------------------------- the errors


def _chain():
    x = nn.Identity()()
    return x, nn.Tanh()(nn.Linear(3, 3)(x))


def test_a_cycle_is_refused_naming_its_nodes():
    x = nn.Identity()()
    a = nn.Tanh()(x).annotate(name="a")
    b = nn.Sigmoid()(a).annotate(name="b")
    a.add(b)  # Lua's node:add: b now feeds a, which feeds b
    with pytest.raises(ValueError, match=r"cycle: 'b' nn.Sigmoid .* -> 'a' nn.Tanh .* -> 'b'"):
        nn.gModule([x], [b])


def test_an_input_node_missing_from_inputs_is_named():
    x, y = nn.Identity()(), nn.Identity()().annotate(name="forgotten")
    out = nn.CAddTable()([x, y])
    with pytest.raises(ValueError, match=r"'forgotten' nn.Identity .* not among the inputs"):
        nn.gModule([x], [out])


def test_an_output_not_reachable_from_the_inputs_is_named():
    x = nn.Identity()()
    stray = nn.Identity()()
    with pytest.raises(ValueError, match=r"outputs\[1\] \('lost' nn.Tanh.*not reachable"):
        nn.gModule([x], [nn.Tanh()(x), nn.Tanh()(stray).annotate(name="lost")])


def test_a_module_in_two_nodes_is_refused_with_the_sharing_recipe():
    x = nn.Identity()()
    linear = nn.Linear(3, 3)
    first = linear(x).annotate(name="first")
    second = linear(first).annotate(name="second")
    with pytest.raises(ValueError) as caught:
        nn.gModule([x], [second])
    message = str(caught.value)
    assert "the module of two nodes, 'first' nn.Linear(3 -> 3)" in message
    assert "'second' nn.Linear(3 -> 3)" in message
    assert "clone('weight', 'bias', 'grad_weight', 'grad_bias')" in message


def test_a_module_inside_a_nested_gmodule_and_outside_is_refused():
    x, out = _chain()
    inner = nn.gModule([x], [out])
    y = nn.Identity()()
    reused = inner.modules[1]
    with pytest.raises(ValueError, match="appears twice"):
        nn.gModule([y], [reused(inner(y))])


def test_an_in_place_module_on_a_shared_output_is_refused():
    x = nn.Identity()()
    h = nn.Linear(3, 3)(x).annotate(name="h")
    with pytest.raises(ValueError, match=r"nn.Threshold.* works in place: it overwrites .* 'h'"):
        nn.gModule([x], [nn.CAddTable()([nn.Threshold(0, 0, True)(h), h])])
    with pytest.raises(ValueError, match=r"nn.MulConstant.* works in place"):
        nn.gModule([x], [h, nn.MulConstant(2.0, True)(h)])
    graph = nn.gModule([x], [nn.Threshold(0, 0, True)(h)])  # its only reader: as in a Sequential
    assert graph.forward(batch(2, 3)) is graph.modules[1].output


def test_a_wrong_number_of_inputs_at_forward():
    a, b = nn.Identity()(), nn.Identity()()
    graph = nn.gModule([a, b], [nn.CAddTable()([a, b])])
    with pytest.raises(ValueError, match=r"expected a table of 2 inputs .*got a table of 3"):
        graph.forward([batch(2), batch(2), batch(2)])
    with pytest.raises(ValueError, match=r"expected a table of 2 inputs .*got ndarray \(2,\)"):
        graph.forward(batch(2))


def test_an_error_inside_a_node_names_it_and_where_it_was_declared():
    x = nn.Identity()()
    h = nn.Linear(3, 4)(x).annotate(name="i2h")  # this line is quoted below
    graph = nn.gModule([x], [nn.Tanh()(h)])
    with pytest.raises(ValueError) as caught:
        graph.forward(batch(2, 5))
    message = str(caught.value)
    assert re.match(
        r"In node 1 'i2h' nn.Linear\(3 -> 4\) \(declared at test_gmodule.py:\d+\) of nn.gModule: "
        r"nn.Linear\(3 -> 4\): expected input of shape",
        message,
    ), message


def test_bad_inputs_and_outputs_lists_are_refused():
    x, out = _chain()
    with pytest.raises(TypeError, match=r"outputs\[0\] is a module .*second pair of parentheses"):
        nn.gModule([x], [nn.Tanh()])
    with pytest.raises(TypeError, match=r"inputs\[0\] is None"):
        nn.gModule([None], [out])
    with pytest.raises(TypeError, match="non-empty list of nodes"):
        nn.gModule([], [out])
    with pytest.raises(ValueError, match=r"inputs\[1\] .* listed twice"):
        nn.gModule([x, x], [out])
    with pytest.raises(ValueError, match="has inputs of its own"):
        nn.gModule([out], [nn.Tanh()(out)])
    unused = nn.Identity()().annotate(name="unused")
    with pytest.raises(ValueError, match=r"inputs\[1\] \('unused'.*does not lead to any"):
        nn.gModule([x, unused], [out])
    with pytest.raises(TypeError, match=r"inputs\[1\] is a module .*nn.Tanh\(...\)\(x\) rather"):
        nn.CAddTable()([x, nn.Tanh()])
    with pytest.raises(TypeError, match=r"pass several nodes as one list"):
        nn.CAddTable()(x, out)


def test_backward_before_forward_and_adding_children_are_refused():
    x, out = _chain()
    graph = nn.gModule([x], [out])
    with pytest.raises(ValueError, match="backward called before forward"):
        graph.backward(batch(2, 3), batch(2, 3))
    with pytest.raises(ValueError, match="backward called before forward"):
        graph.update_grad_input(batch(2, 3), batch(2, 3))
    with pytest.raises(TypeError, match="its modules come from its graph"):
        graph.add(nn.Tanh())
    with pytest.raises(TypeError, match="its modules come from its graph"):
        graph.remove(0)


def test_annotate_checks_its_values():
    x = nn.Identity()()
    with pytest.raises(TypeError, match="name must be a str"):
        x.annotate(name=3)
    with pytest.raises(ValueError, match="not a Graphviz attribute name"):
        x.annotate(graph_attributes={"font color": "red"})
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        x.split(0)
    assert x.annotate(name="x", graph_attributes={"color": "red"}) is x


# ---------------------------------------------------------------------- the container contract


def test_container_operations_reach_every_node():
    minitorch_l2.manual_seed(3)
    x = nn.Identity()()
    drop = nn.Dropout(0.5)(nn.Linear(4, 4)(x))
    graph = nn.gModule([x], [nn.Linear(4, 2)(drop)])
    params, grads = graph.get_parameters()
    assert params.size == 4 * 4 + 4 + 4 * 2 + 2
    assert graph.modules[1].weight.base is params or np.shares_memory(
        graph.modules[1].weight, params
    )
    graph.evaluate()
    assert not graph.modules[2].train
    input = batch(3, 4)
    np.testing.assert_array_equal(graph.forward(input), graph.forward(input))
    graph.training()
    assert graph.modules[2].train
    graph.float()
    assert graph.forward(input.astype(np.float32)).dtype == np.float32
    graph.clear_state()
    assert graph.output is None and graph.modules[1].output is None
    graph.double().evaluate()
    assert graph.forward(input).dtype == np.float64


def test_save_and_load_round_trip(tmp_path):
    cell = lstm_cell(3, 4)
    inputs = [batch(2, 3), batch(2, 4), batch(2, 4)]
    grads = [batch(2, 4), batch(2, 4)]
    expected = [o.copy() for o in cell.forward(inputs)]
    cell.zero_grad_parameters()
    expected_grads = [g.copy() for g in cell.backward(inputs, grads)]
    minitorch_l2.save(tmp_path / "cell.npz", cell)
    loaded = minitorch_l2.load(tmp_path / "cell.npz")
    assert repr(loaded) == repr(cell)
    for ours, theirs in zip(loaded.forward(inputs), expected):
        np.testing.assert_array_equal(ours, theirs)
    loaded.zero_grad_parameters()
    for ours, theirs in zip(loaded.backward(inputs, grads), expected_grads):
        np.testing.assert_array_equal(ours, theirs)
    loaded.validate()


def test_validate_refuses_inconsistent_graph_data():
    x, out = _chain()
    graph = nn.gModule([x], [out])
    graph.nodes[2]["inputs"] = [2]
    with pytest.raises(ValueError, match=r"nodes\[2\]: an input must be in \[0, 1\]"):
        graph.validate()
    graph.nodes[2]["inputs"] = [1]
    graph.nodes[1]["module"] = 2
    with pytest.raises(ValueError, match="exactly one node"):
        graph.validate()
    graph.nodes[1]["module"] = 1
    graph.nodes[1]["inputs"] = []
    with pytest.raises(ValueError, match="the input nodes, and only they, have no inputs"):
        graph.validate()


def test_repr_lists_the_nodes():
    x = nn.Identity()()
    h = nn.Linear(3, 4)(x).annotate(name="hidden")
    a, b = nn.SplitTable(1)(nn.Reshape(2, 2)(h)).split(2)
    graph = nn.gModule([x], [a, nn.Tanh()(b)])
    assert repr(graph).splitlines() == [
        "nn.gModule {",
        "  [0] nn.Identity <- input 0",
        "  [1] 'hidden' nn.Linear(3 -> 4) <- [0]",
        "  [2] nn.Reshape(2x2) <- [1]",
        "  [3] nn.SplitTable <- [2]",
        "  [4] element 0 of [3]",
        "  [5] element 1 of [3]",
        "  [6] nn.Tanh <- [5]",
        "  outputs: [4], [6]",
        "}",
    ]


def test_module_call_still_runs_forward_on_arrays_and_tables():
    x = batch(2, 3)
    np.testing.assert_array_equal(nn.Tanh()(x), np.tanh(x))
    np.testing.assert_array_equal(nn.CAddTable()([x, x]), 2 * x)
    assert isinstance(nn.Tanh()(), nngraph.Node)


# ---------------------------------------------------------------------- pictures and names


def test_to_dot_labels_nodes_and_edges():
    x = nn.Identity()()
    h = nn.Linear(3, 4)(x).annotate(
        name="i2h", description="input to hidden", graph_attributes={"color": "red"}
    )
    graph = nn.gModule([x], [nn.CAddTable()([h, nn.Tanh()(h)])])
    dot = graph.to_dot("my net")
    assert dot.startswith('digraph gModule {\n  labelloc=t; label="my net";')
    assert 'n1 [label="[1] i2h\\nnn.Linear(3 -> 4)\\ninput to hidden"' in dot
    assert 'color="red"' in dot and 'tooltip="test_gmodule.py:' in dot
    assert "input0 -> n0;" in dot and "n3 -> output0;" in dot
    assert 'n1 -> n3 [label="0"];' in dot and 'n2 -> n3 [label="1"];' in dot


def test_save_graph_writes_dot_without_graphviz_and_says_how_to_get_it(tmp_path, monkeypatch):
    x, out = _chain()
    graph = nn.gModule([x], [out])
    graph.save_graph(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == graph.to_dot()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="needs Graphviz's 'dot' program.*apt-get install"):
        graph.save_graph(tmp_path / "g.svg")
    with pytest.raises(ValueError, match=r"\.dot, \.svg, \.png or \.pdf"):
        graph.save_graph(tmp_path / "g.jpeg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_save_graph_renders_svg_with_graphviz(tmp_path):
    graph = lstm_cell(3, 4)
    graph.save_graph(tmp_path / "cell.svg", title="LSTM cell")
    assert "<svg" in (tmp_path / "cell.svg").read_text()


def test_annotate_nodes_names_nodes_after_their_variables():
    x = nn.Identity()()
    hidden = nn.Tanh()(x)
    kept = nn.Sigmoid()(hidden).annotate(name="explicit")
    assert nngraph.annotate_nodes() == ["x", "hidden"]
    graph = nn.gModule([x], [kept])
    assert "'hidden' nn.Tanh" in repr(graph) and "'explicit' nn.Sigmoid" in repr(graph)


def test_replace_swaps_a_nodes_module():
    x, out = _chain()
    graph = nn.gModule([x], [out])
    input = batch(2, 3)
    graph.forward(input)
    graph.replace(lambda m: nn.Sigmoid() if type(m) is nn.Tanh else m)
    linear = graph.modules[1]
    expected = 1 / (1 + np.exp(-(input @ linear.weight.T + linear.bias)))
    np.testing.assert_allclose(graph.forward(input), expected)
    assert "nn.Sigmoid <- [1]" in repr(graph)
