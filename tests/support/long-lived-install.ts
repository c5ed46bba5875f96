import { randomBytes } from 'node:crypto';
import { type StartedAmoEmulator, startAmoEmulator } from '@erp-bridge/emulator-amocrm';

/**
 * An amoCRM emulator for a backend at `backendUrl` installed as a private integration with a
 * long-lived token (no OAuth round), and the environment that backend needs for it. The
 * installation is complete once the emulator holds the backend's webhook subscription.
 */
export async function longLivedInstall(
  backendUrl: string,
  secret: string,
): Promise<{ emulator: StartedAmoEmulator; env: Record<string, string>; installed(): boolean }> {
  const accessToken = randomBytes(16).toString('hex');
  const emulator = await startAmoEmulator({
    port: 0,
    clientSecret: secret,
    backendUrl,
    widgetDir: 'widget/dist/widget',
    accessToken,
  });
  return {
    emulator,
    env: {
      AMO_CLIENT_SECRET: secret,
      AMO_API_BASE: emulator.url,
      AMO_LONG_LIVED_TOKEN: accessToken,
      AMO_SUBDOMAIN: 'erpbridgedemo',
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
    installed: () => emulator.state.webhooks.size > 0,
  };
}
