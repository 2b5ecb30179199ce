import { describe, expect, it } from 'vitest';
import { encodeExportResponse, encodeStatus, RPC_CODE } from './index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('export responses', () => {
  it('full success is the empty message', () => {
    expect(encodeExportResponse('logs', 'protobuf')).toEqual({
      body: new Uint8Array(0),
      contentType: 'application/x-protobuf',
    });
    const json = encodeExportResponse('traces', 'json');
    expect(json.contentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(json.body).toString())).toEqual({});
  });

  it('partial success carries the per-signal rejected count and the message (checked against the wire bytes)', () => {
    // ExportLogsServiceResponse { partial_success(1) { rejected_log_records(1) = 2, error_message(2) = "x" } }
    expect(hex(encodeExportResponse('logs', 'protobuf', { rejected: 2, message: 'x' }).body)).toBe(
      '0a050802120178',
    );
    expect(hex(encodeExportResponse('metrics', 'protobuf', { rejected: 300, message: '' }).body)).toBe(
      '0a0308ac02',
    );
    const json = encodeExportResponse('metrics', 'json', { rejected: 3, message: 'bad points' });
    expect(JSON.parse(Buffer.from(json.body).toString())).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: 'bad points' },
    });
    const spans = encodeExportResponse('traces', 'json', { rejected: 1, message: 'm' });
    expect(JSON.parse(Buffer.from(spans.body).toString()).partialSuccess.rejectedSpans).toBe('1');
  });
});

describe('google.rpc.Status', () => {
  it('encodes code and message in both encodings', () => {
    // Status { code(1) = 3, message(2) = "bad" }
    expect(hex(encodeStatus('protobuf', RPC_CODE.INVALID_ARGUMENT, 'bad').body)).toBe('0803120362616' + '4');
    const json = encodeStatus('json', RPC_CODE.UNAVAILABLE, 'retry later');
    expect(json.contentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(json.body).toString())).toEqual({ code: 14, message: 'retry later' });
    // The body can be handed to Response as is.
    expect(new Response(encodeStatus('protobuf', 3, 'é').body).status).toBe(200);
  });
});
