import { startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { serveCommands } from '../lib/child.js';

/**
 * The amoCRM emulator alone, in its own process, so its clock and call log are not disturbed by
 * the client under test (as the real amoCRM is not). AMO_TOKEN (long-lived token), AMO_EMU_RPS,
 * AMO_EMU_SECRET.
 */
export interface AmoEmulatorInfo {
  url: string;
  accountId: number;
  subdomain: string;
}

const emu = await startAmoEmulator({
  port: 0,
  clientSecret: process.env.AMO_EMU_SECRET ?? 'bench-amo-emulator-secret-0123456789',
  backendUrl: 'http://127.0.0.1:9',
  widgetDir: 'widget/dist/widget',
  accessToken: process.env.AMO_TOKEN ?? 'bench-long-lived-token',
  rateLimitPerSecond: Number(process.env.AMO_EMU_RPS ?? 7),
});
const info: AmoEmulatorInfo = {
  url: emu.url,
  accountId: emu.state.account.id,
  subdomain: emu.state.account.subdomain,
};
serveCommands(
  info,
  {
    /** The call log from index `from` on: path, status, arrival time (epoch ms). */
    calls: (args) =>
      emu.calls.slice(Number(args.from ?? 0)).map((c) => ({ path: c.path, status: c.status, at: c.at })),
    count: () => emu.calls.length,
  },
  () => emu.close(),
);
