/**
 * The states an operator has registered: name → small numeric id (the id is part of every stored
 * key, see key-layout.ts), kind and TTL. Ids are assigned in registration order; snapshot files
 * carry this table, and restoring registers the names found in files before user code runs, so
 * stored state and descriptors meet by name, never by id.
 */

import type { StateDescriptor, StateKind } from '@eddy/api';
import { encodeStateId } from './key-layout.js';

/** Largest state id: ids are at most 3 varint bytes in stored keys. */
const MAX_STATE_ID = 0xffff;

/** A registered state. */
export interface RegisteredState {
  readonly id: number;
  /** The id's encoding in stored keys. */
  readonly idBytes: Buffer;
  readonly name: string;
  readonly kind: StateKind;
  /** Time-to-live in ms; 0 when values never expire. */
  ttlMs: number;
  /** True when reads restart the time-to-live (`OnReadAndWrite`). */
  refreshOnRead: boolean;
}

/** One row of a snapshot's state table. */
export interface StateTableRow {
  readonly id: number;
  readonly name: string;
  readonly kind: StateKind;
  readonly ttlMs: number;
}

const KINDS: readonly StateKind[] = ['value', 'list', 'map', 'reducing', 'aggregating'];

/** Checks a kind read from a file. @throws RangeError for unknown kinds. */
export function checkStateKind(kind: string): StateKind {
  if (!(KINDS as readonly string[]).includes(kind)) throw new RangeError(`unknown state kind '${kind}'`);
  return kind as StateKind;
}

/** Name → id table of one backend. */
export class StateRegistry {
  private readonly byName = new Map<string, RegisteredState>();
  private readonly byIdList: RegisteredState[] = [];

  /**
   * Registers the state of `descriptor`, or returns the one registered under its name (taking
   * the descriptor's TTL, which may differ from a restored one).
   * @throws Error when the name is registered with another kind.
   */
  registerDescriptor(descriptor: StateDescriptor): RegisteredState {
    const ttlMs = descriptor.ttl?.ttlMs ?? 0;
    const refreshOnRead = descriptor.ttl?.updateType === 'OnReadAndWrite';
    const state = this.register(descriptor.name, descriptor.kind, ttlMs);
    state.ttlMs = ttlMs;
    state.refreshOnRead = refreshOnRead;
    return state;
  }

  /**
   * Registers a state found in a snapshot file.
   * @throws Error when the name is registered with another kind.
   */
  registerRestored(row: StateTableRow): RegisteredState {
    return this.register(row.name, row.kind, row.ttlMs);
  }

  private register(name: string, kind: StateKind, ttlMs: number): RegisteredState {
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind)
        throw new Error(`state '${name}' is a ${existing.kind} state; it cannot be used as a ${kind} state`);
      return existing;
    }
    const id = this.byIdList.length;
    if (id > MAX_STATE_ID) throw new Error(`too many states: at most ${MAX_STATE_ID + 1} per operator`);
    const state: RegisteredState = { id, idBytes: encodeStateId(id), name, kind, ttlMs, refreshOnRead: false };
    this.byName.set(name, state);
    this.byIdList.push(state);
    return state;
  }

  /** The state with id `id`, `undefined` when none. */
  byId(id: number): RegisteredState | undefined {
    return this.byIdList[id];
  }

  /** All registered states, by id. */
  all(): readonly RegisteredState[] {
    return this.byIdList;
  }

  /** A copy of the table, for a snapshot file's header. */
  table(): StateTableRow[] {
    return this.byIdList.map((s) => ({ id: s.id, name: s.name, kind: s.kind, ttlMs: s.ttlMs }));
  }
}
