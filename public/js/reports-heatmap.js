/* global window, document, fetch */
/*
 * The diagram heatmap (templates/pages/reports/heatmap.hbs): the procedure's diagram with each
 * step coloured by its heat level (median time there in the period, relative to the slowest
 * step) and a badge: stays in the period · median · waiting now.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('heatmap-config').textContent);
  var container = document.getElementById('heatmap-canvas');

  function minutes(ms) {
    var total = Math.floor(ms / 60000);
    if (total >= 1440) return Math.floor(total / 1440) + ' d ' + Math.floor((total % 1440) / 60) + ' h';
    if (total >= 60) return Math.floor(total / 60) + ' h ' + (total % 60) + ' min';
    return total + ' min';
  }

  function badge(step) {
    var element = document.createElement('div');
    element.className = 'rp-heat-badge rp-heat-badge-' + step.level;
    element.setAttribute('data-activity', step.activityId);
    element.setAttribute('data-passed', String(step.passed));
    element.setAttribute('data-waiting', String(step.waitingNow));
    var parts = [String(step.passed)];
    if (step.medianMs !== undefined) parts.push(minutes(step.medianMs));
    element.textContent = parts.join(' · ');
    if (step.waitingNow > 0) {
      var waiting = document.createElement('span');
      waiting.className = 'rp-heat-waiting';
      waiting.textContent = ' ⏳' + step.waitingNow;
      element.appendChild(waiting);
    }
    return element;
  }

  async function show() {
    var response = await fetch(config.xmlUrl, { credentials: 'same-origin' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var viewer = new window.BpmnJS({ container: container });
    await viewer.importXML(await response.text());
    var canvas = viewer.get('canvas');
    if (window.hdDiagramControls) window.hdDiagramControls(viewer, container);
    else canvas.zoom('fit-viewport');
    var registry = viewer.get('elementRegistry');
    var overlays = viewer.get('overlays');
    config.steps.forEach(function (step) {
      if (!registry.get(step.activityId)) return;
      canvas.addMarker(step.activityId, 'rp-heat-' + step.level);
      overlays.add(step.activityId, 'rp-heat', { position: { bottom: 4, left: 0 }, html: badge(step) });
    });
    container.setAttribute('data-state', 'ready');
  }

  show().catch(function (error) {
    container.setAttribute('data-state', 'failed');
    container.textContent = container.getAttribute('data-load-failed') + ' ' + (error.message || '');
  });
})();
