import { renderMarkdown, renderedMarkdownStats } from '../../src/http/web/kb/markdown.js';
import { RenderedCache } from '../../src/http/web/kb/rendered-cache.js';

describe('knowledge base: rendered articles are cached and never break the page', () => {
  test('given a body already rendered, when the same body is shown again (another view or version), then the stored HTML is reused', async () => {
    const body = '## Tessera\n\n- *una* riga\n- **due** righe\n';
    const first = await renderMarkdown(body);
    const before = renderedMarkdownStats();

    const again = await renderMarkdown(body);

    const after = renderedMarkdownStats();
    expect(again).toBe(first);
    expect(after.hits).toBe(before.hits + 1);
    expect(after.misses).toBe(before.misses);
    expect(after.entries).toBe(before.entries);
  });

  test('given two different bodies, when each is rendered, then each gets its own HTML', async () => {
    const [one, two] = await Promise.all([renderMarkdown('*uno*'), renderMarkdown('*due*')]);

    expect(one).toContain('<em>uno</em>');
    expect(two).toContain('<em>due</em>');
  });

  test('given a body nested deeper than the renderer can recurse (saved before the limit), when rendered next to a normal one, then it shows as escaped text and the other is formatted', async () => {
    const deep = `${'>'.repeat(19_950)}<script>alert(1)</script>\nfine`;

    const [broken, normal] = await Promise.all([renderMarkdown(deep), renderMarkdown('**ok**')]);

    expect(broken.slice(0, 15)).toBe('<p>&gt;&gt;&gt;');
    expect(broken.slice(-54)).toBe('&gt;&lt;script&gt;alert(1)&lt;/script&gt;<br>\nfine</p>');
    expect(broken.match(/<script|<blockquote/)).toBeNull();
    expect(normal).toContain('<strong>ok</strong>');
  });

  test('given a body that failed to render, when shown again, then the escaped text comes from the cache', async () => {
    const deep = `${'- '.repeat(9_000)}a`;
    const first = await renderMarkdown(deep);
    const before = renderedMarkdownStats();

    const again = await renderMarkdown(deep);

    expect(first.slice(0, 9)).toBe('<p>- - - ');
    expect(again).toBe(first);
    expect(renderedMarkdownStats().hits).toBe(before.hits + 1);
  });
});

describe('knowledge base: the bounded cache of rendered HTML', () => {
  test('given a cache of two entries, when a third is stored, then the least recently used one is dropped', () => {
    const cache = new RenderedCache({ maxEntries: 2, maxChars: 1_000 });
    cache.set('a', '<p>a</p>');
    cache.set('b', '<p>b</p>');
    cache.get('a');

    cache.set('c', '<p>c</p>');

    expect(cache.get('a')).toBe('<p>a</p>');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBe('<p>c</p>');
    expect(cache.stats()).toMatchObject({ entries: 2, chars: 16 });
  });

  test('given a character budget, when stored HTML goes over it, then the oldest entries go until it holds', () => {
    const cache = new RenderedCache({ maxEntries: 100, maxChars: 10 });
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');

    cache.set('c', 'cccc');

    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 2, chars: 8 });
  });

  test('given HTML longer than the whole budget, when stored, then it is not kept and the others stay', () => {
    const cache = new RenderedCache({ maxEntries: 100, maxChars: 10 });
    cache.set('a', 'aaaa');

    cache.set('huge', 'x'.repeat(11));

    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')).toBe('aaaa');
    expect(cache.stats()).toMatchObject({ entries: 1, chars: 4 });
  });

  test('given a key stored again, when replaced, then its characters are counted once', () => {
    const cache = new RenderedCache({ maxEntries: 100, maxChars: 10 });
    cache.set('a', 'aaaa');

    cache.set('a', 'aaaaaa');

    expect(cache.stats()).toMatchObject({ entries: 1, chars: 6 });
    expect(cache.get('a')).toBe('aaaaaa');
  });
});
