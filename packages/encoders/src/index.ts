export * from './fastconformer/index.js';
