/**
 * The input of examples/fraud-detection.ts: a deterministic stream of credit-card transactions
 * and the source that reads it.
 *
 * {@link generateTransactions} is a pure function of its options: the job's source and the
 * examples test (which computes the expected alerts from it) see exactly the same transactions.
 * Each account makes a transaction every 5-120 s of event time; amounts are mostly between
 * $1.00 and $300.00, with a few small (< $1.00) and large (> $500.00) ones. Now and then an
 * account plays one of the {@link SCENARIOS}: a scripted sequence that should raise an alert or
 * is a near miss that should not.
 */
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceSplit } from '@eddy/api';
import { Random } from './random.js';

/** One card transaction. `amount` is in dollars (whole cents); `timestamp` is event time in ms since the epoch. */
export interface Transaction {
  readonly accountId: number;
  readonly amount: number;
  readonly timestamp: number;
}

/** What {@link generateTransactions} generates. */
export interface TransactionOptions {
  /** Number of transactions. */
  readonly count: number;
  /** Seed of the pseudo-random generator. */
  readonly seed: number;
  /** Number of accounts, with ids 1..accounts. */
  readonly accounts: number;
}

/** The job's defaults (and the test's input). */
export const DEFAULT_TRANSACTION_OPTIONS: TransactionOptions = { count: 3000, seed: 42, accounts: 8 };

/** Event time of the earliest possible transaction: 2024-01-01 09:00 UTC. */
export const TRANSACTIONS_START = Date.UTC(2024, 0, 1, 9, 0, 0);

/** One scripted step: the account's next transaction comes `gapMs` after its previous one. */
interface Step {
  readonly gapMs: number;
  readonly cents: number;
}

const small = (r: Random): number => r.int(1, 99); // $0.01 .. $0.99
const large = (r: Random): number => r.int(50_001, 250_000); // $500.01 .. $2,500.00
const medium = (r: Random): number => r.int(1_000, 20_000); // $10.00 .. $200.00

/**
 * Scripted sequences, played in this order (then again from the start). The first step follows
 * the account's previous transaction after a random gap; the later steps follow exactly.
 */
export const SCENARIOS: readonly { readonly name: string; readonly alerts: boolean; readonly steps: (r: Random) => Step[] }[] = [
  { name: 'small, then large 1-59 s later', alerts: true, steps: (r) => [{ gapMs: 0, cents: small(r) }, { gapMs: r.int(1_000, 59_000), cents: large(r) }] },
  { name: 'small, then large 60 s + 1-15 s later', alerts: false, steps: (r) => [{ gapMs: 0, cents: small(r) }, { gapMs: 60_000 + r.int(1, 15_000), cents: large(r) }] },
  { name: 'small, then large exactly 60 s later', alerts: true, steps: (r) => [{ gapMs: 0, cents: small(r) }, { gapMs: 60_000, cents: large(r) }] },
  {
    name: 'small, medium, large within 60 s',
    alerts: false,
    steps: (r) => [{ gapMs: 0, cents: small(r) }, { gapMs: r.int(2_000, 25_000), cents: medium(r) }, { gapMs: r.int(2_000, 25_000), cents: large(r) }],
  },
  { name: 'small, then exactly $500.00', alerts: false, steps: (r) => [{ gapMs: 0, cents: small(r) }, { gapMs: r.int(1_000, 59_000), cents: 50_000 }] },
  {
    name: 'small, small 40-59 s later, large 40-59 s after that',
    alerts: true,
    steps: (r) => [{ gapMs: 0, cents: small(r) }, { gapMs: r.int(40_000, 59_000), cents: small(r) }, { gapMs: r.int(40_000, 59_000), cents: large(r) }],
  },
  { name: 'exactly $1.00, then large', alerts: false, steps: (r) => [{ gapMs: 0, cents: 100 }, { gapMs: r.int(1_000, 59_000), cents: large(r) }] },
];

/** Chance that an account's next transaction starts a scenario. */
const SCENARIO_CHANCE = 0.006;

/** Per-account generator state. */
interface Account {
  readonly id: number;
  /** The account's next transaction, already decided. */
  next: { timestamp: number; cents: number };
  /** Scripted steps still to come after `next`. */
  script: Step[];
}

/**
 * The transactions of `opts`, ordered by timestamp (ties by account id): each account's
 * sequence is generated on its own, and the accounts are merged by time.
 */
export function generateTransactions(opts: TransactionOptions): Transaction[] {
  const r = new Random(opts.seed);
  let scenario = 0;
  const randomGap = (): number => r.int(5_000, 120_000);
  const randomCents = (): number => {
    const x = r.next();
    if (x < 0.02) return small(r);
    if (x < 0.04) return large(r);
    return r.int(100, 30_000);
  };
  /** Decides the account's transaction after the one at `after`. */
  const advance = (a: Account, after: number): void => {
    let step = a.script.shift();
    if (step === undefined && r.next() < SCENARIO_CHANCE) {
      const steps = SCENARIOS[scenario++ % SCENARIOS.length]!.steps(r);
      step = { gapMs: randomGap(), cents: steps[0]!.cents };
      a.script = steps.slice(1);
    }
    step ??= { gapMs: randomGap(), cents: randomCents() };
    a.next = { timestamp: after + step.gapMs, cents: step.cents };
  };

  const accounts: Account[] = [];
  for (let id = 1; id <= opts.accounts; id++) {
    const a: Account = { id, next: { timestamp: 0, cents: 0 }, script: [] };
    advance(a, TRANSACTIONS_START);
    accounts.push(a);
  }
  const out: Transaction[] = [];
  while (out.length < opts.count) {
    let a = accounts[0]!;
    for (const b of accounts) if (b.next.timestamp < a.next.timestamp) a = b; // ties: the lower id, found first
    const { timestamp, cents } = a.next;
    out.push({ accountId: a.id, amount: cents / 100, timestamp });
    advance(a, timestamp);
  }
  return out;
}

/** One account's transactions; `next` is the index of the next one to emit within the account's sequence. */
export interface TransactionSplit extends SourceSplit {
  readonly accountId: number;
  next: number;
}

/**
 * The transactions as a bounded source with one split per account (like a topic partitioned by
 * account). A reader emits the transactions of its splits merged in timestamp order, each split
 * through its own split output, so each account gets its own watermark generator; splits carry
 * their position, so a restored reader resumes exactly where the checkpoint was taken.
 */
export class TransactionSource implements Source<Transaction, TransactionSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(readonly options: TransactionOptions) {}

  createSplits(): TransactionSplit[] {
    return Array.from({ length: this.options.accounts }, (_v, i) => ({ splitId: `account-${i + 1}`, accountId: i + 1, next: 0 }));
  }

  createReader(): SourceReader<Transaction, TransactionSplit> {
    return new TransactionReader(this.options);
  }
}

class TransactionReader implements SourceReader<Transaction, TransactionSplit> {
  private readonly splits: { split: TransactionSplit; txs: readonly Transaction[] }[] = [];
  private byAccount: Map<number, Transaction[]> | undefined;

  constructor(private readonly options: TransactionOptions) {}

  addSplits(splits: TransactionSplit[]): void {
    if (this.byAccount === undefined) {
      this.byAccount = new Map();
      for (const tx of generateTransactions(this.options)) {
        let list = this.byAccount.get(tx.accountId);
        if (list === undefined) this.byAccount.set(tx.accountId, (list = []));
        list.push(tx);
      }
    }
    for (const s of splits) this.splits.push({ split: { ...s }, txs: this.byAccount.get(s.accountId) ?? [] });
  }

  pollNext(output: ReaderOutput<Transaction>): InputStatus {
    // Every split's output exists from the start, so no split's watermark runs ahead of one that has not emitted yet.
    const outputs = this.splits.map((s) => output.createOutputForSplit?.(s.split.splitId) ?? output);
    for (let emitted = 0; emitted < 1000; emitted++) {
      // The split whose next transaction is the earliest (ties: the first assigned).
      let best = -1;
      let bestTs = Infinity;
      this.splits.forEach((s, i) => {
        const tx = s.txs[s.split.next];
        if (tx !== undefined && tx.timestamp < bestTs) [best, bestTs] = [i, tx.timestamp];
      });
      if (best < 0) break;
      const s = this.splits[best]!;
      const tx = s.txs[s.split.next++]!;
      outputs[best]!.collect(tx, tx.timestamp);
    }
    for (let i = this.splits.length - 1; i >= 0; i--) {
      const s = this.splits[i]!;
      if (s.split.next < s.txs.length) continue;
      this.splits.splice(i, 1);
      output.releaseOutputForSplit?.(s.split.splitId);
    }
    return this.splits.length > 0 ? 'MORE_AVAILABLE' : 'END_OF_INPUT';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  snapshotState(): TransactionSplit[] {
    return this.splits.map((s) => ({ ...s.split }));
  }
}
