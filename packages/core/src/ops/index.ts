export * from './conv.js';
export * from './elementwise.js';
export * from './linalg.js';
export * from './nn.js';
export * from './reduce.js';
export * from './scan.js';
export * from './shape-ops.js';
export { constant, type TensorLike, tensorOf } from './util.js';
