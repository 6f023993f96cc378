"""char-rnn's LSTM, built with the graph API line by line, learns to add two-digit numbers.

The network is the architecture of Karpathy's char-rnn (``model/LSTM.lua``): ``n`` stacked LSTM
layers of ``rnn_size`` cells, each layer's gates computed from one ``i2h`` and one ``h2h`` Linear
split four ways (input, forget, output gate, candidate), dropout between layers and before the
decoder, a LogSoftMax over the characters. It is unrolled in time with ``clone_many_times`` and
trained as char-rnn's ``train.lua`` trains it: truncated backpropagation through time, the state
carried from one batch to the next, gradients clipped to ±5, ``optim.rmsprop`` with
``alpha`` = char-rnn's ``decay_rate``. Each Python line carries the Lua it transcribes.

The text is made here: lines such as ``23+58=81``. A tenth of all pairs (a, b) never appears in
training; after training the network completes ``a+b=`` for each of them by itself (greedy, one
character at a time), and the digits it writes are scored. Run it:

    python examples/char_rnn.py                 # its time: docs/performance.md
    python examples/char_rnn.py --tiny          # tiny sizes, under a second: the test suite's run
"""

from __future__ import annotations

import argparse
import os
import time

# One BLAS thread unless the caller sets another count: the products here are small (50 rows),
# and a second thread mostly waits, or fights other processes for the cores
# (docs/performance.md, "char-rnn").
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402 (after the thread setting, which NumPy reads when it loads)

import minitorch_l2  # noqa: E402
from minitorch_l2 import nn, optim  # noqa: E402

VOCAB = "0123456789+=\n"
INDEX = {char: i for i, char in enumerate(VOCAB)}


# fmt: off
def lstm(input_size: int, rnn_size: int, n: int, dropout: float = 0.0) -> nn.gModule:
    """char-rnn's LSTM step: [x, prev_c, prev_h per layer] -> [next_c, next_h per layer, log p]."""
    # Python                                                         -- Lua (model/LSTM.lua)
    inputs = [nn.Identity()()]                                       # table.insert(inputs, nn.Identity()()) -- x
    for _ in range(n):                                               # for L = 1,n do
        inputs.append(nn.Identity()())                               #   table.insert(inputs, nn.Identity()()) -- prev_c[L]
        inputs.append(nn.Identity()())                               #   table.insert(inputs, nn.Identity()()) -- prev_h[L]
    outputs = []                                                     # local outputs = {}
    for L in range(n):                                               # for L = 1,n do
        prev_h = inputs[2 * L + 2]                                   #   local prev_h = inputs[L*2+1]
        prev_c = inputs[2 * L + 1]                                   #   local prev_c = inputs[L*2]
        if L == 0:                                                   #   if L == 1 then
            x = inputs[0]                                            #     x = OneHot(input_size)(inputs[1]) -- one-hot rows here
            input_size_L = input_size                                #     input_size_L = input_size
        else:                                                        #   else
            x = outputs[2 * L - 1]                                   #     x = outputs[(L-1)*2]
            if dropout > 0:                                          #     if dropout > 0 then
                x = nn.Dropout(dropout)(x)                           #       x = nn.Dropout(dropout)(x) end
            input_size_L = rnn_size                                  #     input_size_L = rnn_size end
        i2h = nn.Linear(input_size_L, 4 * rnn_size)(x).annotate(name=f"i2h_{L + 1}")  # nn.Linear(input_size_L, 4 * rnn_size)(x):annotate{name='i2h_'..L}
        h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h).annotate(name=f"h2h_{L + 1}")  # nn.Linear(rnn_size, 4 * rnn_size)(prev_h):annotate{name='h2h_'..L}
        all_input_sums = nn.CAddTable()([i2h, h2h])                  #   local all_input_sums = nn.CAddTable()({i2h, h2h})
        reshaped = nn.Reshape(4, rnn_size)(all_input_sums)           #   local reshaped = nn.Reshape(4, rnn_size)(all_input_sums)
        n1, n2, n3, n4 = nn.SplitTable(1)(reshaped).split(4)         #   local n1, n2, n3, n4 = nn.SplitTable(2)(reshaped):split(4)
        in_gate = nn.Sigmoid()(n1)                                   #   local in_gate = nn.Sigmoid()(n1)
        forget_gate = nn.Sigmoid()(n2)                               #   local forget_gate = nn.Sigmoid()(n2)
        out_gate = nn.Sigmoid()(n3)                                  #   local out_gate = nn.Sigmoid()(n3)
        in_transform = nn.Tanh()(n4)                                 #   local in_transform = nn.Tanh()(n4)
        next_c = nn.CAddTable()([                                    #   local next_c = nn.CAddTable()({
            nn.CMulTable()([forget_gate, prev_c]),                   #       nn.CMulTable()({forget_gate, prev_c}),
            nn.CMulTable()([in_gate, in_transform]),                 #       nn.CMulTable()({in_gate, in_transform})
        ])                                                           #     })
        next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])       #   local next_h = nn.CMulTable()({out_gate, nn.Tanh()(next_c)})
        outputs.append(next_c)                                       #   table.insert(outputs, next_c)
        outputs.append(next_h)                                       #   table.insert(outputs, next_h) end
    top_h = outputs[-1]                                              # local top_h = outputs[#outputs]
    if dropout > 0:                                                  # if dropout > 0 then
        top_h = nn.Dropout(dropout)(top_h)                           #   top_h = nn.Dropout(dropout)(top_h) end
    proj = nn.Linear(rnn_size, input_size)(top_h).annotate(name="decoder")  # nn.Linear(rnn_size, input_size)(top_h):annotate{name='decoder'}
    logsoft = nn.LogSoftMax()(proj)                                  # local logsoft = nn.LogSoftMax()(proj)
    outputs.append(logsoft)                                          # table.insert(outputs, logsoft)
    return nn.gModule(inputs, outputs)                               # return nn.gModule(inputs, outputs)
# fmt: on


def sums_text(pairs: np.ndarray) -> str:
    """``'23+58=81\\n'`` for each pair (a, b), one line each."""
    return "".join(f"{a}+{b}={a + b}\n" for a, b in pairs)


def split_pairs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (a, b) of 0..99, shuffled: nine tenths for training, a tenth held out."""
    pairs = np.array([(a, b) for a in range(100) for b in range(100)])
    rng.shuffle(pairs)
    cut = len(pairs) // 10
    return pairs[cut:], pairs[:cut]


def one_hot(indices: np.ndarray) -> np.ndarray:
    """Rows of the identity: what char-rnn's OneHot layer makes of character indices."""
    return np.eye(len(VOCAB))[indices]


def complete(rnn: nn.gModule, prompts: list[str], rnn_size: int, length: int) -> list[str]:
    """What the net writes after each prompt (fed from a zero state): ``length`` chars, greedily."""
    rnn.evaluate()
    state = [np.zeros((len(prompts), rnn_size)) for _ in range(len(rnn.input_nodes) - 1)]
    written = [""] * len(prompts)
    chars = [prompt[0] for prompt in prompts]
    for t in range(max(map(len, prompts)) - 1 + length):
        out = rnn.forward([one_hot([INDEX[c] for c in chars]), *state])
        state = [s.copy() for s in out[:-1]]
        predicted = out[-1].argmax(axis=1)
        for row, prompt in enumerate(prompts):
            if t + 1 < len(prompt):
                chars[row] = prompt[t + 1]
            elif len(written[row]) < length:
                chars[row] = VOCAB[predicted[row]]
                written[row] += chars[row]
    return written


def digit_accuracy(pairs: np.ndarray, answers: list[str]) -> tuple[float, float]:
    """The share of the true answers' digits written right (place by place), and of exact sums."""
    right = total = exact = 0
    for (a, b), answer in zip(pairs, answers):
        truth = str(a + b)
        right += sum(x == y for x, y in zip(truth, answer))
        total += len(truth)
        exact += answer == truth
    return right / total, exact / len(answers)


def evaluate(cell: nn.gModule, pairs: np.ndarray, primes: list[str], rnn_size: int) -> tuple:
    """(digit accuracy, exact share, answers) of the net's own completions of ``a+b=``.

    Each prompt follows a line of training text (``primes``), as every sum does in training,
    where the state is never reset.
    """
    prompts = [f"{prime}{a}+{b}=" for prime, (a, b) in zip(primes, pairs)]
    answers = [text.split("\n", 1)[0] for text in complete(cell, prompts, rnn_size, 4)]
    return (*digit_accuracy(pairs, answers), answers)


def main(argv: list[str] | None = None) -> float:
    """Train; print the loss per iteration, a sample and the held-out digit accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rnn-size", type=int, default=96)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--seq-length", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--learning-rate", type=float, default=5e-3)
    parser.add_argument("--learning-rate-decay", type=float, default=0.9)
    parser.add_argument("--learning-rate-decay-after", type=int, default=500)
    parser.add_argument("--print-every", type=int, default=1)
    parser.add_argument("--eval-every", type=int, default=0, help="held-out accuracy every N")
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, under a second")
    args = parser.parse_args(argv)
    if args.tiny:
        args.rnn_size, args.seq_length, args.batch_size, args.iterations = 16, 8, 8, 20
        args.print_every = 1
    started = time.perf_counter()
    rng = minitorch_l2.manual_seed(args.seed)
    train_pairs, held_out = split_pairs(rng)
    primes = ["\n" + sums_text(train_pairs[k : k + 1]) for k in range(len(held_out))]
    seq_length, batch_size, rnn_size = args.seq_length, args.batch_size, args.rnn_size
    stream_length = seq_length * args.iterations + 1
    lines = train_pairs[rng.integers(0, len(train_pairs), batch_size * stream_length // 7 + 1)]
    data = np.array([INDEX[c] for c in sums_text(lines)])
    streams = data[: batch_size * stream_length].reshape(batch_size, stream_length)
    chunks = iter(range(0, stream_length - 1, seq_length))

    def next_batch() -> tuple[np.ndarray, np.ndarray]:
        # char-rnn's loader: batch_size streams of the text side by side, seq_length at a time;
        # y is x shifted by one character.
        start = next(chunks)
        chunk = streams[:, start : start + seq_length + 1]
        return chunk[:, :-1], chunk[:, 1:]

    # fmt: off
    # Python                                                         -- Lua (train.lua)
    protos_rnn = lstm(len(VOCAB), rnn_size, args.num_layers, args.dropout)  # protos.rnn = LSTM.lstm(vocab_size, opt.rnn_size, opt.num_layers, opt.dropout)
    protos_criterion = nn.ClassNLLCriterion()                        # protos.criterion = nn.ClassNLLCriterion()
    init_state = []                                                  # init_state = {}
    for _ in range(args.num_layers):                                 # for L=1,opt.num_layers do
        init_state.append(np.zeros((batch_size, rnn_size)))          #   table.insert(init_state, h_init:clone()) -- c
        init_state.append(np.zeros((batch_size, rnn_size)))          #   table.insert(init_state, h_init:clone()) -- h
    params, grad_params = nn.utils.combine_all_parameters(protos_rnn)  # params, grad_params = model_utils.combine_all_parameters(protos.rnn)
    params[:] = rng.uniform(-0.08, 0.08, params.shape)               # params:uniform(-0.08, 0.08)
    for node in protos_rnn.forwardnodes:                             # for _,node in ipairs(protos.rnn.forwardnodes) do
        if node.data.annotations.get("name", "").startswith("i2h_"): #   if node.data.annotations.name == "i2h_" .. layer_idx then
            node.data.module.bias[rnn_size:2 * rnn_size] = 1.0       #     node.data.module.bias[{{opt.rnn_size+1, 2*opt.rnn_size}}]:fill(1.0)
    clones_rnn = nn.utils.clone_many_times(protos_rnn, seq_length)   # clones.rnn = model_utils.clone_many_times(protos.rnn, opt.seq_length)
    clones_criterion = nn.utils.clone_many_times(protos_criterion, seq_length)  # clones.criterion = model_utils.clone_many_times(protos.criterion, opt.seq_length)
    init_state_global = [s.copy() for s in init_state]               # init_state_global = clone_list(init_state)

    def feval(x):                                                    # function feval(x)
        if x is not params:                                          #   if x ~= params then
            params[:] = x                                            #     params:copy(x) end
        grad_params.fill(0)                                          #   grad_params:zero()
        inputs, targets = next_batch()                               #   local x, y = loader:next_batch(1)
        rnn_state = {-1: init_state_global}                          #   local rnn_state = {[0] = init_state_global}
        predictions = {}                                             #   local predictions = {}
        loss = 0.0                                                   #   local loss = 0
        for t in range(seq_length):                                  #   for t=1,opt.seq_length do
            clones_rnn[t].training()                                 #     clones.rnn[t]:training()
            lst = clones_rnn[t].forward([one_hot(inputs[:, t]), *rnn_state[t - 1]])  # local lst = clones.rnn[t]:forward{x[t], unpack(rnn_state[t-1])}
            rnn_state[t] = lst[:-1]                                  #     rnn_state[t] = {} ... table.insert(rnn_state[t], lst[i])
            predictions[t] = lst[-1]                                 #     predictions[t] = lst[#lst]
            loss += clones_criterion[t].forward(predictions[t], targets[:, t])  # loss = loss + clones.criterion[t]:forward(predictions[t], y[t])
        loss /= seq_length                                           #   loss = loss / opt.seq_length
        drnn_state = {seq_length - 1: [np.zeros_like(s) for s in init_state]}  # local drnn_state = {[opt.seq_length] = clone_list(init_state, true)}
        for t in range(seq_length - 1, -1, -1):                      #   for t=opt.seq_length,1,-1 do
            doutput_t = clones_criterion[t].backward(predictions[t], targets[:, t])  # local doutput_t = clones.criterion[t]:backward(predictions[t], y[t])
            drnn_state[t].append(doutput_t)                          #     table.insert(drnn_state[t], doutput_t)
            dlst = clones_rnn[t].backward([one_hot(inputs[:, t]), *rnn_state[t - 1]], drnn_state[t])  # local dlst = clones.rnn[t]:backward({x[t], unpack(rnn_state[t-1])}, drnn_state[t])
            drnn_state[t - 1] = list(dlst[1:])                       #     drnn_state[t-1] = {} ... drnn_state[t-1][k-1] = v (k > 1)
        init_state_global[:] = [s.copy() for s in rnn_state[seq_length - 1]]  # init_state_global = rnn_state[#rnn_state] -- copied: clones reuse their buffers
        np.clip(grad_params, -5, 5, out=grad_params)                 #   grad_params:clamp(-opt.grad_clip, opt.grad_clip)
        return loss, grad_params                                     #   return loss, grad_params end

    optim_state = {"learning_rate": args.learning_rate, "alpha": 0.95}  # local optim_state = {learningRate = opt.learning_rate, alpha = opt.decay_rate}
    for i in range(args.iterations):                                 # for i = 1, iterations do
        timer = time.perf_counter()                                  #   local timer = torch.Timer()
        _, (loss,) = optim.rmsprop(feval, params, optim_state)       #   local _, loss = optim.rmsprop(feval, params, optim_state)
        elapsed = time.perf_counter() - timer                        #   local time = timer:time().real
        if i % args.print_every == 0 or i == args.iterations - 1:    #   if i % opt.print_every == 0 then
            ratio = np.linalg.norm(grad_params) / np.linalg.norm(params)  # grad_params:norm() / params:norm()
            print(f"{i + 1}/{args.iterations}, train_loss = {loss:6.8f}, grad/param norm = {ratio:6.4e}, time/batch = {elapsed:.4f}s")  # print(string.format("%d/%d (epoch %.3f), train_loss = %6.8f, grad/param norm = %6.4e, time/batch = %.4fs", ...))
        if (i + 1) % 100 == 0 and i + 1 >= args.learning_rate_decay_after:  # if i % iterations_per_epoch == 0 and epoch >= opt.learning_rate_decay_after then
            optim_state["learning_rate"] *= args.learning_rate_decay  #   optim_state.learningRate = optim_state.learningRate * decay_factor end
        if args.eval_every and (i + 1) % args.eval_every == 0:       #   -- not in char-rnn: the held-out score
            print(f"  held-out digit accuracy {evaluate(clones_rnn[0], held_out, primes, rnn_size)[0]:.4f}")  # print(...)
    # fmt: on

    cell = clones_rnn[0]  # its weights are protos_rnn's; it runs one step at a time below
    print("sample:", repr(complete(cell, ["\n"], rnn_size, 60)[0]))
    accuracy, exact, answers = evaluate(cell, held_out, primes, rnn_size)
    for (a, b), answer in list(zip(held_out, answers))[:5]:
        print(f"  {a}+{b}={answer}")
    print(f"held-out sums: {len(held_out)}, exact {exact:.4f}")
    print(f"held-out digit accuracy: {accuracy:.4f} ({time.perf_counter() - started:.1f} s)")
    return accuracy


if __name__ == "__main__":
    main()
