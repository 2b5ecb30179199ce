import type { OtlpResource, OtlpScope } from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import type { ResourceHeaderMsg, ResourceMsg, ScopeHeaderMsg, ScopeMsg } from './otlp-messages.js';
import { sub } from './walk.js';
import type { WireReader } from './wire-reader.js';

function resource(rd: WireReader, r: ResourceMsg, c: DecodeContext): OtlpResource {
  return {
    attributes: rd.attributes(r, 'attributes', c),
    droppedAttributesCount: rd.uint32(r, 'droppedAttributesCount'),
  };
}

function scope(rd: WireReader, s: ScopeMsg, c: DecodeContext): OtlpScope {
  return {
    name: rd.text(s, 'name', c),
    version: rd.text(s, 'version', c),
    attributes: rd.attributes(s, 'attributes', c),
    droppedAttributesCount: rd.uint32(s, 'droppedAttributesCount'),
  };
}

/** The resource and schema URL every Resource{Logs,Spans,Metrics} message starts with. */
export function resourceHeader(
  rd: WireReader,
  r: ResourceHeaderMsg,
  c: DecodeContext,
): { resource: OtlpResource; schemaUrl: string } {
  return {
    resource: sub(rd, r, 'resource', c, resource) ?? { attributes: {}, droppedAttributesCount: 0 },
    schemaUrl: rd.text(r, 'schemaUrl', c),
  };
}

/** The scope and schema URL every Scope{Logs,Spans,Metrics} message starts with. */
export function scopeHeader(
  rd: WireReader,
  s: ScopeHeaderMsg,
  c: DecodeContext,
): { scope: OtlpScope; schemaUrl: string } {
  return {
    scope: sub(rd, s, 'scope', c, scope) ?? {
      name: '',
      version: '',
      attributes: {},
      droppedAttributesCount: 0,
    },
    schemaUrl: rd.text(s, 'schemaUrl', c),
  };
}
