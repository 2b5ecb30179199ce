export { CustomRedactionPattern, RedactionConfig, type RedactionConfigInput } from './config.js';
export { REDACTION_KINDS, type RedactionKind } from './patterns.js';
export { createRedactor, type Redactor, redactionMarker } from './redactor.js';
