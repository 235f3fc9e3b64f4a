// The pure pieces of IMAP FETCH that answer from the stored MessageIndex: ENVELOPE,
// BODY/BODYSTRUCTURE, and the byte plans for BODY[section] and BINARY[section].

export * from './imap-value.js';
export * from './envelope.js';
export * from './body-parameters.js';
export * from './body-structure.js';
export * from './section-spec.js';
export * from './part-path.js';
export * from './section.js';
export * from './header-fields.js';
export * from './partial.js';
export * from './binary-decoder.js';
export * from './binary-section.js';
