const AGENT_PAGE = /^\/(?:inbox(?:\?[^\\\s]*)?|tasks\/[^/\\\s?#]+)$/;

/**
 * Where a claim / unclaim / assign form goes back to: the `next` field when it is an
 * agent page of this site (the inbox with its filters, or a task page), else the inbox.
 */
export function backTo(next: unknown): string {
  return typeof next === 'string' && next.length <= 2000 && AGENT_PAGE.test(next) ? next : '/inbox';
}
