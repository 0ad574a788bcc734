import fc from 'fast-check';
import { DomainError, errorCodeSpec } from '../../../shared/errors/domain-error';
import { dec } from '../../../shared/money';
import {
  type ApprovalSpec,
  type ApprovalVote,
  type AssociationRole,
  type Voter,
  approvalClosesAt,
  buildElectorate,
  castVote,
  tallyApproval,
} from './approval';

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

const t0 = new Date('2026-03-10T12:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const closesAt = at(24 * 60);

/** Casts votes one after another through castVote, a minute apart, as the service would. */
function play(
  spec: ApprovalSpec,
  moves: { userId: string; role?: AssociationRole; choice: 'approve' | 'reject' }[],
): ApprovalVote[] {
  const votes: ApprovalVote[] = [];
  moves.forEach((m, i) => {
    votes.push(castVote(spec, votes, { role: null, ...m }, at(i + 1)).vote);
  });
  return votes;
}

describe('manager policy', () => {
  const spec: ApprovalSpec = { policy: 'manager', closesAt };

  it('is decided by one manager', () => {
    expect(
      tallyApproval(
        spec,
        play(spec, [{ userId: 'm1', role: 'manager', choice: 'approve' }]),
        at(5),
      ),
    ).toEqual({ policy: 'manager', status: 'approved', decidedAt: at(1), decidedBy: 'm1' });
    expect(
      tallyApproval(spec, play(spec, [{ userId: 'm1', role: 'manager', choice: 'reject' }]), at(5))
        .status,
    ).toBe('rejected');
  });

  it('takes no vote from a treasurer or member', () => {
    for (const role of ['treasurer', 'member'] as const) {
      const error = refusal(() =>
        castVote(spec, [], { userId: 'u', role, choice: 'approve' }, at(1)),
      );
      expect(error.code).toBe('NOT_ELIGIBLE_VOTER');
      expect(errorCodeSpec(error.code)?.status).toBe(403);
    }
  });

  it('expires undecided at its closing time', () => {
    expect(tallyApproval(spec, [], at(60)).status).toBe('pending');
    expect(tallyApproval(spec, [], closesAt).status).toBe('expired');
  });
});

describe('two_person policy', () => {
  const spec: ApprovalSpec = { policy: 'two_person', closesAt };

  it('needs a manager and a treasurer, two different users', () => {
    const votes = play(spec, [
      { userId: 'm1', role: 'manager', choice: 'approve' },
      { userId: 't1', role: 'treasurer', choice: 'approve' },
    ]);
    expect(tallyApproval(spec, votes, at(10))).toEqual({
      policy: 'two_person',
      status: 'approved',
      decidedAt: at(2),
      managerUserId: 'm1',
      treasurerUserId: 't1',
      rejectedBy: null,
    });
  });

  it('stays pending with two managers and no treasurer', () => {
    const votes = play(spec, [
      { userId: 'm1', role: 'manager', choice: 'approve' },
      { userId: 'm2', role: 'manager', choice: 'approve' },
    ]);
    expect(tallyApproval(spec, votes, at(10))).toMatchObject({
      status: 'pending',
      managerUserId: 'm1',
      treasurerUserId: null,
    });
  });

  it('refuses one user signing as both manager and treasurer', () => {
    const votes = play(spec, [{ userId: 'u1', role: 'manager', choice: 'approve' }]);
    const error = refusal(() =>
      castVote(spec, votes, { userId: 'u1', role: 'treasurer', choice: 'approve' }, at(5)),
    );
    expect(error.code).toBe('ALREADY_VOTED');
    // Even if both rows were stored (say, by a race), one user never makes two signatures.
    const forged = [
      ...votes,
      { userId: 'u1', role: 'treasurer' as const, choice: 'approve' as const, castAt: at(5) },
    ];
    expect(tallyApproval(spec, forged, at(10)).status).toBe('pending');
  });

  it('is stopped by either signatory', () => {
    const votes = play(spec, [
      { userId: 'm1', role: 'manager', choice: 'approve' },
      { userId: 't1', role: 'treasurer', choice: 'reject' },
    ]);
    expect(tallyApproval(spec, votes, at(10))).toMatchObject({
      status: 'rejected',
      rejectedBy: 't1',
    });
  });

  it('takes no vote from a plain member', () => {
    expect(
      refusal(() => castVote(spec, [], { userId: 'x', role: 'member', choice: 'approve' }, at(1)))
        .code,
    ).toBe('NOT_ELIGIBLE_VOTER');
  });
});

describe('member_vote policy', () => {
  // Lasana: twelve families pooled 6,000 kg of carrots; p12 has no login.
  const electorate: Voter[] = [
    { producerId: 'p01', userId: 'u01', weight: '1200' },
    { producerId: 'p02', userId: 'u02', weight: '900' },
    { producerId: 'p03', userId: 'u03', weight: '800' },
    { producerId: 'p04', userId: 'u04', weight: '600' },
    { producerId: 'p05', userId: 'u05', weight: '500' },
    { producerId: 'p06', userId: 'u06', weight: '450' },
    { producerId: 'p07', userId: 'u07', weight: '400' },
    { producerId: 'p08', userId: 'u08', weight: '350' },
    { producerId: 'p09', userId: 'u09', weight: '300' },
    { producerId: 'p10', userId: 'u10', weight: '200' },
    { producerId: 'p11', userId: 'u11', weight: '150' },
    { producerId: 'p12', userId: null, weight: '150' },
  ];
  const spec: ApprovalSpec = { policy: 'member_vote', closesAt, threshold: '0.5', electorate };

  it('passes when the approving weight reaches the threshold, not the head count', () => {
    // 1200 + 900 + 800 = 2900 < 3000 after three votes; p04's 600 brings it to 3500 ≥ 3000
    const votes = play(spec, [
      { userId: 'u01', choice: 'approve' },
      { userId: 'u02', choice: 'approve' },
      { userId: 'u03', choice: 'approve' },
    ]);
    expect(tallyApproval(spec, votes, at(10)).status).toBe('pending');
    const { tally } = castVote(
      spec,
      votes,
      { userId: 'u04', role: null, choice: 'approve' },
      at(10),
    );
    expect(tally).toEqual({
      policy: 'member_vote',
      status: 'approved',
      decidedAt: at(10),
      threshold: '0.5',
      totalWeight: '6000',
      approveWeight: '3500',
      rejectWeight: '0',
      outstandingWeight: '2350',
      unreachableWeight: '150',
      approveShare: dec('3500').dividedBy('6000').toFixed(),
    });
  });

  it('passes at exactly the threshold', () => {
    const small: ApprovalSpec = {
      policy: 'member_vote',
      closesAt,
      threshold: '0.5',
      electorate: [
        { producerId: 'a', userId: 'ua', weight: '300' },
        { producerId: 'b', userId: 'ub', weight: '300' },
      ],
    };
    expect(
      castVote(small, [], { userId: 'ua', role: null, choice: 'approve' }, at(1)).tally.status,
    ).toBe('approved');
  });

  it('fails as soon as it can no longer pass', () => {
    // 3000 needed; rejecting 1200 + 900 + 800 = 2900 leaves at most 6000 − 150 − 2900 = 2950
    const votes = play(spec, [
      { userId: 'u01', choice: 'reject' },
      { userId: 'u02', choice: 'reject' },
    ]);
    expect(tallyApproval(spec, votes, at(10)).status).toBe('pending');
    const { tally } = castVote(
      spec,
      votes,
      { userId: 'u03', role: null, choice: 'reject' },
      at(10),
    );
    expect(tally).toMatchObject({
      status: 'rejected',
      rejectWeight: '2900',
      outstandingWeight: '2950',
    });
  });

  it('counts producers without a login in the total, so a low turnout cannot pass', () => {
    const mostlyOffline: ApprovalSpec = {
      policy: 'member_vote',
      closesAt,
      threshold: '0.6',
      electorate: [
        { producerId: 'a', userId: 'ua', weight: '500' },
        { producerId: 'b', userId: null, weight: '500' },
      ],
    };
    expect(tallyApproval(mostlyOffline, [], t0)).toMatchObject({
      status: 'rejected',
      decidedAt: null,
      unreachableWeight: '500',
    });
  });

  it('weighs one user linked to two producers with both', () => {
    const linked: ApprovalSpec = {
      policy: 'member_vote',
      closesAt,
      threshold: '0.5',
      electorate: [
        { producerId: 'a', userId: 'family', weight: '200' },
        { producerId: 'b', userId: 'family', weight: '200' },
        { producerId: 'c', userId: 'other', weight: '500' },
      ],
    };
    const { tally } = castVote(
      linked,
      [],
      { userId: 'family', role: null, choice: 'approve' },
      at(1),
    );
    expect(tally).toMatchObject({
      status: 'pending',
      approveWeight: '400',
      outstandingWeight: '500',
    });
  });

  it('takes one vote per user and refuses a second one', () => {
    const votes = play(spec, [{ userId: 'u05', choice: 'reject' }]);
    const error = refusal(() =>
      castVote(spec, votes, { userId: 'u05', role: null, choice: 'approve' }, at(5)),
    );
    expect(error.code).toBe('ALREADY_VOTED');
    expect(errorCodeSpec(error.code)?.status).toBe(409);
  });

  it('takes no vote from a user linked to no contributing producer', () => {
    expect(
      refusal(() =>
        castVote(spec, [], { userId: 'stranger', role: 'manager', choice: 'approve' }, at(1)),
      ).code,
    ).toBe('NOT_ELIGIBLE_VOTER');
  });

  it('expires undecided at the deadline and then takes no vote', () => {
    const votes = play(spec, [{ userId: 'u01', choice: 'approve' }]);
    expect(tallyApproval(spec, votes, closesAt).status).toBe('expired');
    const error = refusal(() =>
      castVote(spec, votes, { userId: 'u02', role: null, choice: 'approve' }, closesAt),
    );
    expect(error.code).toBe('APPROVAL_NOT_PENDING');
    expect(error.details).toEqual({ status: 'expired' });
  });

  it('ignores a vote stored with a time at or after the deadline', () => {
    const late: ApprovalVote[] = ['u01', 'u02', 'u03', 'u04'].map((userId) => ({
      userId,
      role: null,
      choice: 'approve',
      castAt: closesAt,
    }));
    expect(tallyApproval(spec, late, at(48 * 60))).toMatchObject({
      status: 'expired',
      approveWeight: '0',
    });
  });

  it('keeps a decision once made', () => {
    const votes = play(spec, [
      { userId: 'u01', choice: 'approve' },
      { userId: 'u02', choice: 'approve' },
      { userId: 'u03', choice: 'approve' },
      { userId: 'u04', choice: 'approve' },
    ]);
    expect(
      refusal(() => castVote(spec, votes, { userId: 'u05', role: null, choice: 'reject' }, at(20)))
        .code,
    ).toBe('APPROVAL_NOT_PENDING');
    const raced: ApprovalVote[] = [
      ...votes,
      ...['u05', 'u06', 'u07'].map((userId) => ({
        userId,
        role: null,
        choice: 'reject' as const,
        castAt: at(30),
      })),
    ];
    expect(tallyApproval(spec, raced, at(40))).toMatchObject({
      status: 'approved',
      decidedAt: at(4),
    });
  });

  it('refuses a threshold outside (0, 1]', () => {
    for (const threshold of ['0', '1.01', '-0.5']) {
      const error = refusal(() => tallyApproval({ ...spec, threshold }, [], t0));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.fieldIssues[0]).toMatchObject({ field: 'voteThreshold' });
    }
  });

  it('keeps its weights consistent with its status for any electorate and votes', () => {
    const arb = fc
      .record({
        weights: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 10 }),
        linked: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        thresholdPct: fc.integer({ min: 1, max: 100 }),
        choices: fc.array(fc.record({ voter: fc.nat(9), approve: fc.boolean() }), {
          maxLength: 15,
        }),
      })
      .map(({ weights, linked, thresholdPct, choices }) => ({
        electorate: weights.map((w, i) => ({
          producerId: `p${i}`,
          userId: linked[i] ? `u${i}` : null,
          weight: dec(String(w)).dividedBy(100).toFixed(),
        })),
        threshold: dec(String(thresholdPct)).dividedBy(100).toFixed(),
        choices,
      }));
    fc.assert(
      fc.property(arb, ({ electorate, threshold, choices }) => {
        const s: ApprovalSpec = { policy: 'member_vote', closesAt, threshold, electorate };
        const votes: ApprovalVote[] = choices.map((c, i) => ({
          userId: `u${c.voter}`,
          role: null,
          choice: c.approve ? 'approve' : 'reject',
          castAt: at(i),
        }));
        const tally = tallyApproval(s, votes, at(100));
        if (tally.policy !== 'member_vote') return false;
        const total = dec(tally.totalWeight);
        const needed = dec(threshold).times(total);
        const approve = dec(tally.approveWeight);
        const parts = approve
          .plus(tally.rejectWeight)
          .plus(tally.outstandingWeight)
          .plus(tally.unreachableWeight);
        const statusHolds =
          tally.status === 'approved'
            ? approve.greaterThanOrEqualTo(needed)
            : tally.status === 'rejected'
              ? approve.plus(tally.outstandingWeight).lessThan(needed)
              : approve.lessThan(needed) &&
                approve.plus(tally.outstandingWeight).greaterThanOrEqualTo(needed);
        return parts.equals(total) && statusHolds && tally.status !== 'expired';
      }),
    );
  });
});

describe('an outcome recorded outside the votes', () => {
  const electorate: Voter[] = [
    { producerId: 'p01', userId: 'u01', weight: '600' },
    { producerId: 'p02', userId: null, weight: '400' },
  ];
  const open: ApprovalSpec = { policy: 'member_vote', closesAt, threshold: '0.5', electorate };
  const withdrawn: ApprovalSpec = { ...open, recorded: { status: 'rejected', at: at(5) } };

  it('ends the approval whatever the votes would say', () => {
    // u01 alone holds 60 %: the vote would pass, but the offer was withdrawn at minute 5.
    const vote = { userId: 'u01', role: null, choice: 'approve' as const };
    expect(castVote(open, [], vote, at(6)).tally.status).toBe('approved');
    const error = refusal(() => castVote(withdrawn, [], vote, at(6)));
    expect(error.code).toBe('APPROVAL_NOT_PENDING');
    expect(tallyApproval(withdrawn, [], at(6))).toMatchObject({
      status: 'rejected',
      decidedAt: at(5),
      approveWeight: '0',
    });
  });

  it('keeps the time the votes decided it when they agree', () => {
    const votes = play(open, [{ userId: 'u01', choice: 'approve' }]);
    const approved: ApprovalSpec = { ...open, recorded: { status: 'approved', at: at(9) } };
    expect(tallyApproval(approved, votes, at(10))).toMatchObject({
      status: 'approved',
      decidedAt: at(1),
    });
    for (const spec of [
      { policy: 'manager', closesAt, recorded: { status: 'expired', at: at(3) } },
      { policy: 'two_person', closesAt, recorded: { status: 'expired', at: at(3) } },
    ] as ApprovalSpec[]) {
      expect(tallyApproval(spec, [], at(4))).toMatchObject({ status: 'expired', decidedAt: at(3) });
    }
  });
});

describe('helpers', () => {
  it('builds one voter per producer, weighted by all their contributions', () => {
    expect(
      buildElectorate([
        { producerId: 'b', userId: 'ub', quantity: '100' },
        { producerId: 'a', userId: null, quantity: '50.5' },
        { producerId: 'b', userId: 'ub', quantity: '25' },
      ]),
    ).toEqual([
      { producerId: 'a', userId: null, weight: '50.5' },
      { producerId: 'b', userId: 'ub', weight: '125' },
    ]);
  });

  it('closes a vote after voteHours but never after the offer expires', () => {
    const offerExpiresAt = at(10 * 60);
    expect(approvalClosesAt({ now: t0, voteHours: 2, offerExpiresAt })).toEqual(at(120));
    expect(approvalClosesAt({ now: t0, voteHours: 48, offerExpiresAt })).toEqual(offerExpiresAt);
    expect(refusal(() => approvalClosesAt({ now: t0, voteHours: 0, offerExpiresAt })).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
