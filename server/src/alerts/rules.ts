import type { AlertRule } from '@erp-bridge/shared';

/** Defaults of the condition rules (job failures are events, see engine.ts). */
export const ALERT_DEFAULTS = {
  erpDownMs: 10 * 60_000,
  backlogMs: 5 * 60_000,
  /** Webhook silence is judged against the account's usual gap, never less than this. */
  minSilenceMs: 15 * 60_000,
  silenceFactor: 3,
} as const;

/**
 * Hooks a day beyond which the usual gap no longer matters: the silence judged is never below
 * minSilenceMs, and silenceFactor × a day / this count is already under it. signals.ts counts up
 * to here only, so a busy account's day of hooks is not walked every minute.
 */
export const HOOKS_THAT_MOVE_THE_GAP =
  Math.ceil((ALERT_DEFAULTS.silenceFactor * 86_400_000) / ALERT_DEFAULTS.minSilenceMs) + 1;

/** What the rules look at for one account, gathered by signals.ts. */
export interface AccountSignals {
  blockedUntil: Date | null;
  authError: boolean;
  /** First ERP failure after its last success; null when the ERP's last answer was good. */
  erpFailingSince: Date | null;
  lastHookAt: Date | null;
  /** Real hooks in the last 24 h, counted up to HOOKS_THAT_MOVE_THE_GAP. */
  hooksLast24h: number;
  /** Latest change reconciliation found that no webhook had brought. */
  lastReconciledChangeAt: Date | null;
  oldestPendingAt: Date | null;
}

export interface Condition {
  rule: AlertRule;
  key: string;
  message: string;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/** The rules' sentences: no secret, no personal data (only durations and the rule). */
export const RESOLUTIONS: Record<AlertRule, string> = {
  job_failed: 'Задание снова выполняется успешно. / The job succeeds again.',
  erp_circuit_open: 'ERP снова отвечает. / The ERP answers again.',
  amocrm_blocked: 'amoCRM снова принимает запросы. / amoCRM accepts requests again.',
  amocrm_tokens_revoked: 'Интеграция снова авторизована. / The integration is authorised again.',
  webhooks_silent: 'Вебхуки amoCRM снова приходят. / amoCRM webhooks arrive again.',
  backlog_stale: 'Очередь вебхуков разобрана. / The webhook backlog is cleared.',
};

/** Pure: which conditions hold for one account now. */
export function activeConditions(s: AccountSignals, now: Date, d = ALERT_DEFAULTS): Condition[] {
  const out: Condition[] = [];
  const t = now.getTime();
  if (s.blockedUntil && s.blockedUntil.getTime() > t)
    out.push({
      rule: 'amocrm_blocked',
      key: 'account',
      message:
        'amoCRM заблокировал интеграцию (403); запросы приостановлены. / amoCRM blocked the integration (403); calls are paused.',
    });
  if (s.authError)
    out.push({
      rule: 'amocrm_tokens_revoked',
      key: 'account',
      message:
        'amoCRM отклонил обновление токенов (отозваны): переустановите интеграцию. / amoCRM refused the token refresh (revoked): reinstall the integration.',
    });
  if (s.erpFailingSince && t - s.erpFailingSince.getTime() > d.erpDownMs)
    out.push({
      rule: 'erp_circuit_open',
      key: 'erp',
      message: `ERP не отвечает более ${minutes(d.erpDownMs)} минут. / The ERP has not answered for over ${minutes(d.erpDownMs)} minutes.`,
    });
  if (s.oldestPendingAt && t - s.oldestPendingAt.getTime() > d.backlogMs)
    out.push({
      rule: 'backlog_stale',
      key: 'inbox',
      message: `Вебхуки ждут обработки дольше ${minutes(d.backlogMs)} минут. / Webhooks have waited over ${minutes(d.backlogMs)} minutes.`,
    });
  const usualGap = s.hooksLast24h >= 2 ? 86_400_000 / s.hooksLast24h : 0;
  const silence = Math.min(86_400_000, Math.max(d.minSilenceMs, d.silenceFactor * usualGap));
  const missedChange = s.lastReconciledChangeAt && (!s.lastHookAt || s.lastReconciledChangeAt > s.lastHookAt);
  if (missedChange && (!s.lastHookAt || t - s.lastHookAt.getTime() > silence))
    out.push({
      rule: 'webhooks_silent',
      key: 'webhooks',
      message:
        'Вебхуки amoCRM не приходят, хотя сделки меняются (найдено сверкой). / amoCRM webhooks stopped while deals change (found by reconciliation).',
    });
  return out;
}
