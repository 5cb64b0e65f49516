/* global window */
/*
 * Bundle entry of the analyst modeler (scripts/build-assets.mjs → public/build/modeler.js):
 * bpmn-js Modeler with the Camunda 7 properties panel, Camunda behaviours, token simulation
 * a form key select fed by the form catalogue, the helpdesk's own entries (templates,
 * recipients, calendars, ticket prefix, language) and no groups the server refuses. Exposes window.BpmnJS (the page script
 * public/js/analyst-modeler.js constructs it) — the same name the bpmn-js UMD bundle used.
 */
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import TokenSimulationModule from 'bpmn-js-token-simulation/lib/modeler';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import FormKeySelectModule from './form-key-select.js';
import HelpdeskEntriesModule from './helpdesk-entries.js';
import RefusedGroupsModule from './refused-groups.js';
import './csp-style-mount.js';
import TranslateModule from './translate.js';
import './dry-run.js'; // modelertools: dry run and live condition checks (imports condition-check.js)

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';

/**
 * The modeler with the page's modules. Options: `propertiesPanel.parent` (the panel's box),
 * `formCatalogue` (form keys offered by the form key select: `[{ key, version }]`),
 * `translations` (English label → the user's language).
 */
class HelpdeskModeler extends BpmnModeler {
  constructor(options = {}) {
    super({
      ...options,
      moddleExtensions: { camunda: camundaModdle, ...(options.moddleExtensions || {}) },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        CamundaPlatformPropertiesProviderModule,
        CamundaBehaviorsModule,
        TokenSimulationModule,
        FormKeySelectModule,
        HelpdeskEntriesModule,
        RefusedGroupsModule,
        TranslateModule,
        ...(options.additionalModules || []),
      ],
    });
  }
}

window.BpmnJS = HelpdeskModeler;
