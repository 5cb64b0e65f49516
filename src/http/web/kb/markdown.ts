import type { IOptions } from 'sanitize-html';

/** Longest Markdown rendered (article bodies are capped at 20,000 characters when saved). */
export const MAX_MARKDOWN = 20_000;

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What sanitize-html keeps (`a` links get `rel` added by the renderer below). */
const SANITIZE: IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    // GFM task lists: disabled checkboxes only.
    input: ['type', 'checked', 'disabled'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    input: (_tag, attribs) => ({
      tagName: attribs.type === 'checkbox' ? 'input' : 'span',
      attribs: {
        type: 'checkbox',
        disabled: 'disabled',
        ...(attribs.checked !== undefined ? { checked: 'checked' } : {}),
      },
    }),
  },
};

/** The two libraries, loaded at the first article shown rather than when the app starts. */
let renderer: Promise<(markdown: string) => string> | undefined;

function loadRenderer(): Promise<(markdown: string) => string> {
  renderer ??= Promise.all([import('marked'), import('sanitize-html')]).then(([{ Marked }, sanitize]) => {
    const sanitizeHtml = sanitize.default;
    // Raw HTML in the Markdown is shown as text, never passed through.
    const marked = new Marked({ gfm: true, async: false });
    marked.use({ renderer: { html: ({ text }) => escapeHtml(text) } });
    const options: IOptions = {
      ...SANITIZE,
      transformTags: {
        ...SANITIZE.transformTags,
        a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
      },
    };
    return (markdown: string) => sanitizeHtml(marked.parse(markdown, { async: false }) as string, options);
  });
  return renderer;
}

/**
 * An article body as safe HTML: Markdown rendered by `marked` (raw HTML escaped), then
 * `sanitize-html` keeps only formatting tags, http(s)/mailto links with
 * `rel="noopener noreferrer nofollow"`, and no attributes that run code.
 */
export async function renderMarkdown(markdown: string): Promise<string> {
  return (await loadRenderer())(markdown.slice(0, MAX_MARKDOWN));
}
