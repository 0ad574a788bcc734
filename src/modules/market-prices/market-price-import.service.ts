import { Inject, Injectable } from '@nestjs/common';
import { type CsvError, type Options, parse } from 'csv-parse';
import { pipeline, Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import { Outbox } from '../../shared/outbox/outbox.service';
import { Product } from '../catalog/entities/product.entity';
import { calendarDateIn } from './domain/calendar-date';
import {
  CsvTextDecoder,
  encodingOfContentType,
  LineEndNormalizer,
  sniffDelimiter,
  type TextEncoding,
} from './domain/csv-text';
import { productAliasKey } from './domain/folded-text';
import { PriceIssueCodes } from './domain/market-prices.errors';
import {
  type PriceFileHeader,
  productOf,
  readHeader,
  readPriceRow,
  type RowIssue,
} from './domain/price-file';
import type { ValidObservation } from './domain/price-observation';
import type { ImportIssueResponse, ImportReportResponse } from './dto/market-price.dto';
import { MarketProductAlias } from './entities/market-product-alias.entity';
import { observationColumns } from './market-prices.service';

export interface PriceImportOptions {
  /**
   * Largest upload accepted, in bytes (`PRICE_IMPORT_MAX_BYTES`); a year of ODEPA prices
   * is about 40 MB.
   */
  maxBytes: number;
  /** Rows written per transaction. */
  batchSize: number;
  /** Issues listed in the report; beyond it they are counted only. */
  maxReportedIssues: number;
}

export const PRICE_IMPORT_OPTIONS = Symbol('PRICE_IMPORT_OPTIONS');

export function priceImportOptions(config: AppConfig): PriceImportOptions {
  return { maxBytes: config.priceImportMaxBytes, batchSize: 1000, maxReportedIssues: 1000 };
}

/** A header longer than this with no line end is not a CSV header. */
const MAX_HEADER_CHARS = 64 * 1024;
/** A record longer than this is an unclosed quote running on, not data. */
const MAX_RECORD_CHARS = 64 * 1024;

export interface PriceUpload {
  body: Readable;
  contentType: string | undefined;
  contentLength: number | undefined;
  userId: string;
}

/** A record's cells and the line of the file it starts on. */
interface NumberedRecord {
  line: number;
  cells: string[];
}

interface PendingRow {
  productId: string;
  productNameAsPublished: string | null;
  observation: ValidObservation;
}

/**
 * Imports a price file as it streams in: bytes → text (UTF-8 or Latin-1, see CsvTextDecoder)
 * → csv-parse → checked rows → batches written in their own transactions. Memory holds two
 * batches and the report, whatever the file's size; the request is read only as fast as the
 * batches are written.
 *
 * Re-importing is an upsert on the natural key (date, market, product, variety, quality,
 * unit, origin): the file's figures replace the stored ones, and a row whose figures are
 * already stored is counted `unchanged`. A row repeating an earlier row's key in the same
 * file replaces it, as a later file would.
 */
@Injectable()
export class MarketPriceImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(PRICE_IMPORT_OPTIONS) private readonly options: PriceImportOptions,
  ) {}

  async import(upload: PriceUpload): Promise<ImportReportResponse> {
    const mediaType = upload.contentType?.split(';')[0].trim().toLowerCase();
    const declared = encodingOfContentType(upload.contentType);
    if (mediaType !== 'text/csv' || declared === 'unsupported') {
      throw new DomainError(
        CommonErrors.UNSUPPORTED_MEDIA_TYPE,
        'send the file as text/csv (charset utf-8 or iso-8859-1, or none to detect it)',
      );
    }
    if (upload.contentLength !== undefined && upload.contentLength > this.options.maxBytes) {
      throw tooLarge(this.options.maxBytes);
    }

    const [aliases, products] = await Promise.all([
      this.dataSource.getRepository(MarketProductAlias).find(),
      this.dataSource.getRepository(Product).find(),
    ]);
    const productByAlias = new Map(aliases.map((alias) => [alias.nameKey, alias.productId]));
    const productByCode = new Map(products.map((product) => [product.code, product.id]));
    const today = calendarDateIn(this.clock.now());

    const decoder = new CsvTextDecoder(declared);
    const { delimiter, text } = await withDelimiter(
      decodedText(upload.body, decoder, this.options.maxBytes),
    );
    const report = new ImportReport(this.options.maxReportedIssues);
    // The line a record starts on: csv-parse counts the line a record ends on.
    let linesRead = 0;
    let emptyLinesRead = 0;
    const options: Options<NumberedRecord, string[]> = {
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARS,
      on_record: (cells, context) => {
        const line = linesRead + 1 + (context.empty_lines - emptyLinesRead);
        linesRead = context.lines;
        emptyLinesRead = context.empty_lines;
        return { line, cells };
      },
      on_skip: (error) => {
        report.rowsRead += 1;
        const csvError: (CsvError & { lines?: number }) | undefined = error;
        // csv-parse names the line where it gave up: for an unclosed quote, the end of the
        // file. The quote opened on the record after the last one read.
        const unclosed = csvError?.code === 'CSV_QUOTE_NOT_CLOSED';
        report.refuse(unclosed ? linesRead + 1 : (csvError?.lines ?? 0), [
          {
            field: null,
            code: PriceIssueCodes.MALFORMED_CSV,
            message: unclosed
              ? 'a quote opened in this row is never closed: the rest of the file could not be read'
              : (csvError?.message ?? 'unreadable CSV record'),
          },
        ]);
        return undefined;
      },
    };
    // csv-parse's overloads type `on_record` only together with `columns`; we read columns by
    // position, so the options are checked above against its generic Options type instead.
    const parser = parse(options as unknown as Options);
    // Errors of any stage (too large, a broken connection) reach the loop below through
    // the parser; the callback only has to exist.
    const records = pipeline(
      Readable.from(text),
      parser,
      () => undefined,
    ) as AsyncIterable<NumberedRecord>;

    let header: PriceFileHeader | undefined;
    let batch: PendingRow[] = [];
    // One batch is written while the next is read, so parsing and the database overlap;
    // writes stay one after the other (a later row still replaces an earlier one) and
    // memory holds at most two batches.
    let writing: Promise<void> = Promise.resolve();
    const startWriting = (rows: PendingRow[], fileHeader: PriceFileHeader) => {
      writing = this.write(rows, upload.userId, fileHeader, report);
      // Handled when awaited; this only keeps an early failure from counting as unhandled.
      writing.catch(() => undefined);
    };
    try {
      for await (const { line, cells: record } of records) {
        if (!header) {
          const read = readHeader(record);
          if (!read.ok) throw validationFailed(read.issues);
          header = read.header;
          continue;
        }
        report.rowsRead += 1;
        const row = this.readRow(
          record,
          header,
          line,
          today,
          productByAlias,
          productByCode,
          report,
        );
        if (!row) continue;
        batch.push(row);
        if (batch.length >= this.options.batchSize) {
          await writing;
          startWriting(batch, header);
          batch = [];
        }
      }
      await writing;
    } catch (error) {
      await writing.catch(() => undefined);
      throw error;
    }
    if (!header) {
      throw validationFailed([
        { field: 'file', code: PriceIssueCodes.EMPTY_FILE, message: 'the file has no header row' },
      ]);
    }
    await this.write(batch, upload.userId, header, report);

    const result = report.toResponse(header, decoder.encoding, delimiter);
    await this.dataSource.transaction((manager) =>
      this.outbox.record(manager, {
        type: 'market_prices.imported',
        aggregateType: 'market_price_import',
        payload: {
          layout: result.layout,
          rowsRead: result.rowsRead,
          inserted: result.inserted,
          updated: result.updated,
          rowsWithErrors: result.rowsWithErrors,
          importedBy: upload.userId,
        },
      }),
    );
    return result;
  }

  /** The row ready to write, or null when it is skipped (unknown product) or refused. */
  private readRow(
    record: string[],
    header: PriceFileHeader,
    line: number,
    today: string,
    productByAlias: ReadonlyMap<string, string>,
    productByCode: ReadonlyMap<string, string>,
    report: ImportReport,
  ): PendingRow | null {
    // With the columns shifted, the product cell holds something else: not a product to skip.
    const whole = record.length === header.headings.length;
    const name = whole ? productOf(record, header) : '';
    const issues: RowIssue[] = [];
    let productId: string | undefined;
    if (name !== '' && header.layout === 'odepa') {
      productId = productByAlias.get(productAliasKey(name));
      // Products outside the catalogue are most of ODEPA's file: skipped, not errors.
      if (!productId) {
        report.skipUnknownProduct(name);
        return null;
      }
    } else if (name !== '') {
      productId = productByCode.get(name.toLowerCase());
      if (!productId) {
        issues.push({
          field: header.headings[header.columns.get('product')!],
          code: PriceIssueCodes.UNKNOWN_PRODUCT_CODE,
          message: `no catalogue product has code "${name}"`,
        });
      }
    }
    const read = readPriceRow(record, header, today);
    if (!read.ok) issues.push(...read.issues);
    if (issues.length > 0 || !read.ok || !productId) {
      report.refuse(line, issues);
      return null;
    }
    return {
      productId,
      productNameAsPublished: header.layout === 'odepa' ? name : null,
      observation: read.observation,
    };
  }

  private async write(
    rows: PendingRow[],
    userId: string,
    header: PriceFileHeader,
    report: ImportReport,
  ): Promise<void> {
    if (rows.length === 0) return;
    const source = header.layout === 'odepa' ? 'odepa' : 'csv';
    // One statement may not touch a row twice: a key repeated in the batch keeps its last row.
    const byKey = new Map<
      string,
      { columns: ReturnType<typeof observationColumns>; figures: string }
    >();
    for (const row of rows) {
      const columns = observationColumns({
        productId: row.productId,
        productNameAsPublished: row.productNameAsPublished,
        observation: row.observation,
        source,
        createdBy: userId,
      });
      const key = naturalKey(columns);
      const figures = figuresOf(columns);
      const earlier = byKey.get(key);
      if (earlier) {
        if (earlier.figures === figures) report.unchanged += 1;
        else report.updated += 1;
      }
      byKey.set(key, { columns, figures });
    }
    const unique = [...byKey.values()].map((entry) => entry.columns);
    const outcome = await this.dataSource.transaction((manager) => upsert(manager, unique));
    report.inserted += outcome.inserted;
    report.updated += outcome.updated;
    report.unchanged += unique.length - outcome.inserted - outcome.updated;
  }
}

type ObservationColumns = ReturnType<typeof observationColumns>;

const NULL_MARK = '\u0000';

function naturalKey(columns: ObservationColumns): string {
  return [
    columns.date,
    columns.market,
    columns.productId,
    columns.variety ?? NULL_MARK,
    columns.quality ?? NULL_MARK,
    columns.unitLabel,
    columns.origin ?? NULL_MARK,
  ].join('\u0001');
}

/** What an upsert would change: the figures, not who imported them. */
function figuresOf(columns: ObservationColumns): string {
  return JSON.stringify([
    columns.productNameAsPublished,
    columns.baseUnit,
    columns.baseQuantity,
    columns.currency,
    columns.priceMin,
    columns.priceMax,
    columns.priceAvg,
    columns.volume,
    columns.region,
    columns.vatIncluded,
    columns.source,
  ]);
}

/**
 * One statement per batch: the rows travel as one array per column (unnest), so a batch
 * of a thousand rows is 19 parameters, not 19,000. An update happens only when a figure
 * differs, which is what tells `updated` from `unchanged`; `xmax = 0` marks a fresh insert.
 */
async function upsert(
  manager: EntityManager,
  rows: ObservationColumns[],
): Promise<{ inserted: number; updated: number }> {
  const column = <K extends keyof ObservationColumns>(key: K) => rows.map((row) => row[key]);
  const result = await manager.query<{ inserted: boolean }[]>(
    `INSERT INTO market_price_observations AS o
       (product_id, product_name_as_published, market, date, unit_label, base_unit, base_quantity,
        currency, price_min, price_max, price_avg, volume, variety, quality, origin, region,
        vat_included, source, created_by)
     SELECT * FROM unnest(
       $1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::numeric[],
       $8::text[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::text[],
       $14::text[], $15::text[], $16::text[], $17::boolean[], $18::text[], $19::uuid[])
     ON CONFLICT (date, market, product_id, variety, quality, unit_label, origin)
       WHERE source <> 'ayllu'
     DO UPDATE SET
       product_name_as_published = EXCLUDED.product_name_as_published,
       base_unit = EXCLUDED.base_unit,
       base_quantity = EXCLUDED.base_quantity,
       currency = EXCLUDED.currency,
       price_min = EXCLUDED.price_min,
       price_max = EXCLUDED.price_max,
       price_avg = EXCLUDED.price_avg,
       volume = EXCLUDED.volume,
       region = EXCLUDED.region,
       vat_included = EXCLUDED.vat_included,
       source = EXCLUDED.source,
       created_by = EXCLUDED.created_by,
       updated_at = now()
     WHERE (o.product_name_as_published, o.base_unit, o.base_quantity, o.currency, o.price_min,
            o.price_max, o.price_avg, o.volume, o.region, o.vat_included, o.source)
       IS DISTINCT FROM
           (EXCLUDED.product_name_as_published, EXCLUDED.base_unit, EXCLUDED.base_quantity,
            EXCLUDED.currency, EXCLUDED.price_min, EXCLUDED.price_max, EXCLUDED.price_avg,
            EXCLUDED.volume, EXCLUDED.region, EXCLUDED.vat_included, EXCLUDED.source)
     RETURNING (xmax = 0) AS inserted`,
    [
      column('productId'),
      column('productNameAsPublished'),
      column('market'),
      column('date'),
      column('unitLabel'),
      column('baseUnit'),
      column('baseQuantity'),
      column('currency'),
      column('priceMin'),
      column('priceMax'),
      column('priceAvg'),
      column('volume'),
      column('variety'),
      column('quality'),
      column('origin'),
      column('region'),
      column('vatIncluded'),
      column('source'),
      column('createdBy'),
    ],
  );
  const inserted = result.filter((row) => row.inserted).length;
  return { inserted, updated: result.length - inserted };
}

/**
 * The request's bytes as text with `\n` line ends, refusing more than `maxBytes` however
 * the body is sent.
 */
export async function* decodedText(
  body: Readable,
  decoder: CsvTextDecoder,
  maxBytes: number,
): AsyncGenerator<string> {
  let bytes = 0;
  const lineEnds = new LineEndNormalizer();
  // Not destroying the request on an early stop leaves its socket able to carry our answer.
  for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge(maxBytes);
    const text = lineEnds.push(decoder.decode(chunk));
    if (text !== '') yield text;
  }
  const rest = lineEnds.push(decoder.end()) + lineEnds.end();
  if (rest !== '') yield rest;
}

/** Reads up to the end of the header line to pick the delimiter, then replays everything. */
export async function withDelimiter(
  text: AsyncGenerator<string>,
): Promise<{ delimiter: ',' | ';'; text: AsyncGenerator<string> }> {
  let head = '';
  while (!head.includes('\n')) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    if (head.length > MAX_HEADER_CHARS && !head.includes('\n')) {
      await text.return(undefined);
      throw validationFailed([
        {
          field: 'header',
          code: PriceIssueCodes.UNKNOWN_LAYOUT,
          message: `no line end in the first ${MAX_HEADER_CHARS} characters: this is not a CSV price file`,
        },
      ]);
    }
  }
  async function* replay(): AsyncGenerator<string> {
    if (head !== '') yield head;
    yield* text;
  }
  return { delimiter: sniffDelimiter(head.split('\n', 1)[0]), text: replay() };
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    CommonErrors.PAYLOAD_TOO_LARGE,
    `a price file may have at most ${maxBytes} bytes`,
    { maxBytes },
  );
}

class ImportReport {
  rowsRead = 0;
  inserted = 0;
  updated = 0;
  unchanged = 0;
  rowsWithErrors = 0;
  private readonly unknownProducts = new Map<string, number>();
  private readonly issues: ImportIssueResponse[] = [];
  private truncated = false;

  constructor(private readonly maxIssues: number) {}

  skipUnknownProduct(name: string): void {
    this.unknownProducts.set(name, (this.unknownProducts.get(name) ?? 0) + 1);
  }

  refuse(line: number, issues: readonly RowIssue[]): void {
    this.rowsWithErrors += 1;
    for (const issue of issues) {
      if (this.issues.length >= this.maxIssues) {
        this.truncated = true;
        return;
      }
      this.issues.push({ line, ...issue });
    }
  }

  toResponse(
    header: PriceFileHeader,
    encoding: TextEncoding,
    delimiter: ',' | ';',
  ): ImportReportResponse {
    const unknownProducts = [...this.unknownProducts.entries()]
      .map(([name, rows]) => ({ name, rows }))
      .sort((a, b) => b.rows - a.rows || (a.name < b.name ? -1 : 1));
    return {
      layout: header.layout,
      encoding,
      delimiter,
      rowsRead: this.rowsRead,
      inserted: this.inserted,
      updated: this.updated,
      unchanged: this.unchanged,
      skippedUnknownProduct: unknownProducts.reduce((total, product) => total + product.rows, 0),
      unknownProducts,
      rowsWithErrors: this.rowsWithErrors,
      // csv-parse reports a malformed record when it gives up on it, after later good rows.
      errors: [...this.issues].sort((a, b) => a.line - b.line),
      errorsTruncated: this.truncated,
    };
  }
}
