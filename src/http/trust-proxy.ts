import { isIP } from 'node:net';

/**
 * Express's `trust proxy` as this app allows it: `false` (the default: the socket's
 * address is the client's), a number of proxy hops, or the proxies' addresses and
 * subnets (`10.0.0.0/8`, `::1`, or the names `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = false | number | readonly string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_ENTRIES = 100;
const MAX_HOPS = 10;

/**
 * Reads HELPDESK_TRUST_PROXY. `true` is refused: it would take the client's address
 * from the left end of X-Forwarded-For, which any client can write, and the login
 * throttle counts per address.
 */
export function parseTrustProxy(value: string | undefined, name = 'HELPDESK_TRUST_PROXY'): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true')
    throw new Error(
      `${name}=true would trust any X-Forwarded-For a client sends; give the number of proxy hops or the proxies' addresses`,
    );
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) throw new Error(`${name} must be at most ${MAX_HOPS} hops, got "${text}"`);
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length > MAX_ENTRIES) throw new Error(`${name} lists more than ${MAX_ENTRIES} entries`);
  for (const entry of entries)
    if (!validEntry(entry))
      throw new Error(
        `${name} entry "${entry.slice(0, 60)}" is not an address, a subnet (address/bits) or loopback, linklocal, uniquelocal`,
      );
  return entries;
}

function validEntry(entry: string): boolean {
  if (NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
