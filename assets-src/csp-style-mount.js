/*
 * CodeMirror (the panel's expression editors) mounts its styles with style-mod, which puts a
 * <style> element in a document's <head>: the pages' CSP (style-src 'self', no inline styles)
 * blocks it. Mounted on a stand-in root without a <head>, style-mod uses a constructed
 * stylesheet (document.adoptedStyleSheets) instead, which the CSP allows. Browsers without
 * constructed stylesheets keep the original behaviour.
 */
import { StyleModule } from 'style-mod';

const standIns = new WeakMap();
const originalMount = StyleModule.mount;

function standInFor(doc) {
  let standIn = standIns.get(doc);
  if (!standIn) {
    standIn = {
      ownerDocument: doc,
      get adoptedStyleSheets() {
        return doc.adoptedStyleSheets;
      },
      set adoptedStyleSheets(sheets) {
        doc.adoptedStyleSheets = sheets;
      },
    };
    standIns.set(doc, standIn);
  }
  return standIn;
}

StyleModule.mount = function (root, modules, options) {
  const isDocument = root && root.nodeType === 9;
  const constructable =
    isDocument && root.adoptedStyleSheets && root.defaultView && root.defaultView.CSSStyleSheet;
  return originalMount.call(this, constructable ? standInFor(root) : root, modules, options);
};
