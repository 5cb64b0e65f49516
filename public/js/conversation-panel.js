/* global window, document, fetch, DOMParser */
/*
 * Conversation panel of the task and instance pages (templates/partials/conversation-panel.hbs):
 * loads the ticket's conversation page (data-conversation-src, with `back` = this page) and shows
 * its thread (entries and the reply / note form) in place. Sets data-state to ready or failed;
 * on failure the link to the conversation page stays.
 */
(function () {
  'use strict';

  var panel = document.getElementById('conversation-panel');
  var source = panel && panel.getAttribute('data-conversation-src');
  if (!panel || !source) return;

  var back = window.location.pathname + window.location.search;
  fetch(source + '?back=' + encodeURIComponent(back), {
    credentials: 'same-origin',
    headers: { accept: 'text/html' },
  })
    .then(function (response) {
      if (!response.ok) throw new Error('conversation not loaded: ' + response.status);
      return response.text();
    })
    .then(function (html) {
      var page = new DOMParser().parseFromString(html, 'text/html');
      var thread = page.getElementById('conversation-thread');
      if (!thread) throw new Error('conversation thread missing');
      panel.replaceChildren(document.importNode(thread, true));
      panel.setAttribute('data-state', 'ready');
      if (window.location.hash === '#conversation-panel') panel.scrollIntoView();
    })
    .catch(function () {
      panel.setAttribute('data-state', 'failed');
    });
})();
