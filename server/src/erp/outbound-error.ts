import {
  type Answer,
  exchange,
  OutboundFailure,
  type OutboundOptions,
  type OutboundRequest,
} from '../outbound/index.js';
import { abortedError, ErpError } from './connector.js';

/** "No answer" from the outbound core as the ErpError a job can act on; `what` names the call. */
export function erpFailure(err: unknown, what: string): unknown {
  if (!(err instanceof OutboundFailure)) return err;
  switch (err.kind) {
    case 'aborted':
      return abortedError();
    case 'timeout':
      return new ErpError('timeout', `${what}: ${err.message}`);
    case 'too_large':
      return new ErpError('invalid_response', `${what}: ${err.message}`);
    default:
      return new ErpError('unavailable', `${what}: ${err.message}`);
  }
}

/** One attempt at an ERP, its transport failures already ErpErrors. */
export async function erpExchange(
  opts: OutboundOptions,
  req: OutboundRequest,
  what: string,
  attempt: number,
): Promise<Answer> {
  try {
    return await exchange(opts, req, attempt);
  } catch (err) {
    throw erpFailure(err, what);
  }
}
