// SORT and THREAD (RFC 5256, RFC 5957) as pure functions over what the index stored: base
// subjects, collations, sort keys and ordering, and both threading algorithms.

export * from './base-subject.js';
export * from './collation.js';
export * from './sort-messages.js';
export * from './message-ids.js';
export * from './thread-tree.js';
export * from './references-thread.js';
export * from './ordered-subject-thread.js';
