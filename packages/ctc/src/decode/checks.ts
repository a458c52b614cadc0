/** Argument checks shared by the decoders; every message names the function and the argument. */

/** Formats a dims argument for an error message. */
function show(dims: unknown): string {
  return Array.isArray(dims) ? `[${dims.join(', ')}]` : String(dims);
}

/**
 * Checks `dims` against the expected rank (`names` like 'T, C') and that `logProbs` holds exactly their
 * product of values; returns the dims as numbers.
 */
export function checkLogProbs(
  fn: string,
  logProbs: unknown,
  dims: readonly number[],
  names: string,
): number[] {
  const rank = names.split(', ').length;
  if (!Array.isArray(dims) || dims.length !== rank || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${fn}: dims must be [${names}] of non-negative integers, got ${show(dims)}`);
  }
  if (!(logProbs instanceof Float32Array)) {
    throw new Error(
      `${fn}: logProbs must be a Float32Array, got ${Object.prototype.toString.call(logProbs)}`,
    );
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (logProbs.length !== size) {
    throw new Error(
      `${fn}: logProbs has ${logProbs.length} values but dims [${names}] = ${show(dims)} need ${size}`,
    );
  }
  if (dims[dims.length - 1] < 1) throw new Error(`${fn}: dims ${show(dims)} must have at least one class`);
  return [...dims];
}

/** Checks that `blank` is a class id in [0, C). */
export function checkBlank(fn: string, blank: number, C: number): void {
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new Error(`${fn}: blank = ${blank} is out of range [0, C = ${C})`);
  }
}

/** Checks an optional frame count against the available frames; returns it (or T when absent). */
export function checkLength(fn: string, name: string, length: number | undefined, T: number): number {
  if (length === undefined) return T;
  if (!Number.isInteger(length) || length < 0 || length > T) {
    throw new Error(`${fn}: ${name} = ${length} is out of range [0, T = ${T}]`);
  }
  return length;
}

/** Throws when a frame holds NaN: a NaN would silently win or lose every comparison. */
export function checkFrameFinite(fn: string, row: ArrayLike<number>, t: number, where = ''): void {
  for (let c = 0; c < row.length; c++) {
    if (Number.isNaN(row[c])) throw new Error(`${fn}: ${where}logProbs[t = ${t}, c = ${c}] is NaN`);
  }
}
