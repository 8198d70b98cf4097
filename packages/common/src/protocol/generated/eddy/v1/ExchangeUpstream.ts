// Original file: proto/eddy.proto

import type { SubscribeRequest as _eddy_v1_SubscribeRequest, SubscribeRequest__Output as _eddy_v1_SubscribeRequest__Output } from '../../eddy/v1/SubscribeRequest.js';

export interface ExchangeUpstream {
  'subscribe'?: (_eddy_v1_SubscribeRequest | null);
  'credit'?: (number);
  'msg'?: "subscribe"|"credit";
}

export interface ExchangeUpstream__Output {
  'subscribe'?: (_eddy_v1_SubscribeRequest__Output | null);
  'credit'?: (number);
  'msg'?: "subscribe"|"credit";
}
