/* global window, document, fetch, setTimeout, clearTimeout */
/*
 * Bundle entry of the analyst form editor (scripts/build-assets.mjs → public/build/form-editor.js):
 * the form-js editor with a live preview (form-js viewer), saving each edit as a new form
 * version (POST JSON → { version } or { error: { details: [{ path, message }] } }).
 * Page: templates/pages/analyst/form-editor.hbs. Exposes window.hdFormEditor for tests.
 */
import { Form, FormEditor } from '@bpmn-io/form-js';
import './csp-style-mount.js';
import { postJson } from './session-fetch.js';

import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';

const PREVIEW_DELAY_MS = 300;

async function start() {
  const config = JSON.parse(document.getElementById('form-editor-config').textContent);
  const messages = document.getElementById('form-editor-messages').dataset;
  const box = document.getElementById('form-editor-canvas');
  const previewBox = document.getElementById('form-editor-preview');
  const status = document.getElementById('form-editor-status');
  const issues = document.getElementById('form-editor-issues');
  const saveButton = document.getElementById('form-editor-save');

  const response = await fetch(config.schemaUrl, { credentials: 'same-origin' });
  if (!response.ok) throw new Error('HTTP ' + response.status);
  const loaded = await response.json();
  const editor = new FormEditor({ container: box });
  const preview = new Form({ container: previewBox });
  window.hdFormEditor = editor;
  window.hdFormPreview = preview;
  await editor.importSchema(loaded.schema);
  await preview.importSchema(loaded.schema);

  let timer;
  editor.on('changed', () => {
    clearTimeout(timer);
    status.textContent = messages.unsaved;
    timer = setTimeout(() => {
      preview.importSchema(editor.saveSchema()).catch((error) => {
        status.textContent = messages.previewFailed + ' ' + error.message;
      });
    }, PREVIEW_DELAY_MS);
  });

  const showIssues = (details) => {
    issues.textContent = '';
    for (const issue of details || []) {
      const item = document.createElement('li');
      item.setAttribute('data-field', issue.path || '');
      const code = document.createElement('code');
      code.textContent = issue.path || '';
      item.append(code, ' ' + (issue.message || ''));
      issues.appendChild(item);
    }
    issues.hidden = !issues.children.length;
  };

  saveButton.addEventListener('click', async () => {
    saveButton.disabled = true;
    status.textContent = messages.saving;
    try {
      const answer = await postJson(config.saveUrl, { schema: editor.saveSchema() });
      const body = await answer.json().catch(() => ({}));
      if (!answer.ok) {
        status.textContent =
          messages.saveFailed + ' ' + ((body.error && body.error.message) || answer.status);
        showIssues(body.error && body.error.details);
        return;
      }
      showIssues([]);
      status.textContent = (body.created ? messages.saved : messages.unchanged) + ' ';
      const strong = document.createElement('strong');
      strong.setAttribute('data-version', String(body.version));
      strong.textContent = String(body.version);
      status.appendChild(strong);
    } catch (error) {
      status.textContent = messages.saveFailed + ' ' + error.message;
    } finally {
      saveButton.disabled = false;
    }
  });
  box.setAttribute('data-state', 'ready');
}

start().catch((error) => {
  const box = document.getElementById('form-editor-canvas');
  box.setAttribute('data-state', 'failed');
  const status = document.getElementById('form-editor-status');
  status.textContent =
    document.getElementById('form-editor-messages').dataset.loadFailed + ' ' + error.message;
});
