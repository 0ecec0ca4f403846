import pino, { type Logger } from 'pino';
import { redactHetus } from './domain/hetu';

/**
 * Structured JSON logs. Never personal data: no message bodies, no names, no henkilötunnus, no tokens.
 * As a last line of defence every string written is scanned and anything shaped like a henkilötunnus is replaced.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { app: 'valtuusbotti' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['hetu', '*.hetu', 'password', '*.password', 'authorization', '*.authorization', 'token', '*.token', 'text', '*.text'], censor: '[redacted]' },
    hooks: {
      streamWrite: (line: string) => redactHetus(line),
    },
  }, destination);
}

export type { Logger };

/** Error summary for logs: name, message and status only (messages of our own errors never carry personal data). */
export function safeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return { name: err.name, message: err.message.slice(0, 300), status: (err as { statusCode?: number }).statusCode, stack: err.stack?.split('\n').slice(0, 4).join(' | ') };
  }
  return { value: typeof err };
}
