/*
 * Replaces the Camunda panel's free-text "Form key" with a select of the form catalogue
 * (config `formCatalogue: [{ key, version }]`, fetched by the page from /analyst/forms.json).
 * A key the diagram already uses but the catalogue lacks stays selectable, marked missing,
 * so opening a diagram never changes it.
 */
import { SelectEntry, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

/** After the Camunda provider (priority 500). */
const PRIORITY = 100;

function FormKeySelect(props) {
  const { element } = props;
  const modeling = useService('modeling');
  const translate = useService('translate');
  const config = useService('config');
  const catalogue = (config && config.formCatalogue) || [];
  const businessObject = getBusinessObject(element);
  const getValue = () => businessObject.get('camunda:formKey') || '';
  const setValue = (value) => modeling.updateProperties(element, { 'camunda:formKey': value || '' });
  const getOptions = () => {
    const current = getValue();
    const options = [{ value: '', label: '' }];
    for (const form of catalogue)
      options.push({ value: form.key, label: form.key + ' (v' + form.version + ')' });
    if (current && !catalogue.some((form) => form.key === current)) {
      options.push({ value: current, label: current + ' (?)' });
    }
    return options;
  };
  return SelectEntry({
    element,
    id: 'formKey',
    label: translate('Form key'),
    getValue,
    setValue,
    getOptions,
  });
}

function FormKeySelectProvider(propertiesPanel) {
  propertiesPanel.registerProvider(PRIORITY, this);
}
FormKeySelectProvider.$inject = ['propertiesPanel'];

FormKeySelectProvider.prototype.getGroups = function () {
  return function (groups) {
    for (const group of groups) {
      if (group.id !== 'CamundaPlatform__Form') continue;
      group.entries = group.entries.map((entry) =>
        entry.id === 'formKey'
          ? { id: 'formKey', component: FormKeySelect, isEdited: isSelectEntryEdited }
          : entry,
      );
    }
    return groups;
  };
};

export default {
  __init__: ['hdFormKeySelect'],
  hdFormKeySelect: ['type', FormKeySelectProvider],
};
