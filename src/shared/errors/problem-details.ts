import type { FieldIssue } from './domain-error';

/** RFC 9457 problem details, with the stable `code` our clients switch on. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export type Language = 'es' | 'en';

/** Spanish first: it is what our users speak; English when the client prefers it. */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'es';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { lang: tag.split('-')[0], weight: Number.isNaN(weight) ? 0 : weight, index };
    })
    .filter((entry) => entry.lang === 'es' || entry.lang === 'en')
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.length > 0 ? (ranked[0].lang as Language) : 'es';
}

/** Field messages in Spanish for the constraint codes the validation layer produces. */
const FIELD_MESSAGES_ES: Record<string, string> = {
  UNKNOWN_FIELD: 'campo desconocido',
  TOO_DEEP: 'el JSON está anidado a demasiada profundidad',
  REQUIRED: 'es obligatorio',
  NOT_STRING: 'debe ser un texto',
  NOT_EMAIL: 'debe ser un correo electrónico válido',
  NOT_UUID: 'debe ser un identificador UUID',
  NOT_ALLOWED_VALUE: 'no es uno de los valores permitidos',
  TOO_SHORT: 'es demasiado corto',
  TOO_LONG: 'es demasiado largo',
  NOT_DECIMAL: 'debe ser un número decimal en texto, por ejemplo "1250.50"',
  OUT_OF_RANGE: 'está fuera del rango permitido',
  MUST_NOT_BE_NEGATIVE: 'no puede ser negativo',
  MUST_BE_POSITIVE: 'debe ser mayor que cero',
  TOO_MANY_DECIMALS: 'tiene demasiados decimales',
  NOT_INTEGER: 'debe ser un número entero',
  NOT_BOOLEAN: 'debe ser verdadero o falso',
  NOT_DATE: 'debe ser una fecha ISO 8601',
  NOT_OBJECT: 'debe ser un objeto',
  NOT_ARRAY: 'debe ser una lista',
  INVALID: 'no es válido',
};

export function localiseFieldIssue(issue: FieldIssue, language: Language): FieldIssue {
  if (language === 'en') return issue;
  const message = FIELD_MESSAGES_ES[issue.code];
  return message ? { ...issue, message } : issue;
}
