#!/usr/bin/env python3
"""Reference fixtures for @seqzoo/audio, written to packages/audio/src/fixtures/.

Run with Debian's PyTorch: /usr/bin/python3 tools/audio_fixtures.py

Every front-end is recomputed here from its published formula with plain torch ops (torch.stft,
matmul, log), in float64 (the TS code computes in float64 too) and also in float32 (what Whisper and
NeMo actually run) so the float32-vs-float64 gap is recorded next to each fixture:
  * Whisper log_mel_spectrogram (whisper/audio.py),
  * NeMo FilterbankFeatures in eval mode (nemo/collections/asr/parts/preprocessing/features.py),
  * Slaney mel filterbanks (librosa.filters.mel formulas, cross-checked against
    torchaudio.functional.melscale_fbanks),
  * torchaudio.functional.resample (torchaudio 0.13, sinc interpolation with a Hann window).
Test signals come from syntheticChirp (packages/audio/src/synthetic.ts), re-implemented below with
the same mulberry32 generator, so the fixtures store outputs only.
"""
import base64
import io
import json
import math
import os
import tempfile
import wave

import numpy as np
import torch
import torchaudio

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'audio', 'src', 'fixtures')
M32 = 0xFFFFFFFF


def mulberry32(seed):
    state = seed & M32

    def nxt():
        nonlocal state
        state = (state + 0x6D2B79F5) & M32
        t = ((state ^ (state >> 15)) * (1 | state)) & M32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & M32)) & M32) ^ t
        return ((t ^ (t >> 14)) & M32) / 4294967296.0

    return nxt


def synthetic_chirp(length, sample_rate, seed=0):
    rng = mulberry32(seed)
    duration = max(length, 1) / sample_rate
    f0, f1 = 100.0, min(7000.0, 0.45 * sample_rate)
    out = np.zeros(length, dtype=np.float32)
    for i in range(length):
        t = i / sample_rate
        phase = 2 * math.pi * (f0 * t + ((f1 - f0) * t * t) / (2 * duration))
        env = 0.6 + 0.4 * math.sin(2 * math.pi * 3 * t)
        out[i] = 0.5 * env * math.sin(phase) + 0.05 * (2 * rng() - 1)
    return out


# ---- Slaney mel filterbank (librosa.filters.mel, htk=False, norm='slaney') ----
def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep, f / f_sp)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, math.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def slaney_mel(sr, n_fft, n_mels, fmin=0.0, fmax=None):
    fmax = sr / 2 if fmax is None else fmax
    fft_freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(edges)
    ramps = edges[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    return weights * (2.0 / (edges[2:] - edges[:-2]))[:, None]


def check_mel_against_torchaudio(sr, n_fft, n_mels):
    ours = slaney_mel(sr, n_fft, n_mels)
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        ta = torchaudio.functional.melscale_fbanks(n_fft // 2 + 1, 0.0, sr / 2, n_mels, sr, norm='slaney', mel_scale='slaney')
    finally:
        torch.set_default_dtype(prev)
    diff = float(np.abs(ours - ta.numpy().T).max())
    assert diff < 1e-12, diff
    return diff


def rounded(a, digits=10):
    return [float(f'{v:.{digits}g}') for v in np.asarray(a, dtype=np.float64).ravel()]


# ---- Whisper log_mel_spectrogram ----
def whisper_log_mel(audio, n_mels, dtype, pad_to_30s=False):
    x = torch.from_numpy(audio).to(dtype)
    if pad_to_30s:  # whisper.pad_or_trim
        x = x[:480000] if x.shape[0] > 480000 else torch.nn.functional.pad(x, (0, 480000 - x.shape[0]))
    window = torch.hann_window(400, dtype=dtype)
    spec = torch.stft(x, 400, 160, window=window, return_complex=True)  # center=True, reflect
    mag = spec[..., :-1].abs() ** 2
    filters = torch.from_numpy(slaney_mel(16000, 400, n_mels)).to(dtype)
    log_spec = torch.clamp(filters @ mag, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).numpy()


# ---- NeMo FilterbankFeatures (eval: no dither), one batch item with seq_len ----
def nemo_log_mel(audio, length, n_mels, normalize, dtype, n_fft=512, win=400, hop=160):
    x = torch.from_numpy(audio).to(dtype)[None]
    x = torch.cat((x[:, :1], x[:, 1:] - 0.97 * x[:, :-1]), dim=1)
    x = x.masked_fill(torch.arange(x.shape[1])[None] >= length, 0.0)
    window = torch.hann_window(win, periodic=False, dtype=dtype)
    spec = torch.stft(x, n_fft=n_fft, hop_length=hop, win_length=win, window=window, center=True,
                      pad_mode='constant', return_complex=True)
    spec = torch.view_as_real(spec)
    power = torch.sqrt(spec.pow(2).sum(-1)).pow(2.0)
    fb = torch.from_numpy(slaney_mel(16000, n_fft, n_mels)).to(dtype)
    mel = torch.log(torch.matmul(fb, power) + 2 ** -24)
    valid = (length + (n_fft // 2) * 2 - n_fft) // hop  # current get_seq_len (floor_divide)
    if normalize == 'per_feature':
        v = mel[:, :, :valid]
        mean = v.mean(dim=2)
        std = torch.sqrt(((v - mean[:, :, None]) ** 2).sum(dim=2) / (valid - 1))
        std = std.masked_fill(std.isnan(), 0.0) + 1e-5
        mel = (mel - mean[:, :, None]) / std[:, :, None]
    mel = mel.masked_fill(torch.arange(mel.shape[2])[None, None] >= valid, 0.0)
    return mel[0].numpy(), valid


def wav_fixtures():
    """Small WAV files from two independent writers (sox via torchaudio.save, Python's wave module)
    with what torchaudio.load decodes from them (normalize=True, float32)."""
    cases = []
    x3 = torch.from_numpy(np.stack([synthetic_chirp(37, 8000, s) for s in (10, 11, 12)]) * 1.6).clamp(-1, 0.99)
    specs = [(x3, 'PCM_S', 16), (x3, 'PCM_S', 24), (x3, 'PCM_S', 32), (x3, 'PCM_U', 8), (x3, 'PCM_F', 32),
             (x3, 'PCM_F', 64), (x3[:1], 'PCM_S', 24), (x3[:2], 'PCM_S', 16)]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (x, enc, bits) in enumerate(specs):
            path = os.path.join(tmp, f'{i}.wav')
            torchaudio.save(path, x.float(), 8000, encoding=enc, bits_per_sample=bits)
            data, sr = torchaudio.load(path)
            raw = open(path, 'rb').read()
            cases.append({'writer': f'sox {enc} {bits}', 'sampleRate': sr, 'channels': data.shape[0],
                          'wav': base64.b64encode(raw).decode(), 'data': rounded(data.numpy(), 9)})
    pcm = (np.stack([synthetic_chirp(25, 22050, 13), synthetic_chirp(25, 22050, 14)]).T * 32767).astype('<i2')
    buf = io.BytesIO()
    with wave.open(buf, 'wb') as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(pcm.tobytes())
    cases.append({'writer': 'python wave 16', 'sampleRate': 22050, 'channels': 2,
                  'wav': base64.b64encode(buf.getvalue()).decode(), 'data': rounded(pcm.T / 32768.0, 9)})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    mels = {}
    for sr, n_fft, n_mels in [(16000, 400, 80), (16000, 400, 128), (16000, 512, 80)]:
        fb = slaney_mel(sr, n_fft, n_mels)
        nz = np.nonzero(fb)
        mels[f'{n_fft}x{n_mels}'] = {
            'sampleRate': sr, 'nFft': n_fft, 'nMels': n_mels,
            'torchaudioMaxDiff': check_mel_against_torchaudio(sr, n_fft, n_mels),
            'entries': [[int(m), int(k), float(f'{fb[m, k]:.15g}')] for m, k in zip(*nz)],
        }

    signal_check = {}
    for length, sr, seed in [(5237, 16000, 1), (16000, 16000, 4)]:
        s = synthetic_chirp(length, sr, seed)
        signal_check[f'{length}/{sr}/{seed}'] = {'head': rounded(s[:32], 9), 'sum': float(s.astype(np.float64).sum()),
                                                 'sumSq': float((s.astype(np.float64) ** 2).sum())}

    whisper = []
    sig = synthetic_chirp(5237, 16000, 1)
    for n_mels in (80, 128):
        ref = whisper_log_mel(sig, n_mels, torch.float64)
        f32 = whisper_log_mel(sig, n_mels, torch.float32)
        whisper.append({'signal': [5237, 16000, 1], 'nMels': n_mels, 'padTo30s': False, 'dims': list(ref.shape),
                        'float32MaxDiff': float(np.abs(ref - f32).max()), 'data': rounded(ref)})
    # padTo30s: 1 s of audio in a 30 s window; store the first 120 frames and the last 4 (all floor).
    sig30 = synthetic_chirp(16000, 16000, 4)
    ref = whisper_log_mel(sig30, 80, torch.float64, pad_to_30s=True)
    f32 = whisper_log_mel(sig30, 80, torch.float32, pad_to_30s=True)
    whisper.append({'signal': [16000, 16000, 4], 'nMels': 80, 'padTo30s': True, 'dims': list(ref.shape),
                    'float32MaxDiff': float(np.abs(ref - f32).max()),
                    'head': rounded(ref[:, :120]), 'tail': rounded(ref[:, -4:])})

    nemo = []
    for length, total, n_mels, normalize in [(7999, 7999, 80, 'per_feature'), (7999, 7999, 80, 'none'),
                                             (6000, 8000, 80, 'per_feature'), (5237, 5237, 64, 'per_feature')]:
        sig = synthetic_chirp(total, 16000, 2)
        sig[length:] = 0  # a zero-padded batch item
        ref, valid = nemo_log_mel(sig, length, n_mels, normalize, torch.float64)
        f32, _ = nemo_log_mel(sig, length, n_mels, normalize, torch.float32)
        nemo.append({'signal': [total, 16000, 2], 'length': length, 'nMels': n_mels, 'normalize': normalize,
                     'validFrames': int(valid), 'dims': list(ref.shape),
                     'float32MaxDiff': float(np.abs(ref - f32).max()), 'data': rounded(ref)})

    resample = []
    for orig, new, length in [(44100, 16000, 2218), (48000, 16000, 2407), (8000, 16000, 801), (22050, 16000, 1500),
                              (16000, 44100, 640)]:
        sig = synthetic_chirp(length, orig, 3)
        ref = torchaudio.functional.resample(torch.from_numpy(sig).double(), orig, new).numpy()
        f32 = torchaudio.functional.resample(torch.from_numpy(sig), orig, new).numpy()
        resample.append({'signal': [length, orig, 3], 'to': new, 'float32MaxDiff': float(np.abs(ref - f32).max()),
                         'data': rounded(ref), 'float32': rounded(f32, 9)})

    meta = {'generator': 'tools/audio_fixtures.py', 'torch': torch.__version__, 'torchaudio': torchaudio.__version__}
    for name, payload in [('mel-filters', mels), ('signals', signal_check), ('whisper', whisper), ('nemo', nemo),
                          ('resample', resample), ('wav', wav_fixtures())]:
        with open(os.path.join(OUT, f'{name}.json'), 'w') as fh:
            json.dump({'meta': meta, 'cases': payload}, fh, separators=(',', ':'))
    for case in whisper + nemo + resample:
        print({k: v for k, v in case.items() if k in ('signal', 'nMels', 'normalize', 'to', 'float32MaxDiff', 'padTo30s')})


if __name__ == '__main__':
    main()
