/**
 * Fraud detection with keyed state and event-time timers (Flink's "Fraud Detection with the
 * DataStream API" walkthrough).
 *
 *   eddy local examples/fraud-detection.ts --workers 2 --parallelism 2     (what `npm run demo` runs)
 *   eddy local examples/fraud-detection.ts --workers 2 --parallelism 2 -- --count 20000 --seed 7 --accounts 20
 *
 * A fraudster often tests a stolen card with a tiny purchase and, if it goes through, makes a
 * large one right away. This job raises an alert when an account makes a transaction under
 * $1.00 immediately followed (no other transaction of the account in between) by one over
 * $500.00 at most one minute of event time later.
 *
 * The transactions come from {@link TransactionSource} (examples/support/transactions.ts): a
 * bounded, deterministic generator (`--count`, default 3000; `--seed`, default 42; `--accounts`,
 * default 8) with one split per account, whose timestamps become event time through a
 * WatermarkStrategy on the source. The {@link FraudDetector} keeps two values per account, as in
 * the walkthrough: a flag "the last transaction was small" and the time of the timer that clears
 * the flag one minute after that transaction.
 *
 * Output: one line per alert, prefixed `n> ` with the subtask that found it, e.g.
 *   1> Alert{accountId=4, amount=1888.11, timestamp=2024-01-01T14:44:39.417Z, sinceSmall=4.470s}
 * `amount` and `timestamp` are the large transaction's; `sinceSmall` is how long after the small
 * one it came. The order of lines of different subtasks varies from run to run; the lines do not.
 */
import {
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type ValueState,
} from '@eddy/api';
import { intArg } from './support/job-args.js';
import { DEFAULT_TRANSACTION_OPTIONS, TransactionSource, type Transaction } from './support/transactions.js';

/** An alert: the large transaction that followed a small one, and how long after it. */
export interface Alert {
  readonly accountId: number;
  readonly amount: number;
  readonly timestamp: number;
  readonly sinceSmallMs: number;
}

const SMALL_AMOUNT = 1.0;
const LARGE_AMOUNT = 500.0;
const ONE_MINUTE = 60_000;

/**
 * Flink's FraudDetector, with event-time timers. Per account (the key):
 * - on a transaction under $1.00 it sets the flag and registers an event-time timer one minute
 *   after the transaction, remembering the timer's time;
 * - on the next transaction of the account, it raises an alert if that one is over $500.00,
 *   then clears the flag and deletes the timer (any transaction in between ends the pattern);
 * - when the timer fires (the watermark passed the minute), it clears the flag.
 *
 * In event time the watermark lags the records, so the timer may not have fired yet when a
 * transaction more than a minute later arrives. The alert therefore also compares the
 * transaction's timestamp with the timer's time: the timer keeps the state small, the comparison
 * keeps the result exact, whatever the watermark's progress.
 */
export class FraudDetector implements KeyedProcessFunction<number, Transaction, Alert> {
  private flagState!: ValueState<boolean>;
  private timerState!: ValueState<number>;

  open(ctx: RuntimeContext): void {
    this.flagState = ctx.getState(new ValueStateDescriptor<boolean>('flag'));
    this.timerState = ctx.getState(new ValueStateDescriptor<number>('timer-state'));
  }

  processElement(tx: Transaction, ctx: KeyedProcessContext<number>, out: Collector<Alert>): void {
    const timestamp = ctx.timestamp ?? tx.timestamp;
    const lastTransactionWasSmall = this.flagState.value();
    if (lastTransactionWasSmall !== undefined) {
      const timer = this.timerState.value();
      if (tx.amount > LARGE_AMOUNT && timer !== undefined && timestamp <= timer)
        out.collect({ accountId: tx.accountId, amount: tx.amount, timestamp, sinceSmallMs: timestamp - (timer - ONE_MINUTE) });
      this.cleanUp(ctx);
    }
    if (tx.amount < SMALL_AMOUNT) {
      this.flagState.update(true);
      const timer = timestamp + ONE_MINUTE;
      ctx.timerService().registerEventTimeTimer(timer);
      this.timerState.update(timer);
    }
  }

  onTimer(): void {
    // The minute after the small transaction is over.
    this.timerState.clear();
    this.flagState.clear();
  }

  private cleanUp(ctx: KeyedProcessContext<number>): void {
    const timer = this.timerState.value();
    if (timer !== undefined) ctx.timerService().deleteEventTimeTimer(timer);
    this.timerState.clear();
    this.flagState.clear();
  }
}

/** `Alert{accountId=4, amount=1888.11, timestamp=2024-01-01T14:44:39.417Z, sinceSmall=4.470s}`. */
export function formatAlert(a: Alert): string {
  return `Alert{accountId=${a.accountId}, amount=${a.amount.toFixed(2)}, timestamp=${new Date(a.timestamp).toISOString()}, sinceSmall=${(a.sinceSmallMs / 1000).toFixed(3)}s}`;
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const d = DEFAULT_TRANSACTION_OPTIONS;
  const options = {
    count: intArg(args, 'count', d.count, 1, 10_000_000),
    seed: intArg(args, 'seed', d.seed, 0, 0xffff_ffff),
    accounts: intArg(args, 'accounts', d.accounts, 1, 10_000),
  };
  env.setJobName('fraud-detection');
  env
    .fromSource(
      new TransactionSource(options),
      'Transactions',
      // Each account's transactions are in timestamp order, and each account is a split with its own generator.
      WatermarkStrategy.forMonotonousTimestamps<Transaction>().withTimestampAssigner((tx) => tx.timestamp),
    )
    .uid('transactions')
    .keyBy((tx) => tx.accountId)
    .process(new FraudDetector())
    .name('Fraud Detector')
    .uid('fraud-detector')
    .map(formatAlert)
    .name('Format')
    .print();
};
