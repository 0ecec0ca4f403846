import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../catalog/seed';
import type { CliContext } from './catalog';

/**
 * The process side of a command (`npm run catalog`, `npm run register`): settings from .env, output to the
 * terminal, files relative to where the user typed the command, the exit code from the command. An unexpected
 * failure is one line with `afterFailure` saying what state it leaves (never a stack trace to the operator).
 */
export async function runCommand(run: (argv: readonly string[], ctx: CliContext) => Promise<number>, afterFailure: string): Promise<void> {
  const root = projectRoot();
  const envFile = path.join(root, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const ctx: CliContext = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
    cwd: process.env.INIT_CWD ?? process.cwd(),
    root,
  };
  try {
    process.exitCode = await run(process.argv.slice(2), ctx);
  } catch (err) {
    console.error(`The command failed: ${(err as Error).message.replace(/[.\s]*$/, '.')} ${afterFailure}`);
    process.exitCode = 1;
  }
}
