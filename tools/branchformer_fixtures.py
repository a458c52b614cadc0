"""Reference fixtures for @seqzoo/encoders' ESPnet Branchformer and E-Branchformer.

ESPnet is not a Debian package, so this is our own small PyTorch model written from ESPnet's equations
(espnet2/asr/encoder/{branchformer,e_branchformer}_encoder.py, espnet2/asr/layers/cgmlp.py, the
transformer attention / embedding / subsampling / positionwise_feed_forward modules) with ESPnet's
module attribute names, so `state_dict()` keys are exactly those of an ESPnet encoder. Run with

    /usr/bin/python3 tools/branchformer_fixtures.py            # writes the test fixtures
    /usr/bin/python3 tools/branchformer_fixtures.py bench DIR  # recipe-size weights + torch.onnx exports

Each fixture is `<name>.safetensors` (the encoder state dict with ESPnet's `encoder.` prefix, as an
ESPnet model checkpoint holds it, plus a stray `ctc.ctc_lo.weight` the importer must skip) and
`<name>.json` (config, inputs, outputs). Eval mode; dropout rates are irrelevant there.
"""

import json
import math
import os
import sys

import torch
from bench_export import export_bench_anchor
from safetensors_io import write_safetensors as _write_safetensors
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'packages', 'encoders', 'src', 'branchformer', 'fixtures')
F32_MIN = float(torch.finfo(torch.float32).min)


def write_safetensors(path, tensors):
    # These fixtures store every tensor (integers too) as F32.
    _write_safetensors(path, tensors, all_float32=True)


def sinusoid(positions, d):
    """Interleaved sin/cos rows PE(r)[2m] = sin(r w_m), PE(r)[2m+1] = cos(r w_m), w_m = 10000^(-2m/d)."""
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * -(math.log(10000.0) / d))
    angles = positions[:, None] * div
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1).reshape(-1, d)  # traceable


def layer_norm(d):
    return nn.LayerNorm(d, eps=1e-12)  # ESPnet's LayerNorm


ACTS = {'identity': nn.Identity, 'relu': nn.ReLU, 'tanh': nn.Tanh, 'swish': nn.SiLU, 'gelu': nn.GELU}


class Subsampling(nn.Module):
    """Conv2dSubsampling{,2,6,8}: [Conv2d(k, s) -> ReLU] per stage, Linear(C*F' -> d); mask [:-(k-1):s]."""

    STAGES = {'conv2d': [(3, 2), (3, 2)], 'conv2d2': [(3, 2), (3, 1)], 'conv2d6': [(3, 2), (5, 3)],
              'conv2d8': [(3, 2), (3, 2), (3, 2)]}

    def __init__(self, kind, idim, d):
        super().__init__()
        self.stages = self.STAGES[kind]
        mods, f, c = [], idim, 1
        for k, s in self.stages:
            mods += [nn.Conv2d(c, d, k, s), nn.ReLU()]
            c, f = d, (f - k) // s + 1
        self.conv = nn.Sequential(*mods)
        self.out = nn.Sequential(nn.Linear(d * f, d))

    def forward(self, x, mask):
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        x = self.out(x.transpose(1, 2).reshape(b, t, c * f))
        for k, s in self.stages:
            mask = mask[:, :, :-(k - 1):s]
        return x, mask


class MHA(nn.Module):
    """MultiHeadedAttention / RelPositionMultiHeadedAttention ('latest'), key mask (B, 1, T)."""

    def __init__(self, h, d, rel):
        super().__init__()
        self.h, self.d_k, self.rel = h, d // h, rel
        self.linear_q, self.linear_k, self.linear_v, self.linear_out = (nn.Linear(d, d) for _ in range(4))
        if rel:
            self.linear_pos = nn.Linear(d, d, bias=False)
            self.pos_bias_u = nn.Parameter(torch.empty(h, self.d_k))
            self.pos_bias_v = nn.Parameter(torch.empty(h, self.d_k))
            nn.init.xavier_uniform_(self.pos_bias_u)
            nn.init.xavier_uniform_(self.pos_bias_v)

    @staticmethod
    def rel_shift(x):
        b, h, t, p = x.shape
        padded = torch.cat([x.new_zeros(b, h, t, 1), x], dim=-1).view(b, h, p + 1, t)
        shifted = padded[:, :, 1:].view_as(x)
        return shifted if p == t else shifted[:, :, :, : p // 2 + 1]  # legacy keeps every column

    def forward(self, x, pos_emb, mask):
        b = x.size(0)
        q = self.linear_q(x).view(b, -1, self.h, self.d_k)
        k = self.linear_k(x).view(b, -1, self.h, self.d_k).transpose(1, 2)
        v = self.linear_v(x).view(b, -1, self.h, self.d_k).transpose(1, 2)
        if self.rel:
            p = self.linear_pos(pos_emb).view(1, -1, self.h, self.d_k).transpose(1, 2)
            ac = torch.matmul((q + self.pos_bias_u).transpose(1, 2), k.transpose(-2, -1))
            bd = self.rel_shift(torch.matmul((q + self.pos_bias_v).transpose(1, 2), p.transpose(-2, -1)))
            scores = (ac + bd) / math.sqrt(self.d_k)
        else:
            scores = torch.matmul(q.transpose(1, 2), k.transpose(-2, -1)) / math.sqrt(self.d_k)
        pad = mask.unsqueeze(1).eq(0)
        attn = torch.softmax(scores.masked_fill(pad, F32_MIN), dim=-1).masked_fill(pad, 0.0)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(b, -1, self.h * self.d_k)
        return self.linear_out(out)


class CSGU(nn.Module):
    def __init__(self, units, kernel, linear_after_conv, gate):
        super().__init__()
        n = units // 2
        self.norm = layer_norm(n)
        self.conv = nn.Conv1d(n, n, kernel, 1, (kernel - 1) // 2, groups=n)
        self.linear = nn.Linear(n, n) if linear_after_conv else None
        self.act = ACTS[gate]()

    def forward(self, x):
        x_r, x_g = x.chunk(2, dim=-1)
        x_g = self.conv(self.norm(x_g).transpose(1, 2)).transpose(1, 2)
        if self.linear is not None:
            x_g = self.linear(x_g)
        return x_r * self.act(x_g)


class CgMLP(nn.Module):
    def __init__(self, d, units, kernel, linear_after_conv, gate):
        super().__init__()
        self.channel_proj1 = nn.Sequential(nn.Linear(d, units), nn.GELU())
        self.csgu = CSGU(units, kernel, linear_after_conv, gate)
        self.channel_proj2 = nn.Linear(units // 2, d)

    def forward(self, x):
        return self.channel_proj2(self.csgu(self.channel_proj1(x)))


class FFN(nn.Module):
    def __init__(self, d, units):
        super().__init__()
        self.w_1, self.w_2, self.act = nn.Linear(d, units), nn.Linear(units, d), nn.SiLU()

    def forward(self, x):
        return self.w_2(self.act(self.w_1(x)))


class BranchformerLayer(nn.Module):
    def __init__(self, c, cgmlp_weight):
        super().__init__()
        d, self.size, self.merge, self.cgmlp_weight = c['outputSize'], c['outputSize'], c['mergeMethod'], cgmlp_weight
        self.attn = MHA(c['attentionHeads'], d, c['attentionLayerType'] == 'rel_selfattn')
        self.cgmlp = CgMLP(d, c['cgmlpLinearUnits'], c['cgmlpConvKernel'], c['useLinearAfterConv'], c['gateActivation'])
        self.norm_mha, self.norm_mlp, self.norm_final = layer_norm(d), layer_norm(d), layer_norm(d)
        if self.merge == 'concat':
            self.merge_proj = nn.Linear(2 * d, d)
        elif self.merge == 'learned_ave':
            self.pooling_proj1, self.pooling_proj2 = nn.Linear(d, 1), nn.Linear(d, 1)
            self.weight_proj1, self.weight_proj2 = nn.Linear(d, 1), nn.Linear(d, 1)
            self.merge_proj = nn.Linear(d, d)
        else:
            self.merge_proj = nn.Linear(d, d)

    def pool(self, proj, x, mask):
        score = proj(x).transpose(1, 2) / self.size ** 0.5  # (B, 1, T)
        score = torch.softmax(score.masked_fill(mask.eq(0), F32_MIN), dim=-1).masked_fill(mask.eq(0), 0.0)
        return torch.matmul(score, x).squeeze(1)

    def forward(self, x, pos_emb, mask):
        x1 = self.attn(self.norm_mha(x), pos_emb, mask)
        x2 = self.cgmlp(self.norm_mlp(x))
        if self.merge == 'concat':
            return self.norm_final(x + self.merge_proj(torch.cat([x1, x2], dim=-1)))
        if self.merge == 'learned_ave':
            w = torch.cat([self.weight_proj1(self.pool(self.pooling_proj1, x1, mask)),
                           self.weight_proj2(self.pool(self.pooling_proj2, x2, mask))], dim=-1)
            w = torch.softmax(w, dim=-1)[:, :, None, None]
            merged = w[:, 0] * x1 + w[:, 1] * x2
        else:
            merged = (1.0 - self.cgmlp_weight) * x1 + self.cgmlp_weight * x2
        return self.norm_final(x + self.merge_proj(merged))


class EBranchformerLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c['outputSize']
        self.attn = MHA(c['attentionHeads'], d, c['attentionLayerType'] == 'rel_selfattn')
        self.cgmlp = CgMLP(d, c['cgmlpLinearUnits'], c['cgmlpConvKernel'], c['useLinearAfterConv'], c['gateActivation'])
        self.feed_forward = FFN(d, c['linearUnits']) if c['useFfn'] else None
        self.feed_forward_macaron = FFN(d, c['linearUnits']) if c['useFfn'] and c['macaronFfn'] else None
        self.ff_scale = 0.5 if self.feed_forward_macaron is not None else 1.0
        if self.feed_forward is not None:
            self.norm_ff = layer_norm(d)
        if self.feed_forward_macaron is not None:
            self.norm_ff_macaron = layer_norm(d)
        self.norm_mha, self.norm_mlp, self.norm_final = layer_norm(d), layer_norm(d), layer_norm(d)
        k = c['mergeConvKernel']
        self.depthwise_conv_fusion = nn.Conv1d(2 * d, 2 * d, k, 1, (k - 1) // 2, groups=2 * d)
        self.merge_proj = nn.Linear(2 * d, d)

    def forward(self, x, pos_emb, mask):
        if self.feed_forward_macaron is not None:
            x = x + self.ff_scale * self.feed_forward_macaron(self.norm_ff_macaron(x))
        x1 = self.attn(self.norm_mha(x), pos_emb, mask)
        x2 = self.cgmlp(self.norm_mlp(x))
        cat = torch.cat([x1, x2], dim=-1)
        x = x + self.merge_proj(cat + self.depthwise_conv_fusion(cat.transpose(1, 2)).transpose(1, 2))
        if self.feed_forward is not None:
            x = x + self.ff_scale * self.feed_forward(self.norm_ff(x))
        return self.norm_final(x)


class Encoder(nn.Module):
    def __init__(self, c, kind):
        super().__init__()
        d = c['outputSize']
        self.d, self.rel = d, c['posEncLayerType'] == 'rel_pos'
        self.legacy_max_len = c.get('maxPosEmbLen', 5000) if c.get('relPosType') == 'legacy' else 0
        if c['inputLayer'] == 'linear':
            self.embed = nn.Sequential(nn.Linear(c['inputSize'], d), nn.LayerNorm(d))  # torch eps 1e-5
        else:
            self.embed = Subsampling(c['inputLayer'], c['inputSize'], d)
        weights = c.get('cgmlpWeight', 0.5)
        weights = weights if isinstance(weights, list) else [weights] * c['numBlocks']
        self.encoders = nn.ModuleList(
            BranchformerLayer(c, weights[i]) if kind == 'branchformer' else EBranchformerLayer(c)
            for i in range(c['numBlocks']))
        self.after_norm = layer_norm(d)

    def forward(self, xs, ilens):
        mask = (torch.arange(xs.size(1))[None, :] < ilens[:, None])[:, None, :]
        if isinstance(self.embed, Subsampling):
            xs, mask = self.embed(xs, mask)
        else:
            xs = self.embed(xs)
        t = xs.size(1)
        xs = xs * math.sqrt(self.d)
        if self.rel and self.legacy_max_len:  # LegacyRelPositionalEncoding: first T rows of a reversed table
            top = max(self.legacy_max_len, t) - 1  # built for max_len positions (rebuilt for longer inputs)
            pos_emb = sinusoid(torch.arange(top, top - t, -1, dtype=torch.float32), self.d)[None]
        elif self.rel:  # RelPositionalEncoding ('latest'): rows for r = T-1 ... -(T-1)
            pos_emb = sinusoid(torch.arange(t - 1, -t, -1, dtype=torch.float32), self.d)[None]
        else:  # PositionalEncoding: added to x
            xs, pos_emb = xs + sinusoid(torch.arange(t, dtype=torch.float32), self.d)[None], None
        for layer in self.encoders:
            xs = layer(xs, pos_emb, mask)
        return self.after_norm(xs), mask.squeeze(1).sum(1)


def randomise(model, gen):
    """Moves LayerNorm affines and conv biases off their defaults so every parameter matters."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if 'norm' in name or name.startswith('embed.1'):
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.2 * torch.randn(p.shape, generator=gen))


def fixture(name, kind, c, lengths, frames, seed):
    torch.manual_seed(seed)
    model = Encoder(c, kind).eval()
    randomise(model, torch.Generator().manual_seed(seed + 1))
    gen = torch.Generator().manual_seed(seed + 2)
    features = torch.randn(len(lengths), frames, c['inputSize'], generator=gen)
    lens = torch.tensor(lengths, dtype=torch.int32)
    with torch.no_grad():
        encoded, out_lengths = model(features, lens)
    state = {f'encoder.{k}': v for k, v in model.state_dict().items()}
    state['ctc.ctc_lo.weight'] = torch.randn(5, c['outputSize'], generator=gen)  # not the encoder's
    write_safetensors(os.path.join(FIXTURES, f'{name}.safetensors'), state)
    record = {
        'kind': kind, 'config': c,
        'features': {'dims': list(features.shape), 'data': features.flatten().tolist()},
        'lengths': list(lengths),
        'encoded': {'dims': list(encoded.shape), 'data': encoded.flatten().tolist()},
        'encodedLengths': out_lengths.tolist(),
    }
    with open(os.path.join(FIXTURES, f'{name}.json'), 'w') as f:
        json.dump(record, f)
    print(f'{name}: {sum(p.numel() for p in model.parameters())} parameters, encoded {list(encoded.shape)}')


BASE = {'inputSize': 12, 'outputSize': 16, 'attentionHeads': 2, 'attentionLayerType': 'rel_selfattn',
        'posEncLayerType': 'rel_pos', 'cgmlpLinearUnits': 32, 'cgmlpConvKernel': 31, 'useLinearAfterConv': False,
        'gateActivation': 'identity', 'numBlocks': 2, 'inputLayer': 'conv2d'}


# ESPnet's public recipe sizes [E-ebf256, E-bf256] for the benchmark (10 s of 80-bin log-mel).
BENCH = {
    'e_branchformer': {'inputSize': 80, 'outputSize': 256, 'attentionHeads': 4, 'attentionLayerType': 'rel_selfattn',
                       'posEncLayerType': 'rel_pos', 'cgmlpLinearUnits': 1024, 'cgmlpConvKernel': 31,
                       'useLinearAfterConv': False, 'gateActivation': 'identity', 'numBlocks': 12,
                       'inputLayer': 'conv2d', 'useFfn': True, 'macaronFfn': True, 'linearUnits': 1024,
                       'mergeConvKernel': 31},
    'branchformer': {'inputSize': 80, 'outputSize': 256, 'attentionHeads': 4, 'attentionLayerType': 'rel_selfattn',
                     'posEncLayerType': 'rel_pos', 'cgmlpLinearUnits': 2048, 'cgmlpConvKernel': 31,
                     'useLinearAfterConv': False, 'gateActivation': 'identity', 'numBlocks': 24,
                     'inputLayer': 'conv2d', 'mergeMethod': 'concat'},
}


def bench(out_dir, frames=1000):
    """The benchmark's anchor: the same weights through torch's own ONNX exporter."""
    for kind, c in BENCH.items():
        torch.manual_seed(1234)
        model = Encoder(c, kind).eval()
        name = kind.replace('_', '-')
        export_bench_anchor(model, name, c['inputSize'], out_dir, frames, {'kind': kind, 'config': c}, all_float32=True)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == 'bench':
        bench(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'bench', 'out'))
        return
    os.makedirs(FIXTURES, exist_ok=True)
    fixture('bf-concat-relpos', 'branchformer', {**BASE, 'mergeMethod': 'concat'}, [41, 30, 17], 41, 10)
    fixture('bf-learned-ave-abspos', 'branchformer',
            {**BASE, 'mergeMethod': 'learned_ave', 'attentionLayerType': 'selfattn', 'posEncLayerType': 'abs_pos',
             'cgmlpConvKernel': 7, 'useLinearAfterConv': True, 'gateActivation': 'tanh', 'inputLayer': 'conv2d6'},
            [50, 38, 26], 50, 20)
    fixture('bf-fixed-ave-linear', 'branchformer',
            {**BASE, 'mergeMethod': 'fixed_ave', 'cgmlpWeight': [0.3, 0.8], 'inputLayer': 'linear',
             'gateActivation': 'swish'}, [9, 6], 9, 30)
    fixture('ebf-macaron-relpos', 'e_branchformer',
            {**BASE, 'useFfn': True, 'macaronFfn': True, 'linearUnits': 24, 'mergeConvKernel': 31}, [41, 29, 18], 41, 40)
    fixture('bf-legacy-relpos', 'branchformer', {**BASE, 'mergeMethod': 'concat', 'relPosType': 'legacy'},
            [41, 25], 41, 60)
    fixture('ebf-legacy-short-table', 'e_branchformer',
            {**BASE, 'relPosType': 'legacy', 'maxPosEmbLen': 6, 'useFfn': True, 'macaronFfn': True,
             'linearUnits': 24, 'mergeConvKernel': 5}, [41, 33], 41, 70)
    fixture('ebf-plain-conv2d8', 'e_branchformer',
            {**BASE, 'useFfn': True, 'macaronFfn': False, 'linearUnits': 24, 'mergeConvKernel': 3,
             'attentionLayerType': 'selfattn', 'posEncLayerType': 'abs_pos', 'inputLayer': 'conv2d8', 'inputSize': 20,
             'useLinearAfterConv': True}, [60, 44], 60, 50)


if __name__ == '__main__':
    main()
