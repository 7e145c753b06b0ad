import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { isAddressAllowed } from './address-policy.ts';
import { SafeFetchError } from './safe-fetch-error.ts';

type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/**
 * A `lookup` for `net.connect` that resolves the name once and checks every address before the
 * socket sees it. Checking inside the connection's own resolution, rather than resolving first
 * and connecting later, leaves no window in which a second DNS answer can swap a public address
 * for a private one (DNS rebinding). A name whose answers mix allowed and forbidden addresses is
 * refused outright rather than filtered: that is an attack or a misconfiguration either way.
 */
export function createGuardedLookup(resolve: typeof dnsLookup, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const respond = (addresses: LookupAddress[]) => {
      if (addresses.length === 0 || addresses.some((a) => !isAddressAllowed(a.address, { allowLoopback }))) {
        const error = new SafeFetchError('address', `${hostname} resolves to a forbidden address`);
        callback(error as NodeJS.ErrnoException, '', 0);
      } else if (options.all) {
        (callback as unknown as AllCallback)(null, addresses);
      } else {
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      }
    };
    // net.connect skips lookup for IP literals; this branch only guards callers that do not.
    const literalFamily = isIP(hostname);
    if (literalFamily !== 0) {
      respond([{ address: hostname, family: literalFamily }]);
      return;
    }
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) callback(error, '', 0);
      else respond(addresses as unknown as LookupAddress[]);
    });
  };
}
