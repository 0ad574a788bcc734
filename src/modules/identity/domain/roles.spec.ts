import { DomainError } from '../../../shared/errors/domain-error';
import { assertRoleFitsKind, founderRole } from './roles';

describe('organisation roles', () => {
  it('gives the founder of each kind of organisation the role that runs it', () => {
    expect(founderRole('association')).toBe('manager');
    expect(founderRole('buyer')).toBe('buyer_agent');
  });

  it.each([
    ['association', 'manager'],
    ['association', 'treasurer'],
    ['association', 'member'],
    ['buyer', 'buyer_agent'],
  ] as const)('an organisation of kind %s has the role %s', (kind, role) => {
    expect(() => assertRoleFitsKind(kind, role)).not.toThrow();
  });

  it.each([
    ['association', 'buyer_agent'],
    ['buyer', 'manager'],
    ['buyer', 'treasurer'],
    ['buyer', 'member'],
  ] as const)('an organisation of kind %s refuses the role %s', (kind, role) => {
    expect(() => assertRoleFitsKind(kind, role)).toThrow(DomainError);
  });
});
