import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldIssue, validationFailed } from '../errors/domain-error';

/** class-validator constraint names → our stable field issue codes. */
const CONSTRAINT_CODES: Record<string, string> = {
  whitelistValidation: 'UNKNOWN_FIELD',
  isDefined: 'REQUIRED',
  isNotEmpty: 'REQUIRED',
  isString: 'NOT_STRING',
  isEmail: 'NOT_EMAIL',
  isUuid: 'NOT_UUID',
  isIn: 'NOT_ALLOWED_VALUE',
  isEnum: 'NOT_ALLOWED_VALUE',
  minLength: 'TOO_SHORT',
  maxLength: 'TOO_LONG',
  isDecimalString: 'NOT_DECIMAL',
  decimalRange: 'OUT_OF_RANGE',
  decimalScale: 'TOO_MANY_DECIMALS',
  isInt: 'NOT_INTEGER',
  min: 'OUT_OF_RANGE',
  max: 'OUT_OF_RANGE',
  isBoolean: 'NOT_BOOLEAN',
  isDateString: 'NOT_DATE',
  isIso8601: 'NOT_DATE',
  isObject: 'NOT_OBJECT',
  nestedValidation: 'NOT_OBJECT',
  isArray: 'NOT_ARRAY',
  arrayMinSize: 'TOO_SHORT',
  arrayMaxSize: 'TOO_LONG',
};

export function fieldIssuesOf(errors: ValidationError[], parent = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      issues.push({ field, code: CONSTRAINT_CODES[constraint] ?? 'INVALID', message });
    }
    issues.push(...fieldIssuesOf(error.children ?? [], field));
  }
  return issues;
}

/**
 * Unknown fields are refused and named, not silently dropped: a typo in `reservePrice`
 * must not publish a lot without its reserve.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(fieldIssuesOf(errors)),
  });
}
