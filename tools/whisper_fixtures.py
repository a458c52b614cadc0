"""Reference fixtures for @seqzoo/encoders' Whisper encoder (Hugging Face `WhisperEncoder` key names).

`transformers` is not a Debian package, so this script carries a small plain-torch Whisper encoder with
the same parameter names and maths as HF's (conv1/conv2 + exact GELU, a sinusoidal `embed_positions`
table stored as a weight, pre-LN blocks whose k_proj has no bias, final `layer_norm`). Run with
/usr/bin/python3 (torch 1.13):

    /usr/bin/python3 tools/whisper_fixtures.py

Writes packages/encoders/src/whisper/fixtures/tiny.{safetensors,json}: the weights under HF's
`model.encoder.` prefix (plus one decoder tensor the importer must skip), and two inputs: the full
2·max_source_positions frames (what HF accepts) and a shorter one (the position table is sliced, as
ESPnet's Whisper encoder does).
"""

import json
import math
import os
import sys

import torch
from safetensors_io import write_safetensors
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'packages', 'encoders', 'src', 'whisper', 'fixtures')


def sinusoids(length, channels):
    """Whisper's table: first half sin, second half cos, log-spaced timescales up to 10000."""
    inc = math.log(10000) / (channels // 2 - 1)
    inv = torch.exp(-inc * torch.arange(channels // 2, dtype=torch.float32))
    t = torch.arange(length, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d)
        self.q_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        dh = d // self.heads
        split = lambda y: y.view(b, t, self.heads, dh).transpose(1, 2)
        q = split(self.q_proj(x) * dh ** -0.5)
        k, v = split(self.k_proj(x)), split(self.v_proj(x))
        probs = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        return self.out_proj((probs @ v).transpose(1, 2).reshape(b, t, d))


class Layer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


class Encoder(nn.Module):
    def __init__(self, n_mels, d, heads, layers, ffn, max_pos):
        super().__init__()
        self.conv1 = nn.Conv1d(n_mels, d, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(d, d, kernel_size=3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(max_pos, d)
        self.embed_positions.weight.data.copy_(sinusoids(max_pos, d))
        self.layers = nn.ModuleList([Layer(d, heads, ffn) for _ in range(layers)])
        self.layer_norm = nn.LayerNorm(d)

    def forward(self, mel):  # [B, n_mels, T]
        x = F.gelu(self.conv1(mel))
        x = F.gelu(self.conv2(x)).permute(0, 2, 1)  # [B, T', d]
        x = x + self.embed_positions.weight[: x.shape[1]]
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    cfg = {'nMels': 8, 'dModel': 16, 'numHeads': 2, 'numLayers': 2, 'ffnDim': 32, 'maxSourcePositions': 12}
    torch.manual_seed(5)
    enc = Encoder(cfg['nMels'], cfg['dModel'], cfg['numHeads'], cfg['numLayers'], cfg['ffnDim'], cfg['maxSourcePositions']).eval()
    gen = torch.Generator().manual_seed(6)
    with torch.no_grad():
        for name, p in enc.named_parameters():  # move the norms off their identity init
            if 'layer_norm' in name:
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.3 * torch.randn(p.shape, generator=gen))
    state = {f'model.encoder.{k}': v for k, v in enc.state_dict().items()}
    state['model.decoder.embed_tokens.weight'] = torch.randn(5, cfg['dModel'], generator=gen)
    write_safetensors(os.path.join(FIXTURES, 'tiny.safetensors'), state, {'format': 'pt'})
    cases = []
    for frames, lengths in [(2 * cfg['maxSourcePositions'], [24, 17]), (19, [19, 11])]:
        mel = torch.randn(len(lengths), cfg['nMels'], frames, generator=gen)
        with torch.no_grad():
            out = enc(mel)
        cases.append({
            'features': {'dims': list(mel.shape), 'data': mel.flatten().tolist()},
            'lengths': lengths,
            'encoded': {'dims': list(out.shape), 'data': out.flatten().tolist()},
            'encodedLengths': [(n - 1) // 2 + 1 for n in lengths],  # conv2: kernel 3, stride 2, padding 1
        })
    with open(os.path.join(FIXTURES, 'tiny.json'), 'w') as f:
        json.dump({'config': cfg, 'cases': cases}, f)
    print('whisper tiny fixture:', sum(p.numel() for p in enc.parameters()), 'parameters')


if __name__ == '__main__':
    sys.exit(main())
