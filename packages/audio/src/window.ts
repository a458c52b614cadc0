/**
 * Hann window as torch.hann_window: periodic (length N+1 symmetric window with the last sample
 * dropped; what Whisper and torch.stft users get by default) or symmetric (periodic=False; NeMo).
 */
export function hannWindow(length: number, periodic = true): Float64Array {
  if (!Number.isInteger(length) || length < 1) {
    throw new Error(`hannWindow: length must be a positive integer, got ${length}`);
  }
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const denom = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / denom);
  return w;
}
