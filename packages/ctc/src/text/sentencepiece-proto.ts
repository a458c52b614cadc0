import protobuf from 'protobufjs/light.js';

/**
 * The parts of SentencePiece's `ModelProto` (google/sentencepiece `src/sentencepiece_model.proto`, proto2)
 * that encoding and decoding need. Field numbers and proto2 defaults are those of the .proto file;
 * unknown fields are skipped by protobufjs.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    sentencepiece: {
      nested: {
        ModelProto: {
          fields: {
            pieces: { rule: 'repeated', type: 'SentencePiece', id: 1 },
            trainerSpec: { type: 'TrainerSpec', id: 2 },
            normalizerSpec: { type: 'NormalizerSpec', id: 3 },
          },
          nested: {
            SentencePiece: {
              fields: {
                piece: { type: 'string', id: 1 },
                score: { type: 'float', id: 2 },
                type: { type: 'Type', id: 3, options: { default: 'NORMAL' } },
              },
              nested: {
                Type: { values: { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } },
              },
            },
          },
        },
        TrainerSpec: {
          fields: {
            modelType: { type: 'ModelType', id: 3, options: { default: 'UNIGRAM' } },
            vocabSize: { type: 'int32', id: 4, options: { default: 8000 } },
            treatWhitespaceAsSuffix: { type: 'bool', id: 24, options: { default: false } },
            byteFallback: { type: 'bool', id: 35, options: { default: false } },
            unkId: { type: 'int32', id: 40, options: { default: 0 } },
            bosId: { type: 'int32', id: 41, options: { default: 1 } },
            eosId: { type: 'int32', id: 42, options: { default: 2 } },
            padId: { type: 'int32', id: 43, options: { default: -1 } },
            unkSurface: { type: 'string', id: 44, options: { default: ' \u2047 ' } },
          },
          nested: { ModelType: { values: { UNIGRAM: 1, BPE: 2, WORD: 3, CHAR: 4 } } },
        },
        NormalizerSpec: {
          fields: {
            name: { type: 'string', id: 1 },
            precompiledCharsmap: { type: 'bytes', id: 2 },
            addDummyPrefix: { type: 'bool', id: 3, options: { default: true } },
            removeExtraWhitespaces: { type: 'bool', id: 4, options: { default: true } },
            escapeWhitespaces: { type: 'bool', id: 5, options: { default: true } },
          },
        },
      },
    },
  },
});
const ModelProto = root.lookupType('sentencepiece.ModelProto');

/** SentencePiece piece types (sentencepiece_model.proto `SentencePiece.Type`). */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export type SentencePieceModelType = 'unigram' | 'bpe' | 'word' | 'char';

/** A parsed `.model` file. */
export interface SentencePieceModelData {
  pieces: Array<{ piece: string; score: number; type: number }>;
  modelType: SentencePieceModelType;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkSurface: string;
  normalizer: {
    name: string;
    /** The precompiled normalisation map (empty for identity rules). */
    precompiledCharsmap: Uint8Array;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
  };
}

interface RawModel {
  pieces?: Array<{ piece?: string; score?: number; type?: number }>;
  trainerSpec?: Record<string, unknown>;
  normalizerSpec?: Record<string, unknown>;
}

const MODEL_TYPES: Record<number, SentencePieceModelType> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' };

/** Decodes the bytes of a SentencePiece `.model` file; throws a clear error on anything else. */
export function parseSentencePieceModel(bytes: Uint8Array): SentencePieceModelData {
  const fn = 'parseSentencePieceModel';
  let raw: RawModel;
  try {
    const msg = ModelProto.decode(bytes);
    raw = ModelProto.toObject(msg, { defaults: true, enums: Number, longs: Number }) as RawModel;
  } catch (e) {
    throw new Error(
      `${fn}: bytes (length ${bytes.length}) are not a SentencePiece model protobuf: ${(e as Error).message}`,
    );
  }
  const pieces = (raw.pieces ?? []).map((p, i) => {
    if (!p.piece) throw new Error(`${fn}: pieces[${i}] has an empty piece string`);
    return { piece: p.piece, score: p.score ?? 0, type: p.type ?? PieceType.NORMAL };
  });
  if (pieces.length === 0)
    throw new Error(`${fn}: the model has no pieces (is this a SentencePiece .model file?)`);
  // An absent sub-message still carries its proto2 defaults.
  const ts = ModelProto.lookupType('sentencepiece.TrainerSpec');
  const ns = ModelProto.lookupType('sentencepiece.NormalizerSpec');
  const t = (raw.trainerSpec ?? ts.toObject(ts.create({}), { defaults: true, enums: Number })) as Record<
    string,
    unknown
  >;
  const n = (raw.normalizerSpec ?? ns.toObject(ns.create({}), { defaults: true })) as Record<string, unknown>;
  const modelType = MODEL_TYPES[t.modelType as number];
  if (!modelType) throw new Error(`${fn}: trainer_spec.model_type ${String(t.modelType)} is not one of 1..4`);
  const unkId = t.unkId as number;
  if (!(unkId >= 0 && unkId < pieces.length)) {
    throw new Error(`${fn}: trainer_spec.unk_id ${unkId} is out of range [0, ${pieces.length})`);
  }
  return {
    pieces,
    modelType,
    byteFallback: Boolean(t.byteFallback),
    treatWhitespaceAsSuffix: Boolean(t.treatWhitespaceAsSuffix),
    unkId,
    bosId: t.bosId as number,
    eosId: t.eosId as number,
    padId: t.padId as number,
    unkSurface: t.unkSurface as string,
    normalizer: {
      name: (n.name as string) ?? '',
      precompiledCharsmap: n.precompiledCharsmap
        ? new Uint8Array(n.precompiledCharsmap as Uint8Array)
        : new Uint8Array(0),
      addDummyPrefix: Boolean(n.addDummyPrefix),
      removeExtraWhitespaces: Boolean(n.removeExtraWhitespaces),
      escapeWhitespaces: Boolean(n.escapeWhitespaces),
    },
  };
}
