/* global window, document, fetch */
/*
 * Diagram of the procedure version an instance runs on (templates/pages/supervisor/instance.hbs):
 * fetches the XML from the container's data-diagram-url, shows it with the bpmn-js
 * NavigatedViewer and marks the active (hd-active) and completed (hd-completed) elements
 * listed in the #sv-diagram-markers JSON block. Sets data-state to ready or failed.
 */
(function () {
  'use strict';

  var container = document.getElementById('sv-diagram');
  var markersBlock = document.getElementById('sv-diagram-markers');
  if (!container || !markersBlock) return;

  function addMarkers(viewer, markers) {
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    function mark(ids, marker) {
      (ids || []).forEach(function (id) {
        if (registry.get(id)) canvas.addMarker(id, marker);
      });
    }
    mark(markers.completed, 'hd-completed');
    mark(markers.active, 'hd-active');
  }

  async function show() {
    if (!window.BpmnJS) throw new Error('bpmn-js not loaded');
    var markers = JSON.parse(markersBlock.textContent || '{}');
    var response = await fetch(container.getAttribute('data-diagram-url'), {
      credentials: 'same-origin',
      headers: { accept: 'application/xml' },
    });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var xml = await response.text();
    container.textContent = '';
    var viewer = new window.BpmnJS({ container: container });
    window.hdInstanceViewer = viewer;
    await viewer.importXML(xml);
    if (window.hdDiagramControls) window.hdDiagramControls(viewer, container);
    else viewer.get('canvas').zoom('fit-viewport');
    addMarkers(viewer, markers);
    container.setAttribute('data-state', 'ready');
  }

  show().catch(function (error) {
    container.setAttribute('data-state', 'failed');
    var message = document.createElement('p');
    message.className = 'sv-diagram-error';
    message.textContent =
      container.getAttribute('data-load-failed') + ' ' + (error && error.message ? error.message : '');
    container.textContent = '';
    container.appendChild(message);
  });
})();
