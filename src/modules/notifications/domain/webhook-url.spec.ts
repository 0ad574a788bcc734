import { isPrivateAddress, resolvedTargetIssues, webhookUrlIssues } from './webhook-url';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
  ])('refuses IPv4 %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '100.128.0.1', '1.1.1.1'])(
    'allows public IPv4 %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it.each(['::1', '::', 'fc00::1', 'fd12:3456:789a::1', 'fe80::1', 'fe80::1%eth0', 'febf::1'])(
    'refuses IPv6 %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(true);
    },
  );

  it.each(['2001:4860:4860::8888', '2606:4700:4700::1111', 'fec0::1'])(
    'allows public IPv6 %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it.each([
    // Mapped addresses reach the IPv4 host they embed, in either spelling.
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:a01:203',
    '::FFFF:192.168.0.1',
    '::ffff:169.254.169.254',
    // The deprecated IPv4-compatible form of loopback.
    '::127.0.0.1',
  ])('refuses the IPv4-mapped or -compatible %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['::ffff:8.8.8.8', '::ffff:808:808'])('allows the mapped public %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses what is not an address at all', () => {
    expect(isPrivateAddress('localhost')).toBe(true);
    expect(isPrivateAddress('')).toBe(true);
  });
});

describe('webhookUrlIssues in production', () => {
  const production = { production: true };

  it.each([
    'https://127.0.0.1/x',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::ffff:a00:1]/x',
    // WHATWG URL reads these as 127.0.0.1.
    'https://0x7f.1/x',
    'https://2130706433/x',
    'https://localhost/x',
    'https://hooks.localhost/x',
  ])('refuses the loopback or private literal %s', (url) => {
    expect(webhookUrlIssues(url, production)).toEqual([
      expect.objectContaining({ field: 'url', code: 'PRIVATE_TARGET' }),
    ]);
  });

  it('takes a public https name', () => {
    expect(webhookUrlIssues('https://erp.example.cl/hooks', production)).toEqual([]);
  });
});

describe('resolvedTargetIssues', () => {
  const url = new URL('https://erp.example.cl/hooks');

  it('refuses a name with any private answer, the mapped ones included', async () => {
    for (const answers of [['10.0.0.5'], ['93.184.216.34', '::ffff:7f00:1'], ['fd00::1']]) {
      expect(await resolvedTargetIssues(url, () => Promise.resolve(answers))).toEqual([
        expect.objectContaining({ code: 'PRIVATE_TARGET' }),
      ]);
    }
  });

  it('takes a name with public answers only, and refuses one that does not resolve', async () => {
    expect(
      await resolvedTargetIssues(url, () => Promise.resolve(['93.184.216.34', '2606:2800::1'])),
    ).toEqual([]);
    expect(await resolvedTargetIssues(url, () => Promise.reject(new Error('ENOTFOUND')))).toEqual([
      expect.objectContaining({ code: 'UNRESOLVABLE' }),
    ]);
  });
});
