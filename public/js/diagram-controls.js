/* global window, document */
/*
 * Zoom in / zoom out / fit buttons over a bpmn-js diagram (modeler, version viewer, supervisor
 * instance diagram), and a fit that leaves room for the modeler's palette so it never covers
 * the diagram. Labels come from the container's data-zoom-in / data-zoom-out / data-fit.
 * Usage: window.hdDiagramControls(bpmnJs, container) after importXML; it also fits once.
 */
(function () {
  'use strict';

  var STEP = 1.25;
  var MIN_ZOOM = 0.1;
  var MAX_ZOOM = 4;

  /** Fits the whole diagram in the part of the canvas the palette does not cover. */
  function fit(bpmnJs, container) {
    var canvas = bpmnJs.get('canvas');
    canvas.zoom('fit-viewport', 'auto');
    var palette = container.querySelector('.djs-palette');
    var box = canvas.viewbox();
    var inner = box.inner;
    if (!inner || !inner.width || !inner.height) return;
    var left = palette
      ? palette.getBoundingClientRect().right - container.getBoundingClientRect().left + 12
      : 12;
    var width = Math.max(container.clientWidth - left - 12, 50);
    var height = Math.max(container.clientHeight - 24, 50);
    var scale = Math.min(width / inner.width, height / inner.height, 1);
    canvas.viewbox({
      x: inner.x - left / scale,
      y: inner.y - (container.clientHeight / scale - inner.height) / 2,
      width: container.clientWidth / scale,
      height: container.clientHeight / scale,
    });
  }

  function button(label, text, action) {
    var element = document.createElement('button');
    element.type = 'button';
    element.className = 'hd-zoom-button';
    element.textContent = text;
    element.title = label || text;
    element.setAttribute('aria-label', label || text);
    element.addEventListener('click', action);
    return element;
  }

  window.hdDiagramControls = function (bpmnJs, container) {
    var canvas = bpmnJs.get('canvas');
    var zoomBy = function (factor) {
      var next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, canvas.zoom() * factor));
      canvas.zoom(next, 'auto');
    };
    var labels = container.dataset;
    var bar = document.createElement('div');
    bar.className = 'hd-zoom-controls';
    bar.appendChild(
      button(labels.zoomIn, '+', function () {
        zoomBy(STEP);
      }),
    );
    bar.appendChild(
      button(labels.zoomOut, '−', function () {
        zoomBy(1 / STEP);
      }),
    );
    bar.appendChild(
      button(labels.fit, '⤢', function () {
        fit(bpmnJs, container);
      }),
    );
    bar.querySelector('button:nth-child(1)').setAttribute('data-zoom', 'in');
    bar.querySelector('button:nth-child(2)').setAttribute('data-zoom', 'out');
    bar.querySelector('button:nth-child(3)').setAttribute('data-zoom', 'fit');
    // Buttons inside a role="img" box would be hidden from assistive technology: the image is the drawing.
    var drawing = container.querySelector('.bjs-container');
    if (container.getAttribute('role') === 'img' && drawing) {
      drawing.setAttribute('role', 'img');
      drawing.setAttribute('aria-label', container.getAttribute('aria-label') || '');
      container.removeAttribute('role');
      container.removeAttribute('aria-label');
    }
    container.appendChild(bar);
    fit(bpmnJs, container);
    return {
      fit: function () {
        fit(bpmnJs, container);
      },
    };
  };
})();
