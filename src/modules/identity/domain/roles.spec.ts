import { DomainError } from '../../../shared/errors/domain-error';
import { assertRoleFitsKind, founderRole } from './roles';

describe('organisation roles', () => {
  it('gives the founder of each kind of organisation the role that runs it', () => {
    expect(founderRole('association')).toBe('manager');
    expect(founderRole('buyer')).toBe('buyer_agent');
  });

  it.each([
    ['association', 'manager', true],
    ['association', 'treasurer', true],
    ['association', 'member', true],
    ['association', 'buyer_agent', false],
    ['buyer', 'buyer_agent', true],
    ['buyer', 'manager', false],
    ['buyer', 'treasurer', false],
    ['buyer', 'member', false],
  ] as const)('%s with role %s is allowed: %s', (kind, role, allowed) => {
    if (allowed) {
      expect(() => assertRoleFitsKind(kind, role)).not.toThrow();
    } else {
      expect(() => assertRoleFitsKind(kind, role)).toThrow(DomainError);
    }
  });
});
