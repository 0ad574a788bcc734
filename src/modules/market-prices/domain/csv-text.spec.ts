import fc from 'fast-check';
import {
  CsvTextDecoder,
  encodingOfContentType,
  LineEndNormalizer,
  sniffDelimiter,
  type TextEncoding,
} from './csv-text';

function decodeInChunks(bytes: Uint8Array, cuts: number[], declared?: TextEncoding) {
  const decoder = new CsvTextDecoder(declared);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let text = '';
  let from = 0;
  for (const point of [...points, bytes.length]) {
    text += decoder.decode(bytes.subarray(from, point));
    from = point;
  }
  return { text: text + decoder.end(), encoding: decoder.encoding };
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const withBom = (bytes: Uint8Array) => new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);

const HEADER = 'Fecha,Región,Precio mínimo\r\n2026-10-05,"Región de Ñuble","1800,0000"\r\n';

describe('CsvTextDecoder', () => {
  it('strips a byte-order mark and reads UTF-8', () => {
    expect(decodeInChunks(withBom(utf8(HEADER)), [])).toEqual({ text: HEADER, encoding: 'utf-8' });
  });

  it('reads UTF-8 without a mark', () => {
    expect(decodeInChunks(utf8(HEADER), [])).toEqual({ text: HEADER, encoding: 'utf-8' });
  });

  it('reads Latin-1 when the first accented byte is not UTF-8', () => {
    expect(decodeInChunks(latin1(HEADER), [])).toEqual({
      text: HEADER,
      encoding: 'windows-1252',
    });
  });

  it('decides late: a file that is ASCII for its first megabyte', () => {
    const text = `${'a,b\r\n'.repeat(200_000)}Región,ñ\r\n`;
    expect(decodeInChunks(latin1(text), [65_536, 131_072]).text).toBe(text);
  });

  it('marks invalid bytes of a UTF-8 file with U+FFFD instead of guessing', () => {
    const bytes = new Uint8Array([...utf8('Región,'), 0xf3, ...utf8('n\r\n')]);
    const { text, encoding } = decodeInChunks(bytes, []);
    expect(encoding).toBe('utf-8');
    expect(text).toBe('Región,\uFFFDn\r\n');
  });

  it('honours a declared charset, except against a byte-order mark', () => {
    expect(decodeInChunks(latin1('Región'), [], 'windows-1252').text).toBe('Región');
    expect(decodeInChunks(withBom(utf8('Región')), [], 'windows-1252').text).toBe('Región');
  });

  const spanish = fc
    .array(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCZ0123456789 ,;."\r\náéíóúÁÉÍÓÚñÑü$/()'),
      {
        maxLength: 300,
      },
    )
    .map((chars) => chars.join(''));
  const cuts = fc.array(fc.nat(), { maxLength: 12 });

  it('decodes UTF-8, with or without a mark, the same however the stream is cut', () => {
    const anyText = fc
      .array(fc.constantFrom(...'ab,;"\r\náñ€漢😀'), { maxLength: 200 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(anyText, cuts, fc.boolean(), (text, points, bom) => {
        const bytes = bom ? withBom(utf8(text)) : utf8(text);
        expect(decodeInChunks(bytes, points).text).toBe(text);
      }),
    );
  });

  it('decodes Latin-1 Spanish text the same however the stream is cut', () => {
    fc.assert(
      fc.property(spanish, cuts, (text, points) => {
        expect(decodeInChunks(latin1(text), points).text).toBe(text);
      }),
    );
  });
});

describe('encodingOfContentType', () => {
  it.each([
    ['text/csv', undefined],
    ['text/csv; charset=utf-8', 'utf-8'],
    ['text/csv; charset="ISO-8859-1"', 'windows-1252'],
    ['text/csv;charset=windows-1252', 'windows-1252'],
    ['text/csv; charset=utf-16', 'unsupported'],
  ])('%s → %s', (contentType, encoding) => {
    expect(encodingOfContentType(contentType)).toBe(encoding);
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['Fecha,ID region,Region,Mercado', ','],
    ['Fecha;ID region;Region;Mercado', ';'],
    ['"Fecha;x","a;b",Mercado,Producto', ','],
    ['Fecha', ','],
  ])('%s → %s', (line, delimiter) => {
    expect(sniffDelimiter(line)).toBe(delimiter);
  });
});

describe('LineEndNormalizer', () => {
  it('turns CRLF and lone CR into LF however the text is cut', () => {
    const text = fc
      .array(fc.constantFrom('a', ',', '"', '\r', '\n', '\r\n', 'ñ'), { maxLength: 100 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (whole, cuts) => {
        const points = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort(
          (a, b) => a - b,
        );
        const normalizer = new LineEndNormalizer();
        let out = '';
        let from = 0;
        for (const point of [...points, whole.length]) {
          out += normalizer.push(whole.slice(from, point));
          from = point;
        }
        out += normalizer.end();
        expect(out).toBe(whole.replace(/\r\n?/g, '\n'));
      }),
    );
  });
});
