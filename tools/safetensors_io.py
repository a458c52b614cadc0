"""The safetensors writer shared by the fixture scripts (Debian has no `safetensors` package).

Layout: u64 little-endian header size, a compact JSON header (`__metadata__` first when given, then
the tensors in the order given) padded with spaces to a multiple of 8 bytes, then the raw
little-endian tensor bytes, contiguous. `tools/safetensors_fixture.py` is separate on purpose: it
reproduces the reference library's exact byte layout (dtype-alignment ordering) for core's IO tests.
"""
import json
import struct

import torch

# What each torch dtype is stored as; float64 is narrowed to F32, as seqzoo computes in float32.
_STORED = {
    torch.float32: 'F32', torch.float64: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.bool: 'BOOL',
}
_CAST = {'F32': torch.float32, 'F16': torch.float16, 'I64': torch.int64, 'I32': torch.int32, 'BOOL': torch.bool}
_NUMPY = {'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'BOOL': '|b1'}


def encode_safetensors(tensors, metadata=None, all_float32=False):
    """Bytes of a safetensors file. `all_float32` stores every tensor (integers too) as F32."""
    header = {} if metadata is None else {'__metadata__': dict(metadata)}
    chunks, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = 'F32' if all_float32 else _STORED.get(t.dtype)
        if dtype is None:
            raise ValueError(f'{name}: unsupported dtype {t.dtype}')
        if dtype == 'BF16':  # numpy has no bfloat16: store the raw 16-bit patterns
            raw = t.view(torch.int16).numpy().astype('<i2').tobytes()
        else:
            raw = t.to(_CAST[dtype]).numpy().astype(_NUMPY[dtype]).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # keep the data 8-byte aligned
    return struct.pack('<Q', len(text)) + text + b''.join(chunks)


def write_safetensors(path, tensors, metadata=None, all_float32=False, max_bytes=None):
    """Writes `tensors` ({name: tensor}, in order) to `path`; returns the file size in bytes."""
    blob = encode_safetensors(tensors, metadata, all_float32)
    if max_bytes is not None and len(blob) > max_bytes:
        raise ValueError(f'{path}: {len(blob)} bytes exceeds {max_bytes}')
    with open(path, 'wb') as f:
        f.write(blob)
    return len(blob)
