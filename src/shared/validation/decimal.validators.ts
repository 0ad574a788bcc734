import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';
import { dec, isDecimalString, scaleOf } from '../money/decimal';

export interface DecimalFieldOptions {
  /** Inclusive lower bound, as a decimal string. */
  min?: string;
  /** Exclusive lower bound: `"0"` for strictly positive amounts. */
  greaterThan?: string;
  /** Inclusive upper bound. */
  max?: string;
  /** Most digits after the point; matches the numeric(p, s) column it is stored in. */
  maxScale?: number;
  optional?: boolean;
  description?: string;
  example?: string;
}

/**
 * A money or quantity field: a JSON string holding a plain decimal literal, checked for
 * range and scale without ever becoming a JavaScript number.
 */
export function DecimalField(options: DecimalFieldOptions = {}): PropertyDecorator {
  const validationOptions: ValidationOptions = {};
  const decorators: PropertyDecorator[] = [
    ValidateBy(
      {
        name: 'isDecimalString',
        validator: {
          validate: (value) => isDecimalString(value),
          defaultMessage: (args) => `${args?.property} must be a decimal string such as "1250.50"`,
        },
      },
      validationOptions,
    ),
    ValidateBy({
      name: 'decimalRange',
      validator: {
        validate: (value) => !isDecimalString(value) || inRange(value, options),
        defaultMessage: (args) => `${args?.property} ${rangeText(options)}`,
      },
    }),
  ];
  if (options.maxScale !== undefined) {
    const maxScale = options.maxScale;
    decorators.push(
      ValidateBy({
        name: 'decimalScale',
        validator: {
          validate: (value) => !isDecimalString(value) || scaleOf(value) <= maxScale,
          defaultMessage: (args) => `${args?.property} may have at most ${maxScale} decimals`,
        },
      }),
    );
  }
  const apiOptions = {
    type: String,
    pattern: '^-?\\d+(\\.\\d+)?$',
    description: [options.description, rangeText(options)].filter(Boolean).join('; '),
    example: options.example,
  };
  if (options.optional) {
    decorators.unshift(IsOptional());
    decorators.push(ApiPropertyOptional(apiOptions));
  } else {
    decorators.push(ApiProperty(apiOptions));
  }
  return applyDecorators(...decorators);
}

function inRange(value: string, options: DecimalFieldOptions): boolean {
  const d = dec(value);
  if (options.min !== undefined && d.lessThan(dec(options.min))) return false;
  if (options.greaterThan !== undefined && d.lessThanOrEqualTo(dec(options.greaterThan))) {
    return false;
  }
  if (options.max !== undefined && d.greaterThan(dec(options.max))) return false;
  return true;
}

function rangeText(options: DecimalFieldOptions): string {
  const parts: string[] = [];
  if (options.greaterThan !== undefined) parts.push(`must be greater than ${options.greaterThan}`);
  if (options.min !== undefined) parts.push(`must be at least ${options.min}`);
  if (options.max !== undefined) parts.push(`must be at most ${options.max}`);
  return parts.join(' and ');
}
