#!/usr/bin/python3
"""PyTorch reference fixtures for @seqzoo/core's layers (packages/core/src/layers/fixtures).

One `.safetensors` file per case, written by hand with struct + json (Debian ships no `safetensors`
Python package): an 8-byte little-endian header length, a compact JSON header
{name: {dtype, shape, data_offsets}} (plus `__metadata__`: the torch module's repr and version),
padded with spaces to a multiple of 8, then the tensors' little-endian bytes, contiguous.

Keys: `param.<state_dict name>` (exactly PyTorch's names, so the test proves checkpoints load
unchanged), `input.<name>` and `output.<name>`.

Every parameter is re-drawn from a fixed-seed uniform so that PyTorch's structured initial values
(zero biases, unit LayerNorm weights, identity running stats) cannot hide a mistake.

Attention references are computed with autograd enabled: in eval mode under `no_grad`, torch 1.13
dispatches `nn.MultiheadAttention` / `nn.TransformerEncoderLayer` to fused "fast path" kernels. The
script checks that those agree with the reference on non-padded positions and reports how they
treat padded query rows (see `fast_path_note`).

Usage: /usr/bin/python3 tools/core_layer_fixtures.py
"""

import json
import math
import os

import torch
from safetensors_io import write_safetensors as _write_safetensors
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'core', 'src', 'layers',
                   'fixtures')
MAX_BYTES = 60_000


def write_safetensors(path, tensors, metadata):
    return _write_safetensors(path, tensors, metadata, max_bytes=MAX_BYTES)


def randomize(module, gen, low=-1.0, high=1.0):
    """Re-draw every floating parameter uniformly from [low, high)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.rand(p.shape, generator=gen) * (high - low) + low)
    return module


def uniform(gen, *shape, low=-1.0, high=1.0):
    return torch.rand(shape, generator=gen) * (high - low) + low


def save(name, module, inputs, outputs):
    tensors = {}
    if module is not None:
        for k, v in module.state_dict().items():
            tensors[f'param.{k}'] = v
    for k, v in inputs.items():
        tensors[f'input.{k}'] = v
    for k, v in outputs.items():
        tensors[f'output.{k}'] = v
    meta = {'torch': torch.__version__, 'module': repr(module) if module is not None else 'functional'}
    size = write_safetensors(os.path.join(OUT, f'{name}.safetensors'), tensors, meta)
    print(f'{name:32s} {size:6d} bytes  {", ".join(tensors)}')


def fast_path_note(name, slow, fast, valid):
    """Compares the no_grad fast path with the reference: valid rows must agree."""
    diff = (slow - fast).abs()
    valid_diff = diff[valid].max().item()
    padded = ~valid
    pad_diff = diff[padded].max().item() if padded.any() else 0.0
    fast_pad_zero = bool((fast[padded] == 0).all()) if padded.any() else False
    print(f'  {name}: fast path vs reference: valid rows max |diff| {valid_diff:.2e}, '
          f'padded rows max |diff| {pad_diff:.2e}{" (fast path zeroes them)" if fast_pad_zero else ""}')
    assert valid_diff < 1e-5, f'{name}: fast path disagrees on valid rows ({valid_diff})'


def padding_mask(lengths, t):
    """bool [B, T], True at padding (PyTorch's key_padding_mask convention)."""
    return torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1234)

    # nn.Linear on [B, T, in].
    m = randomize(nn.Linear(6, 5), g).eval()
    x = uniform(g, 2, 3, 6)
    with torch.no_grad():
        save('linear', m, {'x': x}, {'y': m(x)})

    # nn.LayerNorm with a non-default eps (so a hard-coded 1e-5 would show) on large-offset input.
    m = randomize(nn.LayerNorm(6, eps=1e-3), g).eval()
    x = uniform(g, 2, 4, 6, low=-3, high=3) + 2
    with torch.no_grad():
        save('layer_norm', m, {'x': x}, {'y': m(x)})

    # nn.Conv1d: grouped, strided, dilated, zero padding 1.
    m = randomize(nn.Conv1d(4, 6, 3, stride=2, dilation=2, padding=1, groups=2), g).eval()
    x = uniform(g, 2, 4, 13)
    with torch.no_grad():
        save('conv1d_grouped', m, {'x': x}, {'y': m(x)})

    # Depthwise nn.Conv1d with padding='same', odd (5) and even (4) kernels: for an even kernel
    # PyTorch pads total//2 on the left and the rest on the right.
    for k in (5, 4):
        m = randomize(nn.Conv1d(4, 4, k, padding='same', groups=4), g).eval()
        x = uniform(g, 2, 4, 9)
        with torch.no_grad():
            save(f'conv1d_depthwise_same_k{k}', m, {'x': x}, {'y': m(x)})

    # nn.Conv2d, stride 2, padding 1, odd spatial sizes.
    m = randomize(nn.Conv2d(2, 3, 3, stride=2, padding=1), g).eval()
    x = uniform(g, 2, 2, 7, 6)
    with torch.no_grad():
        save('conv2d', m, {'x': x}, {'y': m(x)})

    # nn.BatchNorm1d in eval with non-trivial running statistics, on [B, C, T] and [N, C].
    m = nn.BatchNorm1d(4, eps=1e-5)
    with torch.no_grad():
        m.weight.copy_(uniform(g, 4, low=0.5, high=1.5))
        m.bias.copy_(uniform(g, 4))
        m.running_mean.copy_(uniform(g, 4, low=-2, high=2))
        m.running_var.copy_(uniform(g, 4, low=0.1, high=3))
        m.num_batches_tracked.fill_(7)
    m.eval()
    x3 = uniform(g, 2, 4, 5, low=-3, high=3)
    x2 = uniform(g, 3, 4, low=-3, high=3)
    with torch.no_grad():
        save('batch_norm1d', m, {'x3': x3, 'x2': x2}, {'y3': m(x3), 'y2': m(x2)})

    # nn.Embedding: int64 ids as PyTorch takes them.
    m = randomize(nn.Embedding(10, 4), g).eval()
    ids = torch.randint(0, 10, (2, 5), generator=g)
    ids[0, 0], ids[1, 4] = 0, 9  # both ends of the table
    with torch.no_grad():
        save('embedding', m, {'ids': ids}, {'y': m(ids)})

    # Activations (functional, no parameters).
    x = uniform(g, 2, 4, 8, low=-5, high=5)
    save('activations', None, {'x': x}, {
        'gelu': F.gelu(x),
        'gelu_tanh': F.gelu(x, approximate='tanh'),
        'silu': F.silu(x),
        'glu': F.glu(x, dim=-1),
        'glu_dim1': F.glu(x, dim=1),
    })

    # nn.MultiheadAttention self-attention with key_padding_mask (item 1 has 3 valid of 5).
    m = randomize(nn.MultiheadAttention(8, 2, batch_first=True), g).eval()
    x = uniform(g, 2, 5, 8)
    kpm = padding_mask([5, 3], 5)
    y, _ = m(x, x, x, key_padding_mask=kpm, need_weights=False)
    with torch.no_grad():
        fast, _ = m(x, x, x, key_padding_mask=kpm, need_weights=False)
    fast_path_note('mha_key_padding', y, fast, ~kpm)
    save('mha_key_padding', m, {'x': x, 'key_padding_mask': kpm}, {'y': y})

    # nn.MultiheadAttention self-attention with a bool attn_mask [T, T] (True = not allowed): key j is
    # hidden from query i when j > i + 1; plus a float additive mask of the same pattern.
    m = randomize(nn.MultiheadAttention(8, 2, batch_first=True), g).eval()
    x = uniform(g, 2, 5, 8)
    bool_mask = torch.arange(5)[None, :] > torch.arange(5)[:, None] + 1
    float_mask = uniform(g, 5, 5, low=-2, high=2).masked_fill(bool_mask, float('-inf'))
    yb, _ = m(x, x, x, attn_mask=bool_mask, need_weights=False)
    yf, _ = m(x, x, x, attn_mask=float_mask, need_weights=False)
    save('mha_attn_mask', m, {'x': x, 'bool_mask': bool_mask, 'float_mask': float_mask},
         {'y_bool': yb, 'y_float': yf})

    # Cross-attention (query differs from key/value: separate in_proj slices) with key padding.
    m = randomize(nn.MultiheadAttention(8, 4, batch_first=True), g).eval()
    q = uniform(g, 2, 4, 8)
    kv = uniform(g, 2, 6, 8)
    kpm = padding_mask([6, 2], 6)
    y, _ = m(q, kv, kv, key_padding_mask=kpm, need_weights=False)
    save('mha_cross', m, {'query': q, 'memory': kv, 'key_padding_mask': kpm}, {'y': y})

    # nn.TransformerEncoderLayer (batch-first, dropout 0), post-/pre-LN × relu/gelu, padded batch.
    for norm_first in (False, True):
        for act in ('relu', 'gelu'):
            name = f'transformer_encoder_layer_{"pre" if norm_first else "post"}_{act}'
            m = randomize(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=act,
                                                     batch_first=True, norm_first=norm_first), g)
            m.eval()
            x = uniform(g, 2, 5, 8)
            kpm = padding_mask([5, 3], 5)
            y = m(x, src_key_padding_mask=kpm)
            with torch.no_grad():
                fast = m(x, src_key_padding_mask=kpm)
            fast_path_note(name, y, fast, ~kpm)
            save(name, m, {'x': x, 'src_key_padding_mask': kpm}, {'y': y})

    # Sinusoidal positional table, the PyTorch tutorial's formula, T=20, D=8.
    t, d = 20, 8
    position = torch.arange(t).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe = torch.zeros(t, d)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    x = uniform(g, 2, t, d)
    save('sinusoidal', None, {'x': x}, {'table': pe, 'y': x + pe})


if __name__ == '__main__':
    main()
