import type {
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
  OtlpTracesRequest,
} from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import { mapAt, rethrowAt } from './errors.js';
import {
  type PbKeyValue,
  type PbResource,
  type PbScope,
  pbAttributes,
  pbResourceHeader,
  pbScopeHeader,
} from './pb-common.js';
import { idToHex, utf8, type Wire64, wireUint64Decimal } from './wire-values.js';

interface PbSpanEvent {
  timeUnixNano: Wire64;
  name: Uint8Array;
  attributes: PbKeyValue[];
}
interface PbSpanLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: Uint8Array;
  attributes: PbKeyValue[];
}
interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: Uint8Array;
  parentSpanId: Uint8Array;
  flags: number;
  name: Uint8Array;
  kind: number;
  startTimeUnixNano: Wire64;
  endTimeUnixNano: Wire64;
  attributes: PbKeyValue[];
  events: PbSpanEvent[];
  links: PbSpanLink[];
  status: { message: Uint8Array; code: number } | null;
}
interface PbScopeSpans {
  scope: PbScope | null;
  spans: PbSpan[];
  schemaUrl: Uint8Array;
}
interface PbResourceSpans {
  resource: PbResource | null;
  scopeSpans: PbScopeSpans[];
  schemaUrl: Uint8Array;
}
export interface PbTracesRequest {
  resourceSpans: PbResourceSpans[];
}

function spanEvent(e: PbSpanEvent, c: DecodeContext): OtlpSpanEvent {
  c.field = 'name';
  const name = utf8(e.name);
  return {
    timeUnixNano: wireUint64Decimal(e.timeUnixNano),
    name,
    attributes: pbAttributes(e.attributes, c, 'attributes'),
  };
}

function spanLink(l: PbSpanLink, c: DecodeContext): OtlpSpanLink {
  c.field = 'traceId';
  const traceId = idToHex(l.traceId, 16);
  c.field = 'spanId';
  const spanId = idToHex(l.spanId, 8);
  c.field = 'traceState';
  const traceState = utf8(l.traceState);
  return { traceId, spanId, traceState, attributes: pbAttributes(l.attributes, c, 'attributes') };
}

function span(s: PbSpan, c: DecodeContext): OtlpSpan {
  c.field = 'traceId';
  const traceId = idToHex(s.traceId, 16);
  c.field = 'spanId';
  const spanId = idToHex(s.spanId, 8);
  c.field = 'parentSpanId';
  const parentSpanId = idToHex(s.parentSpanId, 8);
  c.field = 'traceState';
  const traceState = utf8(s.traceState);
  c.field = 'name';
  const name = utf8(s.name);
  c.field = 'status.message';
  const status =
    s.status === null ? { code: 0, message: '' } : { code: s.status.code, message: utf8(s.status.message) };
  const attributes = pbAttributes(s.attributes, c, 'attributes');
  const events: OtlpSpanEvent[] = new Array(s.events.length);
  for (let i = 0; i < events.length; i++) {
    try {
      events[i] = spanEvent(s.events[i]!, c);
    } catch (e) {
      rethrowAt(e, `events[${i}]`, c.field);
    }
  }
  const links: OtlpSpanLink[] = new Array(s.links.length);
  for (let i = 0; i < links.length; i++) {
    try {
      links[i] = spanLink(s.links[i]!, c);
    } catch (e) {
      rethrowAt(e, `links[${i}]`, c.field);
    }
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags: s.flags,
    name,
    kind: s.kind,
    startTimeUnixNano: wireUint64Decimal(s.startTimeUnixNano),
    endTimeUnixNano: wireUint64Decimal(s.endTimeUnixNano),
    attributes,
    events,
    links,
    status,
  };
}

function scopeSpans(s: PbScopeSpans, c: DecodeContext): OtlpScopeSpans {
  const spans = mapAt(s.spans, 'spans', c, span);
  return { ...pbScopeHeader(s, c), spans };
}

function resourceSpans(r: PbResourceSpans, c: DecodeContext): OtlpResourceSpans {
  const out = mapAt(r.scopeSpans, 'scopeSpans', c, scopeSpans);
  return { ...pbResourceHeader(r, c), scopeSpans: out };
}

/** Converts a decoded ExportTraceServiceRequest in one pass. */
export function pbTracesRequest(m: PbTracesRequest, c: DecodeContext): OtlpTracesRequest {
  const out = mapAt(m.resourceSpans, 'resourceSpans', c, resourceSpans);
  return { resourceSpans: out };
}
