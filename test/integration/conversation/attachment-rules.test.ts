import { sniffContentType } from '../../../src/app/attachment-content.js';
import { safeFileName, textType } from '../../../src/domain/attachment.js';
import { acceptBody, requesterActor } from '../../../src/domain/conversation.js';
import { contentDisposition } from '../../../src/http/web/conversation/attachment-download.js';
import { fixture } from './support.js';

/** Attachment and message rules without a database (docs/adr/0024). */
describe('attachment and message rules', () => {
  test('given fixture files, when sniffed, then the type comes from the content, not the name', async () => {
    expect(await sniffContentType(fixture('report.pdf'), 'anything.txt')).toBe('application/pdf');
    expect(await sniffContentType(fixture('pixel.png'), 'photo.jpg')).toBe('image/png');
    expect(await sniffContentType(fixture('agenda.csv'), 'agenda.csv')).toBe('text/csv');
    expect(await sniffContentType(fixture('notes.txt'), 'notes.pdf')).toBe('text/plain');
    const dicom = Buffer.alloc(256);
    dicom.write('DICM', 128);
    expect(await sniffContentType(dicom, 'study.dcm')).toBe('application/dicom');
  });

  test('given markup, programs, NUL bytes or invalid UTF-8, when sniffed, then each is refused naming the file', async () => {
    const refused = async (bytes: Buffer, name: string) =>
      sniffContentType(bytes, name).then(
        () => 'accepted',
        (error: { message: string }) => error.message,
      );

    expect(await refused(fixture('html-disguised-as.pdf'), 'a.pdf')).toContain('file <a.pdf>');
    expect(await refused(fixture('drawing.svg'), 'b.png')).toContain('application/xml');
    expect(await refused(fixture('program.exe'), 'c.txt')).toContain('application/x-msdownload');
    expect(await refused(Buffer.from('abc\u0000def'), 'd.txt')).toContain('file <d.txt>');
    expect(await refused(Buffer.from([0x61, 0xff, 0xfe, 0x62]), 'e.txt')).toContain('file <e.txt>');
    expect(await refused(Buffer.from('  \n<script>alert(1)</script>'), 'f.txt')).toContain('file <f.txt>');
  });

  test('given a long text with a multi-byte character past 64 KiB, when checked as text, then it is text', () => {
    const text = Buffer.from(`${'a'.repeat(64 * 1024 - 1)}ñ and more`);

    expect(textType(text, 'long.txt')).toBe('text/plain');
  });

  test('given hostile file names, when made safe, then no path, quotes or controls remain and the extension is the sniffed one', () => {
    expect(safeFileName('../../etc/pass"wd.png', 'image/png')).toBe('passwd.png');
    expect(safeFileName('C:\\Users\\x\\informe final.pdf.exe', 'application/pdf')).toBe(
      'informe final.pdf.pdf',
    );
    expect(safeFileName('\u0000\u001f.htaccess', 'text/plain')).toBe('htaccess.txt');
    expect(safeFileName('', 'text/csv')).toBe('file.csv');
    expect([...safeFileName('é'.repeat(500), 'application/pdf')].length).toBeLessThanOrEqual(120);
  });

  test('given a UTF-8 name, when put in Content-Disposition, then an ASCII fallback and the RFC 5987 form are sent', () => {
    expect(contentDisposition('informe año.pdf')).toBe(
      `attachment; filename="informe a_o.pdf"; filename*=UTF-8''informe%20a%C3%B1o.pdf`,
    );
  });

  test('given message bodies, when accepted, then they are trimmed and limited to 10,000 characters naming body', () => {
    expect(acceptBody('  hola \r\n mundo  ')).toBe('hola \n mundo');
    expect(acceptBody('ñ'.repeat(10_000))).toHaveLength(10_000);
    expect(() => acceptBody('')).toThrow('field <body>');
    expect(() => acceptBody(42)).toThrow('field <body>');
    expect(() => acceptBody('x'.repeat(10_001))).toThrow('field <body>');
    expect(requesterActor(' Ana@Example.org ')).toEqual({
      id: 'requester:ana@example.org',
      roles: [],
      groups: [],
    });
  });
});
