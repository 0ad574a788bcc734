import type TestAgent from 'supertest/lib/agent';
import { addMember, bearer, newOrganization, newUser, type TestUser } from './builders';

export const ADMIN_ENV = {
  PLATFORM_ADMIN_EMAIL: 'precios@ayllu.test',
  PLATFORM_ADMIN_PASSWORD: 'admin password of the price tests',
};

/** The platform admin that `startTestApp(ADMIN_ENV)` creates at start. */
export async function loginPlatformAdmin(http: TestAgent): Promise<TestUser> {
  const login = await http
    .post('/api/v1/auth/login')
    .send({ email: ADMIN_ENV.PLATFORM_ADMIN_EMAIL, password: ADMIN_ENV.PLATFORM_ADMIN_PASSWORD })
    .expect(200);
  return {
    id: '',
    email: ADMIN_ENV.PLATFORM_ADMIN_EMAIL,
    password: ADMIN_ENV.PLATFORM_ADMIN_PASSWORD,
    token: login.body.accessToken,
  };
}

/** An association with its manager, a treasurer and a plain member. */
export async function newAssociationTeam(http: TestAgent) {
  const manager = await newUser(http, 'Gerente Lasana');
  const treasurer = await newUser(http, 'Tesorera Lasana');
  const member = await newUser(http, 'Socia Lasana');
  const association = await newOrganization(http, manager, 'association');
  await addMember(http, manager, association.id, treasurer, 'treasurer');
  await addMember(http, manager, association.id, member, 'member');
  return { association, manager, treasurer, member };
}

export async function productIdOf(http: TestAgent, code: string): Promise<string> {
  const response = await http.get('/api/v1/products?limit=100').expect(200);
  const product = (response.body.items as { id: string; code: string }[]).find(
    (item) => item.code === code,
  );
  if (!product) throw new Error(`no product ${code}`);
  return product.id;
}

/**
 * `../shared/data/odepa-wholesale-sample.csv`, byte for byte but for the BOM (added by
 * `odepaFile`): ODEPA's layout with made-up values. Tests keep their own copy.
 */
export const ODEPA_SAMPLE_LINES = [
  'Fecha,ID region,Region,Mercado,Subsector,Producto,Variedad / Tipo,Calidad,Unidad de comercializacion,Origen,Volumen,Precio minimo,Precio maximo,Precio promedio',
  '2026-10-05,"13","Region Metropolitana de Santiago","Mercado Mayorista Lo Valledor de Santiago","Hortalizas","Zanahoria","Sin especificar","Primera","$/saco 20 kilos","Region de Coquimbo","850","4500,0000","5000,0000","4761,1765"',
  '2026-10-05,"13","Region Metropolitana de Santiago","Vega Central Mapocho de Santiago","Hortalizas","Zanahoria","Sin especificar","Primera","$/kilo (en saco de 20 kilos)","Region de Valparaiso","300","230,0000","260,0000","245,0000"',
  '2026-10-05,"5","Region de Valparaiso","Femacal de La Calera","Hortalizas","Zanahoria","Sin especificar","Segunda","$/malla 18 kilos","Region de Valparaiso","120","3200,0000","3600,0000","3400,0000"',
  '2026-10-06,"4","Region de Coquimbo","Terminal La Palmera de La Serena","Hortalizas","Haba","Sin especificar","Primera","$/saco 25 kilos","Region de Coquimbo","60","9000,0000","11000,0000","10000,0000"',
  '2026-10-06,"15","Region de Arica y Parinacota","Agricola del Norte S.A. de Arica","Hortalizas","Zanahoria","Sin especificar","Primera","$/bandeja 10 kilos","Region de Arica y Parinacota","40","2800,0000","3000,0000","2900,0000"',
  '2026-10-06,"13","Region Metropolitana de Santiago","Mercado Mayorista Lo Valledor de Santiago","Hortalizas","Papa","Desiree","Primera","$/saco 25 kilos","Region de la Araucania","2000","13000,0000","14000,0000","13521,7400"',
];

/** A file as bytes: UTF-8 with a byte-order mark and CRLF (as ODEPA publishes), or not. */
export function odepaFile(
  lines: readonly string[],
  options: { encoding?: 'utf-8' | 'latin1'; bom?: boolean; lineEnd?: string } = {},
): Buffer {
  const text = lines.join(options.lineEnd ?? '\r\n') + (options.lineEnd ?? '\r\n');
  if (options.encoding === 'latin1') return Buffer.from(text, 'latin1');
  const bytes = Buffer.from(text, 'utf8');
  return options.bom === false ? bytes : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
}

/**
 * The same rows as a Spanish-locale spreadsheet saves them: semicolons, no quotes, so the
 * decimal commas stand bare.
 */
export function toSemicolons(lines: readonly string[]): string[] {
  return lines.map((line) =>
    line
      .match(/("[^"]*"|[^,]+)/g)!
      .map((cell) => cell.replace(/^"|"$/g, ''))
      .join(';'),
  );
}

export function importPrices(
  http: TestAgent,
  admin: TestUser,
  body: Buffer | string,
  contentType = 'text/csv',
) {
  return http
    .post('/api/v1/market-prices/import')
    .set(bearer(admin))
    .set('Content-Type', contentType)
    .send(body);
}
