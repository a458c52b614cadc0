export { MambaEncoder, type MambaEncoderConfig, MambaEncoderLayer, reversalMatrix } from './model.js';
