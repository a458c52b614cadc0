import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { TensorData } from '../../tensor.js';

/** The parts of an onnxruntime package (node or web) that seqzoo uses. */
export interface OrtModule {
  InferenceSession: {
    create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (
    type: 'float32' | 'int32' | 'bool',
    data: Float32Array | Int32Array | Uint8Array,
    dims: readonly number[],
  ) => OrtTensor;
}

let ort: OrtModule | undefined;
let sessionOptions: InferenceSession.SessionOptions = {};

/** Uses a given onnxruntime (e.g. `onnxruntime-web` in a bundle, or `onnxruntime-node` with GPU). */
export function setOnnxRuntime(module: OrtModule, options: InferenceSession.SessionOptions = {}): void {
  ort = module;
  sessionOptions = options;
}

export async function onnxRuntime(): Promise<OrtModule> {
  if (!ort) {
    const isNode = typeof process !== 'undefined' && !!process.versions?.node;
    const name = isNode ? 'onnxruntime-node' : 'onnxruntime-web';
    try {
      const m = await import(/* @vite-ignore */ name);
      ort = (m.default ?? m) as OrtModule;
    } catch (e) {
      throw new Error(
        `onnx backend: could not load '${name}' (${(e as Error).message}); install it or call setOnnxRuntime()`,
      );
    }
  }
  return ort;
}

/** One InferenceSession with its `run` calls serialised (web sessions reject concurrent runs). */
export class SerialSession {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly session: InferenceSession) {}

  static async create(bytes: Uint8Array): Promise<SerialSession> {
    const rt = await onnxRuntime();
    return new SerialSession(await rt.InferenceSession.create(bytes, sessionOptions));
  }

  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const next = this.queue.then(async () => {
      const rt = await onnxRuntime();
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        const type =
          t.data instanceof Float32Array ? 'float32' : t.data instanceof Int32Array ? 'int32' : 'bool';
        ortFeeds[name] = new rt.Tensor(type, t.data, t.dims);
      }
      const results = await this.session.run(ortFeeds);
      const out: Record<string, TensorData> = {};
      for (const [name, v] of Object.entries(results)) {
        const data =
          v.data instanceof BigInt64Array ? Int32Array.from(v.data, Number) : (v.data as TensorData['data']);
        out[name] = { data, dims: [...v.dims] };
      }
      return out;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
