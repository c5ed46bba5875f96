import type { TokenVerdict } from '../amocrm/request.js';
import type { AlertEvent, AlertStore } from './store.js';

/**
 * The incident key of "amoCRM answered 401 to a token it had just issued by a refresh": the refresh
 * worked, so the installation is not flagged for reinstalling, yet amoCRM refuses the integration
 * (access revoked in the account). It is an event incident: raised by the 401 itself, resolved by
 * the next call amoCRM accepts. (Key `account` of the same rule is the refused refresh, a condition
 * of the installation row: rules.ts.)
 */
export const REJECTED_AFTER_REFRESH = 'after_refresh';

export const REJECTED_MESSAGE =
  'amoCRM отвечает 401 на только что обновлённый токен: доступ интеграции отозван. / amoCRM answers 401 to a just-refreshed token: the integration’s access was revoked.';
export const ACCEPTED_AGAIN =
  'amoCRM снова принимает токен интеграции. / amoCRM accepts the integration’s token again.';

/**
 * Turns the amoCRM client's token verdicts into one incident per outage. Every call reports
 * `accepted`, so the hot path costs one Set lookup while nothing is open; an incident another
 * instance opened becomes known here through `known` (the evaluation pass, each minute).
 */
export function createTokenVerdicts(deps: {
  store: Pick<AlertStore, 'raise' | 'resolve'>;
  notify(e: AlertEvent | undefined): Promise<void>;
}) {
  const open = new Set<number>();
  return {
    known(accountId: number) {
      open.add(accountId);
    },

    async onVerdict(accountId: number, verdict: TokenVerdict, now = new Date()) {
      if (verdict === 'rejected_after_refresh') {
        open.add(accountId);
        await deps.notify(
          await deps.store.raise(
            accountId,
            'amocrm_tokens_revoked',
            REJECTED_AFTER_REFRESH,
            REJECTED_MESSAGE,
            now,
          ),
        );
        return;
      }
      if (!open.delete(accountId)) return;
      await deps.notify(
        await deps.store.resolve(
          accountId,
          'amocrm_tokens_revoked',
          REJECTED_AFTER_REFRESH,
          ACCEPTED_AGAIN,
          now,
        ),
      );
    },
  };
}
