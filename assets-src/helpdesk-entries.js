/*
 * The helpdesk's own panel entries (docs/adr/0028), written where the server reads them, as
 * `camunda:property` name/value pairs (camunda-properties.js):
 * - send tasks, group "Email": `template` (select of the message templates) and `to` (recipients);
 * - timer events, in the "Timer" group: `calendar` (select of the business calendars);
 * - the process (or the participant of a collaboration), group "Procedure": `ticketPrefix`
 *   (2–8 capitals, checked before it is written) and `language` (es / it / en).
 * A value the diagram has but the list lacks stays selectable, marked `(?)`, so opening a
 * diagram never changes it. The lists come from panel-lists.js.
 */
import {
  Group,
  SelectEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import { getCamundaProperty, setCamundaProperty } from './camunda-properties.js';
import PanelLists from './panel-lists.js';

/** After the Camunda provider (500) and the form key select (100): sees their groups. */
const PRIORITY = 90;
const TICKET_PREFIX = /^[A-Z]{2,8}$/;
const LANGUAGES = [
  { value: 'es', label: 'es · Español' },
  { value: 'it', label: 'it · Italiano' },
  { value: 'en', label: 'en · English' },
];

/** The BPMN element carrying the property: the process behind a participant, else the element's own. */
function carrierOf(element) {
  const businessObject = getBusinessObject(element);
  return is(element, 'bpmn:Participant') ? businessObject.get('processRef') : businessObject;
}

/** getValue / setValue of one camunda property of the element. */
function useProperty(element, name) {
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const businessObject = carrierOf(element);
  return {
    getValue: () => getCamundaProperty(businessObject, name),
    setValue: (value, error) => {
      if (error) return; // an invalid value is shown with its error, never written
      const trimmed = (value || '').trim();
      if (trimmed === getCamundaProperty(businessObject, name)) return;
      setCamundaProperty({ element, businessObject, name, value: trimmed, bpmnFactory, commandStack });
    },
  };
}

/** Options of a select: an empty one, the list, and the current value if the list lacks it. */
function optionsWith(current, items) {
  const options = [{ value: '', label: '' }, ...items];
  if (current && !items.some((item) => item.value === current)) {
    options.push({ value: current, label: current + ' (?)' });
  }
  return options;
}

function TemplateSelect({ element }) {
  const translate = useService('translate');
  const lists = useService('hdPanelLists');
  const { getValue, setValue } = useProperty(element, 'template');
  const getOptions = () =>
    optionsWith(
      getValue(),
      lists.templates.map((template) => ({
        value: template.id,
        label: template.id + (template.languages ? ' (' + template.languages.join(', ') + ')' : ''),
      })),
    );
  return SelectEntry({
    element,
    id: 'hdTemplate',
    label: translate('Message template'),
    description: translate('Without a template the task sends no email.'),
    getValue,
    setValue,
    getOptions,
  });
}

function RecipientsField({ element }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const { getValue, setValue } = useProperty(element, 'to');
  return TextFieldEntry({
    element,
    id: 'hdRecipients',
    label: translate('Recipients'),
    description: translate('requester, a directory group or an address of an allowed domain'),
    getValue,
    setValue,
    debounce,
  });
}

function CalendarSelect({ element }) {
  const translate = useService('translate');
  const lists = useService('hdPanelLists');
  const { getValue, setValue } = useProperty(element, 'calendar');
  const getOptions = () =>
    optionsWith(
      getValue(),
      lists.calendars.map((calendar) => ({
        value: calendar.id,
        label: calendar.id + (calendar.timeZone ? ' (' + calendar.timeZone + ')' : ''),
      })),
    );
  return SelectEntry({
    element,
    id: 'hdCalendar',
    label: translate('Business calendar'),
    description: translate('Counts the duration in business hours (durations only).'),
    getValue,
    setValue,
    getOptions,
  });
}

/**
 * The entry re-runs `validate` on the stored value whenever the function changes, which would
 * clear the error of a refused input at once: one function per translate service keeps it.
 */
const prefixValidators = new WeakMap();
function prefixValidator(translate) {
  let validate = prefixValidators.get(translate);
  if (!validate) {
    validate = (value) =>
      !value || TICKET_PREFIX.test(value.trim()) ? null : translate('Use 2 to 8 capital letters (A-Z).');
    prefixValidators.set(translate, validate);
  }
  return validate;
}

function TicketPrefixField({ element }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const { getValue, setValue } = useProperty(element, 'ticketPrefix');
  return TextFieldEntry({
    element,
    id: 'hdTicketPrefix',
    label: translate('Ticket prefix'),
    description: translate('2 to 8 capital letters, e.g. RAD; empty: from the procedure id.'),
    validate: prefixValidator(translate),
    getValue,
    setValue,
    debounce,
  });
}

function LanguageSelect({ element }) {
  const translate = useService('translate');
  const { getValue, setValue } = useProperty(element, 'language');
  return SelectEntry({
    element,
    id: 'hdLanguage',
    label: translate('Language'),
    description: translate(
      "Language of the procedure's emails when the requester's is unknown; empty: English.",
    ),
    getValue,
    setValue,
    getOptions: () => optionsWith(getValue(), LANGUAGES),
  });
}

const entry = (id, component, isEdited) => ({ id, component, isEdited });

function hasTimer(element) {
  const definitions = getBusinessObject(element).get('eventDefinitions') || [];
  return (
    is(element, 'bpmn:Event') && definitions.some((definition) => is(definition, 'bpmn:TimerEventDefinition'))
  );
}

function isProcess(element) {
  return is(element, 'bpmn:Process') || (is(element, 'bpmn:Participant') && !!carrierOf(element));
}

/** Puts `group` after the documentation group (or first when there is none). */
function insertGroup(groups, group) {
  const after = groups.findIndex((candidate) => candidate.id === 'documentation');
  groups.splice(after === -1 ? 0 : after + 1, 0, group);
}

function HelpdeskEntriesProvider(propertiesPanel, translate) {
  propertiesPanel.registerProvider(PRIORITY, this);
  this._translate = translate;
}
HelpdeskEntriesProvider.$inject = ['propertiesPanel', 'translate'];

HelpdeskEntriesProvider.prototype.getGroups = function (element) {
  const translate = this._translate;
  return (groups) => {
    if (is(element, 'bpmn:SendTask')) {
      insertGroup(groups, {
        id: 'Helpdesk__Email',
        label: translate('Email'),
        component: Group,
        entries: [
          entry('hdTemplate', TemplateSelect, isSelectEntryEdited),
          entry('hdRecipients', RecipientsField, isTextFieldEntryEdited),
        ],
      });
    }
    if (hasTimer(element)) {
      const timer = groups.find((group) => group.id === 'timer');
      if (timer) timer.entries = [...timer.entries, entry('hdCalendar', CalendarSelect, isSelectEntryEdited)];
    }
    if (isProcess(element)) {
      insertGroup(groups, {
        id: 'Helpdesk__Procedure',
        label: translate('Procedure'),
        component: Group,
        entries: [
          entry('hdTicketPrefix', TicketPrefixField, isTextFieldEntryEdited),
          entry('hdLanguage', LanguageSelect, isSelectEntryEdited),
        ],
      });
    }
    return groups;
  };
};

export default {
  __init__: ['hdEntries'],
  hdEntries: ['type', HelpdeskEntriesProvider],
  hdPanelLists: ['type', PanelLists],
};
