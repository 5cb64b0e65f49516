/* global window, document, fetch */
/*
 * Read-only diagram of one procedure version (templates/pages/analyst/viewer.hbs),
 * with the elements that have warnings marked.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('viewer-config').textContent);
  var container = document.getElementById('viewer-canvas');

  async function show() {
    var response = await fetch(config.xmlUrl, { credentials: 'same-origin' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var viewer = new window.BpmnJS({ container: container });
    window.hdViewer = viewer;
    await viewer.importXML(await response.text());
    var canvas = viewer.get('canvas');
    if (window.hdDiagramControls) window.hdDiagramControls(viewer, container);
    else canvas.zoom('fit-viewport');
    var registry = viewer.get('elementRegistry');
    (config.warningIds || []).forEach(function (id) {
      if (registry.get(id)) canvas.addMarker(id, 'analyst-issue');
    });
    container.setAttribute('data-state', 'ready');
  }

  show().catch(function (error) {
    container.setAttribute('data-state', 'failed');
    container.textContent = container.getAttribute('data-load-failed') + ' ' + (error.message || '');
  });
})();
