/*
 * bpmn-js `translate` with the page's dictionary (config `translations`: English text → the
 * user's language, from templates/i18n/<lang>/modeler.json `panelLabels`); texts it lacks stay
 * English. `{name}` placeholders are filled as bpmn-js's own translate does.
 */
function translateFactory(config) {
  const dictionary = (config && config.translations) || {};
  return function translate(template, replacements) {
    const text = Object.prototype.hasOwnProperty.call(dictionary, template) ? dictionary[template] : template;
    return text.replace(/{([^}]+)}/g, (match, key) =>
      replacements && Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : match,
    );
  };
}
translateFactory.$inject = ['config'];

export default { translate: ['factory', translateFactory] };
