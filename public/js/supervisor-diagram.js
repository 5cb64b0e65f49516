/* global window, document, fetch */
/*
 * Diagram of the procedure version an instance runs on (templates/pages/supervisor/instance.hbs):
 * fetches the XML from the container's data-diagram-url, shows it with the bpmn-js
 * NavigatedViewer and marks the active (hd-active) and completed (hd-completed) elements
 * listed in the #sv-diagram-markers JSON block. Sets data-state to ready or failed.
 */
(function () {
  'use strict';

  /** Below this scale a fitted diagram's labels cannot be read (cita, 3,530 px wide, fits at ~0.25). */
  var READABLE = 0.7;

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

  /** The box around the current step (the active elements), else around the start of the drawing. */
  function focusBox(viewer, ids) {
    var registry = viewer.get('elementRegistry');
    var shapes = (ids || [])
      .map(function (id) {
        return registry.get(id);
      })
      .filter(function (shape) {
        return shape && !shape.waypoints && typeof shape.x === 'number';
      });
    if (!shapes.length) {
      var inner = viewer.get('canvas').viewbox().inner;
      return { x: inner.x, y: inner.y, width: 1, height: inner.height, left: true };
    }
    var x1 = Infinity,
      y1 = Infinity,
      x2 = -Infinity,
      y2 = -Infinity;
    shapes.forEach(function (shape) {
      x1 = Math.min(x1, shape.x);
      y1 = Math.min(y1, shape.y);
      x2 = Math.max(x2, shape.x + shape.width);
      y2 = Math.max(y2, shape.y + shape.height);
    });
    return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
  }

  /**
   * A large procedure: a taller canvas, fitted again; still too small to read, it opens at a
   * readable zoom centred on the current step (the fit button shows the whole drawing).
   */
  function readable(viewer, controls, ids) {
    var canvas = viewer.get('canvas');
    if (canvas.zoom() >= READABLE) return;
    container.classList.add('sv-diagram-large');
    canvas.resized();
    controls.fit();
    if (canvas.zoom() >= READABLE) return;
    var box = focusBox(viewer, ids);
    var width = container.clientWidth / READABLE;
    var height = container.clientHeight / READABLE;
    var x = box.left ? box.x - 40 / READABLE : box.x + box.width / 2 - width / 2;
    canvas.viewbox({ x: x, y: box.y + box.height / 2 - height / 2, width: width, height: height });
    container.setAttribute('data-focus', box.left ? 'start' : 'current-step');
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
    if (window.hdDiagramControls) {
      readable(viewer, window.hdDiagramControls(viewer, container), markers.active);
    } else viewer.get('canvas').zoom('fit-viewport');
    addMarkers(viewer, markers);
    container.setAttribute('data-scale', viewer.get('canvas').zoom().toFixed(2));
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
