"""Reference fixtures for @seqzoo/encoders' torchaudio Conformer, and the ONNX anchor for its benchmark.

Run with Debian's torch (/usr/bin/python3, torch 1.13 + torchaudio 0.13):

    /usr/bin/python3 tools/conformer_fixtures.py            # writes the test fixtures
    /usr/bin/python3 tools/conformer_fixtures.py bench DIR  # d=144 x 16 layers: weights + torch.onnx export

Each fixture is a pair: `<name>.safetensors` holds torchaudio's own `state_dict()` (keys untouched), and
`<name>.json` holds the config, the inputs and torchaudio's outputs. Weights are randomised well away
from PyTorch's defaults (LayerNorm/BatchNorm affine, running statistics) so every parameter matters.
"""

import json
import os
import sys

import torch
from bench_export import export_bench_anchor
from safetensors_io import write_safetensors
import torchaudio

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'packages', 'encoders', 'src', 'conformer', 'fixtures')


def randomise(model, gen):
    """Moves norms and BatchNorm statistics off their identity defaults."""
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if name.endswith('num_batches_tracked'):
                continue
            if name.endswith('running_var'):
                p.copy_(torch.rand(p.shape, generator=gen) * 1.5 + 0.5)
            elif name.endswith('running_mean'):
                p.copy_(torch.randn(p.shape, generator=gen) * 0.3)
            elif p.dim() == 1 and ('norm' in name or 'sequential.0' in name or 'sequential.3' in name):
                if name.endswith('weight'):
                    p.copy_(1 + 0.3 * torch.randn(p.shape, generator=gen))
                else:
                    p.copy_(0.2 * torch.randn(p.shape, generator=gen))


def build(cfg, seed):
    torch.manual_seed(seed)
    model = torchaudio.models.Conformer(
        input_dim=cfg['inputDim'],
        num_heads=cfg['numHeads'],
        ffn_dim=cfg['ffnDim'],
        num_layers=cfg['numLayers'],
        depthwise_conv_kernel_size=cfg['depthwiseConvKernelSize'],
        dropout=0.0,
        use_group_norm=cfg['useGroupNorm'],
        convolution_first=cfg['convolutionFirst'],
    )
    randomise(model, torch.Generator().manual_seed(seed + 1))
    return model.eval()


def fixture(name, cfg, lengths, seed):
    model = build(cfg, seed)
    gen = torch.Generator().manual_seed(seed + 2)
    batch, frames = len(lengths), max(lengths)
    features = torch.randn(batch, frames, cfg['inputDim'], generator=gen)
    lens = torch.tensor(lengths, dtype=torch.int32)
    with torch.no_grad():
        encoded, out_lengths = model(features, lens)
    write_safetensors(os.path.join(FIXTURES, f'{name}.safetensors'), model.state_dict(), {'source': 'torchaudio 0.13 Conformer'})
    record = {
        'config': cfg,
        'features': {'dims': list(features.shape), 'data': features.flatten().tolist()},
        'lengths': list(lengths),
        'encoded': {'dims': list(encoded.shape), 'data': encoded.flatten().tolist()},
        'encodedLengths': out_lengths.tolist(),
    }
    with open(os.path.join(FIXTURES, f'{name}.json'), 'w') as f:
        json.dump(record, f)
    print(f'{name}: {sum(p.numel() for p in model.parameters())} parameters, features {list(features.shape)}')


def bench(out_dir, frames=1000):
    """The benchmark's anchor: the same weights through torch's own ONNX exporter."""
    cfg = {'inputDim': 144, 'numHeads': 4, 'ffnDim': 576, 'numLayers': 16, 'depthwiseConvKernelSize': 31,
           'useGroupNorm': False, 'convolutionFirst': False}
    export_bench_anchor(build(cfg, 1234), 'conformer', 144, out_dir, frames, {'config': cfg})


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == 'bench':
        bench(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'bench', 'out'))
        return
    os.makedirs(FIXTURES, exist_ok=True)
    fixture('batchnorm-k7', {'inputDim': 16, 'numHeads': 2, 'ffnDim': 32, 'numLayers': 2,
                             'depthwiseConvKernelSize': 7, 'useGroupNorm': False, 'convolutionFirst': False},
            [13, 9, 4], 11)
    fixture('groupnorm-k31-convfirst', {'inputDim': 32, 'numHeads': 4, 'ffnDim': 64, 'numLayers': 2,
                                        'depthwiseConvKernelSize': 31, 'useGroupNorm': True, 'convolutionFirst': True},
            [20, 15], 22)


if __name__ == '__main__':
    main()
