/* global document, fetch */
/*
 * Requests of the analyst pages' scripts under the web session: same-origin cookies and the
 * session's CSRF token in `x-csrf-token` (the page's hidden `_csrf` field).
 */

/** The session's CSRF token (the page's hidden `_csrf` field). */
export function csrfToken() {
  const field = document.querySelector('input[name="_csrf"]');
  return field ? field.value : '';
}

/** POSTs `body` as JSON under the session; answers the fetch Response. */
export function postJson(url, body) {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': csrfToken(),
      accept: 'application/json',
    },
    body: JSON.stringify(body),
  });
}
