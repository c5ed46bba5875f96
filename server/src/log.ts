import pino from 'pino';

/**
 * Structured JSON logs. Token-bearing fields are redacted at the logger, so a careless
 * `log.info({ headers })` cannot leak a disposable token or an OAuth token.
 */
export function createLogger(level: pino.LevelWithSilent = 'info', destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: 'erp-bridge' },
      redact: {
        paths: [
          'token',
          'accessToken',
          'refreshToken',
          'access_token',
          'refresh_token',
          'client_secret',
          'password',
          'headers.authorization',
          'headers["x-auth-token"]',
          'req.headers.authorization',
          'req.headers["x-auth-token"]',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}

export type Logger = ReturnType<typeof createLogger>;
