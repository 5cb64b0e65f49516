/* global document, fetch */
/*
 * The lists behind the helpdesk's own panel selects: message templates (GET
 * /analyst/templates.json) and business calendars (GET /analyst/calendars.json). URLs come
 * from the modeler option `panelLists: { templatesUrl, calendarsUrl }`, else from the page's
 * `#modeler-config` block (the server names them there, one source). Fetched once; the panel is redrawn when they arrive. A list that
 * fails to load stays empty: the selects then only offer the value the diagram already has.
 */
const MAX_ITEMS = 1000;

function pageUrls() {
  const block = document.getElementById('modeler-config');
  try {
    const config = block ? JSON.parse(block.textContent || '{}') : {};
    return { templatesUrl: config.templatesUrl, calendarsUrl: config.calendarsUrl };
  } catch {
    return {};
  }
}

async function fetchList(url, key) {
  if (!url) return [];
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) return [];
  const body = await response.json();
  return Array.isArray(body[key]) ? body[key].slice(0, MAX_ITEMS) : [];
}

/** `templates`: `[{ id, languages }]`; `calendars`: `[{ id, timeZone }]`; `loaded` once both answered. */
export default function PanelLists(config, eventBus) {
  this.templates = [];
  this.calendars = [];
  this.loaded = false;
  const urls = (config && config.panelLists) || pageUrls();
  const load = (url, key) => fetchList(url, key).catch(() => []);
  Promise.all([load(urls.templatesUrl, 'templates'), load(urls.calendarsUrl, 'calendars')]).then(
    ([templates, calendars]) => {
      this.templates = templates;
      this.calendars = calendars;
      this.loaded = true;
      eventBus.fire('propertiesPanel.providersChanged');
    },
  );
}
PanelLists.$inject = ['config', 'eventBus'];
