/**
 * Errors of the domain, with a stable machine code. Pure TypeScript: the same error is
 * thrown by a rule called from an HTTP request or from a Bull job; only the HTTP layer
 * (problem-details filter) turns the code into a status, through the catalogue.
 */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `lines.3.unitPrice`. */
  field: string;
  /** Stable code of the issue, e.g. `NOT_DECIMAL`, `MUST_BE_POSITIVE`. */
  code: string;
  /** Human explanation in English; the filter may translate by code. */
  message: string;
}

export class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly fieldIssues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface ErrorCodeSpec {
  status: number;
  title: { es: string; en: string };
}

const catalogue = new Map<string, ErrorCodeSpec>();

/**
 * Each module declares its codes once, with the HTTP status and a title in Spanish and
 * English; the declaration registers them for the problem-details filter. Declaring one
 * code twice with a different status is a programming error caught at import.
 */
export function defineErrorCodes<C extends string>(
  specs: Record<C, ErrorCodeSpec>,
): { [K in C]: K } {
  const codes = {} as { [K in C]: K };
  for (const code of Object.keys(specs) as C[]) {
    const spec = specs[code];
    const existing = catalogue.get(code);
    if (existing && existing.status !== spec.status) {
      throw new Error(`error code ${code} declared twice with different statuses`);
    }
    catalogue.set(code, spec);
    codes[code] = code;
  }
  return codes;
}

export function errorCodeSpec(code: string): ErrorCodeSpec | undefined {
  return catalogue.get(code);
}

/** Codes every module may use. */
export const CommonErrors = defineErrorCodes({
  VALIDATION_FAILED: {
    status: 400,
    title: { es: 'La solicitud tiene datos inválidos', en: 'The request has invalid data' },
  },
  MALFORMED_JSON: {
    status: 400,
    title: { es: 'El cuerpo no es JSON válido', en: 'The body is not valid JSON' },
  },
  UNAUTHENTICATED: {
    status: 401,
    title: { es: 'Se requiere autenticación válida', en: 'Valid authentication is required' },
  },
  FORBIDDEN: {
    status: 403,
    title: { es: 'No tiene permiso para esta acción', en: 'You may not do this' },
  },
  NOT_FOUND: {
    status: 404,
    title: { es: 'Recurso no encontrado', en: 'Resource not found' },
  },
  INVALID_TRANSITION: {
    status: 409,
    title: { es: 'Cambio de estado no permitido', en: 'State transition not allowed' },
  },
  VERSION_CONFLICT: {
    status: 409,
    title: {
      es: 'El recurso cambió desde que lo leyó',
      en: 'The resource changed since you read it',
    },
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: { es: 'El cuerpo de la solicitud es demasiado grande', en: 'Request body too large' },
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: { es: 'Tipo de contenido no soportado', en: 'Unsupported content type' },
  },
  RATE_LIMITED: {
    status: 429,
    title: { es: 'Demasiadas solicitudes', en: 'Too many requests' },
  },
  INTERNAL_ERROR: {
    status: 500,
    title: { es: 'Error interno', en: 'Internal error' },
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: { es: 'Servicio no disponible por el momento', en: 'Service temporarily unavailable' },
  },
  /** The database did not answer in time or dropped the connection; nothing was half-written. */
  DATABASE_UNAVAILABLE: {
    status: 503,
    title: {
      es: 'La base de datos no está disponible por el momento',
      en: 'The database is temporarily unavailable',
    },
  },
});

/** A 400 naming each offending field; domain rules use it for input they cannot accept. */
export function validationFailed(issues: readonly FieldIssue[]): DomainError<'VALIDATION_FAILED'> {
  return new DomainError(
    CommonErrors.VALIDATION_FAILED,
    issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
    {},
    issues,
  );
}
