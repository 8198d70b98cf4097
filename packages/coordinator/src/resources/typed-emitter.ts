import { EventEmitter } from 'node:events';

/** An EventEmitter whose events and listener arguments are typed by `Events`. */
export class TypedEmitter<Events extends Record<string, unknown[]>> {
  // One listener per registered worker session is expected; no leak warning at ten.
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  on<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    this.emitter.emit(event, ...args);
  }
}
