/**
 * Placeholder contacts (docs/adr/0021-seed-fidelity.md, 2026-11-29): the seeds' escalation
 * matrices are images, so the shipped directory holds addresses at the domains RFC 2606 reserves
 * for examples. They never reach anybody; the admin page and the start-up log say so until an
 * admin replaces them.
 */

/** The domains reserved for documentation (RFC 2606), and any of their subdomains. */
const RESERVED = ['example.org', 'example.com', 'example.net'] as const;

/** True when the address is at a reserved example domain (e.g. `x@example.org`, `y@as.example.org`). */
export function isPlaceholderAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  const domain = address
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  return RESERVED.some((reserved) => domain === reserved || domain.endsWith(`.${reserved}`));
}

/** The placeholder addresses among `addresses`, in order. */
export function placeholderAddresses(addresses: readonly string[]): string[] {
  return addresses.filter(isPlaceholderAddress);
}

/** Each address with its placeholder mark, as the directory pages show them. */
export function placeholderEntries(
  addresses: readonly string[],
): { readonly address: string; readonly placeholder: boolean }[] {
  return addresses.map((address) => ({ address, placeholder: isPlaceholderAddress(address) }));
}
