import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AnswerFaults, matches, type PathMatch } from '../../answer-faults.js';
import { fail } from './wire.js';

export interface FailOptions extends PathMatch {
  /** For 429: the X-Lognex-Retry-After the failure announces (ms). */
  retryAfterMs?: number;
}

/**
 * Fault injection, flipped by tests while the emulator runs: MoySklad's own failures here, the
 * lost, held and duplicated answers of the path to it inherited (../../answer-faults.ts).
 */
export class Faults extends AnswerFaults {
  latencyMs: number;
  readonly #initialLatencyMs: number;
  #outage = false;
  #failures: { status: ContentfulStatusCode; options: FailOptions }[] = [];
  #corrupt = 0;

  constructor(latencyMs: number) {
    super();
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

  /** Clears every pending fault, turns the outage off and restores the configured latency. */
  override reset(): void {
    super.reset();
    this.#outage = false;
    this.#failures = [];
    this.#corrupt = 0;
    this.latencyMs = this.#initialLatencyMs;
  }

  get isOutage(): boolean {
    return this.#outage;
  }

  /** The first queued failure that matches this request, removed from the queue. */
  takeFailure(method: string, path: string) {
    const i = this.#failures.findIndex((f) => matches(f.options, { method, path }));
    return i < 0 ? undefined : this.#failures.splice(i, 1)[0];
  }

  takeCorruption(): boolean {
    if (this.#corrupt === 0) return false;
    this.#corrupt--;
    return true;
  }
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
    await next();
  };
}
