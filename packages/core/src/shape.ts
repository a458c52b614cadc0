/**
 * Shapes carry numbers for static sizes and strings for symbolic ones (dynamic ONNX axes such as
 * 'batch' or 'time'). Checks compare what is known: two numbers must agree, a symbol matches anything.
 */
export type Dim = number | string;
export type Shape = readonly Dim[];

let symbolCounter = 0;
/** A fresh symbolic size for an output dimension that depends on runtime values. */
export function freshSymbol(hint: string): string {
  symbolCounter += 1;
  return `${hint}_${symbolCounter}`;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function isStatic(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether two dims may be equal (symbols are unknown, so they may). */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

export function normalizeAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new Error(`${where}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Numpy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, where: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (typeof da === 'number' && typeof db === 'number') {
      if (da !== db) {
        throw new Error(
          `${where}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`,
        );
      }
      out.push(da);
    } else out.push(typeof da === 'number' ? da : db);
  }
  return out;
}

/**
 * Checks a tensor's shape against an expected pattern at a module boundary. `null` in the pattern
 * accepts any size; a string names a size that must match wherever else the same string appears.
 */
export function checkShape(
  actual: Shape,
  expected: readonly (Dim | null)[],
  where: string,
  arg: string,
): void {
  const bad = () =>
    new Error(
      `${where}: argument '${arg}' expected shape ${formatShape(expected.map((d) => d ?? '*'))} but received ${formatShape(actual)}`,
    );
  if (actual.length !== expected.length) throw bad();
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (typeof e === 'number' && !dimsCompatible(actual[i], e)) throw bad();
  }
}
