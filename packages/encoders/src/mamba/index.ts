export {
  MambaEncoder,
  type MambaEncoderConfig,
  MambaEncoderLayer,
  reversalIndices,
  reverseValid,
} from './model.js';
