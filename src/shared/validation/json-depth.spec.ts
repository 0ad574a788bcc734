import { jsonDepthExceeds } from './json-depth';

describe('jsonDepthExceeds', () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = i % 2 ? { a: value } : [value];
    return value;
  }

  it('lets ordinary bodies through and stops at the limit', () => {
    expect(jsonDepthExceeds({ lines: [{ yields: { low: '1' } }] }, 32)).toBe(false);
    expect(jsonDepthExceeds('text', 32)).toBe(false);
    expect(jsonDepthExceeds(undefined, 32)).toBe(false);
    expect(jsonDepthExceeds(nested(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nested(33), 32)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(jsonDepthExceeds(nested(100_000), 32)).toBe(true);
  });
});
