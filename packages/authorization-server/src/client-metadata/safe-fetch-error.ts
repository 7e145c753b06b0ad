/**
 * Why a metadata-document fetch was refused or failed, for logs and tests to tell apart:
 * - `scheme`: not an https GET without userinfo (the URL or request was never acceptable);
 * - `address`: the host is, or resolves to, an address the SSRF policy forbids;
 * - `timeout`: the exchange ran past its deadline, or the caller aborted it;
 * - `too-large`: the body is over the size limit;
 * - `network`: anything else on the wire (DNS, TCP, TLS, HTTP parsing).
 */
export type SafeFetchReason = 'scheme' | 'address' | 'timeout' | 'too-large' | 'network';

/**
 * The only error the safe fetch throws. Its message names the host so an operator can tell
 * which client it was about, and never includes any of the response body: that is attacker
 * content and must not reach logs or error pages.
 */
export class SafeFetchError extends Error {
  readonly reason: SafeFetchReason;

  constructor(reason: SafeFetchReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SafeFetchError';
    this.reason = reason;
  }
}
