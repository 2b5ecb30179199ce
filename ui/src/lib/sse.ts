/** One server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
}

/**
 * Parses a text/event-stream incrementally: feed it chunks as they arrive, get complete messages back.
 * Comments (`: keep-alive`) are skipped; a message ends at a blank line.
 */
export function createSseParser() {
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  return (chunk: string): SseMessage[] => {
    buffer += chunk;
    const out: SseMessage[] = [];
    let nl = buffer.search(/\r?\n/);
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === '\r' ? nl + 2 : nl + 1);
      if (line === '') {
        if (data.length > 0) out.push({ event, data: data.join('\n') });
        event = 'message';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      nl = buffer.search(/\r?\n/);
    }
    // A line longer than this is no event Ward sends: drop it rather than grow without bound.
    if (buffer.length > 1_000_000) buffer = '';
    return out;
  };
}
