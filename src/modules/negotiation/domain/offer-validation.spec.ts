import { DomainError } from '../../../shared/errors/domain-error';
import { validateCounterTerms, validateOfferTerms } from './offer-validation';

function issuesOf(fn: () => unknown): { field: string; code: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
      return error.fieldIssues.map(({ field, code }) => ({ field, code }));
    }
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED, nothing was thrown');
}

const now = new Date('2026-03-10T12:00:00Z');
const good = {
  price: '450',
  quantity: '2000',
  minQuantity: '500',
  paymentTermsDays: 30,
  expiresAt: '2026-03-11T12:00:00-03:00',
};

describe('offer terms', () => {
  it('accepts good terms and normalises them', () => {
    expect(validateOfferTerms({ ...good, price: '450.50' }, now)).toEqual({
      price: '450.5',
      quantity: '2000',
      minQuantity: '500',
      paymentTermsDays: 30,
      expiresAt: new Date('2026-03-11T15:00:00Z'),
    });
  });

  it('makes an offer without a minimum all or nothing', () => {
    expect(validateOfferTerms({ ...good, minQuantity: undefined }, now).minQuantity).toBe('2000');
    expect(validateOfferTerms({ ...good, minQuantity: null }, now).minQuantity).toBe('2000');
  });

  it('allows a minimum equal to the quantity and payment on delivery', () => {
    const terms = validateOfferTerms({ ...good, minQuantity: '2000', paymentTermsDays: 0 }, now);
    expect(terms).toMatchObject({ minQuantity: '2000', paymentTermsDays: 0 });
  });

  it.each([
    ['price', { price: '0' }, 'MUST_BE_POSITIVE'],
    ['price', { price: '-10' }, 'MUST_BE_POSITIVE'],
    ['price', { price: '4.5e2' }, 'NOT_DECIMAL'],
    ['price', { price: 450 as unknown as string }, 'NOT_DECIMAL'],
    ['price', { price: '0.0000001' }, 'TOO_MANY_DECIMALS'],
    ['price', { price: '123456789012345' }, 'TOO_LARGE'],
    ['quantity', { quantity: '0' }, 'MUST_BE_POSITIVE'],
    ['minQuantity', { minQuantity: '0' }, 'MUST_BE_POSITIVE'],
    ['minQuantity', { minQuantity: '2000.001' }, 'ABOVE_QUANTITY'],
    ['paymentTermsDays', { paymentTermsDays: 1.5 }, 'NOT_INTEGER'],
    ['paymentTermsDays', { paymentTermsDays: '30' as unknown as number }, 'NOT_INTEGER'],
    ['paymentTermsDays', { paymentTermsDays: -1 }, 'MUST_NOT_BE_NEGATIVE'],
    ['expiresAt', { expiresAt: '2026-03-10T12:00:00Z' }, 'NOT_IN_FUTURE'],
    ['expiresAt', { expiresAt: new Date('2026-03-09T00:00:00Z') }, 'NOT_IN_FUTURE'],
    ['expiresAt', { expiresAt: '2026-03-11 12:00' }, 'NOT_DATE'],
    ['expiresAt', { expiresAt: '2026-03-11T12:00:00' }, 'NOT_DATE'],
    ['expiresAt', { expiresAt: new Date('nonsense') }, 'NOT_DATE'],
  ])('names %s when %j (%s)', (field, change, code) => {
    expect(issuesOf(() => validateOfferTerms({ ...good, ...change }, now))).toEqual([
      { field, code },
    ]);
  });

  it('collects every issue at once', () => {
    const issues = issuesOf(() =>
      validateOfferTerms(
        {
          price: '-1',
          quantity: '0',
          minQuantity: 'x',
          paymentTermsDays: -3,
          expiresAt: '2020-01-01T00:00:00Z',
        },
        now,
      ),
    );
    expect(issues.map((i) => i.field)).toEqual([
      'price',
      'quantity',
      'minQuantity',
      'paymentTermsDays',
      'expiresAt',
    ]);
  });
});

describe('counter terms', () => {
  const previous = { minQuantity: '500', paymentTermsDays: 30 };

  it('carries what the counter leaves out from the offer it answers', () => {
    const terms = validateCounterTerms(
      { price: '480', quantity: '1500', expiresAt: '2026-03-12T12:00:00Z' },
      previous,
      now,
    );
    expect(terms).toMatchObject({
      price: '480',
      quantity: '1500',
      minQuantity: '500',
      paymentTermsDays: 30,
    });
  });

  it('caps a carried minimum at the counter quantity', () => {
    const terms = validateCounterTerms(
      { price: '480', quantity: '300', expiresAt: '2026-03-12T12:00:00Z' },
      previous,
      now,
    );
    expect(terms.minQuantity).toBe('300');
  });

  it('still refuses bad counter terms', () => {
    expect(
      issuesOf(() =>
        validateCounterTerms(
          { price: '0', quantity: 'abc', expiresAt: '2026-03-01T00:00:00Z' },
          previous,
          now,
        ),
      ),
    ).toEqual([
      { field: 'price', code: 'MUST_BE_POSITIVE' },
      { field: 'quantity', code: 'NOT_DECIMAL' },
      { field: 'expiresAt', code: 'NOT_IN_FUTURE' },
    ]);
  });
});
