import { BadRequestException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { CommonErrors, DomainError, validationFailed } from './domain-error';
import { isDatabaseUnavailable, toProblemResponse } from './problem-response';

describe('toProblemResponse', () => {
  it('turns an unknown error into a bare 500 with nothing of the cause', () => {
    const error = new QueryFailedError(
      'SELECT password_hash FROM users WHERE email = $1',
      ['rosa@lasana.cl'],
      new Error('relation "users" does not exist'),
    );
    const response = toProblemResponse(error, 'en', '/api/v1/me');
    expect(response.status).toBe(500);
    expect(response.serverFault).toBe(true);
    expect(response.body).toEqual({
      type: 'https://ayllu.cl/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'Internal error',
      code: 'INTERNAL_ERROR',
      instance: '/api/v1/me',
    });
    const text = JSON.stringify(response.body);
    for (const leak of ['SELECT', 'password', 'rosa@lasana.cl', 'relation', 'at ']) {
      expect(text).not.toContain(leak);
    }
  });

  it('maps a domain error through its declared status and localises its title', () => {
    const error = new DomainError(CommonErrors.VERSION_CONFLICT, 'version 3 is stale', {
      currentVersion: 4,
    });
    const es = toProblemResponse(error, 'es', '/x');
    const en = toProblemResponse(error, 'en', '/x');
    expect(es.status).toBe(409);
    expect(es.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      title: 'El recurso cambió desde que lo leyó',
      currentVersion: 4,
    });
    expect(en.body).toMatchObject({
      title: 'The resource changed since you read it',
      detail: 'version 3 is stale',
    });
  });

  it('does not let a detail extension overwrite the standard members', () => {
    const error = new DomainError(CommonErrors.NOT_FOUND, 'no lot', { status: 200, code: 'OK' });
    expect(toProblemResponse(error, 'en', '/x').body).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('lists field issues, in Spanish where a translation exists', () => {
    const error = validationFailed([
      {
        field: 'lines.2.unitPrice',
        code: 'NOT_DECIMAL',
        message: 'unitPrice must be a decimal string',
      },
      { field: 'extra', code: 'UNKNOWN_FIELD', message: 'property extra should not exist' },
    ]);
    const response = toProblemResponse(error, 'es', '/x');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        field: 'lines.2.unitPrice',
        code: 'NOT_DECIMAL',
        message: expect.stringContaining('número decimal'),
      },
      { field: 'extra', code: 'UNKNOWN_FIELD', message: 'campo desconocido' },
    ]);
  });

  it('gives an undeclared domain code a 500, not a guess', () => {
    const response = toProblemResponse(new DomainError('NEVER_DECLARED', 'x'), 'en', '/x');
    expect(response.status).toBe(500);
    expect(response.body.code).toBe('INTERNAL_ERROR');
  });

  it('codes Nest HTTP exceptions by status, without their messages', () => {
    expect(
      toProblemResponse(new NotFoundException('Cannot GET /x'), 'en', '/x').body,
    ).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Resource not found',
    });
    expect(
      toProblemResponse(new BadRequestException('internal hint'), 'en', '/x').body.detail,
    ).not.toContain('internal hint');
  });

  it('answers 503 with Retry-After when the database is unreachable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const terminated = new QueryFailedError(
      'SELECT 1',
      [],
      new Error('Connection terminated unexpectedly'),
    );
    for (const error of [refused, terminated]) {
      expect(isDatabaseUnavailable(error)).toBe(true);
      const response = toProblemResponse(error, 'en', '/x');
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('DATABASE_UNAVAILABLE');
      expect(response.headers['Retry-After']).toBe('5');
    }
    expect(isDatabaseUnavailable(new Error('duplicate key value'))).toBe(false);
  });
});
