import { Readable } from 'node:stream';
import { DomainError } from '../../shared/errors/domain-error';
import { CsvTextDecoder } from './domain/csv-text';
import { decodedText, withDelimiter } from './market-price-import.service';

async function collect(text: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of text) all += chunk;
  return all;
}

describe('the upload stream', () => {
  const body = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

  it('refuses a body past the limit while it streams, whatever its Content-Length said', async () => {
    const text = decodedText(
      body('Fecha,Mercado\r\n', 'x'.repeat(40), 'y'.repeat(40)),
      new CsvTextDecoder(),
      64,
    );
    await expect(collect(text)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(
      collect(decodedText(body('a'.repeat(64)), new CsvTextDecoder(), 64)),
    ).resolves.toHaveLength(64);
  });

  it('picks the delimiter from the header line and replays every character', async () => {
    const source = body('Fecha;Merc', 'ado;Producto\r\n2026-10-05;Lo ', 'Valledor;Zanahoria\r\n');
    const { delimiter, text } = await withDelimiter(
      decodedText(source, new CsvTextDecoder(), 1000),
    );
    expect(delimiter).toBe(';');
    expect(await collect(text)).toBe('Fecha;Mercado;Producto\n2026-10-05;Lo Valledor;Zanahoria\n');
  });

  it('refuses a "header" with no line end in its first 64 KiB', async () => {
    const source = body('x'.repeat(70 * 1024));
    await expect(withDelimiter(decodedText(source, new CsvTextDecoder(), 10 ** 6))).rejects.toThrow(
      DomainError,
    );
  });
});
