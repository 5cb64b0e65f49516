import {
  HTML_CUT_NOTE,
  MAX_HTML_CHARS,
  MAX_TEXT_CHARS,
  parseMessage,
} from '../../../src/adapters/mail/imap-parse.js';
import { cut, startFormFor } from '../../../src/app/email-intake-form.js';
import { intakeKey } from '../../../src/domain/inbound-mail.js';

/** The text a desk email brings to its ticket: bounded HTML conversion, text parts first, bounded cuts (ADR 0029). */
const facts = { uid: 3, uidValidity: '9', size: 0, internalDate: new Date('2026-11-29T09:00:00Z') };
const limits = { maxAttachments: 5, maxMessageBytes: 25 * 1024 * 1024 };
const box = {
  startForm: { body: 'description', subject: 'title' },
  constants: {},
  maxSubjectChars: 200,
  maxBodyChars: 4000,
};
const HEAD = [
  'From: Dra. Ruiz <dra.ruiz@issste.gob.mx>',
  'To: mesa@desk.example.org',
  'Subject: Reporte de citas',
  'Date: Sun, 29 Nov 2026 08:00:00 -0600',
  'Message-ID: <html-0001@issste.gob.mx>',
  'MIME-Version: 1.0',
].join('\r\n');

const singlePart = (type: string, body: string, charset = 'utf-8'): Buffer =>
  Buffer.concat([
    Buffer.from(
      `${HEAD}\r\nContent-Type: ${type}; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
    ),
    Buffer.from(body, charset === 'utf-8' ? 'utf8' : 'latin1'),
    Buffer.from('\r\n'),
  ]);
const part = (type: string, body: string): string =>
  `--B\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`;
const pdf =
  '--B\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Disposition: attachment; filename="a.pdf"\r\n' +
  'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n';
const multipart = (kind: string, parts: string[]): Buffer =>
  Buffer.from(`${HEAD}\r\nContent-Type: multipart/${kind}; boundary="B"\r\n\r\n${parts.join('')}--B--\r\n`);
/** One wide table (the shape html-to-text is slowest on), `chars` long, between two markers. */
const wideTable = (chars: number): string => {
  const cells = '<td>x</td>'.repeat(Math.ceil(chars / 10));
  return `<p>START of the request</p><table><tr>${cells}</tr></table><p>END of the request</p>`;
};
const parse = (source: Buffer) => parseMessage(source, facts, limits);

describe('the text of an HTML-only email', () => {
  test('given HTML under the limit, when parsed, then all of it becomes text without a note', async () => {
    const mail = await parse(singlePart('text/html', wideTable(MAX_HTML_CHARS / 2)));

    expect(mail.text).toMatch(/^START of the request/);
    expect(mail.text).toMatch(/END of the request$/);
    expect(mail.text).not.toContain(HTML_CUT_NOTE);
  });

  test('given HTML over the limit, when parsed and mapped to the start form, then the ticket gets the beginning led by the note, cut at the body limit', async () => {
    const mail = await parse(singlePart('text/html', wideTable(2 * 1024 * 1024)));
    const form = startFormFor(box, mail);

    expect(mail.text.startsWith(`${HTML_CUT_NOTE}\n\nSTART of the request`)).toBe(true);
    expect(mail.text).not.toContain('END of the request');
    expect(mail.text.length).toBeLessThan(MAX_HTML_CHARS);
    const description = String(form.description);
    expect(description.startsWith(`${HTML_CUT_NOTE}\n\nSTART of the request`)).toBe(true);
    expect([...description]).toHaveLength(4000);
    expect(description.endsWith('…')).toBe(true);
    expect(form.title).toBe('Reporte de citas');
  });

  test('given HTML over the limit with an astral character across the cut, when parsed, then no half character is kept', async () => {
    const html = `<p>${'a'.repeat(MAX_HTML_CHARS - 4)}😀${'b'.repeat(100)}</p>`;
    expect(html.charCodeAt(MAX_HTML_CHARS - 1)).toBe(0xd83d);

    const mail = await parse(singlePart('text/html', html));

    expect(mail.text.startsWith(HTML_CUT_NOTE)).toBe(true);
    expect(mail.text).toMatch(/a$/);
    expect(mail.text).not.toMatch(/[\uFFFD\uD800-\uDFFF]/);
  });

  test('given HTML in Latin-1, when parsed, then its text reads as sent', async () => {
    const mail = await parse(
      singlePart('text/html', '<p>Cardiolog&iacute;a y cl\u00ednica</p>', 'iso-8859-1'),
    );

    expect(mail.text).toBe('Cardiología y clínica');
  });

  test('given HTML with a script and a style, when parsed, then neither reaches the text', async () => {
    const html = '<style>p{color:red}</style><p>Necesito el reporte</p><script>alert(1)</script>';

    const mail = await parse(singlePart('text/html', html));

    expect(mail.text).toBe('Necesito el reporte');
  });

  test('given an HTML-only body with an attachment, when parsed, then the HTML becomes the text', async () => {
    const mail = await parse(
      multipart('mixed', [part('text/html', '<p>Adjunto el <b>listado</b></p>'), pdf]),
    );

    expect(mail.text).toBe('Adjunto el listado');
    expect(mail.attachments.map((file) => file.fileName)).toEqual(['a.pdf']);
  });
});

describe('the text part of an email', () => {
  test.each([
    ['alternative', 'alternative'],
    ['mixed', 'mixed'],
  ])(
    'given a text part and an HTML part over the limit (multipart/%s), when parsed, then the text part is the text, without a note',
    async (_what, kind) => {
      const mail = await parse(
        multipart(kind, [
          part('text/plain', 'Solicito el reporte.'),
          part('text/html', wideTable(MAX_HTML_CHARS * 2)),
        ]),
      );

      expect(mail.text).toBe('Solicito el reporte.');
    },
  );

  test('given a text part and many HTML parts, when parsed, then none of the HTML is converted', async () => {
    const htmlParts = Array.from({ length: 20 }, () => part('text/html', wideTable(MAX_HTML_CHARS / 2)));

    const mail = await parse(multipart('mixed', [part('text/plain', 'Solicito el reporte.'), ...htmlParts]));

    expect(mail.text).toBe('Solicito el reporte.');
  });

  test('given an empty text part beside the HTML, when parsed, then the HTML is the text', async () => {
    const mail = await parse(
      multipart('alternative', [
        part('text/plain', ' \r\n'),
        part('text/html', '<p>Solicito el reporte</p>'),
      ]),
    );

    expect(mail.text).toBe('Solicito el reporte');
  });

  test('given a text part over the kept size, when parsed twice, then the text is cut at that size and keys the same', async () => {
    const source = singlePart('text/plain', `Solicito el reporte.\r\n${'z'.repeat(MAX_TEXT_CHARS)}`);

    const [first, again] = [await parse(source), await parse(source)];

    expect(first.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(first.text).toMatch(/^Solicito el reporte\.\nz+$/);
    expect(intakeKey('desk', first)).toBe(intakeKey('desk', again));
  });
});

describe('cut', () => {
  /** What `cut` did before it stopped spreading the whole text. */
  const spreadCut = (text: string, max: number): string => {
    const chars = [...text];
    return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
  };

  test.each([
    ['short text', 'hola', 10],
    ['text of exactly max characters', 'abcde', 5],
    ['text one over max', 'abcdef', 5],
    ['astral characters only', '😀😁😂😃😄😅', 4],
    ['astral characters at the edge', 'ab😀cd', 3],
    ['exactly max astral characters', '😀😁😂', 3],
    ['a lone surrogate', 'a\uD83Db\uDE00cde', 4],
    ['the empty text', '', 3],
  ])('given %s, when cut, then it matches the cut of the spread text', (_what, text, max) => {
    expect(cut(text, max)).toBe(spreadCut(text, max));
  });

  test('given text longer than max with astral characters, when cut, then exactly max code points are kept, the last being …', () => {
    const text = '🏥'.repeat(3000) + 'x'.repeat(3_000_000);

    const kept = cut(text, 4000);

    expect([...kept]).toHaveLength(4000);
    expect(kept).toBe(`${'🏥'.repeat(3000)}${'x'.repeat(999)}…`);
  });

  test('given text of exactly max code points but more UTF-16 units, when cut, then it is kept whole', () => {
    const text = '😀'.repeat(4000);

    expect(cut(text, 4000)).toBe(text);
  });
});
