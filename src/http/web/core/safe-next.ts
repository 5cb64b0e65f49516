/**
 * The `next` path to go to after login, when it is a same-origin path (not the
 * login page itself); otherwise undefined. Blocks `//host`, `/\host`, absolute URLs and
 * dot segments that normalise into `//host`.
 */
export function safeNextPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 2000) return undefined;
  if (next.startsWith('//') || next.includes('\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(next)) return undefined;
  let url: URL;
  try {
    url = new URL(next, 'http://same.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://same.invalid') return undefined;
  if (url.pathname === '/login' || url.pathname === '/logout') return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can normalise into `//host` (e.g. `/.//evil`), which browsers read as another origin.
  return path.startsWith('//') || path.startsWith('/\\') ? undefined : path;
}
