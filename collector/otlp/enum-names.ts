import type { EnumNames } from './wire-reader.js';

/** OTLP enums by their value names, as OTLP/JSON may spell them (`SPAN_KIND_SERVER`); index = number. */
function enumNames(prefix: string, names: readonly string[]): EnumNames {
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    out[`${prefix}_${n}`] = i;
  });
  return out;
}

const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
export const SEVERITY_NUMBER = enumNames('SEVERITY_NUMBER', [
  'UNSPECIFIED',
  ...SEVERITY_LEVELS.flatMap((l) => [l, `${l}2`, `${l}3`, `${l}4`]),
]);
export const SPAN_KIND = enumNames('SPAN_KIND', [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
]);
export const STATUS_CODE = enumNames('STATUS_CODE', ['UNSET', 'OK', 'ERROR']);
export const AGGREGATION_TEMPORALITY = enumNames('AGGREGATION_TEMPORALITY', [
  'UNSPECIFIED',
  'DELTA',
  'CUMULATIVE',
]);
