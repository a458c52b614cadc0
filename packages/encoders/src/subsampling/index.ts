export { Conv2dSubsampling, type Conv2dSubsamplingOptions } from './conv2d-subsampling.js';
