/**
 * What a far side (PowerDNS, a web server over SSH, mail-core, Proxmox) answered, in a form the
 * worker can act on: `retryable` false means running the job again cannot help (bad request,
 * refused credentials, a host key that does not match), so the job fails at once.
 */
export class FarSideError extends Error {
  constructor(
    /** Which integration: 'powerdns' | 'ssh' | 'mailcore' | 'proxmox' … */
    readonly system: string,
    message: string,
    readonly opts: { status?: number; retryable: boolean; details?: Record<string, unknown> },
  ) {
    super(message);
    this.name = 'FarSideError';
  }

  get status(): number | undefined {
    return this.opts.status;
  }

  get retryable(): boolean {
    return this.opts.retryable;
  }
}

/** HTTP statuses worth retrying: the far side is busy, down or raced us. Other 4xx are final. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true; // no answer at all: network error, timeout
  return status >= 500 || status === 409 || status === 429 || status === 408;
}
