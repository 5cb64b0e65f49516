/* global window, document, fetch, CSS, Event, URLSearchParams */
// Requester lookup on the start form (docs/adr/0030): search the directory by phone, email or
// name, confirm a match, and the form's requester fields are filled from the server's `fill` map
// (form key -> value). With `?phone=` (the telephony screen-pop) the caller is looked up at once,
// and `?channel=` preselects the channel. No inline code: CSP allows same-origin scripts only.
(function () {
  'use strict';
  var root = document.getElementById('requester-lookup');
  var form = document.getElementById('start-form');
  if (!root || !form) return;
  var by = document.getElementById('requester-lookup-by');
  var input = document.getElementById('requester-lookup-value');
  var go = document.getElementById('requester-lookup-go');
  var results = document.getElementById('requester-lookup-results');
  var text = {};
  try {
    text = JSON.parse(document.getElementById('requester-lookup-text').textContent || '{}');
  } catch {
    text = {};
  }
  function say(key, name) {
    return String(text[key] || key).replace('{name}', name || '');
  }

  function setField(key, value) {
    var fields = form.querySelectorAll('[name="' + CSS.escape(key) + '"]');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.disabled || field.readOnly) continue;
      if (field.type === 'radio' || field.type === 'checkbox') field.checked = field.value === value;
      else field.value = value;
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }

  function line(tag, content, className) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function confirmMatch(match) {
    Object.keys(match.fill).forEach(function (key) {
      setField(key, match.fill[key]);
    });
    results.textContent = '';
    results.appendChild(line('p', say('confirmed', match.requester.name), 'flash-ok'));
    root.setAttribute('data-confirmed', match.requester.id);
  }

  function describe(requester) {
    return [
      requester.establishment,
      requester.role,
      requester.emails.join(', '),
      requester.phones
        .map(function (p) {
          return '+' + p;
        })
        .join(', '),
    ]
      .filter(Boolean)
      .join(' · ');
  }

  function show(matches) {
    results.textContent = '';
    if (!matches.length) {
      results.appendChild(line('p', say('none'), 'hint'));
      return;
    }
    var list = document.createElement('ul');
    list.className = 'requester-matches';
    matches.forEach(function (match) {
      var item = document.createElement('li');
      item.setAttribute('data-requester', match.requester.id);
      item.appendChild(line('strong', match.requester.name));
      item.appendChild(line('span', ' ' + describe(match.requester)));
      var button = line('button', say('confirm'));
      button.type = 'button';
      button.className = 'requester-confirm';
      button.addEventListener('click', function () {
        confirmMatch(match);
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  function lookup(kind, value, auto) {
    var url = '/requesters/lookup.json?' + new URLSearchParams([[kind, value]]).toString();
    results.textContent = say('searching');
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (answer) {
        if (answer.status === 404) {
          show([]);
          if (kind === 'phone') {
            setField('requesterPhone', value);
            setField('phone', value);
            results.appendChild(line('p', say('unknownCaller'), 'hint'));
          }
          return;
        }
        if (answer.status !== 200) {
          results.textContent =
            (answer.body && answer.body.error && answer.body.error.message) || say('failed');
          return;
        }
        var matches = answer.body.matches || [answer.body];
        if (auto && matches.length === 1) confirmMatch(matches[0]);
        else show(matches);
      })
      .catch(function () {
        results.textContent = say('failed');
      });
  }

  go.addEventListener('click', function () {
    var value = input.value.trim();
    if (value) lookup(by.value, value, false);
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      event.preventDefault();
      go.click();
    }
  });

  var params = new URLSearchParams(window.location.search);
  var channel = params.get('channel');
  if (channel) setField('channel', channel);
  var phone = params.get('phone');
  if (phone) {
    by.value = 'phone';
    input.value = phone;
    lookup('phone', phone, true);
  }
})();
