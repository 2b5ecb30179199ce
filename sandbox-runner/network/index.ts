export { type AllowEntry, DEFAULT_PORTS, parseAllowEntry } from './allow-entry.js';
export { type DecideFn, type DenyFn, type ResolveFn, systemResolve } from './connection-policy.js';
export { isForbiddenAddress } from './forbidden-address.js';
export { canonicalIp } from './ip-literal.js';
export {
  RELAY_FAILED_EXIT,
  SANDBOX_HTTP_PORT,
  SANDBOX_SOCKS_PORT,
  type SandboxNetworkSetup,
  sandboxNetworkSetup,
} from './sandbox-setup.js';
export { type NetworkProxy, type NetworkProxyOptions, startNetworkProxy } from './start-network-proxy.js';
