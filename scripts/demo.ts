/**
 * The main job until the playground exists: build a small transformer encoder once, run it on the
 * tfjs backend (eager, trainable) and through onnxruntime (traced), export it as a standard .onnx
 * file, and print parity and timings.
 *
 *   npx tsx --conditions=@seqzoo/source scripts/demo.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { exportOnnx, infer, manualSeed, saveSafetensors, TransformerEncoder } from '@seqzoo/core';
import { compareOutputs, Rng, randomData } from '@seqzoo/core/testing';

manualSeed(0);
const config = {
  dModel: 144,
  numHeads: 4,
  numLayers: 4,
  ffnDim: 576,
  dropout: 0,
  normFirst: true,
  finalNorm: true,
  activation: 'gelu' as const,
};
const encoder = new TransformerEncoder(config);
console.log(
  `TransformerEncoder ${JSON.stringify(config)}: ${encoder.parameterCount().toLocaleString()} parameters`,
);

const rng = new Rng(1);
const [batch, frames] = [2, 500];
const inputs = {
  x: randomData(rng, [batch, frames, config.dModel]),
  lengths: { data: new Int32Array([frames, 320]), dims: [batch] },
};

async function timed<T>(label: string, run: () => Promise<T>, reps = 3): Promise<{ result: T; ms: number }> {
  let result = await run(); // first call: variable upload / tracing + session creation
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) result = await run();
  const ms = (performance.now() - t0) / reps;
  console.log(`  ${label.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms per call (${batch}×${frames} frames)`);
  return { result, ms };
}

console.log('\nRunning the same module on both backends:');
const tfjs = await timed('tfjs (wasm, eager)', () => infer(encoder, inputs, { backend: 'tfjs' }));
const onnx = await timed('onnxruntime-node (traced)', () => infer(encoder, inputs, { backend: 'onnx' }));
const { worst, where } = compareOutputs(tfjs.result, onnx.result, 1e-4, 1e-5);
console.log(
  `\nParity: worst |tfjs − onnx| / (1e-5 + 1e-4·|onnx|) = ${worst.toFixed(3)} (≤ 1 passes; at ${where || 'no difference'})`,
);
console.log(`onnxruntime is ${(tfjs.ms / onnx.ms).toFixed(2)}× the speed of tfjs-wasm here`);

mkdirSync('out', { recursive: true });
const onnxBytes = exportOnnx(encoder, {
  x: { shape: ['batch', 'time', config.dModel] },
  lengths: { dtype: 'int32', shape: ['batch'] },
});
writeFileSync('out/demo-encoder.onnx', onnxBytes);
writeFileSync('out/demo-encoder.safetensors', saveSafetensors(encoder));
console.log(
  `\nExported out/demo-encoder.onnx (${(onnxBytes.length / 1e6).toFixed(2)} MB, opset 17, dynamic batch/time) and out/demo-encoder.safetensors`,
);
if (worst > 1) {
  console.error('Parity check FAILED');
  process.exit(1);
}
