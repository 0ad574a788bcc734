/**
 * `npm run demo`: a newcomer's first look at what Ayllu does.
 *
 * Against a running service (`npm start`, or AYLLU_URL), it plays a short story of the
 * carrot growers of Lasana over the HTTP API: the association pools its members' harvest
 * into one lot, negotiates it with two buyers (an offer, a counter, a deal), then sells a
 * second lot by sealed tender and reads the allocation. Every step is printed in plain
 * words, Spanish first. Each run creates new users (unique emails), so it can run again and
 * again on the same database.
 */
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';

const BASE_URL = (process.env.AYLLU_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const API = `${BASE_URL}/api/v1`;
const REQUEST_TIMEOUT_MS = 15_000;
/** How long the tender stays open for bids; the demo waits for it. */
const TENDER_SECONDS = 6;
const RUN = randomUUID().slice(0, 8);

// ---------------------------------------------------------------------------------------
// HTTP

class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} → ${status}`);
  }
}

class Unreachable extends Error {}

interface User {
  id: string;
  name: string;
  email: string;
  token: string;
}

type Json = Record<string, unknown>;

async function call<T = Json>(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { as?: User; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.as) headers.Authorization = `Bearer ${options.as.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  // Every write is retry-safe through its Idempotency-Key, as any client should send it.
  if (method === 'POST') headers['Idempotency-Key'] = randomUUID();
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Unreachable(describeNetworkError(error));
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: kept as text for the error message.
  }
  if (!response.ok) throw new ApiError(method, path, response.status, body);
  return body as T;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function newUser(name: string, role: string): Promise<User> {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.');
  const email = `${slug}.${RUN}@demo.ayllu.test`;
  const password = `demo-${randomUUID()}`;
  const user = await call<{ id: string }>('POST', '/auth/register', {
    body: { email, password, displayName: name },
  });
  const login = await call<{ accessToken: string }>('POST', '/auth/login', {
    body: { email, password },
  });
  say(`${name} (${role}) — ${email}`);
  return { id: user.id, name, email, token: login.accessToken };
}

// ---------------------------------------------------------------------------------------
// Words and numbers, the Chilean way: 2.400 kg, $ 1.250.000

function groupThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** A decimal string as Chileans write it: dot for thousands, comma for decimals. */
function number(value: string | Decimal, decimals?: number): string {
  let d = new Decimal(value);
  if (decimals !== undefined) d = d.toDecimalPlaces(decimals, Decimal.ROUND_HALF_EVEN);
  const [integer, fraction] = d.abs().toFixed().split('.');
  const sign = d.isNegative() ? '-' : '';
  return `${sign}${groupThousands(integer)}${fraction ? `,${fraction}` : ''}`;
}

/** Money in the lot's currency: CLP has no decimals ($ 1.250.000), USD two (US$ 1.250,50). */
function money(value: string | Decimal, currency = 'CLP'): string {
  if (currency === 'CLP') return `$ ${number(value, 0)}`;
  return `US$ ${number(new Decimal(value).toFixed(2, Decimal.ROUND_HALF_EVEN))}`;
}

function kg(value: string | Decimal): string {
  return `${number(value)} kg`;
}

function total(price: string, quantity: string): Decimal {
  return new Decimal(price).times(quantity);
}

let stepNumber = 0;

function step(spanish: string, english: string): void {
  stepNumber += 1;
  process.stdout.write(`\n${`${stepNumber}.`.padEnd(3)} ${spanish}\n    (${english})\n`);
}

function say(line: string): void {
  process.stdout.write(`    → ${line}\n`);
}

function inMinutes(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

function chileTime(instant: string): string {
  return new Date(instant).toLocaleTimeString('es-CL', {
    timeZone: 'America/Santiago',
    hour12: false,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------
// The story

interface Lot {
  id: string;
  quantityTotal: string;
  quantityAvailable: string;
  status: string;
  currency: string;
}

interface Offer {
  id: string;
  price: string;
  quantity: string;
  status: string;
}

interface Deal {
  id: string;
  price: string;
  quantity: string;
  currency: string;
}

interface Allocation {
  pricingRule: string;
  clearingPrice?: string | null;
  allocations: {
    offerId: string;
    buyerOrganizationId: string;
    price: string;
    quantityBid: string;
    minQuantity: string;
    quantityAllocated: string;
    pricePaid: string | null;
  }[];
}

const FAMILIES: [string, string][] = [
  ['Familia Anza', '800'],
  ['Familia Cruz', '600'],
  ['Familia Luque', '550'],
  ['Familia Mamani', '450'],
];

async function story(): Promise<void> {
  process.stdout.write(
    'Ayllu — la Asociación de Productores de Lasana vende su zanahoria en conjunto\n' +
      '(Ayllu demo: the Lasana producers sell their carrots together instead of plot by plot)\n' +
      `Servicio (service): ${BASE_URL}\n`,
  );

  step('¿Está el servicio en pie?', 'is the service up?');
  let health: Json;
  try {
    const response = await fetch(`${BASE_URL}/health`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    health = (await response.json()) as Json;
  } catch (error) {
    throw new Unreachable(describeNetworkError(error));
  }
  say(`estado ${String(health.status)}, base de datos ${String(health.database)}`);

  const [communities, products] = await Promise.all([
    call<{ items: { id: string; name: string; families: number }[] }>(
      'GET',
      '/communities?limit=100',
    ),
    call<{ items: { id: string; code: string; nameEs: string }[] }>('GET', '/products?limit=100'),
  ]);
  const lasana = communities.items.find((c) => c.name === 'Lasana');
  const carrot = products.items.find((p) => p.code === 'zanahoria');
  if (!carrot) throw new Error('the reference data has no product "zanahoria"');

  step('Se registran las personas', 'people sign up');
  const manager = await newUser('Rosa Mamani', 'gerenta de la asociación / association manager');
  const buyerNorte = await newUser('Jorge Tapia', 'comprador / buyer agent');
  const buyerLoa = await newUser('Camila Rojas', 'compradora / buyer agent');

  step(
    'Rosa crea la Asociación de Productores de Lasana',
    'Rosa creates the association and becomes its manager',
  );
  const association = await call<{ id: string; name: string; approvalPolicy: string }>(
    'POST',
    '/organizations',
    {
      as: manager,
      body: {
        kind: 'association',
        name: 'Asociación de Productores de Lasana',
        ...(lasana ? { communityId: lasana.id } : {}),
      },
    },
  );
  say(
    `${association.name}${lasana ? ` (Lasana, ${lasana.families} familias)` : ''}; ` +
      `acepta ofertas: ${association.approvalPolicy === 'manager' ? 'la gerenta' : association.approvalPolicy}`,
  );

  step(
    'Dos compradores mayoristas entran a Ayllu',
    'two wholesale buyers join, each with its own organisation',
  );
  const norte = await call<{ id: string; name: string }>('POST', '/organizations', {
    as: buyerNorte,
    body: { kind: 'buyer', name: 'Distribuidora del Norte (Calama)' },
  });
  const loa = await call<{ id: string; name: string }>('POST', '/organizations', {
    as: buyerLoa,
    body: { kind: 'buyer', name: 'Comercial El Loa (Antofagasta)' },
  });
  say(`${norte.name}, representada por ${buyerNorte.name}`);
  say(`${loa.name}, representada por ${buyerLoa.name}`);
  const buyerName = (organizationId: string) =>
    organizationId === norte.id ? norte.name : organizationId === loa.id ? loa.name : '¿?';

  step(
    'La gerenta inscribe a las familias productoras (no necesitan cuenta)',
    'the manager registers the member families; they need no login',
  );
  const producers: { id: string; name: string; quantity: string }[] = [];
  for (const [name, quantity] of FAMILIES) {
    const producer = await call<{ id: string }>(
      'POST',
      `/organizations/${association.id}/producers`,
      { as: manager, body: { name, ...(lasana ? { communityId: lasana.id } : {}) } },
    );
    producers.push({ id: producer.id, name, quantity });
  }
  say(producers.map((p) => p.name).join(', '));

  step(
    'Juntan la cosecha: cada familia aporta su zanahoria a un lote común',
    "the families pool their harvest: each contribution adds to one lot's quantity",
  );
  const lot = await call<Lot>('POST', `/organizations/${association.id}/lots`, {
    as: manager,
    body: {
      productId: carrot.id,
      grade: 'A',
      unit: 'kg',
      currency: 'CLP',
      mechanism: 'negotiation',
      askingPrice: '260',
      minOrderQuantity: '500',
      deliveryFrom: '2026-12-10',
      deliveryTo: '2026-12-20',
      deliveryPoint: 'Sede de la asociación, Lasana',
    },
  });
  for (const producer of producers) {
    await call('POST', `/lots/${lot.id}/contributions`, {
      as: manager,
      body: { producerId: producer.id, quantity: producer.quantity },
    });
    say(`${producer.name} aporta ${kg(producer.quantity)}`);
  }
  const published = await call<Lot>('POST', `/lots/${lot.id}/publish`, { as: manager });
  say(
    `La asociación publica un lote de ${kg(published.quantityTotal)} de zanahoria de primera, ` +
      `pide ${money('260')}/kg (estado: ${published.status})`,
  );
  say(
    `(the association publishes one lot of ${kg(published.quantityTotal)} of grade A carrots, asking ${money('260')}/kg)`,
  );

  step(`${buyerNorte.name} ofrece por 1.500 kg`, 'a buyer makes an offer on part of the lot');
  const offer = await call<Offer>('POST', `/lots/${lot.id}/offers`, {
    as: buyerNorte,
    body: { price: '190', quantity: '1500', paymentTermsDays: 30, expiresAt: inMinutes(60) },
  });
  say(
    `${norte.name} ofrece ${money(offer.price)}/kg por ${kg(offer.quantity)}, pago a 30 días ` +
      `(${money(total(offer.price, offer.quantity))} en total)`,
  );

  step(
    'La asociación contraoferta, negociando una sola vez por todas las familias',
    'the association counters, negotiating once for every family',
  );
  const counter = await call<Offer>('POST', `/offers/${offer.id}/counter`, {
    as: manager,
    body: { price: '245', quantity: '1500', expiresAt: inMinutes(60) },
  });
  say(
    `Contraoferta: ${money(counter.price)}/kg por ${kg(counter.quantity)} ` +
      `(${money(total(counter.price, counter.quantity))}); la oferta original queda "countered"`,
  );

  step('El comprador acepta la contraoferta: hay trato', 'the buyer accepts the counter: a deal');
  const firstDeal = (
    await call<{ deal: Deal }>('POST', `/offers/${counter.id}/accept`, { as: buyerNorte, body: {} })
  ).deal;
  say(
    `Trato con ${norte.name}: ${kg(firstDeal.quantity)} a ${money(firstDeal.price)}/kg = ` +
      `${money(total(firstDeal.price, firstDeal.quantity))}`,
  );
  const afterFirst = await call<Lot>('GET', `/lots/${lot.id}`, { as: buyerLoa });
  say(
    `Quedan ${kg(afterFirst.quantityAvailable)} disponibles para otros compradores (${afterFirst.status})`,
  );

  step(
    `${buyerLoa.name} ofrece por el resto y la gerenta acepta`,
    'the second buyer offers for the rest; the manager accepts: the lot is sold in parts',
  );
  const secondOffer = await call<Offer>('POST', `/lots/${lot.id}/offers`, {
    as: buyerLoa,
    body: {
      price: '240',
      quantity: afterFirst.quantityAvailable,
      paymentTermsDays: 15,
      expiresAt: inMinutes(60),
    },
  });
  say(
    `${loa.name} ofrece ${money(secondOffer.price)}/kg por ${kg(secondOffer.quantity)}, pago a 15 días`,
  );
  const secondDeal = (
    await call<{ deal: Deal }>('POST', `/offers/${secondOffer.id}/accept`, {
      as: manager,
      body: {},
    })
  ).deal;
  say(
    `Trato con ${loa.name}: ${kg(secondDeal.quantity)} a ${money(secondDeal.price)}/kg = ` +
      `${money(total(secondDeal.price, secondDeal.quantity))}`,
  );
  const sold = await call<Lot & { quantitySold: string }>('GET', `/lots/${lot.id}`, {
    as: manager,
  });
  const gross = total(firstDeal.price, firstDeal.quantity).plus(
    total(secondDeal.price, secondDeal.quantity),
  );
  say(
    `Lote ${sold.status === 'sold' ? 'vendido' : sold.status}: ${kg(sold.quantitySold)} por ` +
      `${money(gross)} (${money(gross.dividedBy(sold.quantitySold))}/kg en promedio, ` +
      `frente a ${money('190')}/kg de la primera oferta)`,
  );

  step(
    'Las familias pueden revisar cómo se acordó el precio',
    'the members can read how their price was agreed: a hash-chained history',
  );
  const history = await call<{
    items: { seq: number; type: string }[];
    verification: { ok: boolean };
  }>('GET', `/lots/${lot.id}/history`, { as: manager });
  say(history.items.map((event) => event.type).join(' → '));
  say(
    `${history.items.length} eventos encadenados; verificación de la cadena: ` +
      `${history.verification.ok ? 'íntegra (ok)' : 'ALTERADA (tampered)'}`,
  );

  step(
    `Segunda cosecha: licitación a sobre cerrado que cierra en ${TENDER_SECONDS} segundos`,
    `second harvest: a sealed-bid tender closing in ${TENDER_SECONDS} s, uniform price, reserve price hidden from buyers`,
  );
  const tender = await call<Lot>('POST', `/organizations/${association.id}/lots`, {
    as: manager,
    body: {
      productId: carrot.id,
      grade: 'A',
      unit: 'kg',
      currency: 'CLP',
      mechanism: 'tender',
      pricingRule: 'uniform',
      reservePrice: '220',
      minOrderQuantity: '300',
      deliveryFrom: '2026-12-21',
      deliveryTo: '2026-12-31',
      deliveryPoint: 'Sede de la asociación, Lasana',
      closesAt: new Date(Date.now() + TENDER_SECONDS * 1000).toISOString(),
    },
  });
  for (const producer of producers.slice(0, 2)) {
    await call('POST', `/lots/${tender.id}/contributions`, {
      as: manager,
      body: { producerId: producer.id, quantity: '600' },
    });
  }
  const openTender = await call<Lot & { closesAt: string }>('POST', `/lots/${tender.id}/publish`, {
    as: manager,
  });
  say(
    `Lote de ${kg(openTender.quantityTotal)} en licitación; precio de reserva ${money('220')}/kg ` +
      `(solo la asociación lo ve); cierra a las ${chileTime(openTender.closesAt)} (hora de Chile)`,
  );

  step('Cada comprador pone su oferta en sobre cerrado', 'each buyer places a sealed bid');
  const bidNorte = await call<Offer>('POST', `/lots/${tender.id}/offers`, {
    as: buyerNorte,
    body: {
      price: '250',
      quantity: '800',
      minQuantity: '500',
      paymentTermsDays: 30,
      expiresAt: inMinutes(60),
    },
  });
  const bidLoa = await call<Offer>('POST', `/lots/${tender.id}/offers`, {
    as: buyerLoa,
    body: {
      price: '235',
      quantity: '800',
      minQuantity: '300',
      paymentTermsDays: 15,
      expiresAt: inMinutes(60),
    },
  });
  say(`${norte.name}: ${money(bidNorte.price)}/kg por hasta ${kg(bidNorte.quantity)} (mínimo 500)`);
  say(`${loa.name}: ${money(bidLoa.price)}/kg por hasta ${kg(bidLoa.quantity)} (mínimo 300)`);
  const asBuyer = await call<Json>('GET', `/lots/${tender.id}`, { as: buyerLoa });
  say(
    `Los compradores ${'reservePrice' in asBuyer ? 'VEN' : 'no ven'} el precio de reserva ` +
      `(buyers ${'reservePrice' in asBuyer ? 'SEE' : 'do not see'} the reserve price)`,
  );
  try {
    const early = await call<{ items: unknown[] }>('GET', `/lots/${tender.id}/offers`, {
      as: manager,
    });
    say(
      `Antes del cierre la asociación ve ${early.items.length} ofertas ` +
        `(sealed: the association sees ${early.items.length} bids before close)`,
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const code = (error.body as { code?: string } | null)?.code ?? '';
    say(
      `Antes del cierre la asociación no puede ver las ofertas: HTTP ${error.status} ${code} ` +
        '(sealed: the association cannot read the bids before close)',
    );
  }

  const waitMs = Math.max(0, new Date(openTender.closesAt).getTime() - Date.now()) + 1000;
  step(`Esperamos el cierre (${Math.ceil(waitMs / 1000)} s)…`, 'waiting for the tender to close');
  await sleep(waitMs);
  const allocation = await call<Allocation>('GET', `/lots/${tender.id}/allocation`, {
    as: manager,
  });
  const rule = allocation.pricingRule === 'uniform' ? 'precio uniforme' : 'cada uno paga su oferta';
  say(
    `Adjudicación (${rule})` +
      (allocation.clearingPrice ? `: precio de cierre ${money(allocation.clearingPrice)}/kg` : ''),
  );
  let tenderGross = new Decimal(0);
  for (const row of allocation.allocations) {
    const won = !new Decimal(row.quantityAllocated).isZero();
    if (won && row.pricePaid)
      tenderGross = tenderGross.plus(total(row.pricePaid, row.quantityAllocated));
    say(
      won && row.pricePaid
        ? `${buyerName(row.buyerOrganizationId)}: ofreció ${money(row.price)}/kg por ${kg(row.quantityBid)}, ` +
            `recibe ${kg(row.quantityAllocated)} y paga ${money(row.pricePaid)}/kg = ` +
            `${money(total(row.pricePaid, row.quantityAllocated))}`
        : `${buyerName(row.buyerOrganizationId)}: ofreció ${money(row.price)}/kg, no recibe nada`,
    );
  }
  const closed = await call<Lot & { quantitySold: string }>('GET', `/lots/${tender.id}`, {
    as: manager,
  });
  say(
    `Licitación cerrada: ${kg(closed.quantitySold)} vendidos por ${money(tenderGross)} (estado: ${closed.status})`,
  );

  process.stdout.write(
    '\nListo: dos lotes vendidos en conjunto, una sola voz por todas las familias de Lasana.\n' +
      `(Done: two lots sold together, one voice for every family. The whole API: ${BASE_URL}/docs)\n`,
  );
}

story().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof Unreachable) {
      process.stderr.write(
        `\nNo se pudo conectar con Ayllu en ${BASE_URL} (${error.message}).\n` +
          `(Could not reach the service.) Start it first with \`npm start\`, ` +
          'or point AYLLU_URL at a running one, e.g. AYLLU_URL=http://localhost:3100 npm run demo\n',
      );
      process.exit(2);
    }
    if (error instanceof ApiError) {
      process.stderr.write(
        `\nEl servicio rechazó un paso (the service refused a step): ${error.message}\n` +
          `${JSON.stringify(error.body, null, 2)}\n`,
      );
      process.exit(1);
    }
    process.stderr.write(
      `\nLa demostración falló (the demo failed): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
