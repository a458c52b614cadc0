"""The anchor of the ONNX benchmarks (bench/lib/ort-anchor.ts): a model's weights, the same model
through torch's own ONNX exporter, and a record of the inputs with the first outputs, in `out_dir`."""
import json
import os

import torch
from safetensors_io import write_safetensors


def export_bench_anchor(model, name, input_dim, out_dir, frames, record, all_float32=False):
    """Writes `{name}-bench.safetensors`, `{name}-torch.onnx` and `{name}-bench.json` (`record` first)."""
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, f'{name}-bench.safetensors'), model.state_dict(), all_float32=all_float32)
    features = torch.randn(1, frames, input_dim, generator=torch.Generator().manual_seed(7))
    lengths = torch.tensor([frames], dtype=torch.int32)
    torch.onnx.export(
        model, (features, lengths), os.path.join(out_dir, f'{name}-torch.onnx'),
        input_names=['features', 'lengths'], output_names=['encoded', 'encodedLengths'],
        dynamic_axes={'features': {0: 'batch', 1: 'time'}, 'lengths': {0: 'batch'}, 'encoded': {0: 'batch', 1: 'time'}},
        opset_version=17,
    )
    with torch.no_grad():
        encoded, _ = model(features, lengths)
    with open(os.path.join(out_dir, f'{name}-bench.json'), 'w') as f:
        json.dump({**record, 'features': features.flatten().tolist(), 'frames': frames,
                   'encodedHead': encoded.flatten()[:64].tolist()}, f)
    print(f'wrote {out_dir}/{name}-torch.onnx and {name}-bench.safetensors')
