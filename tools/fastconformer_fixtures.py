"""Reference fixtures for @seqzoo/encoders' NeMo FastConformer (with cache-aware streaming).

NeMo itself is not installable here, so this is our own small PyTorch implementation that follows
NeMo's equations (ConformerEncoder.forward_internal/_create_masks, ConformerLayer, RelPositionMultiHead
Attention with rel_shift, RelPositionalEncoding, ConvSubsampling 'dw_striding' with MaskedConvSequential
length masking, CausalConv1D/2D caches; see ../shared/specs/architectures.md §1.4, §2, §3).
Parameter names are NeMo's, so the safetensors files look like a NeMo checkpoint (`encoder.` prefix).

Run with Debian's torch:  /usr/bin/python3 tools/fastconformer_fixtures.py

Writes packages/encoders/src/fastconformer/fixtures/<name>.{safetensors,json}. The script also checks
its own streaming against its own offline forward (they must agree to float rounding).
"""

import json
import math
import os

import torch
from safetensors_io import write_safetensors
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'packages', 'encoders', 'src', 'fastconformer', 'fixtures')
INF_VAL = 10000.0


class CausalConv2d(nn.Conv2d):
    """Pads (k-1 before, stride-1 after) on time AND frequency, no internal padding (NeMo CausalConv2D)."""

    def __init__(self, cin, cout, groups=1):
        super().__init__(cin, cout, 3, 2, padding=0, groups=groups)

    def forward(self, x):
        return super().forward(F.pad(x, (2, 1, 2, 1)))


class Subsampling(nn.Module):
    """dw_striding: conv(1->C, s2) ReLU, [dw conv s2, pw conv, ReLU] x (log2 f - 1), Linear(C*F' -> d)."""

    def __init__(self, feat_in, d, ch, factor, causal):
        super().__init__()
        self.pads = 3 if causal else 2
        n = int(math.log2(factor))

        def strided(cin, groups):
            return CausalConv2d(cin, ch, groups) if causal else nn.Conv2d(cin, ch, 3, 2, padding=1, groups=groups)

        layers = [strided(1, 1), nn.ReLU()]
        for _ in range(n - 1):
            layers += [strided(ch, ch), nn.Conv2d(ch, ch, 1), nn.ReLU()]
        self.conv = nn.Sequential(*layers)
        f = feat_in
        for _ in range(n):
            f = (f + self.pads - 3) // 2 + 1
        self.out = nn.Linear(ch * f, d)

    def forward(self, x, lengths):
        x = x.unsqueeze(1)  # (B, 1, T, F)
        lens = lengths.clone()

        def mask(t, n):
            return (torch.arange(t.size(2))[None, :] < n[:, None]).to(t.dtype)[:, None, :, None]

        m = mask(x, lens)
        for layer in self.conv:  # MaskedConvSequential: zero frames >= length before every layer
            x = layer(x * m)
            if isinstance(layer, nn.Conv2d) and layer.stride != (1, 1):
                lens = torch.div(lens + self.pads - 3, 2, rounding_mode='floor') + 1
                m = mask(x, lens)
        x = x * m
        b, c, t, f = x.shape
        return self.out(x.transpose(1, 2).reshape(b, t, c * f)), lens


def rel_pos_emb(length, d):
    """NeMo RelPositionalEncoding rows for positions length-1 .. -(length-1), in float32 as NeMo."""
    positions = torch.arange(length - 1, -length, -1, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * -(math.log(INF_VAL) / d))
    pe = torch.zeros(positions.size(0), d)
    pe[:, 0::2] = torch.sin(positions * div)
    pe[:, 1::2] = torch.cos(positions * div)
    return pe.unsqueeze(0)


class RelMHA(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h, self.dk = h, d // h
        self.linear_q, self.linear_k, self.linear_v, self.linear_out = (nn.Linear(d, d) for _ in range(4))
        self.linear_pos = nn.Linear(d, d, bias=False)
        self.pos_bias_u = nn.Parameter(torch.zeros(h, self.dk))
        self.pos_bias_v = nn.Parameter(torch.zeros(h, self.dk))

    def forward(self, x, mask, pos_emb, cache=None):
        key = x
        if cache is not None:  # K = V = [cache, x]; the new cache keeps the last cache-size frames
            key = torch.cat([cache, x], 1)
            cache = torch.cat([cache[:, x.size(1):], x[:, : x.size(1)]], 1)
        b = x.size(0)
        q = self.linear_q(x).view(b, -1, self.h, self.dk)
        k = self.linear_k(key).view(b, -1, self.h, self.dk).transpose(1, 2)
        v = self.linear_v(key).view(b, -1, self.h, self.dk).transpose(1, 2)
        p = self.linear_pos(pos_emb).view(1, -1, self.h, self.dk).transpose(1, 2)
        ac = torch.matmul((q + self.pos_bias_u).transpose(1, 2), k.transpose(-2, -1))
        bd = torch.matmul((q + self.pos_bias_v).transpose(1, 2), p.transpose(-2, -1))
        bh, hh, t1, pl = bd.shape  # rel_shift
        bd = F.pad(bd, (1, 0)).view(bh, hh, -1, t1)[:, :, 1:].view(bh, hh, t1, pl)[:, :, :, : ac.size(-1)]
        scores = (ac + bd) / math.sqrt(self.dk)
        m = mask.unsqueeze(1)
        attn = torch.softmax(scores.masked_fill(m, -INF_VAL), -1).masked_fill(m, 0.0)
        out = self.linear_out(torch.matmul(attn, v).transpose(1, 2).reshape(b, -1, self.h * self.dk))
        return out, cache


class ConvModule(nn.Module):
    def __init__(self, d, k, norm, ctx):
        super().__init__()
        self.ctx, self.norm = ctx, norm
        self.pointwise_conv1 = nn.Conv1d(d, 2 * d, 1)
        self.depthwise_conv = nn.Conv1d(d, d, k, groups=d)
        self.batch_norm = nn.BatchNorm1d(d) if norm == 'batch_norm' else nn.LayerNorm(d)
        self.pointwise_conv2 = nn.Conv1d(d, d, 1)

    def forward(self, x, pad_mask, cache=None):
        x = F.glu(self.pointwise_conv1(x.transpose(1, 2)), dim=1)
        x = x.masked_fill(pad_mask.unsqueeze(1), 0.0)
        if cache is None:
            x = F.pad(x, (self.ctx[0], self.ctx[1]))
        else:  # CausalConv1D.update_cache (cache_drop_size 0)
            x = torch.cat([cache, F.pad(x, (0, self.ctx[1]))], -1)
            cache = x[:, :, -cache.size(-1):]
        x = self.depthwise_conv(x)
        x = self.batch_norm(x) if self.norm == 'batch_norm' else self.batch_norm(x.transpose(1, 2)).transpose(1, 2)
        return self.pointwise_conv2(F.silu(x)).transpose(1, 2), cache


class FFN(nn.Module):
    def __init__(self, d, dff):
        super().__init__()
        self.linear1, self.linear2 = nn.Linear(d, dff), nn.Linear(dff, d)

    def forward(self, x):
        return self.linear2(F.silu(self.linear1(x)))


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg['dModel']
        self.norm_feed_forward1, self.feed_forward1 = nn.LayerNorm(d), FFN(d, 4 * d)
        self.norm_conv = nn.LayerNorm(d)
        self.conv = ConvModule(d, cfg['convKernelSize'], cfg['convNormType'], cfg['convContext'])
        self.norm_self_att, self.self_attn = nn.LayerNorm(d), RelMHA(d, cfg['nHeads'])
        self.norm_feed_forward2, self.feed_forward2 = nn.LayerNorm(d), FFN(d, 4 * d)
        self.norm_out = nn.LayerNorm(d)

    def forward(self, x, att_mask, pos_emb, pad_mask, c_ch=None, c_t=None):
        r = x + 0.5 * self.feed_forward1(self.norm_feed_forward1(x))
        a, c_ch = self.self_attn(self.norm_self_att(r), att_mask, pos_emb, c_ch)
        r = r + a
        c, c_t = self.conv(self.norm_conv(r), pad_mask, c_t)
        r = r + c
        r = r + 0.5 * self.feed_forward2(self.norm_feed_forward2(r))
        return self.norm_out(r), c_ch, c_t


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg['dModel']
        self.pre_encode = Subsampling(cfg['featIn'], d, cfg['subsamplingConvChannels'], 8, cfg['causalDownsampling'])
        self.layers = nn.ModuleList([Layer(cfg) for _ in range(cfg['nLayers'])])

    def masks(self, ctx, padding_length, max_len, offset):
        att = torch.ones(1, max_len, max_len, dtype=torch.bool)
        if self.cfg['attContextStyle'] == 'regular':
            if ctx[0] >= 0:
                att = att.triu(diagonal=-ctx[0])
            if ctx[1] >= 0:
                att = att.tril(diagonal=ctx[1])
        elif ctx[1] == -1:
            if ctx[0] >= 0:
                att = att.triu(diagonal=-ctx[0])
        else:
            cs = ctx[1] + 1
            left = ctx[0] // cs if ctx[0] >= 0 else 10000
            idx = torch.div(torch.arange(max_len), cs, rounding_mode='trunc')
            diff = idx.unsqueeze(1) - idx.unsqueeze(0)
            att = att & ((diff <= left) & (diff >= 0)).unsqueeze(0)
        pos = torch.arange(max_len).expand(padding_length.size(0), -1)
        pad = pos < padding_length.unsqueeze(-1)
        if offset is not None:
            pad = pad & (pos >= offset.unsqueeze(-1))
        pm = pad.unsqueeze(1).repeat(1, max_len, 1)
        att = ~(att & pm & pm.transpose(1, 2))
        return ~pad, att

    def forward(self, feats, lengths, ctx, cache=None, drop_extra=0):
        """feats (B, T, F). cache = (cache_last_channel, cache_last_time, cache_len) for a streaming step."""
        x, length = self.pre_encode(feats, lengths)
        if cache is not None and drop_extra > 0:
            x = x[:, drop_extra:]
            length = (length - drop_extra).clamp(min=0)
        t = x.size(1)
        cache_len = 0 if cache is None else cache[0].size(2)
        if self.cfg['xscaling']:
            x = x * math.sqrt(self.cfg['dModel'])
        pos_emb = rel_pos_emb(t + cache_len, self.cfg['dModel'])
        offset = None if cache is None else cache_len - cache[2]
        pad_mask, att_mask = self.masks(ctx, length + cache_len, t + cache_len, offset)
        pad_mask, att_mask = pad_mask[:, cache_len:], att_mask[:, cache_len:]
        new_ch, new_t = [], []
        for i, layer in enumerate(self.layers):
            c_ch = None if cache is None else cache[0][:, i]
            c_t = None if cache is None else cache[1][:, i]
            x, c_ch, c_t = layer(x, att_mask, pos_emb, pad_mask, c_ch, c_t)
            new_ch.append(c_ch)
            new_t.append(c_t)
        if cache is None:
            return x, length
        return x, length, (torch.stack(new_ch, 1), torch.stack(new_t, 1), torch.clamp(cache[2] + t, max=cache_len))


def randomise(model, seed):
    """Every parameter and buffer away from its default so each one matters in the comparison."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ('norm' in name):
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.2 * torch.randn(p.shape, generator=g))
            elif 'pos_bias' in name:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(max(fan_in, 1)))
        for name, b in model.named_buffers():
            if name.endswith('running_mean'):
                b.copy_(0.2 * torch.randn(b.shape, generator=g))
            elif name.endswith('running_var'):
                b.copy_(0.5 + torch.rand(b.shape, generator=g))
            elif name.endswith('num_batches_tracked'):
                b.fill_(7)


def stream(model, feats, ctx):
    """NeMo CacheAwareStreamingAudioBuffer + conformer_stream_step, chunked_limited style."""
    cfg, sf = model.cfg, 8
    first, shift, pre = 1 + sf * ctx[1], sf + sf * ctx[1], sf + 1
    b, n = feats.size(0), feats.size(1)
    layers, d, k1 = cfg['nLayers'], cfg['dModel'], cfg['convKernelSize'] - 1
    cache = (torch.zeros(b, layers, ctx[0], d), torch.zeros(b, layers, d, k1), torch.zeros(b, dtype=torch.int64))
    outs, start, step = [], 0, 0
    while start < n:
        size = first if step == 0 else shift
        new = feats[:, start: start + size]
        # Prepend up to `pre` already-consumed frames (only real ones: NeMo's buffer zero-fills when fewer
        # exist, which only happens after a 1-frame first chunk and breaks offline equality), then drop
        # the ceil(p / 8) outputs that the previous step already produced.
        p = min(pre, start)
        chunk = torch.cat([feats[:, start - p: start], new], 1)
        lens = torch.full((b,), chunk.size(1), dtype=torch.int64)
        y, _, cache = model(chunk, lens, ctx, cache, -(-p // sf))
        outs.append(y)
        start += size
        step += 1
    return torch.cat(outs, 1), step


def tolist(t):
    return [round(float(v), 7) for v in t.detach().reshape(-1)]


def make(name, cfg, seed, feats, lengths, contexts, with_stream):
    torch.manual_seed(seed)
    model = Encoder(cfg).eval()
    randomise(model, seed)
    sd = {f'encoder.{k}': v for k, v in model.state_dict().items()}
    # A NeMo checkpoint also holds the decoder and preprocessor: the importer must ignore them.
    sd['decoder.decoder_layers.0.weight'] = torch.randn(5, cfg['dModel'], 1)
    write_safetensors(os.path.join(FIXTURES, f'{name}.safetensors'), sd)
    out = {'config': cfg, 'input': {'dims': list(feats.shape), 'data': tolist(feats)},
           'lengths': [int(v) for v in lengths], 'cases': []}
    with torch.no_grad():
        sub, sub_len = model.pre_encode(feats, lengths)
        out['preEncode'] = {'dims': list(sub.shape), 'data': tolist(sub), 'lengths': [int(v) for v in sub_len]}
        for ctx in contexts:
            y, ylen = model(feats, lengths, ctx)
            case = {'attContextSize': ctx, 'dims': list(y.shape), 'data': tolist(y), 'lengths': [int(v) for v in ylen]}
            if with_stream:
                ys, steps = stream(model, feats, ctx)
                diff = (ys - y).abs().max().item()
                print(f'{name} {ctx}: torch streaming vs offline max|diff| = {diff:.3g} over {steps} steps')
                assert ys.shape == y.shape and diff < 1e-5, diff
                case['steps'] = steps
            out['cases'].append(case)
    with open(os.path.join(FIXTURES, f'{name}.json'), 'w') as f:
        json.dump(out, f)
    print(f'wrote {name}: output {list(y.shape)}')


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    base = {'featIn': 16, 'nLayers': 2, 'dModel': 32, 'nHeads': 4, 'subsamplingConvChannels': 8, 'xscaling': True}
    # Offline FastConformer: symmetric subsampling and conv, BatchNorm, padded batch, full and limited contexts.
    offline = {**base, 'causalDownsampling': False, 'convKernelSize': 5, 'convNormType': 'batch_norm',
               'convContext': [2, 2], 'attContextStyle': 'regular'}
    g = torch.Generator().manual_seed(1)
    feats = torch.randn(2, 61, 16, generator=g)
    make('offline', offline, 11, feats, torch.tensor([61, 40]), [[-1, -1], [5, 2]], False)
    # Cache-aware streaming FastConformer: causal subsampling, causal conv, LayerNorm, chunked_limited.
    streaming = {**base, 'causalDownsampling': True, 'convKernelSize': 5, 'convNormType': 'layer_norm',
                 'convContext': [4, 0], 'attContextStyle': 'chunked_limited', 'xscaling': False}
    feats = torch.randn(2, 99, 16, generator=g)  # 17 + 3 x 24 + a 10-frame tail for [6, 2]
    make('streaming', streaming, 12, feats, torch.tensor([99, 99]), [[6, 2], [6, 0]], True)


if __name__ == '__main__':
    main()
