import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('censors secrets wherever a logged object carries them', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info(
      {
        password: 'hunter2 hunter2',
        job: { token: 'tok_abc', secret: 'whsec_123', name: 'webhook.deliver' },
        req: { headers: { authorization: 'Bearer eyJ.x.y', cookie: 'session=1', accept: '*/*' } },
      },
      'something happened',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({
      password: '[redacted]',
      job: { token: '[redacted]', secret: '[redacted]', name: 'webhook.deliver' },
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' } },
    });
    expect(JSON.stringify(line)).not.toMatch(/hunter2|tok_abc|whsec_123|eyJ|session=1/);
  });
});
