"""Reference fixtures for @seqzoo/ssm, from our own pure-PyTorch implementations of the equations.

Run with Debian's torch:  /usr/bin/python3 tools/ssm_fixtures.py

Selective scan: the sequential recurrence of state-spaces/mamba's `selective_scan_ref` (delta bias added,
then softplus; h = exp(delta*A) h + delta*u*B; y = <h, C> + D*u; y *= silu(z)), computed in float64.
Mamba block: the `Mamba` mixer's slow path (in_proj, causal depthwise conv, x_proj, dt_proj, scan, gate,
out_proj) with the reference parameter names, saved as safetensors, plus its token-by-token step.
S4D: ZOH / bilinear discretised diagonal SSMs (S4D-Lin, S4D-Inv, LegS-diagonal) convolution kernels.
"""
import json
import math
import os

import torch
from safetensors_io import write_safetensors
import torch.nn.functional as F

torch.manual_seed(0)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'ssm', 'src')


def flat(t):
    return [float(v) for v in t.detach().to(torch.float32).reshape(-1).tolist()]


def rec(t):
    return {'dims': list(t.shape), 'data': flat(t)}


def save_json(rel, obj):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print('wrote', path, os.path.getsize(path), 'bytes')


def save_safetensors(rel, tensors):
    """Writes F32 fixtures under packages/ (every tensor stored as float32)."""
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    print('wrote', path, write_safetensors(path, tensors, all_float32=True), 'bytes')


def scan_reference(u, delta, A, B, C, D=None, z=None, delta_bias=None, delta_softplus=False):
    u, delta, A, B, C = (t.double() for t in (u, delta, A, B, C))
    if delta_bias is not None:
        delta = delta + delta_bias.double()[:, None]
    if delta_softplus:
        delta = F.softplus(delta)
    batch, dim, length = u.shape
    h = torch.zeros(batch, dim, A.shape[1], dtype=torch.float64)
    ys = []
    for t in range(length):
        h = torch.exp(delta[:, :, t, None] * A[None]) * h + (delta[:, :, t] * u[:, :, t])[:, :, None] * B[:, None, :, t]
        ys.append((h * C[:, None, :, t]).sum(-1))
    y = torch.stack(ys, dim=2)
    if D is not None:
        y = y + u * D.double()[:, None]
    if z is not None:
        y = y * F.silu(z.double())
    return y


def scan_fixtures():
    cases = []
    for name, (b, d, n, length, full) in {'gated': (2, 5, 4, 37, True), 'plain': (1, 3, 2, 20, False)}.items():
        u = torch.randn(b, d, length)
        delta = torch.randn(b, d, length) * 0.5 if full else torch.rand(b, d, length) * 0.3
        A = -torch.exp(torch.randn(d, n) * 0.5)
        B = torch.randn(b, n, length)
        C = torch.randn(b, n, length)
        case = {'name': name, 'u': rec(u), 'delta': rec(delta), 'A': rec(A), 'B': rec(B), 'C': rec(C), 'deltaSoftplus': full}
        kw = {}
        if full:
            kw = {'D': torch.randn(d), 'z': torch.randn(b, d, length), 'delta_bias': torch.randn(d) * 0.5}
            case.update({'D': rec(kw['D']), 'z': rec(kw['z']), 'deltaBias': rec(kw['delta_bias'])})
        case['y'] = rec(scan_reference(u, delta, A, B, C, delta_softplus=full, **kw))
        cases.append(case)
    save_json('scan/fixtures/selective-scan.json', cases)


class MambaRef(torch.nn.Module):
    """The Mamba mixer's reference (slow) path, parameter names as state-spaces/mamba `Mamba`."""

    def __init__(self, d_model, d_state=16, d_conv=4, expand=2):
        super().__init__()
        self.d_inner, self.d_state, self.d_conv = expand * d_model, d_state, d_conv
        self.dt_rank = math.ceil(d_model / 16)
        di = self.d_inner
        self.in_proj = torch.nn.Linear(d_model, 2 * di, bias=False)
        self.conv1d = torch.nn.Conv1d(di, di, d_conv, groups=di, padding=d_conv - 1, bias=True)
        self.x_proj = torch.nn.Linear(di, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = torch.nn.Linear(self.dt_rank, di, bias=True)
        dt = torch.exp(torch.rand(di) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3)).clamp(min=1e-4)
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        # S4D-Real A, slightly perturbed so every channel differs; random D so the skip is tested.
        a = torch.arange(1, d_state + 1, dtype=torch.float32).repeat(di, 1)
        self.A_log = torch.nn.Parameter(torch.log(a) + 0.1 * torch.randn(di, d_state))
        self.D = torch.nn.Parameter(1 + 0.5 * torch.randn(di))
        self.out_proj = torch.nn.Linear(di, d_model, bias=False)

    def forward(self, x):
        length = x.shape[1]
        xz = self.in_proj(x).transpose(1, 2)
        xi, z = xz.chunk(2, dim=1)
        xi = F.silu(self.conv1d(xi)[..., :length])
        dbl = self.x_proj(xi.transpose(1, 2))
        dt, B, C = torch.split(dbl, [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = (dt @ self.dt_proj.weight.t()).transpose(1, 2)
        A = -torch.exp(self.A_log.float())
        y = scan_reference(xi, dt, A, B.transpose(1, 2), C.transpose(1, 2), self.D, z, self.dt_proj.bias, True)
        return self.out_proj(y.float().transpose(1, 2))

    def step(self, x, conv_state, ssm_state):
        xz = self.in_proj(x)
        xi, z = xz.chunk(2, dim=-1)
        conv_state = torch.roll(conv_state, shifts=-1, dims=-1)
        conv_state[:, :, -1] = xi
        xi = F.silu((conv_state * self.conv1d.weight[:, 0]).sum(-1) + self.conv1d.bias)
        dt, B, C = torch.split(self.x_proj(xi), [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = F.softplus(dt @ self.dt_proj.weight.t() + self.dt_proj.bias)
        A = -torch.exp(self.A_log.float())
        ssm_state = ssm_state * torch.exp(dt[..., None] * A) + (dt * xi)[..., None] * B[:, None, :]
        y = (ssm_state * C[:, None, :]).sum(-1) + self.D * xi
        y = y * F.silu(z)
        return self.out_proj(y), conv_state, ssm_state


def mamba_fixtures():
    m = MambaRef(d_model=8, d_state=4, d_conv=4, expand=2)
    x = torch.randn(2, 13, 8)
    with torch.no_grad():
        y = m(x)
        conv = torch.zeros(2, m.d_inner, m.d_conv)
        ssm = torch.zeros(2, m.d_inner, m.d_state)
        steps = []
        for t in range(x.shape[1]):
            o, conv, ssm = m.step(x[:, t], conv, ssm)
            steps.append(o)
        stepped = torch.stack(steps, 1)
    print('mamba full vs step max diff', (y - stepped).abs().max().item())
    assert (y - stepped).abs().max().item() < 1e-5
    # A prefix mimicking a full checkpoint (backbone.layers.0.mixer.*) exercises the importer's key map.
    save_safetensors('mamba/fixtures/mamba-block.safetensors', {f'backbone.layers.0.mixer.{k}': v for k, v in m.state_dict().items()})
    save_json('mamba/fixtures/mamba-block.json', {
        'config': {'dModel': 8, 'dState': 4, 'dConv': 4, 'expand': 2},
        'x': rec(x), 'y': rec(y), 'convState': rec(conv), 'ssmState': rec(ssm),
    })


def s4d_kernel(log_dt, A, B, C, length, disc):
    """Kernel K[h, l] = 2 Re sum_n C (discrete B) (discrete A)^l for N/2 complex modes (conjugate pairs)."""
    dt = torch.exp(log_dt).to(torch.complex128)[:, None]
    dtA = dt * A
    if disc == 'zoh':
        dA = torch.exp(dtA)
        dB = (dA - 1) / A * B
    else:
        dA = (1 + dtA / 2) / (1 - dtA / 2)
        dB = dt / (1 - dtA / 2) * B
    powers = dA[:, :, None] ** torch.arange(length, dtype=torch.float64)
    return 2 * torch.einsum('hn,hnl->hl', C * dB, powers).real


def s4d_fixtures():
    H, N2, L = 3, 4, 50
    cases = []
    for init in ['lin', 'inv']:
        for disc in ['zoh', 'bilinear']:
            log_dt = torch.rand(H, dtype=torch.float64) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3)
            n = torch.arange(N2, dtype=torch.float64)
            imag = math.pi * n if init == 'lin' else (2 * N2) / math.pi * ((2 * N2) / (2 * n + 1) - 1)
            A = (-0.5 + 1j * imag).to(torch.complex128).repeat(H, 1)
            C = torch.randn(H, N2, dtype=torch.complex128)
            B = torch.ones(H, N2, dtype=torch.complex128)
            K = s4d_kernel(log_dt, A, B, C, L, disc)
            u = torch.randn(2, H, L, dtype=torch.float64)
            D = torch.randn(H, dtype=torch.float64)
            y = torch.zeros_like(u)
            for l in range(L):
                y[:, :, l] = (u[:, :, : l + 1].flip(-1) * K[None, :, : l + 1]).sum(-1)
            y = y + D[None, :, None] * u
            cases.append({
                'init': init, 'disc': disc, 'logDt': flat(log_dt), 'Cre': flat(C.real), 'Cim': flat(C.imag),
                'Are': flat(A.real), 'Aim': flat(A.imag), 'D': flat(D), 'u': rec(u), 'K': rec(K), 'y': rec(y),
            })
    save_json('s4d/fixtures/s4d.json', cases)


if __name__ == '__main__':
    scan_fixtures()
    mamba_fixtures()
    s4d_fixtures()
