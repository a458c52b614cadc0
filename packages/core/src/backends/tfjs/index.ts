import * as tf from '@tensorflow/tfjs-core';
import { TfjsBackend } from './tfjs-backend.js';

export { TfjsBackend } from './tfjs-backend.js';

export type TfjsDevice = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

const PACKAGES: Record<TfjsDevice, string> = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

const instances = new Map<TfjsDevice, TfjsBackend>();

async function tryDevice(device: TfjsDevice): Promise<boolean> {
  try {
    if (!tf.findBackendFactory(device)) await import(/* @vite-ignore */ PACKAGES[device]);
    return await tf.setBackend(device);
  } catch {
    return false;
  }
}

function preferredDevices(): TfjsDevice[] {
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (isNode) return ['wasm', 'cpu'];
  const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  return [...(hasGpu ? (['webgpu'] as const) : []), 'webgl', 'wasm', 'cpu'];
}

/**
 * The tfjs backend on `device`, or the best available one: wasm in Node (cpu as fallback); webgpu,
 * webgl, wasm, cpu in the browser. tfjs has one active device at a time, so asking for another
 * device switches it for every tfjs backend object (tensors move over lazily).
 */
export async function tfjsBackend(device?: TfjsDevice): Promise<TfjsBackend> {
  const candidates = device ? [device] : preferredDevices();
  for (const d of candidates) {
    if (await tryDevice(d)) {
      await tf.ready();
      let b = instances.get(d);
      if (!b) {
        b = new TfjsBackend(d);
        instances.set(d, b);
      }
      return b;
    }
  }
  throw new Error(
    `tfjsBackend: no tfjs device could start (tried ${candidates.join(', ')}; install ${candidates.map((d) => PACKAGES[d]).join(' or ')})`,
  );
}
