import { PDFParse } from 'pdf-parse';
import type { Response } from 'superagent';
import type TestAgent from 'supertest/lib/agent';
import { bearer, type TestUser } from './builders';
import { contribute, makeOffer, newLot, publish } from './lot-builders';

export interface Sale {
  buyer: TestUser;
  price: string;
  quantity: string;
}

/**
 * A published carrot lot of the association with these contributions, sold in these deals
 * (each a buyer's offer accepted by the manager, under the default `manager` policy). When the
 * sales take the whole lot, the lot ends `sold`.
 */
export async function soldLot(
  http: TestAgent,
  manager: TestUser,
  associationId: string,
  productId: string,
  contributions: readonly { producerId: string; quantity: string }[],
  sales: readonly Sale[],
): Promise<{ lotId: string; dealIds: string[] }> {
  const lot = await newLot(http, manager, associationId, productId, { minOrderQuantity: '10' });
  for (const contribution of contributions) {
    await contribute(http, manager, lot.id, contribution.producerId, contribution.quantity);
  }
  await publish(http, manager, lot.id);
  const dealIds: string[] = [];
  for (const sale of sales) {
    const offer = await makeOffer(http, sale.buyer, lot.id, {
      price: sale.price,
      quantity: sale.quantity,
    });
    const accepted = await http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(201);
    dealIds.push(accepted.body.deal.id);
  }
  return { lotId: lot.id, dealIds };
}

export interface DeliveryLine {
  producerId: string;
  quantityDelivered: string;
  quantityAccepted: string;
  grade: string;
}

export function deliver(http: TestAgent, manager: TestUser, dealId: string, lines: DeliveryLine[]) {
  return http.post(`/api/v1/deals/${dealId}/deliveries`).set(bearer(manager)).send({ lines });
}

export function settle(
  http: TestAgent,
  treasurer: TestUser,
  lotId: string,
  body: Record<string, unknown> = {},
) {
  return http.post(`/api/v1/lots/${lotId}/settlements`).set(bearer(treasurer)).send(body);
}

/** The text of a PDF, as a reader's copy-and-paste would give it. */
export async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: pdf });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.total };
  } finally {
    await parser.destroy();
  }
}

/** Supertest buffers a binary body only when asked; this collects it whole. */
export function binaryParser(
  res: Response,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  // Superagent hands a parser the raw Node response stream, typed as its own Response.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
  stream.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}

/** Rows of the statements CSV (`;`, decimal comma, byte-order mark), as plain strings. */
export function csvRows(csv: string): string[][] {
  expectNoQuotedSeparators(csv);
  return csv
    .replace(/^\ufeff/, '')
    .split('\r\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split(';'));
}

function expectNoQuotedSeparators(csv: string): void {
  if (csv.includes('"'))
    throw new Error('csvRows reads unquoted files only; use names without ; or "');
}

/** "1234,5" → "1234.5", for comparing a CSV figure with an API one. */
export function csvDecimal(value: string): string {
  return value.replace(',', '.');
}
