import { createHash } from 'node:crypto';
import type { IOptions } from 'sanitize-html';
import { RenderedCache, type RenderedCacheStats } from './rendered-cache.js';

/** Longest Markdown rendered (article bodies are capped at 20,000 characters when saved). */
export const MAX_MARKDOWN = 20_000;

/**
 * HTML already rendered, by a hash of its Markdown: article versions are immutable, so each
 * body is rendered once per process however often the FAQ page or an article is viewed (marked
 * is superlinear on some inputs). At most 16 M characters: a few kB per usual article, about
 * 230,000 for the largest 20,000-character body (one e-mail address every 6 characters).
 */
const rendered = new RenderedCache({ maxEntries: 2_000, maxChars: 16_000_000 });

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
 * `rel="noopener noreferrer nofollow"`, and no attributes that run code. Rendered once per
 * distinct body (see `rendered`). Never rejects: a body the renderer fails on (e.g. nesting
 * deep enough to overflow the stack, saved before the depth limit) is shown as escaped text.
 */
export async function renderMarkdown(markdown: string): Promise<string> {
  const capped = markdown.slice(0, MAX_MARKDOWN);
  const render = await loadRenderer().catch(() => {
    renderer = undefined; // the next article tries loading again
  });
  if (!render) return plainText(capped);
  const key = createHash('sha256').update(capped).digest('base64');
  const cached = rendered.get(key);
  if (cached !== undefined) return cached;
  const html = renderOrPlain(render, capped);
  rendered.set(key, html);
  return html;
}

/** How the cache of rendered bodies is doing (tests and monitoring). */
export function renderedMarkdownStats(): RenderedCacheStats {
  return rendered.stats();
}

function renderOrPlain(render: (markdown: string) => string, markdown: string): string {
  try {
    return render(markdown);
  } catch {
    return plainText(markdown);
  }
}

/** The Markdown itself, escaped, its line breaks kept: what a body that cannot be rendered shows. */
function plainText(markdown: string): string {
  return `<p>${escapeHtml(markdown).replace(/\n/g, '<br>\n')}</p>`;
}
