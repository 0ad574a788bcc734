import fc from 'fast-check';
import { DomainError } from '../../../shared/errors/domain-error';
import { Dec, dec, toDecimalString } from '../../../shared/money';
import { checkPayment, dealAmount, type DealAccountInput, dealBalance } from './payment-rules';

function thrownBy(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

// 1,000 kg at CLP 245.5/kg = 245,500 contracted; 997 kg accepted = 244,763.5 → 244,764 (4 even).
const carrots: DealAccountInput = {
  currency: 'CLP',
  price: '245.5',
  dealQuantity: '1000',
  payments: [],
};

describe('dealAmount', () => {
  it('rounds price × quantity half-even to the minor unit', () => {
    expect(dealAmount('245.5', '997', 'CLP').toFixed()).toBe('244764');
    expect(dealAmount('245.5', '999', 'CLP').toFixed()).toBe('245254'); // 245,254.5 → 4 is even
    expect(dealAmount('2.125', '3', 'USD').toFixed(2)).toBe('6.38'); // 6.375 → 8 is even
    expect(dealAmount('2.125', '1', 'USD').toFixed(2)).toBe('2.12'); // 2.125 → 2 is even
  });
});

describe('dealBalance', () => {
  it('owes the contracted amount before delivery', () => {
    expect(dealBalance({ ...carrots, payments: ['100000'] })).toEqual({
      basis: 'contracted',
      amountDue: '245500',
      paid: '100000',
      outstanding: '145500',
      overpaid: '0',
    });
  });

  it('owes only for the accepted quantity once delivered', () => {
    expect(
      dealBalance({ ...carrots, acceptedQuantity: '997', payments: ['100000', '44764'] }),
    ).toEqual({
      basis: 'accepted',
      amountDue: '244764',
      paid: '144764',
      outstanding: '100000',
      overpaid: '0',
    });
  });

  it('shows what is owed back when the buyer paid up front and accepted less', () => {
    expect(dealBalance({ ...carrots, acceptedQuantity: '997', payments: ['245500'] })).toEqual({
      basis: 'accepted',
      amountDue: '244764',
      paid: '245500',
      outstanding: '0',
      overpaid: '736',
    });
  });

  it('keeps cents in USD', () => {
    expect(
      dealBalance({ currency: 'USD', price: '2.125', dealQuantity: '3', payments: ['1.5'] }),
    ).toMatchObject({ amountDue: '6.38', paid: '1.50', outstanding: '4.88' });
  });
});

describe('checkPayment', () => {
  it('records a payment up to exactly the outstanding amount', () => {
    const partial = { ...carrots, payments: ['45500'] };
    expect(checkPayment(partial, '200000')).toEqual({
      amount: '200000',
      balance: {
        basis: 'contracted',
        amountDue: '245500',
        paid: '245500',
        outstanding: '0',
        overpaid: '0',
      },
    });
  });

  it('refuses a payment that would overpay, with the balance', () => {
    const error = thrownBy(() =>
      checkPayment({ ...carrots, acceptedQuantity: '997', payments: ['244000'] }, '765'),
    );
    expect(error.code).toBe('OVERPAYMENT');
    expect(error.details).toEqual({
      amount: '765',
      amountDue: '244764',
      paid: '244000',
      outstanding: '764',
    });
  });

  it.each([
    ['0', 'MUST_BE_POSITIVE'],
    ['-100', 'MUST_BE_POSITIVE'],
    ['100.5', 'TOO_MANY_DECIMALS'],
    ['1.000.000', 'NOT_DECIMAL'],
    [1000, 'NOT_DECIMAL'],
  ])('refuses the amount %p (%s)', (amount, code) => {
    const error = thrownBy(() => checkPayment(carrots, amount));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldIssues).toEqual([expect.objectContaining({ field: 'amount', code })]);
  });

  it('refuses a USD payment finer than a cent', () => {
    const usd: DealAccountInput = { currency: 'USD', price: '2', dealQuantity: '10', payments: [] };
    expect(checkPayment(usd, '0.01').amount).toBe('0.01');
    expect(thrownBy(() => checkPayment(usd, '0.001')).fieldIssues[0].code).toBe(
      'TOO_MANY_DECIMALS',
    );
  });

  it('never lets recorded payments exceed the amount due, whatever the sequence (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 400_000 }), { maxLength: 20 }),
        (kilos, attempts) => {
          let account: DealAccountInput = { ...carrots, dealQuantity: String(kilos) };
          for (const attempt of attempts) {
            const amount = toDecimalString(new Dec(attempt));
            const outstanding = dec(dealBalance(account).outstanding);
            const outcome = tryPayment(account, amount);
            expect(outcome === 'OVERPAYMENT').toBe(dec(amount).greaterThan(outstanding));
            if (outcome !== 'OVERPAYMENT')
              account = { ...account, payments: [...account.payments, amount] };
          }
          const balance = dealBalance(account);
          expect(
            dec(balance.paid).plus(dec(balance.outstanding)).equals(dec(balance.amountDue)),
          ).toBe(true);
          expect(balance.overpaid).toBe('0');
        },
      ),
    );
  });
});

function tryPayment(account: DealAccountInput, amount: string): string {
  try {
    checkPayment(account, amount);
    return 'recorded';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}
