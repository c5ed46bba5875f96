import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fail } from './wire.js';

export interface FailOptions {
  /** For 429: the X-Lognex-Retry-After the failure announces (ms). */
  retryAfterMs?: number;
  /** Only requests with this method (e.g. POST) take the failure. */
  method?: string;
  /** Only requests whose path contains this (e.g. /entity/invoiceout) take the failure. */
  pathIncludes?: string;
}

/** Fault injection, flipped by tests while the emulator runs. */
export class Faults {
  latencyMs: number;
  readonly #initialLatencyMs: number;
  #outage = false;
  #failures: { status: ContentfulStatusCode; options: FailOptions }[] = [];
  #corrupt = 0;
  #lostAnswers: FailOptions[] = [];
  #heldAnswers: FailOptions[] = [];
  readonly #holding: (() => void)[] = [];
  /** Requests carried out whose answer is being held (holdNextAnswer). */
  heldCount = 0;

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
    this.#initialLatencyMs = latencyMs;
  }

  /** The next `n` admitted requests answer `status` with a MoySklad error body. */
  failNext(n: number, status: number, options: FailOptions = {}): void {
    for (let i = 0; i < n; i++) this.#failures.push({ status: status as ContentfulStatusCode, options });
  }

  /** While on, every request answers 503. */
  outage(on: boolean): void {
    this.#outage = on;
  }

  /** The next stock report answers a body of the wrong shape (with 200). */
  corruptNext(): void {
    this.#corrupt++;
  }

  /**
   * The next `n` matching requests are carried out, but their answer is lost (502 after the change
   * is made), as when a connection drops after MoySklad committed: the client must find its work.
   */
  loseNextAnswer(n: number, options: FailOptions = {}): void {
    for (let i = 0; i < n; i++) this.#lostAnswers.push(options);
  }

  /**
   * The next `n` matching requests are carried out, and their answer waits until
   * releaseHeldAnswers(): the moment between MoySklad's commit and its answer reaching the client
   * (a slow network), when the client may die (crash tests kill -9 it there).
   */
  holdNextAnswer(n: number, options: FailOptions = {}): void {
    for (let i = 0; i < n; i++) this.#heldAnswers.push(options);
  }

  releaseHeldAnswers(): void {
    for (const release of this.#holding.splice(0)) release();
  }

  /** Resolves when the answer may go: at once, or (a held request) on releaseHeldAnswers(). */
  holdAnswer(method: string, path: string): Promise<void> | undefined {
    if (!takeMatching(this.#heldAnswers, method, path)) return undefined;
    this.heldCount++;
    return new Promise((resolve) =>
      this.#holding.push(() => {
        this.heldCount--;
        resolve();
      }),
    );
  }

  takeLostAnswer(method: string, path: string): boolean {
    const i = this.#lostAnswers.findIndex(
      (o) => (!o.method || o.method === method) && (!o.pathIncludes || path.includes(o.pathIncludes)),
    );
    if (i < 0) return false;
    this.#lostAnswers.splice(i, 1);
    return true;
  }

  /** Clears every pending fault, turns the outage off and restores the configured latency. */
  reset(): void {
    this.#outage = false;
    this.#failures = [];
    this.#corrupt = 0;
    this.#lostAnswers = [];
    this.#heldAnswers = [];
    this.releaseHeldAnswers();
    this.latencyMs = this.#initialLatencyMs;
  }

  get isOutage(): boolean {
    return this.#outage;
  }

  /** The first queued failure that matches this request, removed from the queue. */
  takeFailure(method: string, path: string) {
    const i = this.#failures.findIndex(
      (f) =>
        (!f.options.method || f.options.method === method) &&
        (!f.options.pathIncludes || path.includes(f.options.pathIncludes)),
    );
    return i < 0 ? undefined : this.#failures.splice(i, 1)[0];
  }

  takeCorruption(): boolean {
    if (this.#corrupt === 0) return false;
    this.#corrupt--;
    return true;
  }
}

function takeMatching(list: FailOptions[], method: string, path: string): boolean {
  const i = list.findIndex(
    (o) => (!o.method || o.method === method) && (!o.pathIncludes || path.includes(o.pathIncludes)),
  );
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

const ERROR_TEXT: Record<number, [number, string]> = {
  400: [3007, 'Ошибка валидации'],
  401: [1056, 'Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации'],
  403: [13004, 'Доступ запрещён'],
  404: [1021, 'Объект с указанным идентификатором не найден'],
  429: [1049, 'Превышено ограничение на количество запросов в единицу времени'],
  500: [1000, 'Внутренняя ошибка сервера'],
  502: [1000, 'Сервис временно недоступен'],
  503: [1000, 'Сервис временно недоступен'],
};

/** Latency, outage and queued failures, applied to requests that passed auth and the limits. */
export function faultInjection(faults: Faults): MiddlewareHandler {
  return async (c, next) => {
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (faults.isOutage) return fail(c, 503, 1000, 'Сервис временно недоступен');
    const failure = faults.takeFailure(c.req.method, c.req.path);
    if (failure) {
      const [code, text] = ERROR_TEXT[failure.status] ?? [1000, `Ошибка ${failure.status}`];
      if (failure.status === 429) {
        const wait = String(failure.options.retryAfterMs ?? 1000);
        c.header('X-Lognex-Retry-After', wait);
        c.header('X-Lognex-Retry-TimeInterval', wait);
        c.header('X-Lognex-Reset', wait);
      }
      return fail(c, failure.status, code, text);
    }
    const lose = faults.takeLostAnswer(c.req.method, c.req.path);
    const hold = faults.holdAnswer(c.req.method, c.req.path);
    await next();
    await hold;
    if (lose) c.res = fail(c, 502, 1000, 'Сервис временно недоступен');
  };
}
