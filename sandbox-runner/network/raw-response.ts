/** A complete HTTP/1.1 response that closes the connection, written straight to a socket. */
export function rawResponse(status: string, body = ''): string {
  const text = body === '' ? '' : `ward proxy: ${body}\n`;
  return (
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
  );
}
