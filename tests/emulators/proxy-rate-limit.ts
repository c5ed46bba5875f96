import type { MiddlewareHandler } from 'hono';

/**
 * A rate limit answered by the reverse proxy in front of an ERP that has none of its own (1C's
 * web server publication, ERPNext / Odoo behind nginx). nginx's limit_req turns excess requests
 * away with the status set by `limit_req_status` (429 here; the default is 503) and its own HTML
 * page (https://nginx.org/en/docs/http/ngx_http_limit_req_module.html#limit_req_status). nginx
 * sends no Retry-After by itself: sites add one (`add_header Retry-After 1 always;`), as RFC 6585
 * §4 suggests for 429, in delay-seconds (RFC 9110 §10.2.3), which is what this emulates.
 */
export class ProxyRateLimit {
  #remaining = 0;
  #waitSeconds = 1;

  /** The next `n` requests are turned away, each asking to wait `waitMs` (rounded up to seconds). */
  next(n: number, waitMs: number): void {
    this.#remaining = n;
    this.#waitSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  }

  reset(): void {
    this.#remaining = 0;
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      if (this.#remaining <= 0) return next();
      this.#remaining--;
      return c.html(
        '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
        429,
        { 'Retry-After': String(this.#waitSeconds) },
      );
    };
  }
}
