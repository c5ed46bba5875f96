import { OutboundFailure } from './failure.js';

/** Default cap on an answer: far above any page we ask for, far below what would hurt memory. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads the answer as text, refusing it once it grows past `maxBytes` (the rest is not read). */
export async function readText(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new OutboundFailure('too_large', `the answer is larger than ${maxBytes} bytes`);
  }
  if (!res.body) {
    const text = await res.text();
    if (Buffer.byteLength(text) > maxBytes)
      throw new OutboundFailure('too_large', `the answer is larger than ${maxBytes} bytes`);
    return text;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new OutboundFailure('too_large', `the answer is larger than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
