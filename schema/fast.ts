/**
 * Schema's fast entry, for cold-start paths and ingest worker threads: OTLP wire types, attribute names,
 * network attempts, time helpers and redaction, without the API and workflow schemas. Everything else
 * imports ./index.ts.
 */
export * from './attributes.js';
export * from './network.js';
export * from './otlp.js';
export * from './redact/index.js';
export * from './time.js';
export * from './tool-names.js';
export * from './untrusted-text.js';
