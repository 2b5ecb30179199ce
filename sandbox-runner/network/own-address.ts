import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { embeddedIpv4 } from './forbidden-address.js';
import { canonicalIp } from './ip-literal.js';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * Why a canonical IP is this machine's, or on one of its links, or null: an address of one of its interfaces
 * (a service listening on all interfaces answers there as on loopback), or one inside an interface's subnet
 * (the gateway, the VM host, neighbours). Private ranges are refused anyway; this catches interfaces on public
 * or documentation ranges. An IPv6 form that carries an IPv4 address (`::ffff:a.b.c.d`) is judged as that.
 * Interfaces are read on each call, since they come and go.
 */
export function ownNetworkReason(ip: string, interfaces: Interfaces = networkInterfaces()): string | null {
  const candidates = [ip, embeddedIpv4(ip)].filter((a): a is string => a !== null && ipaddr.isValid(a));
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  for (const address of candidates) {
    const parsed = ipaddr.parse(address);
    for (const a of all) {
      if (canonicalIp(a.address) === address) return "this machine's own";
    }
    for (const a of all) {
      if (a.cidr === null || !ipaddr.isValidCIDR(a.cidr)) continue;
      const [net, bits] = ipaddr.parseCIDR(a.cidr);
      if (bits > 0 && net.kind() === parsed.kind() && parsed.match([net, bits])) {
        return `this machine's local network (${a.cidr})`;
      }
    }
  }
  return null;
}
