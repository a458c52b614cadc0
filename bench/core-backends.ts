/**
 * Backend benchmark for @seqzoo/core: matmul (512², 1024²) and one transformer encoder layer
 * (d=256, 4 heads, ffn 1024, T=1000) through `infer()` on tfjs-wasm, tfjs-cpu and onnxruntime-node,
 * in one run. The anchor is onnxruntime-node; the table reports each backend's time ratio to it.
 *
 *   npx tsx --conditions=@seqzoo/source bench/core-backends.ts [--quick]
 */
import { infer, type Module, manualSeed, ops, TransformerEncoderLayer } from '@seqzoo/core';
import { Lambda, Rng, randomData } from '@seqzoo/core/testing';

type BackendName = 'onnxruntime-node' | 'tfjs-wasm' | 'tfjs-cpu';
const quick = process.argv.includes('--quick');

async function timeIt(run: () => Promise<unknown>, reps: number): Promise<number> {
  await run(); // warm-up: session creation, kernel compilation, variable upload
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]; // median
}

function runner(module: Module, inputs: Parameters<typeof infer>[1], backend: BackendName) {
  if (backend === 'onnxruntime-node') return () => infer(module, inputs, { backend: 'onnx' });
  const device = backend === 'tfjs-wasm' ? 'wasm' : 'cpu';
  return () => infer(module, inputs, { backend: 'tfjs', device });
}

interface Row {
  case: string;
  backend: BackendName;
  ms: number;
  ratioToOnnx: number;
  gflops?: number;
}

async function main() {
  manualSeed(0);
  const rng = new Rng(0);
  const backends: BackendName[] = ['onnxruntime-node', 'tfjs-wasm', 'tfjs-cpu'];
  const cases: {
    name: string;
    module: Module;
    inputs: Parameters<typeof infer>[1];
    flops?: number;
    reps: Record<BackendName, number>;
  }[] = [];
  for (const n of [512, 1024]) {
    cases.push({
      name: `matmul ${n}x${n}`,
      module: new Lambda(
        (a, b) => ops.matmul(a, b),
        ['a', 'b'],
        ['c'],
        () => ({}),
      ),
      inputs: { a: randomData(rng, [n, n]), b: randomData(rng, [n, n]) },
      flops: 2 * n ** 3,
      reps: {
        'onnxruntime-node': quick ? 3 : 10,
        'tfjs-wasm': quick ? 3 : 10,
        'tfjs-cpu': n > 512 || quick ? 1 : 3,
      },
    });
  }
  const t = quick ? 200 : 1000;
  const layer = new TransformerEncoderLayer({
    dModel: 256,
    numHeads: 4,
    ffnDim: 1024,
    dropout: 0,
    normFirst: true,
  });
  cases.push({
    name: `encoder layer d=256 T=${t}`,
    module: layer,
    inputs: { input: randomData(rng, [1, t, 256]) },
    reps: { 'onnxruntime-node': quick ? 3 : 10, 'tfjs-wasm': quick ? 2 : 5, 'tfjs-cpu': 1 },
  });
  layer.inputNames = ['input'];

  const rows: Row[] = [];
  for (const c of cases) {
    let anchor = 0;
    for (const b of backends) {
      const ms = await timeIt(runner(c.module, c.inputs, b), c.reps[b]);
      if (b === 'onnxruntime-node') anchor = ms;
      rows.push({
        case: c.name,
        backend: b,
        ms: +ms.toFixed(2),
        ratioToOnnx: +(ms / anchor).toFixed(2),
        ...(c.flops ? { gflops: +(c.flops / ms / 1e6).toFixed(2) } : {}),
      });
    }
  }
  console.log('\n| case | backend | median ms | × onnxruntime-node | GFLOP/s |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.case} | ${r.backend} | ${r.ms} | ${r.ratioToOnnx} | ${r.gflops ?? ''} |`);
  console.log(`\n${JSON.stringify({ bench: 'core-backends', quick, rows })}`);
}

await main();
