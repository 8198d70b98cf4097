// Original file: proto/eddy.proto


export interface ExchangeDownstream {
  /**
   * One encoded buffer: a batch of records or a single in-band event (see common's buffer codec).
   */
  'buffer'?: (Buffer | Uint8Array | string);
}

export interface ExchangeDownstream__Output {
  /**
   * One encoded buffer: a batch of records or a single in-band event (see common's buffer codec).
   */
  'buffer': (Buffer);
}
