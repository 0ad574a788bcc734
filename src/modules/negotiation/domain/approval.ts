import {
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../../shared/errors/domain-error';
import { Dec, type DecimalInput, dec, toDecimalString } from '../../../shared/money';
import { NegotiationErrors } from './negotiation.errors';

export type AssociationRole = 'manager' | 'treasurer' | 'member';
export type VoteChoice = 'approve' | 'reject';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** One contributing producer in a member vote: the weight is what they put in the lot. */
export interface Voter {
  producerId: string;
  /** The producer's linked user; a producer without one cannot vote but still weighs. */
  userId: string | null;
  weight: string;
}

/**
 * An outcome stored on the approval when something other than its votes ended it: the buyer
 * withdrew the offer, the association countered or rejected it, the lot was cancelled, the
 * hold lapsed. It is final; the votes cast before or after can neither reopen nor change it.
 */
export interface RecordedOutcome {
  status: Exclude<ApprovalStatus, 'pending'>;
  at: Date;
}

interface SpecTiming {
  closesAt: Date;
  recorded?: RecordedOutcome | null;
}

export type ApprovalSpec =
  | ({ policy: 'manager' } & SpecTiming)
  | ({ policy: 'two_person' } & SpecTiming)
  | ({
      policy: 'member_vote';
      /** Fraction of the total weight that must approve, in (0, 1]. */
      threshold: DecimalInput;
      electorate: readonly Voter[];
    } & SpecTiming);

export interface ApprovalVote {
  userId: string;
  /** The voter's role in the association; only `two_person` and `manager` read it. */
  role: AssociationRole | null;
  choice: VoteChoice;
  castAt: Date;
}

export type ApprovalTally =
  | {
      policy: 'manager';
      status: ApprovalStatus;
      decidedAt: Date | null;
      decidedBy: string | null;
    }
  | {
      policy: 'two_person';
      status: ApprovalStatus;
      decidedAt: Date | null;
      /** The first approving manager and treasurer, always two different users. */
      managerUserId: string | null;
      treasurerUserId: string | null;
      rejectedBy: string | null;
    }
  | {
      policy: 'member_vote';
      status: ApprovalStatus;
      decidedAt: Date | null;
      threshold: string;
      totalWeight: string;
      approveWeight: string;
      rejectWeight: string;
      /** Weight of producers with a linked user who have not voted. */
      outstandingWeight: string;
      /** Weight of producers without a linked user: it counts in the total and never approves. */
      unreachableWeight: string;
      /** approveWeight / totalWeight, for display; the decision compares without dividing. */
      approveShare: string;
    };

/**
 * Each contributing producer once, with the sum of their contributions. Producers whose
 * contributions add up to zero are left out: they have nothing at stake in the sale.
 */
export function buildElectorate(
  contributions: readonly { producerId: string; userId: string | null; quantity: DecimalInput }[],
): Voter[] {
  const byProducer = new Map<string, { userId: string | null; weight: Dec }>();
  for (const c of contributions) {
    const acc = byProducer.get(c.producerId);
    byProducer.set(c.producerId, {
      userId: acc?.userId ?? c.userId,
      weight: (acc?.weight ?? new Dec(0)).plus(dec(c.quantity)),
    });
  }
  return [...byProducer.entries()]
    .filter(([, v]) => v.weight.greaterThan(0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([producerId, v]) => ({
      producerId,
      userId: v.userId,
      weight: toDecimalString(v.weight),
    }));
}

/**
 * When an approval stops taking votes: after `voteHours`, but never after the offer it would
 * accept expires, since an expired offer cannot be accepted anyway and its hold must go.
 */
export function approvalClosesAt(input: {
  now: Date;
  voteHours: number;
  offerExpiresAt: Date;
}): Date {
  if (!Number.isFinite(input.voteHours) || input.voteHours <= 0) {
    throw validationFailed([
      { field: 'voteHours', code: 'MUST_BE_POSITIVE', message: 'must be greater than zero' },
    ]);
  }
  const byHours = input.now.getTime() + input.voteHours * 3_600_000;
  return new Date(Math.min(byHours, input.offerExpiresAt.getTime()));
}

export function validateApprovalSpec(spec: ApprovalSpec): void {
  if (spec.policy !== 'member_vote') return;
  const threshold = dec(spec.threshold);
  const issues: FieldIssue[] = [];
  if (threshold.lessThanOrEqualTo(0) || threshold.greaterThan(1)) {
    issues.push({
      field: 'voteThreshold',
      code: 'OUT_OF_RANGE',
      message: 'must be greater than 0 and at most 1',
    });
  }
  const total = spec.electorate.reduce((acc, v) => acc.plus(dec(v.weight)), new Dec(0));
  if (total.lessThanOrEqualTo(0)) {
    issues.push({
      field: 'electorate',
      code: 'EMPTY',
      message: 'a member vote needs contributions to weigh',
    });
  }
  const seen = new Set<string>();
  for (const v of spec.electorate) {
    if (seen.has(v.producerId)) {
      issues.push({
        field: 'electorate',
        code: 'DUPLICATE',
        message: `producer ${v.producerId} twice`,
      });
    }
    seen.add(v.producerId);
  }
  if (issues.length > 0) throw validationFailed(issues);
}

/**
 * The outcome at `now`. Votes are replayed in the order they were cast and the first vote
 * that decides the approval fixes it: later stored votes (a race the service's lock should
 * already prevent) cannot undo a decision. A vote counts only if it was cast before
 * `closesAt` and no later than `now`, by an eligible user, and is that user's first.
 * A pending approval at or after `closesAt` is expired. A recorded outcome overrides the votes.
 */
export function tallyApproval(
  spec: ApprovalSpec,
  votes: readonly ApprovalVote[],
  now: Date,
): ApprovalTally {
  validateApprovalSpec(spec);
  const counted = countedVotes(spec, votes, now);
  const tally = replay(spec, counted);
  const recorded = spec.recorded;
  if (recorded) {
    return {
      ...tally,
      status: recorded.status,
      decidedAt: tally.status === recorded.status ? tally.decidedAt : recorded.at,
    };
  }
  if (tally.status === 'pending' && now.getTime() >= spec.closesAt.getTime()) {
    return { ...tally, status: 'expired' };
  }
  return tally;
}

/**
 * Records a vote cast at `now`, or refuses it. One vote per user, and it is final: a second
 * vote by the same user is refused (ALREADY_VOTED) rather than replacing the first. The
 * history log is append-only and the members read it to see how a price was agreed; a vote
 * that could be flipped near the threshold would make that record mean less, and an
 * approval closes the moment it is decided, so a change of mind could only matter for a
 * narrow, race-prone window anyway.
 */
export function castVote(
  spec: ApprovalSpec,
  votes: readonly ApprovalVote[],
  vote: { userId: string; role: AssociationRole | null; choice: VoteChoice },
  now: Date,
): { vote: ApprovalVote; tally: ApprovalTally } {
  const before = tallyApproval(spec, votes, now);
  if (before.status !== 'pending') {
    throw new DomainError(
      NegotiationErrors.APPROVAL_NOT_PENDING,
      `the approval is ${before.status}`,
      { status: before.status },
    );
  }
  if (!isEligible(spec, vote)) {
    throw new DomainError(
      NegotiationErrors.NOT_ELIGIBLE_VOTER,
      `this user may not vote on a ${spec.policy} approval`,
      { policy: spec.policy, role: vote.role },
    );
  }
  if (countedVotes(spec, votes, now).some((v) => v.userId === vote.userId)) {
    throw new DomainError(NegotiationErrors.ALREADY_VOTED, 'this user has already voted', {
      policy: spec.policy,
    });
  }
  const recorded: ApprovalVote = { ...vote, castAt: now };
  return { vote: recorded, tally: tallyApproval(spec, [...votes, recorded], now) };
}

function isEligible(
  spec: ApprovalSpec,
  vote: { userId: string; role: AssociationRole | null },
): boolean {
  switch (spec.policy) {
    case 'manager':
      return vote.role === 'manager';
    case 'two_person':
      return vote.role === 'manager' || vote.role === 'treasurer';
    case 'member_vote':
      return spec.electorate.some((v) => v.userId !== null && v.userId === vote.userId);
  }
}

function countedVotes(
  spec: ApprovalSpec,
  votes: readonly ApprovalVote[],
  now: Date,
): ApprovalVote[] {
  const inTime = votes
    .filter(
      (v) => v.castAt.getTime() < spec.closesAt.getTime() && v.castAt.getTime() <= now.getTime(),
    )
    .filter((v) => isEligible(spec, v))
    .sort(
      (a, b) =>
        a.castAt.getTime() - b.castAt.getTime() ||
        (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
    );
  const seen = new Set<string>();
  const firstPerUser: ApprovalVote[] = [];
  for (const v of inTime) {
    if (seen.has(v.userId)) continue;
    seen.add(v.userId);
    firstPerUser.push(v);
  }
  return firstPerUser;
}

function replay(spec: ApprovalSpec, votes: readonly ApprovalVote[]): ApprovalTally {
  switch (spec.policy) {
    case 'manager': {
      const decisive = votes[0];
      if (!decisive)
        return { policy: 'manager', status: 'pending', decidedAt: null, decidedBy: null };
      return {
        policy: 'manager',
        status: decisive.choice === 'approve' ? 'approved' : 'rejected',
        decidedAt: decisive.castAt,
        decidedBy: decisive.userId,
      };
    }
    case 'two_person':
      return replayTwoPerson(votes);
    case 'member_vote':
      return replayMemberVote(spec, votes);
  }
}

function replayTwoPerson(votes: readonly ApprovalVote[]): ApprovalTally {
  let managerUserId: string | null = null;
  let treasurerUserId: string | null = null;
  for (const v of votes) {
    if (v.choice === 'reject') {
      // Either signatory can stop the sale: two-person control guards against one person
      // selling alone, so it must not let one person's approval outweigh the other's no.
      return {
        policy: 'two_person',
        status: 'rejected',
        decidedAt: v.castAt,
        managerUserId,
        treasurerUserId,
        rejectedBy: v.userId,
      };
    }
    // Votes are already one per user, so the manager and the treasurer are different people.
    if (v.role === 'manager') managerUserId ??= v.userId;
    if (v.role === 'treasurer') treasurerUserId ??= v.userId;
    if (managerUserId !== null && treasurerUserId !== null) {
      return {
        policy: 'two_person',
        status: 'approved',
        decidedAt: v.castAt,
        managerUserId,
        treasurerUserId,
        rejectedBy: null,
      };
    }
  }
  return {
    policy: 'two_person',
    status: 'pending',
    decidedAt: null,
    managerUserId,
    treasurerUserId,
    rejectedBy: null,
  };
}

function replayMemberVote(
  spec: Extract<ApprovalSpec, { policy: 'member_vote' }>,
  votes: readonly ApprovalVote[],
): ApprovalTally {
  const threshold = dec(spec.threshold);
  let total = new Dec(0);
  let unreachable = new Dec(0);
  // A user linked to several producers votes for all of them with one vote.
  const weightByUser = new Map<string, Dec>();
  for (const v of spec.electorate) {
    const w = dec(v.weight);
    total = total.plus(w);
    if (v.userId === null) unreachable = unreachable.plus(w);
    else weightByUser.set(v.userId, (weightByUser.get(v.userId) ?? new Dec(0)).plus(w));
  }
  const needed = threshold.times(total);
  let approve = new Dec(0);
  let reject = new Dec(0);
  let outstanding = total.minus(unreachable);

  const snapshot = (status: ApprovalStatus, decidedAt: Date | null): ApprovalTally => ({
    policy: 'member_vote',
    status,
    decidedAt,
    threshold: toDecimalString(threshold),
    totalWeight: toDecimalString(total),
    approveWeight: toDecimalString(approve),
    rejectWeight: toDecimalString(reject),
    outstandingWeight: toDecimalString(outstanding),
    unreachableWeight: toDecimalString(unreachable),
    approveShare: toDecimalString(approve.dividedBy(total)),
  });
  const decide = (): 'approved' | 'rejected' | null => {
    if (approve.greaterThanOrEqualTo(needed)) return 'approved';
    if (approve.plus(outstanding).lessThan(needed)) return 'rejected';
    return null;
  };

  // Decided before anyone votes when the users who can vote cannot reach the threshold.
  const initial = decide();
  if (initial) return snapshot(initial, null);
  for (const v of votes) {
    const w = weightByUser.get(v.userId);
    if (w === undefined) continue;
    outstanding = outstanding.minus(w);
    if (v.choice === 'approve') approve = approve.plus(w);
    else reject = reject.plus(w);
    const outcome = decide();
    if (outcome) return snapshot(outcome, v.castAt);
  }
  return snapshot('pending', null);
}
