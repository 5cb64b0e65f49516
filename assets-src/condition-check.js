/* global window, document, setTimeout, clearTimeout */
/*
 * Live check of conditions in the modeler (issue 13): when the analyst types a sequence flow's
 * (or conditional event's) condition in the properties panel, the text is sent, debounced, to
 * POST /analyst/expressions/check (the server's expression language). The answer shows under the
 * panel's field, and an invalid condition marks its element on the canvas (marker and badge).
 * Waits for the page script to create the modeler (window.hdModeler, public/js/analyst-modeler.js).
 */
import { whenModeler, jsonStrings } from './dry-run-shared.js';
import { postJson } from './session-fetch.js';

const CHECK_URL = '/analyst/expressions/check';
const DEBOUNCE_MS = 350;
const MARKER = 'hd-condition-invalid';
const ISSUE_MARKER = 'analyst-issue';
const OVERLAY = 'hd-condition';
const NOTE_CLASS = 'hd-condition-note';

/** The condition text of an element, or undefined when it has no condition expression. */
function conditionOf(element) {
  const bo = element && element.businessObject;
  if (!bo) return undefined;
  if (
    bo.conditionExpression &&
    typeof bo.conditionExpression.body === 'string' &&
    !bo.conditionExpression.language
  )
    return bo.conditionExpression.body;
  const definition = (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:ConditionalEventDefinition');
  const condition = definition && definition.condition;
  return condition && typeof condition.body === 'string' && !condition.language ? condition.body : undefined;
}

function start(modeler) {
  const strings = jsonStrings('modelertools-condition-strings');
  const results = new Map(); // element id → { text, ok, message }
  const timers = new Map();
  const canvas = modeler.get('canvas');
  const overlays = modeler.get('overlays');
  const registry = modeler.get('elementRegistry');
  const eventBus = modeler.get('eventBus');

  function mark(element, result) {
    overlays.remove({ element, type: OVERLAY });
    if (result && !result.ok) {
      canvas.addMarker(element, MARKER);
      canvas.addMarker(element, ISSUE_MARKER);
      const badge = document.createElement('span');
      badge.className = 'hd-issue-badge';
      badge.setAttribute('data-condition-of', element.id);
      badge.setAttribute('role', 'img');
      badge.setAttribute('aria-label', (strings.marker || '') + ': ' + result.message);
      badge.title = result.message;
      badge.textContent = '!';
      overlays.add(element, OVERLAY, { position: { top: -10, left: -10 }, html: badge });
    } else if (canvas.hasMarker(element, MARKER)) {
      canvas.removeMarker(element, MARKER);
      canvas.removeMarker(element, ISSUE_MARKER);
    }
  }

  /** The note under the panel's condition field, for the selected element. */
  function showNote() {
    const selected = modeler.get('selection').get();
    const element = selected.length === 1 ? selected[0] : undefined;
    const entry = document.querySelector('#modeler-panel [data-entry-id="conditionExpression"]');
    const old = document.querySelectorAll('#modeler-panel .' + NOTE_CLASS);
    old.forEach((node) => {
      if (!entry || node.parentNode !== entry) node.remove();
    });
    if (!entry || !element) return;
    const result = results.get(element.id);
    let note = entry.querySelector('.' + NOTE_CLASS);
    if (!result) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement('p');
      note.setAttribute('role', 'status');
      note.setAttribute('aria-live', 'polite');
      entry.appendChild(note);
    }
    // The panel's own styles: an error like its field errors, else a field description.
    note.className =
      NOTE_CLASS + (result.ok ? ' bio-properties-panel-description' : ' bio-properties-panel-error');
    note.id = 'hd-condition-note';
    note.setAttribute('data-ok', result.pending ? 'pending' : String(result.ok));
    note.textContent = result.message;
  }

  async function check(element, text) {
    try {
      const response = await postJson(CHECK_URL, { expression: text });
      const body = await response.json();
      if (conditionOf(registry.get(element.id)) !== text) return; // typed on meanwhile
      const result = response.ok
        ? {
            text,
            ok: body.ok === true,
            message: body.ok ? strings.ok : body.message,
            position: body.position,
          }
        : { text, ok: true, message: strings.unreachable };
      results.set(element.id, result);
      mark(element, result);
    } catch {
      results.set(element.id, { text, ok: true, message: strings.unreachable });
    }
    showNote();
  }

  function schedule(element) {
    const text = conditionOf(element);
    const known = results.get(element.id);
    if (text === undefined || !text.trim()) {
      if (known) {
        results.delete(element.id);
        mark(element, undefined);
      }
      return;
    }
    if (known && known.text === text) return;
    results.set(element.id, { text: undefined, ok: true, pending: true, message: strings.checking });
    clearTimeout(timers.get(element.id));
    timers.set(
      element.id,
      setTimeout(() => check(element, text), DEBOUNCE_MS),
    );
    showNote();
  }

  eventBus.on('elements.changed', ({ elements }) => {
    for (const element of elements.slice(0, 200)) if (element.businessObject) schedule(element);
  });
  // Listeners return nothing: a value returned to diagram-js's event bus stops the event.
  eventBus.on(['selection.changed', 'propertiesPanel.updated'], () => {
    setTimeout(showNote, 0);
  });
  // Conditions already in the diagram are checked once it is loaded.
  eventBus.on('import.done', () => {
    registry.forEach((element) => schedule(element));
  });
  registry.forEach((element) => schedule(element));

  window.hdConditionCheck = { results };
}

whenModeler(start);
