export { markerBoundary, separatorBoundary, splitWords, type WordBoundary } from './word-boundary.js';
