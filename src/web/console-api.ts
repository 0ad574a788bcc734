import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { API_PREFIX } from '../app.factory';
import type { Language, ProblemDetails } from '../shared/errors/problem-details';

/**
 * Whether a failed call is the API refusing what the person asked (shown on the form), not
 * a fault (a server error, or no answer), which goes to the error page.
 */
export function isRefusal(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem && error.status < 500;
}

/** A refusal from the API, carried to the page that shows it next to its fields. */
export class ApiProblem extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail);
  }

  get status(): number {
    return this.problem.status;
  }

  /** The message of each field the API named, keyed by field (`lines.0.quantity`). */
  fieldErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const issue of this.problem.errors ?? []) errors[issue.field] ??= issue.message;
    return errors;
  }
}

export interface ApiCall {
  token?: string;
  language: Language;
  body?: unknown;
  /** Sent as Idempotency-Key, so a form submitted twice makes one change. */
  idempotencyKey?: string;
}

/**
 * The console is a client of the API like any other: every page reads and writes through
 * it, with the signed-in person's bearer token, so the pages hold no rule and cannot see
 * more than that person may. Calls go to this same process over the socket the browser's
 * request came in on, and carry the browser's address for throttling and logs.
 */
@Injectable()
export class ConsoleApi {
  async get<T>(req: Request, path: string, call: ApiCall): Promise<T> {
    return (await this.send<T>(req, 'GET', path, call)).body;
  }

  async post<T>(req: Request, path: string, call: ApiCall): Promise<T> {
    return (await this.send<T>(req, 'POST', path, call)).body;
  }

  async patch<T>(req: Request, path: string, call: ApiCall): Promise<T> {
    return (await this.send<T>(req, 'PATCH', path, call)).body;
  }

  async delete(req: Request, path: string, call: ApiCall): Promise<void> {
    await this.send(req, 'DELETE', path, call);
  }

  /** A raw answer (a CSV or a PDF), passed through to the browser. */
  async download(
    req: Request,
    path: string,
    call: ApiCall,
  ): Promise<{ contentType: string; disposition?: string; body: Buffer }> {
    const response = await this.fetch(req, 'GET', path, call);
    if (!response.ok) throw new ApiProblem((await response.json()) as ProblemDetails);
    return {
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      disposition: response.headers.get('content-disposition') ?? undefined,
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  private async send<T>(
    req: Request,
    method: string,
    path: string,
    call: ApiCall,
  ): Promise<{ status: number; body: T }> {
    const response = await this.fetch(req, method, path, call);
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) throw new ApiProblem(body as ProblemDetails);
    return { status: response.status, body: body as T };
  }

  private fetch(req: Request, method: string, path: string, call: ApiCall): Promise<Response> {
    const headers: Record<string, string> = {
      'Accept-Language': call.language,
      'X-Forwarded-For': req.ip ?? req.socket.remoteAddress ?? '',
    };
    if (call.token) headers.Authorization = `Bearer ${call.token}`;
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    if (call.idempotencyKey) headers['Idempotency-Key'] = call.idempotencyKey;
    return fetch(`${ownOrigin(req)}/${API_PREFIX}${path}`, {
      method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(30_000),
    });
  }
}

function ownOrigin(req: Request): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}
