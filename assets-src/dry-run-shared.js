/* global window, document, setInterval, clearInterval */
/*
 * Helpers of the modeler tools (dry run, condition check): the modeler instance, the session's
 * CSRF token and the page's translated strings.
 */

/** Calls `callback(modeler)` once the page script has created window.hdModeler (gives up after 60 s). */
export function whenModeler(callback) {
  if (typeof window === 'undefined') return;
  if (window.hdModeler) return void callback(window.hdModeler);
  let tries = 0;
  const timer = setInterval(() => {
    tries += 1;
    if (window.hdModeler) {
      clearInterval(timer);
      callback(window.hdModeler);
    } else if (tries > 600) clearInterval(timer);
  }, 100);
}

export { csrfToken } from './session-fetch.js';

/** Strings of a `<script type="application/json">` block, `{}` when absent or broken. */
export function jsonStrings(id) {
  const node = document.getElementById(id);
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

/** `{name}` placeholders filled. */
export function fill(text, vars) {
  return String(text || '').replace(/\{(\w+)\}/g, (match, name) =>
    name in vars ? String(vars[name]) : match,
  );
}
