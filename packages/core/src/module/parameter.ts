import { formatShape } from '../shape.js';

/** Backends keep their own copy of a parameter (a tf.Variable); they register it here to stay in sync. */
export interface ParameterMirror {
  read(): Float32Array;
  write(data: Float32Array): void;
  dispose(): void;
}

/**
 * A named-by-position weight: host data is the source of truth until a trainable backend mirrors it;
 * from then on reads and writes go through the mirror so trained values are what gets saved or exported.
 * `trainable: false` marks buffers (BatchNorm running statistics) that live in the state dict but are
 * not optimised.
 */
export class Parameter {
  readonly shape: readonly number[];
  readonly trainable: boolean;
  private host: Float32Array;
  private mirrors = new Map<object, ParameterMirror>();
  /** Bumped whenever the values may have changed (set, or handed to a backend that can train them). */
  version = 0;

  constructor(data: Float32Array, shape: readonly number[], options: { trainable?: boolean } = {}) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new Error(
        `Parameter: data has ${data.length} values but shape ${formatShape(shape)} needs ${size}`,
      );
    }
    this.host = data;
    this.shape = [...shape];
    this.trainable = options.trainable ?? true;
  }

  get size(): number {
    return this.host.length;
  }

  /** Current values (from the live backend copy when one exists). */
  get data(): Float32Array {
    for (const m of this.mirrors.values()) return m.read();
    return this.host;
  }

  set(data: Float32Array): void {
    if (data.length !== this.host.length) {
      throw new Error(`Parameter.set: expected ${this.host.length} values but received ${data.length}`);
    }
    this.host = new Float32Array(data);
    this.version += 1;
    for (const m of this.mirrors.values()) m.write(this.host);
  }

  mirror<M extends ParameterMirror>(owner: object, create: () => M): M {
    this.version += 1;
    let m = this.mirrors.get(owner);
    if (!m) {
      // Only one backend copy is live at a time: hand the latest values to the new one.
      const current = this.data;
      for (const old of this.mirrors.values()) old.dispose();
      this.mirrors.clear();
      this.host = current;
      m = create();
      this.mirrors.set(owner, m);
    }
    return m as M;
  }

  /** Drops backend copies, keeping their latest values on the host. */
  release(): void {
    this.host = this.data;
    for (const m of this.mirrors.values()) m.dispose();
    this.mirrors.clear();
  }
}
