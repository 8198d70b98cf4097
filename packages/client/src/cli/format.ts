/**
 * Human-readable rendering of jobs, job status, workers and checkpoints for the CLI. Pure: every
 * function returns a string; times are parameters so the output is testable.
 */
import type { JobSummary__Output, WorkerInfo__Output } from '@eddy/common';
import type { CheckpointJson, JobStatusJson } from '../job-client.js';

/** Renders rows under headers in aligned columns; `right` lists the columns aligned right (numbers). */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** 1234567 → `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds as `850ms`, `12.3s`, `4m05s` or `2h03m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Bytes with binary units: `0 B`, `1023 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`;
  let value = bytes;
  let unit = 0;
  // 1023.96 KiB would round to `1024.0 KiB`: move to the next unit before rounding can reach 1024.
  while (value >= 1024 - 0.05 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Epoch milliseconds as `YYYY-MM-DD HH:MM:SS` in UTC; `-` for 0 / null (not set). */
export function formatTime(ms: number | null): string {
  if (!ms) return '-';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** How long a job ran, or has been running at `now`; `-` when it never started. */
export function jobDuration(start: number | null, end: number | null, now: number): string {
  if (!start) return '-';
  return formatDuration((end || now) - start);
}

/** The `eddy list` table. */
export function renderJobs(jobs: readonly JobSummary__Output[], now: number): string {
  if (jobs.length === 0) return 'No jobs.';
  return renderTable(
    ['JOB ID', 'NAME', 'STATE', 'PARALLELISM', 'STARTED (UTC)', 'DURATION'],
    jobs.map((j) => [
      j.id,
      j.name,
      j.state,
      String(j.parallelism),
      formatTime(Number(j.startTime)),
      jobDuration(Number(j.startTime), Number(j.endTime), now),
    ]),
    [3],
  );
}

/** The `eddy workers` table. */
export function renderWorkers(workers: readonly WorkerInfo__Output[]): string {
  if (workers.length === 0) return 'No workers registered.';
  return renderTable(
    ['WORKER ID', 'ADDRESS', 'SLOTS', 'FREE', 'PID', 'LAST HEARTBEAT'],
    workers.map((w) => [
      w.workerId,
      w.address,
      String(w.slots),
      String(w.freeSlots),
      String(w.pid),
      `${formatDuration(w.lastHeartbeatMs)} ago`,
    ]),
    [2, 3, 4],
  );
}

/**
 * The `eddy checkpoints` table, oldest first as given. Times stay full ISO strings with
 * milliseconds: checkpoints can be well under a second apart, so `eddy list`'s seconds would not
 * tell them apart.
 */
export function renderCheckpoints(checkpoints: readonly CheckpointJson[]): string {
  if (checkpoints.length === 0)
    return 'No retained checkpoints (checkpointing is off, none has completed yet, or the job ended).';
  return renderTable(
    ['ID', 'COMPLETED', 'SIZE', 'DURATION'],
    checkpoints.map((c) => [String(c.id), c.time, formatBytes(c.size), formatDuration(c.durationMs)]),
    [0, 2, 3],
  );
}

/** The `eddy status` report: header, operators with record counts, subtask states and the failure. */
export function renderStatus(s: JobStatusJson, now: number): string {
  const lines = [
    `Job ${s.id} (${s.name})`,
    `  state:        ${s.state}`,
    `  parallelism:  ${s.parallelism} (max ${s.maxParallelism})`,
    `  started:      ${formatTime(s.startTime)} UTC`,
    `  duration:     ${jobDuration(s.startTime, s.endTime, now)}`,
  ];
  if (s.statusMessage) lines.push(`  status:       ${s.statusMessage}`);
  lines.push(`  restarts:     ${s.restarts}`);
  lines.push(
    `  checkpoint:   ${s.lastCheckpoint ? `${s.lastCheckpoint.id}, completed ${formatTime(s.lastCheckpoint.time)} UTC` : 'none completed'}`,
  );
  if (s.lastFailure && s.lastFailure !== s.failure) lines.push(`  last failure: ${s.lastFailure.split('\n')[0]}`);
  if (s.tasks.length > 0) {
    const counts = new Map<string, number>();
    for (const t of s.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
    lines.push(`  subtasks:     ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`);
  }
  if (s.operators.length > 0) {
    lines.push(
      '',
      renderTable(
        ['OPERATOR', 'UID', 'VERTEX', 'PARALLELISM', 'RECORDS IN', 'RECORDS OUT', 'LATE DROPPED'],
        s.operators.map((o) => [
          o.name,
          o.uid ?? '-',
          o.vertexId,
          String(o.parallelism),
          formatCount(o.recordsIn),
          formatCount(o.recordsOut),
          formatCount(o.lateRecordsDropped),
        ]),
        [3, 4, 5, 6],
      ),
    );
  }
  if (s.failure) lines.push('', 'Failure:', ...s.failure.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}
