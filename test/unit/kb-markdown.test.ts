import { renderMarkdown } from '../../src/http/web/kb/markdown.js';

describe('knowledge base: Markdown rendering and sanitizing', () => {
  test('given Markdown with headings, lists, code and a table, when rendered, then the formatting survives', async () => {
    const html = await renderMarkdown(
      '## Passi\n\n- uno\n- **due**\n\n`codice`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    );

    expect(html).toContain('<h2>Passi</h2>');
    expect(html).toContain('<li><strong>due</strong></li>');
    expect(html).toContain('<code>codice</code>');
    expect(html).toContain('<td>1</td>');
  });

  test('given a script tag in the Markdown, when rendered, then no script element reaches the page', async () => {
    const html = await renderMarkdown(
      'Hola\n\n<script>alert(1)</script>\n\ninline <script>alert(2)</script> text',
    );

    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
  });

  test('given raw HTML with event handlers, when rendered, then it is shown as text, never as elements with handlers', async () => {
    const html = await renderMarkdown(
      '<img src=x onerror="alert(1)">\n\n<p onclick="steal()">x</p> <b onmouseover=alert(1)>b</b>',
    );

    expect(html).not.toMatch(/<img|<b\b|<p onclick/i);
    // No element carries an on* attribute (the escaped text may still read "onerror=").
    expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  });

  test('given javascript:, data: and vbscript: links, when rendered, then their targets are dropped', async () => {
    const html = await renderMarkdown(
      '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html;base64,PHNjcmlwdD4=) [d](vbscript:x) ![i](javascript:alert(1))',
    );

    expect(html).not.toContain('href=');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a rel="noopener noreferrer nofollow">a</a>');
  });

  test('given an http link, when rendered, then it keeps its target and gets rel=noopener', async () => {
    const html = await renderMarkdown('[guida](https://example.org/guida "Guida")');

    expect(html).toContain('href="https://example.org/guida"');
    expect(html).toMatch(/rel="noopener noreferrer nofollow"/);
  });

  test('given a body far over the size cap, when rendered, then only the capped prefix is rendered', async () => {
    const html = await renderMarkdown(`${'a'.repeat(25_000)}TAIL`);

    expect(html).not.toContain('TAIL');
    expect(html.length).toBeLessThan(21_000);
  });
});
