/* global window, document, fetch */
/*
 * The analyst's bpmn-js modeler (templates/pages/analyst/modeler.hbs), from the bundle
 * public/build/modeler.js (Camunda 7 properties panel, token simulation; docs/adr/0028).
 * Loads the procedure's XML, saves it as a new version (POST XML → JSON) and lists
 * the server's issues by element id, marking each element with an overlay whose tooltip is
 * the issue in the user's language; clicking one in the list selects that element.
 * The modeler instance is exposed as window.hdModeler for tests and the console.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('modeler-config').textContent);
  var messages = document.getElementById('modeler-messages').dataset;
  var reasonsScript = document.getElementById('modeler-reasons');
  var reasons = reasonsScript ? JSON.parse(reasonsScript.textContent || '{}') : {};
  // What each kind of problem means and how to fix it, in the user's language (templates/i18n/*/issues.json).
  var explanations = jsonBlock('modeler-explain');
  var canvasBox = document.getElementById('modeler-canvas');
  var toolbar = document.getElementById('modeler-toolbar');
  var saveButton = document.getElementById('modeler-save');
  var statusBox = document.getElementById('modeler-status');
  var issuesBox = document.getElementById('modeler-issues');
  var panelBox = document.getElementById('modeler-panel');
  var simulateButton = document.getElementById('modeler-simulate');
  var ISSUE_MARKER = 'analyst-issue';
  var ISSUE_OVERLAY = 'hd-issue';

  function csrfToken() {
    var field = document.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }

  function setStatus(text, version, kind) {
    statusBox.textContent = text;
    statusBox.className = 'analyst-status' + (kind ? ' analyst-status-' + kind : '');
    if (version !== undefined) {
      var strong = document.createElement('strong');
      strong.setAttribute('data-version', String(version));
      strong.textContent = ' ' + version;
      statusBox.appendChild(strong);
    }
  }

  function part(name) {
    return issuesBox.querySelector('[data-part="' + name + '"]');
  }

  function clearIssues(modeler) {
    issuesBox.hidden = true;
    part('list').textContent = '';
    var canvas = modeler.get('canvas');
    modeler.get('elementRegistry').forEach(function (element) {
      canvas.removeMarker(element, ISSUE_MARKER);
    });
    modeler.get('overlays').remove({ type: ISSUE_OVERLAY });
  }

  /** A badge on the element; its tooltip (and accessible name) is the issue in the user's language. */
  function addIssueOverlay(modeler, element, text, kind) {
    var badge = document.createElement('span');
    badge.className = 'hd-issue-badge' + (kind === 'warning' ? ' hd-issue-badge-warning' : '');
    badge.setAttribute('data-element-id', element.id);
    badge.setAttribute('role', 'img');
    badge.setAttribute('aria-label', (messages.issueMarker || '') + ': ' + text);
    badge.title = text;
    badge.textContent = '!';
    var position = element.waypoints ? { top: -10, left: -10 } : { top: -10, right: 10 };
    modeler.get('overlays').add(element, ISSUE_OVERLAY, { position: position, html: badge });
  }

  /** The diagram element an issue is about, when its path is an element id that is drawn. */
  function elementOf(modeler, path) {
    var element = modeler.get('elementRegistry').get(path);
    if (!element || element === modeler.get('canvas').getRootElement()) return undefined;
    return element;
  }

  function focusElement(modeler, element) {
    modeler.get('selection').select(element);
    var canvas = modeler.get('canvas');
    if (typeof canvas.scrollToElement === 'function') canvas.scrollToElement(element);
  }

  function issueItem(modeler, issue, kind) {
    var item = document.createElement('li');
    item.setAttribute('data-element-id', issue.path);
    var element = elementOf(modeler, issue.path);
    var label;
    if (element) {
      label = document.createElement('button');
      label.type = 'button';
      label.className = 'analyst-issue-link';
      label.addEventListener('click', function () {
        focusElement(modeler, element);
      });
      modeler.get('canvas').addMarker(element, ISSUE_MARKER);
      addIssueOverlay(modeler, element, issueText(issue), kind);
    } else {
      label = document.createElement('code');
      label.title = messages.notInDiagram;
    }
    label.textContent = issue.path;
    item.appendChild(label);
    // A heading in the user's language for the kind of problem; the message names the element.
    var heading = document.createElement('strong');
    heading.className = 'analyst-issue-reason';
    heading.textContent = ' ' + (reasons[issue.reason] || reasons.other || '') + ':';
    item.appendChild(heading);
    if (explanations[issue.reason]) item.appendChild(document.createTextNode(' ' + explanations[issue.reason]));
    // The server's detail names the element and the value; it is in English.
    var detail = document.createElement('small');
    detail.className = 'analyst-issue-detail';
    detail.lang = 'en';
    detail.textContent = issue.message;
    item.appendChild(detail);
    return item;
  }

  /** An issue as one line for a tooltip: kind, what to do (user's language), then the server's detail. */
  function issueText(issue) {
    var explanation = explanations[issue.reason];
    var heading = reasons[issue.reason] || reasons.other || '';
    return heading + ': ' + (explanation ? explanation + ' (' + issue.message + ')' : issue.message);
  }

  function showIssues(modeler, title, message, issues, kind) {
    clearIssues(modeler);
    issuesBox.className = 'analyst-issues' + (kind === 'warning' ? ' analyst-issues-warning' : '');
    issuesBox.setAttribute('role', kind === 'warning' ? 'status' : 'alert');
    part('title').textContent = title;
    // The message repeats the issues; it is only worth showing when there is no list.
    part('message').textContent = issues && issues.length ? '' : message || '';
    var list = part('list');
    (issues || []).forEach(function (issue) {
      list.appendChild(issueItem(modeler, issue, kind));
    });
    issuesBox.hidden = false;
  }

  function errorTitle(code) {
    if (code === 'PROCEDURE_INVALID') return messages.titleProcedureInvalid;
    if (code === 'PROCEDURE_UNSAFE') return messages.titleProcedureUnsafe;
    return messages.titleOther;
  }

  async function postXml(xml) {
    var response = await fetch(config.saveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/xml', 'x-csrf-token': csrfToken(), accept: 'application/json' },
      body: xml,
    });
    var body = await response.json().catch(function () {
      return { error: { code: 'HTTP_' + response.status, message: response.statusText, details: [] } };
    });
    return { ok: response.ok, body: body };
  }

  async function start() {
    var loaded = await Promise.all([
      fetch(config.xmlUrl, { credentials: 'same-origin' }),
      fetch(config.moddleUrl, { credentials: 'same-origin' }),
    ]);
    if (!loaded[0].ok || !loaded[1].ok) throw new Error('HTTP ' + loaded[0].status + '/' + loaded[1].status);
    // The text the server stored: sent back as is when nothing changed, so the hash matches.
    var stored = await loaded[0].text();
    var camunda = await loaded[1].json();
    var forms = await formCatalogue();

    canvasBox.hidden = false;
    toolbar.hidden = false;
    panelBox.hidden = false;
    var modeler = new window.BpmnJS({
      container: canvasBox,
      moddleExtensions: { camunda: camunda },
      propertiesPanel: { parent: panelBox },
      formCatalogue: forms,
      translations: jsonBlock('modeler-panel-labels'),
    });
    window.hdModeler = modeler;
    await modeler.importXML(stored);
    if (window.hdDiagramControls) window.hdDiagramControls(modeler, canvasBox);
    else modeler.get('canvas').zoom('fit-viewport');
    wireSimulation(modeler);
    // Export of the untouched diagram: an unchanged export means "no edits", even after undo.
    var baseline = (await modeler.saveXML({ format: true })).xml;
    var dirty = false;

    modeler.on('commandStack.changed', function () {
      dirty = true;
      setStatus(messages.unsaved, undefined, 'dirty');
    });
    window.addEventListener('beforeunload', function (event) {
      if (dirty) event.preventDefault();
    });

    saveButton.addEventListener('click', async function () {
      saveButton.disabled = true;
      setStatus(messages.saving);
      try {
        var exported = (await modeler.saveXML({ format: true })).xml;
        var xml = exported === baseline ? stored : exported;
        var result = await postXml(xml);
        if (!result.ok) {
          var error = result.body.error || {};
          setStatus(messages.saveFailed, undefined, 'error');
          showIssues(modeler, errorTitle(error.code), error.message, error.details, 'error');
          return;
        }
        stored = xml;
        baseline = exported;
        dirty = false;
        var base = document.getElementById('modeler-base-version');
        if (base) base.textContent = String(result.body.version);
        setStatus(result.body.created ? messages.saved : messages.unchanged, result.body.version, 'ok');
        if (result.body.warnings && result.body.warnings.length) {
          showIssues(modeler, messages.warnings, '', result.body.warnings, 'warning');
        } else {
          clearIssues(modeler);
        }
      } catch (error) {
        setStatus(
          messages.saveFailed + ' ' + (error && error.message ? error.message : ''),
          undefined,
          'error',
        );
      } finally {
        saveButton.disabled = false;
      }
    });
    var fallback = document.getElementById('modeler-fallback');
    if (!fallback.querySelector('.analyst-issues')) fallback.open = false;
    canvasBox.setAttribute('data-state', 'ready');
  }

  function jsonBlock(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent || '{}') : {};
  }

  /** The form keys for the panel's form key select (empty when the catalogue is unavailable). */
  async function formCatalogue() {
    if (!config.formsUrl) return [];
    var response = await fetch(config.formsUrl, { credentials: 'same-origin' }).catch(function () {
      return undefined;
    });
    if (!response || !response.ok) return [];
    return (await response.json()).forms || [];
  }

  /** The toolbar's token simulation toggle, kept in step with the simulation's own toggle. */
  function wireSimulation(modeler) {
    modeler.on('tokenSimulation.toggleMode', function (event) {
      simulateButton.setAttribute('aria-pressed', event.active ? 'true' : 'false');
      saveButton.disabled = !!event.active;
    });
    simulateButton.addEventListener('click', function () {
      modeler.get('toggleMode').toggleMode();
    });
  }

  function wireFileInput() {
    var input = document.getElementById('fallback-file');
    var textarea = document.getElementById('fallback-xml');
    if (!input || !textarea) return;
    input.closest('.analyst-js-only').hidden = false;
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      file.text().then(function (text) {
        textarea.value = text;
        document.getElementById('modeler-fallback').open = true;
      });
    });
  }

  wireFileInput();
  start().catch(function (error) {
    canvasBox.setAttribute('data-state', 'failed');
    canvasBox.hidden = true;
    toolbar.hidden = false;
    saveButton.hidden = true;
    setStatus(messages.loadFailed + ' ' + (error && error.message ? error.message : ''), undefined, 'error');
    document.getElementById('modeler-fallback').open = true;
  });
})();
