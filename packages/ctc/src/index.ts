export * from './loss/index.js';
