import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse.js';

describe('server-sent events parser', () => {
  it('assembles events split across chunks, skips comments, joins multi-line data', () => {
    const parse = createSseParser();
    expect(parse('event: appro')).toEqual([]);
    expect(parse('val\ndata: {"id":1}\n')).toEqual([]);
    expect(parse('\n: keep-alive\n\nevent: alert\r\ndata: a\r\ndata: b\r\n\r\n')).toEqual([
      { event: 'approval', data: '{"id":1}' },
      { event: 'alert', data: 'a\nb' },
    ]);
  });
});
