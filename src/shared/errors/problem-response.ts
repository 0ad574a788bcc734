import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { EntityNotFoundError } from 'typeorm';
import { CommonErrors, DomainError, errorCodeSpec, type FieldIssue } from './domain-error';
import { codeForHttpStatus } from './http-error-codes';
import { localiseFieldIssue, type Language, type ProblemDetails } from './problem-details';

export interface ProblemResponse {
  status: number;
  body: ProblemDetails;
  headers: Record<string, string>;
  /** Only server faults are logged with their cause; client errors are the client's business. */
  serverFault: boolean;
}

interface BodyParserError {
  type: string;
  status: number;
}

/**
 * Turns anything thrown while handling a request into RFC 9457 problem details. Unknown
 * errors become a bare 500: no message, stack or SQL leaves the process.
 */
export function toProblemResponse(
  error: unknown,
  language: Language,
  instance: string,
  retryAfterSeconds?: number,
): ProblemResponse {
  if (error instanceof DomainError) {
    const code = (error as DomainError).code;
    const spec = errorCodeSpec(code);
    if (!spec) return problem(CommonErrors.INTERNAL_ERROR, language, instance, 500);
    const issues = error.fieldIssues.map((issue) => localiseFieldIssue(issue, language));
    return problem(code, language, instance, spec.status, {
      detail: language === 'en' || issues.length === 0 ? error.message : undefined,
      errors: issues.length > 0 ? issues : undefined,
      extensions: error.details,
    });
  }
  if (error instanceof EntityNotFoundError) {
    return problem(CommonErrors.NOT_FOUND, language, instance, 404);
  }
  if (error instanceof ThrottlerException) {
    const response = problem(CommonErrors.RATE_LIMITED, language, instance, 429);
    response.headers['Retry-After'] = String(retryAfterSeconds ?? 60);
    return response;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return problem(codeForHttpStatus(status), language, instance, status);
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') {
      return problem(CommonErrors.MALFORMED_JSON, language, instance, 400);
    }
    if (error.type === 'entity.too.large') {
      return problem(CommonErrors.PAYLOAD_TOO_LARGE, language, instance, 413);
    }
    if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      return problem(CommonErrors.UNSUPPORTED_MEDIA_TYPE, language, instance, 415);
    }
    return problem(CommonErrors.VALIDATION_FAILED, language, instance, 400);
  }
  if (isDatabaseUnavailable(error)) {
    const response = problem(CommonErrors.DATABASE_UNAVAILABLE, language, instance, 503);
    response.headers['Retry-After'] = '5';
    response.serverFault = true;
    return response;
  }
  return problem(CommonErrors.INTERNAL_ERROR, language, instance, 500);
}

function problem(
  code: string,
  language: Language,
  instance: string,
  status: number,
  options: {
    detail?: string;
    errors?: FieldIssue[];
    extensions?: Readonly<Record<string, unknown>>;
  } = {},
): ProblemResponse {
  const title = errorCodeSpec(code)?.title[language] ?? code;
  const body: ProblemDetails = {
    ...(options.extensions ?? {}),
    type: `https://ayllu.cl/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail: options.detail ?? title,
    code,
    instance,
  };
  if (options.errors) body.errors = options.errors;
  return {
    status,
    body,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8' },
    serverFault: status >= 500,
  };
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/** Connection-level failures: the database is down or unreachable, not a bad query. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '53300',
]);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'connection timeout',
  'Client has encountered a connection error',
  'Connection is not established',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') return false;
    const candidate = current as { code?: unknown; message?: unknown; driverError?: unknown };
    if (typeof candidate.code === 'string') {
      if (UNAVAILABLE_SQLSTATES.has(candidate.code) || UNAVAILABLE_NODE_CODES.has(candidate.code)) {
        return true;
      }
    }
    if (
      typeof candidate.message === 'string' &&
      UNAVAILABLE_MESSAGES.some((fragment) => (candidate.message as string).includes(fragment))
    ) {
      return true;
    }
    current = candidate.driverError;
  }
  return false;
}
