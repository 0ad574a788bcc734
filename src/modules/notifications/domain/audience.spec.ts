import { audienceOf, visibleData } from './audience';
import { signBody, verifySignature } from './signature';
import { webhookUrlIssues } from './webhook-url';

const association = '11111111-1111-4111-8111-111111111111';
const buyer = '22222222-2222-4222-8222-222222222222';
const user = '33333333-3333-4333-8333-333333333333';

describe('notification audience', () => {
  it('an event about a buyer reaches the owner and that buyer', () => {
    expect(
      audienceOf({
        type: 'offer.received',
        organizationId: association,
        payload: { buyerOrganizationId: buyer },
      }),
    ).toEqual({ ownerOrganizationId: association, partyOrganizationId: buyer, onlyUserId: null });
  });

  it('an event naming no buyer stays with its organisation', () => {
    expect(audienceOf({ type: 'tender.closed', organizationId: association, payload: {} })).toEqual(
      { ownerOrganizationId: association, partyOrganizationId: null, onlyUserId: null },
    );
  });

  it('a payout reaches its producer alone; an event without organisation nobody', () => {
    expect(
      audienceOf({ type: 'payout.ready', organizationId: association, payload: { userId: user } }),
    ).toEqual({ ownerOrganizationId: association, partyOrganizationId: null, onlyUserId: user });
    expect(audienceOf({ type: 'payout.ready', organizationId: association, payload: {} })).toBe(
      null,
    );
    expect(audienceOf({ type: 'market_price.recorded', organizationId: null, payload: {} })).toBe(
      null,
    );
  });

  it('keeps identifiers only', () => {
    expect(
      visibleData({ lotId: user, dealId: buyer, price: '220', amount: '5000', offerId: 'x' }),
    ).toEqual({ lotId: user, dealId: buyer });
  });
});

describe('webhook signature and url', () => {
  it('signs the raw body and detects a change', () => {
    const signature = signBody('secret', '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('secret', '{"a":1}', signature)).toBe(true);
    expect(verifySignature('secret', '{"a":2}', signature)).toBe(false);
    expect(verifySignature('other', '{"a":1}', signature)).toBe(false);
  });

  it('accepts http(s) without credentials only', () => {
    expect(webhookUrlIssues('https://erp.example.cl/hook')).toEqual([]);
    expect(webhookUrlIssues('http://127.0.0.1:8080/hook')).toEqual([]);
    expect(webhookUrlIssues('ftp://example.cl').map((i) => i.code)).toEqual(['NOT_HTTP']);
    expect(webhookUrlIssues('hook').map((i) => i.code)).toEqual(['NOT_A_URL']);
    expect(webhookUrlIssues('https://a:b@example.cl').map((i) => i.code)).toEqual([
      'HAS_CREDENTIALS',
    ]);
  });
});
