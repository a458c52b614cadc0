export * from './align/index.js';
export * from './decode/index.js';
export * from './loss/index.js';
export * from './text/index.js';
