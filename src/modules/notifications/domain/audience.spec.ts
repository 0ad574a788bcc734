import { audienceOf, type EventAudience, hookOwnersOf, visibleData } from './audience';
import { signBody, verifySignature } from './signature';
import { isPrivateAddress, resolvedTargetIssues, webhookUrlIssues } from './webhook-url';

const association = '11111111-1111-4111-8111-111111111111';
const buyer = '22222222-2222-4222-8222-222222222222';
const user = '33333333-3333-4333-8333-333333333333';
const approval = '44444444-4444-4444-8444-444444444444';

const everyone: EventAudience = {
  ownerOrganizationId: association,
  ownerRoles: null,
  votersOfApprovalId: null,
  partyOrganizationId: null,
  onlyUserId: null,
};

describe('notification audience', () => {
  it("an offer reaches the association's managers and the buyer who made it", () => {
    expect(
      audienceOf({
        type: 'offer.received',
        organizationId: association,
        payload: { buyerOrganizationId: buyer },
      }),
    ).toEqual({ ...everyone, ownerRoles: ['manager'], partyOrganizationId: buyer });
  });

  it('a deal reaches both parties, every member of each', () => {
    expect(
      audienceOf({
        type: 'deal.created',
        organizationId: association,
        payload: { buyerOrganizationId: buyer },
      }),
    ).toEqual({ ...everyone, partyOrganizationId: buyer });
  });

  it('an approval reaches who decides it under each policy', () => {
    const requested = (payload: Record<string, unknown>) =>
      audienceOf({ type: 'approval.requested', organizationId: association, payload });
    expect(requested({ policy: 'member_vote', approvalId: approval })).toEqual({
      ...everyone,
      votersOfApprovalId: approval,
    });
    expect(requested({ policy: 'two_person', approvalId: approval })).toEqual({
      ...everyone,
      ownerRoles: ['manager', 'treasurer'],
    });
    expect(requested({ policy: 'manager', approvalId: approval })).toEqual({
      ...everyone,
      ownerRoles: ['manager'],
    });
    expect(requested({ policy: 'member_vote' })).toBe(null);
  });

  it("a disabled webhook is told to the organisation's webhook administrators", () => {
    expect(
      audienceOf({ type: 'webhook.disabled', organizationId: buyer, payload: { webhookId: user } }),
    ).toEqual({
      ...everyone,
      ownerOrganizationId: buyer,
      ownerRoles: ['manager', 'buyer_agent'],
    });
  });

  it('an event naming no buyer stays with its organisation; a buyer naming itself is no party', () => {
    expect(audienceOf({ type: 'tender.closed', organizationId: association, payload: {} })).toEqual(
      everyone,
    );
    expect(
      audienceOf({
        type: 'bid.received',
        organizationId: buyer,
        payload: { buyerOrganizationId: buyer },
      }),
    ).toEqual({ ...everyone, ownerOrganizationId: buyer });
  });

  it('a payout reaches its producer alone; an event without organisation nobody', () => {
    expect(
      audienceOf({ type: 'payout.ready', organizationId: association, payload: { userId: user } }),
    ).toEqual({ ...everyone, onlyUserId: user });
    expect(audienceOf({ type: 'payout.ready', organizationId: association, payload: {} })).toBe(
      null,
    );
    expect(audienceOf({ type: 'market_price.recorded', organizationId: null, payload: {} })).toBe(
      null,
    );
  });

  it("a webhook hears of its organisation's events and of those naming it as a party", () => {
    expect(
      hookOwnersOf({
        type: 'offer.received',
        organizationId: association,
        payload: { buyerOrganizationId: buyer },
      }),
    ).toEqual([association, buyer]);
    expect(
      hookOwnersOf({ type: 'lot.published', organizationId: association, payload: {} }),
    ).toEqual([association]);
    // A one-user event (a producer's payout) and an event of no organisation reach no hook.
    expect(
      hookOwnersOf({
        type: 'payout.ready',
        organizationId: association,
        payload: { userId: user },
      }),
    ).toEqual([]);
    expect(
      hookOwnersOf({ type: 'market_price.recorded', organizationId: null, payload: {} }),
    ).toEqual([]);
  });

  it('keeps identifiers only', () => {
    expect(
      visibleData({ lotId: user, dealId: buyer, price: '220', amount: '5000', offerId: 'x' }),
    ).toEqual({ lotId: user, dealId: buyer });
  });
});

describe('webhook signature', () => {
  const now = 1_764_000_000;
  const ts = String(now);

  it('signs the timestamp and the raw body and detects a change of either', () => {
    const signature = signBody('secret', ts, '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('secret', ts, '{"a":1}', signature, now)).toBe(true);
    expect(verifySignature('secret', ts, '{"a":2}', signature, now)).toBe(false);
    expect(verifySignature('other', ts, '{"a":1}', signature, now)).toBe(false);
    expect(verifySignature('secret', String(now + 1), '{"a":1}', signature, now)).toBe(false);
  });

  it('refuses a timestamp older or newer than five minutes: a replay', () => {
    const old = String(now - 301);
    const signature = signBody('secret', old, '{}');
    expect(verifySignature('secret', old, '{}', signature, now)).toBe(false);
    expect(verifySignature('secret', old, '{}', signature, now - 1)).toBe(true);
    expect(verifySignature('secret', 'yesterday', '{}', signature, now)).toBe(false);
  });
});

describe('webhook url', () => {
  const development = { production: false };
  const production = { production: true };
  const codes = (raw: string, policy = development) =>
    webhookUrlIssues(raw, policy).map((issue) => issue.code);

  it('wants https; plain http only to this machine, and only in development', () => {
    expect(codes('https://erp.example.cl/hook')).toEqual([]);
    expect(codes('http://127.0.0.1:8080/hook')).toEqual([]);
    expect(codes('http://localhost:8080/hook')).toEqual([]);
    expect(codes('http://[::1]:8080/hook')).toEqual([]);
    expect(codes('http://erp.example.cl/hook')).toEqual(['NOT_HTTPS']);
    expect(codes('http://10.0.0.5/hook')).toEqual(['NOT_HTTPS']);
    expect(codes('http://127.0.0.1:8080/hook', production)).toEqual(['NOT_HTTPS']);
    expect(codes('https://erp.example.cl/hook', production)).toEqual([]);
  });

  it('refuses what is not a credential-free http(s) URL', () => {
    expect(codes('ftp://example.cl')).toEqual(['NOT_HTTPS']);
    expect(codes('hook')).toEqual(['NOT_A_URL']);
    expect(codes('https://a:b@example.cl')).toEqual(['HAS_CREDENTIALS']);
    expect(webhookUrlIssues('hook', development)[0].field).toBe('url');
  });

  it('refuses private and loopback literals in production, not in development', () => {
    for (const url of [
      'https://10.1.2.3/h',
      'https://172.16.0.1/h',
      'https://172.31.255.255/h',
      'https://192.168.1.1/h',
      'https://127.0.0.1/h',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/h',
      'https://[fd00::1]/h',
      'https://[fe80::1]/h',
      'https://[::ffff:10.0.0.1]/h',
      'https://localhost/h',
    ]) {
      expect([url, codes(url, production)]).toEqual([url, ['PRIVATE_TARGET']]);
      expect([url, codes(url, development)]).toEqual([url, []]);
    }
    expect(codes('https://172.32.0.1/h', production)).toEqual([]);
    expect(codes('https://[2800:150::1]/h', production)).toEqual([]);
  });

  it('classifies addresses', () => {
    expect(isPrivateAddress('10.255.255.255')).toBe(true);
    expect(isPrivateAddress('172.15.255.255')).toBe(false);
    expect(isPrivateAddress('192.169.0.1')).toBe(false);
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('fc00::1')).toBe(true);
    expect(isPrivateAddress('febf::1')).toBe(true);
    expect(isPrivateAddress('fec0::1')).toBe(false);
    expect(isPrivateAddress('not an address')).toBe(true);
  });

  it('refuses a name that resolves to any private address, or to nothing', async () => {
    const lookupTo = (addresses: string[]) => () => Promise.resolve(addresses);
    const url = new URL('https://erp.example.cl/hook');
    expect(await resolvedTargetIssues(url, lookupTo(['200.1.2.3']))).toEqual([]);
    expect(
      (await resolvedTargetIssues(url, lookupTo(['200.1.2.3', '192.168.0.9']))).map((i) => i.code),
    ).toEqual(['PRIVATE_TARGET']);
    expect((await resolvedTargetIssues(url, lookupTo([]))).map((i) => i.code)).toEqual([
      'UNRESOLVABLE',
    ]);
    const failing = () => Promise.reject(new Error('ENOTFOUND'));
    expect((await resolvedTargetIssues(url, failing)).map((i) => i.code)).toEqual(['UNRESOLVABLE']);
    // A literal is judged as it is, without asking DNS.
    expect(
      (await resolvedTargetIssues(new URL('https://10.0.0.1/h'), failing)).map((i) => i.code),
    ).toEqual(['PRIVATE_TARGET']);
  });
});
