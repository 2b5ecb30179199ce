/**
 * The relay that runs inside the sandbox, as CommonJS source: startNetworkProxy writes it into the socket
 * directory (so it needs no file from Ward's install inside the sandbox) and the wrapper runs it with node.
 *
 * Usage: node relay.cjs <watch-pid> <port>=<unix-socket>...
 * Listens on 127.0.0.1:<port> for each pair and pipes every connection to its unix socket. Once all listen
 * it writes "ready" to stdout and points stdout/stderr at /dev/null, which ends the wrapper's `$(...)`.
 * It exits when <watch-pid> (the sandboxed command) is gone.
 */
export const RELAY_SOURCE = `'use strict';
const fs = require('node:fs');
const net = require('node:net');

const [watchArg, ...pairs] = process.argv.slice(2);
const watchPid = Number(watchArg);
if (!Number.isInteger(watchPid) || watchPid < 1 || pairs.length === 0) {
  process.stderr.write('usage: relay.cjs <watch-pid> <port>=<unix-socket>...\\n');
  process.exit(2);
}

function detachStdio() {
  // open() takes the lowest free descriptor, so closing 1 then opening /dev/null puts it on 1.
  for (const fd of [1, 2]) {
    fs.closeSync(fd);
    try {
      fs.openSync('/dev/null', 'w');
    } catch {}
  }
}

let waiting = pairs.length;
for (const pair of pairs) {
  const at = pair.indexOf('=');
  const port = Number(pair.slice(0, at));
  const path = pair.slice(at + 1);
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ path, allowHalfOpen: true });
    const endBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', endBoth);
    upstream.on('error', endBoth);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.end());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.on('error', (err) => {
    process.stderr.write('127.0.0.1:' + port + ': ' + err.message + '\\n');
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    waiting -= 1;
    if (waiting > 0) return;
    fs.writeSync(1, 'ready');
    detachStdio();
  });
}

setInterval(() => {
  try {
    process.kill(watchPid, 0);
  } catch (err) {
    if (err.code === 'ESRCH') process.exit(0);
  }
}, 250);
`;
