/* global window, document, fetch */
/*
 * "Dry run" in the modeler (issue 13, ADR 0031): the diagram as drawn (unsaved) is started as a
 * throwaway ticket (POST /analyst/dry-runs, no email leaves it); its open tasks are listed and the
 * analyst completes them with JSON data; "Discard" cancels the run (DELETE). The box lives in
 * templates/partials/modelertools-dry-run.hbs; every text is set with textContent.
 */
import { csrfToken, fill, jsonStrings, whenModeler } from './dry-run-shared.js';
import './condition-check.js';

const BASE = '/analyst/dry-runs';

async function call(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      'x-csrf-token': csrfToken(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer.error || {
      code: String(response.status),
      message: response.statusText,
      details: [],
    };
    throw Object.assign(new Error(error.message), { details: error.details || [], code: error.code });
  }
  return answer;
}

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function start(modeler) {
  const box = document.getElementById('dry-run-box');
  const toggle = document.getElementById('dry-run-toggle');
  const toolbar = document.getElementById('modeler-toolbar');
  if (!box || !toggle) return;
  const strings = jsonStrings('modelertools-dry-run-strings');
  const part = (name) => box.querySelector('[data-part="' + name + '"]');
  const messageBox = document.getElementById('dry-run-message');
  const stateBox = document.getElementById('dry-run-state');
  const startButton = document.getElementById('dry-run-start');
  const startData = document.getElementById('dry-run-start-data');
  let run; // the current state

  const simulate = document.getElementById('modeler-simulate');
  if (toolbar) toolbar.insertBefore(toggle, simulate ? simulate.nextSibling : null);
  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    box.hidden = !box.hidden;
    toggle.setAttribute('aria-expanded', String(!box.hidden));
  });

  function say(text, details, kind) {
    messageBox.textContent = '';
    messageBox.className = 'dry-run-message' + (kind ? ' dry-run-' + kind : '');
    if (!text) return;
    messageBox.appendChild(element('span', {}, text));
    if (details && details.length) {
      const list = element('ul', { class: 'analyst-issue-list' });
      for (const detail of details.slice(0, 50))
        list.appendChild(element('li', {}, detail.message || detail.path));
      messageBox.appendChild(list);
    }
  }

  function parseJson(text, field) {
    const trimmed = (text || '').trim();
    if (!trimmed) return {};
    try {
      const value = JSON.parse(trimmed);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('{ … }');
      return value;
    } catch (error) {
      throw Object.assign(new Error(fill(strings.badJson, { field, problem: error.message })), {
        details: [],
      });
    }
  }

  function taskItem(task) {
    const item = element('li', {
      'data-task-id': task.id,
      'data-activity-id': task.activityId,
      class: 'dry-run-task',
    });
    item.appendChild(element('strong', {}, task.name || task.activityId));
    const groups = (task.candidateGroups || []).join(', ');
    if (groups || task.formKey)
      item.appendChild(element('small', {}, ' ' + [groups, task.formKey].filter(Boolean).join(' · ')));
    const id = 'dry-run-data-' + task.activityId;
    item.appendChild(element('label', { for: id }, strings.data));
    const data = element('textarea', { id, rows: '3', spellcheck: 'false', 'data-part': 'task-data' }, '{}');
    item.appendChild(data);
    const button = element('button', { type: 'button', 'data-action': 'complete' }, strings.complete);
    button.addEventListener('click', () =>
      act(button, async () => {
        const body = parseJson(data.value, strings.data);
        show(
          await call(
            'POST',
            BASE +
              '/' +
              encodeURIComponent(run.instanceId) +
              '/tasks/' +
              encodeURIComponent(task.id) +
              '/complete',
            body,
          ),
        );
      }),
    );
    item.appendChild(button);
    return item;
  }

  function show(state) {
    run = state;
    stateBox.hidden = false;
    part('ticket').textContent = state.businessKey;
    part('status').textContent = state.status;
    part('status').setAttribute('data-status', state.status);
    const tasks = part('tasks');
    tasks.textContent = '';
    for (const task of state.tasks || []) tasks.appendChild(taskItem(task));
    part('no-tasks').hidden = (state.tasks || []).length > 0;
    const waits = (state.awaiting || [])
      .map((a) => a.kind + ' ' + a.name)
      .concat(
        (state.timers || []).map(
          (t) => strings.timers + ': ' + t.activityId + ' ' + new Date(t.dueAt).toLocaleString(),
        ),
      );
    part('awaiting').textContent = waits.join(', ');
    part('awaiting-row').hidden = waits.length === 0;
    part('variables').textContent = JSON.stringify(state.variables || {}, null, 2);
    const notes = []
      .concat(
        state.silenced && state.silenced.length ? [strings.silenced + ': ' + state.silenced.join(', ')] : [],
      )
      .concat((state.warnings || []).map((w) => w.message));
    part('notes').textContent = notes.join(' · ');
    say(state.error ? strings.failed + ' ' + state.error : '', [], state.error ? 'error' : '');
  }

  async function act(button, work) {
    button.disabled = true;
    try {
      await work();
    } catch (error) {
      say((strings.failed || '') + ' ' + error.message, error.details, 'error');
    } finally {
      button.disabled = false;
    }
  }

  startButton.addEventListener('click', () =>
    act(startButton, async () => {
      const variables = parseJson(startData.value, strings.startData);
      if (run) await call('DELETE', BASE + '/' + encodeURIComponent(run.instanceId)).catch(() => undefined);
      run = undefined;
      say(strings.starting);
      const { xml } = await modeler.saveXML({ format: false });
      show(await call('POST', BASE, { xml, variables }));
    }),
  );

  const discard = document.getElementById('dry-run-discard');
  discard.addEventListener('click', () =>
    act(discard, async () => {
      if (!run) return;
      await call('DELETE', BASE + '/' + encodeURIComponent(run.instanceId));
      run = undefined;
      stateBox.hidden = true;
      say(strings.discarded, [], 'ok');
    }),
  );

  window.hdDryRun = { state: () => run };
}

whenModeler(start);
