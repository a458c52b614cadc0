#!/usr/bin/python3
"""Reference fixtures for @seqzoo/core's safetensors IO (packages/core/src/io).

Debian ships no `safetensors` Python package, so this script writes the format by hand with
struct + json, following what the reference implementation (huggingface/safetensors,
safetensors/src/tensor.rs: `prepare` and `Metadata`'s Serialize) produces:
  * tensors sorted by descending dtype (its `Dtype` enum is declared in increasing alignment order),
    then by name (Rust string order = UTF-8 bytes = code points);
  * compact JSON header, `__metadata__` first, each entry {"dtype","shape","data_offsets"};
    non-ASCII kept as UTF-8 (serde_json does not escape it);
  * header padded with spaces to a multiple of 8; u64 little-endian length prefix; data contiguous.
The reference keeps metadata in a hash map (random order); we sort its keys.

Usage:
  /usr/bin/python3 tools/safetensors_fixture.py            # writes the fixtures
  /usr/bin/python3 tools/safetensors_fixture.py --check F  # torch reads file F (e.g. written by
                                                           # writeSafetensors) and compares it with
                                                           # the fixture tensors
"""

import json
import math
import os
import struct
import sys

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'core', 'src', 'io', 'fixtures')

# Position in the reference `Dtype` enum (increasing alignment); only the order matters.
RANK = ['BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ',
        'F8_E5M2FNUZ', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64']
TORCH_DTYPE = {
    torch.bool: 'BOOL', torch.uint8: 'U8', torch.int8: 'I8', torch.int16: 'I16', torch.float16: 'F16',
    torch.bfloat16: 'BF16', torch.int32: 'I32', torch.float32: 'F32', torch.float64: 'F64',
    torch.int64: 'I64',
}
METADATA = {'format': 'pt', 'note': 'seqzoo fixture, ünïcode ok'}


def fixture_tensors():
    g = torch.Generator().manual_seed(7)
    half_src = torch.tensor([0.1, -2.5, 65504.0, 65520.0, 1e-6, 5.96e-8, 2.0 ** -25, -0.0, 1e5,
                             float('inf'), float('nan'), 1.0009765625 + 2 ** -12], dtype=torch.float32)
    bf16_src = torch.tensor([[1.0, -3.14159265], [1e30, 1.00390625], [float('-inf'), 3.4e38]],
                            dtype=torch.float32)
    return {
        'encoder.weight': torch.randn(2, 3, generator=g),
        'encoder.bias': torch.tensor([0.5, -1.25, 3.0]),
        '9': torch.tensor(4.0),  # scalar; integer-like names must still sort as strings
        '10': torch.tensor([1.5]),
        'empty': torch.zeros(0, 3),
        'half': half_src.half(),
        'bf16': bf16_src.bfloat16(),
        'step': torch.tensor([2 ** 53 + 1, -5, 2 ** 62], dtype=torch.int64),
        'scale': torch.tensor([math.pi, -1e-300], dtype=torch.float64),
        'ids': torch.tensor([1, -2, 2 ** 31 - 1], dtype=torch.int32),
        'mask': torch.tensor([True, False, True, True]),
        'pixels': torch.tensor([0, 128, 255], dtype=torch.uint8),
        'delta': torch.tensor([-128, 127], dtype=torch.int8),
        'short': torch.tensor([[-32768], [32767]], dtype=torch.int16),
    }, {'half': half_src, 'bf16': bf16_src}


def raw_bytes(t):
    assert sys.byteorder == 'little'
    return bytes(t.contiguous().reshape(-1).view(torch.uint8).tolist())


def serialize(tensors, metadata):
    items = sorted(tensors.items(), key=lambda kv: (-RANK.index(TORCH_DTYPE[kv[1].dtype]), kv[0]))
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = {k: metadata[k] for k in sorted(metadata)}
    for name, t in items:
        data = raw_bytes(t)
        header[name] = {'dtype': TORCH_DTYPE[t.dtype], 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(chunks), text


def json_float(x):
    return x if math.isfinite(x) else str(x)  # 'nan', 'inf', '-inf': JSON has no such numbers


def describe(t, src=None):
    entry = {'dtype': TORCH_DTYPE[t.dtype], 'shape': list(t.shape)}
    flat = t.reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        entry['bits'] = [b & 0xFFFF for b in flat.view(torch.int16).tolist()]
        entry['float32'] = [json_float(v) for v in flat.float().tolist()]
        entry['source'] = [json_float(v) for v in src.reshape(-1).tolist()]
    elif t.dtype == torch.int64:
        entry['values'] = [str(v) for v in flat.tolist()]  # beyond 2^53
    elif t.dtype == torch.bool:
        entry['values'] = [int(v) for v in flat.tolist()]
    elif t.is_floating_point():
        entry['values'] = [json_float(v) for v in flat.tolist()]
        if t.dtype == torch.float32:  # exact bits, so the TS writer can be compared byte for byte
            entry['bits'] = [b & 0xFFFFFFFF for b in flat.view(torch.int32).tolist()]
    else:
        entry['values'] = flat.tolist()
    return entry


def rounding_cases():
    """float32 inputs stressing round-to-nearest-even, with torch's F16 and BF16 encodings."""
    g = torch.Generator().manual_seed(11)
    special = [0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 2.0 ** -14, 2.0 ** -24, 2.0 ** -25,
               2.0 ** -25 * 1.0000001, 3 * 2.0 ** -26, 2.0 ** -26, 1e-8, 3.4e38, float('inf'),
               float('-inf'), float('nan')]
    # Exact ties for F16 (13 dropped bits = 0x1000) and BF16 (16 dropped bits = 0x8000), both parities.
    ties = torch.tensor([0x3F801000, 0x3F803000, 0x3F808000, 0x3F818000, 0x387FF000, 0x33000001],
                        dtype=torch.int64).to(torch.int32).view(torch.float32)
    rnd = torch.cat([torch.randn(600, generator=g) * 10.0 ** torch.randint(-9, 6, (600,), generator=g),
                     torch.rand(200, generator=g) * 2 ** -14])  # many F16 subnormals
    x = torch.cat([torch.tensor(special, dtype=torch.float32), ties, rnd])
    u16 = lambda t: [b & 0xFFFF for b in t.view(torch.int16).tolist()]  # noqa: E731
    return {'float32_bits': [b & 0xFFFFFFFF for b in x.view(torch.int32).tolist()],
            'f16_bits': u16(x.half()), 'bf16_bits': u16(x.bfloat16())}


def write():
    tensors, sources = fixture_tensors()
    blob, header = serialize(tensors, METADATA)
    with open(os.path.join(OUT, 'reference.safetensors'), 'wb') as f:
        f.write(blob)
    spec = {
        'generator': 'tools/safetensors_fixture.py (torch %s)' % torch.__version__,
        'header': header.decode('utf-8'),
        'metadata': METADATA,
        'tensors': {name: describe(t, sources.get(name)) for name, t in tensors.items()},
    }
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(spec, f, ensure_ascii=False)
    with open(os.path.join(OUT, 'half-rounding.json'), 'w') as f:
        json.dump(rounding_cases(), f)
    print('wrote %d bytes, header %d bytes' % (len(blob), len(header)))


DTYPE_TORCH = {v: k for k, v in TORCH_DTYPE.items()}


def check(path):
    """Loads a .safetensors file with torch only (torch 1.13 has no loader) and compares."""
    blob = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', blob[:8])
    header = json.loads(blob[8:8 + n].decode('utf-8'))
    data = blob[8 + n:]
    metadata = header.pop('__metadata__', None)
    assert metadata == METADATA, metadata
    expected, _ = fixture_tensors()
    assert set(header) == set(expected), sorted(set(header) ^ set(expected))
    for name, info in header.items():
        b, e = info['data_offsets']
        raw = torch.tensor(list(data[b:e]), dtype=torch.uint8)
        t = raw.view(DTYPE_TORCH[info['dtype']]).reshape(info['shape'])
        want = expected[name]
        assert t.dtype == want.dtype and t.shape == want.shape, (name, t.dtype, t.shape)
        # Compare bytes, so NaN payloads and signed zeros count too.
        assert torch.equal(t.reshape(-1).view(torch.uint8), want.reshape(-1).view(torch.uint8)), name
        assert torch.equal(t.float()[~t.float().isnan()], want.float()[~want.float().isnan()]), name
    ours, _ = serialize(expected, METADATA)
    print('torch read %d tensors from %s; identical to the reference bytes: %s'
          % (len(header), path, ours == blob))


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        check(sys.argv[2])
    else:
        write()
