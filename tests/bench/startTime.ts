/**
 * Bench scenario "npm start until ready": spawns `npm start` (compile + local stack) on free ports with its own
 * data folder, waits for the launcher's "running locally" banner, and stops it (SIGINT to its process group,
 * as a terminal's Ctrl+C would). Cold: the compile cache (dist/.tsbuildinfo) removed first, so everything is
 * compiled; warm: nothing changed since the last build.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const READY = 'Valtuusbotti is running locally';
const READY_TIMEOUT_MS = 180_000;

export interface StartTime { ms: number; ready: boolean; detail?: string }

export async function timeNpmStart(root: string, cold: boolean, ports: { bot: number; playground: number; azurite: number }): Promise<StartTime> {
  if (cold) fs.rmSync(path.join(root, 'dist', '.tsbuildinfo'), { force: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-bench-start-'));
  const started = Date.now();
  const child = spawn('npm', ['start'], {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(ports.bot), PLAYGROUND_PORT: String(ports.playground), AZURITE_PORT: String(ports.azurite),
      LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  let output = '';
  const result = await new Promise<StartTime>((resolve) => {
    const timer = setTimeout(() => resolve({ ms: Date.now() - started, ready: false, detail: `no banner in ${READY_TIMEOUT_MS} ms` }), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      if (output.includes(READY)) { clearTimeout(timer); resolve({ ms: Date.now() - started, ready: true }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ ms: Date.now() - started, ready: false, detail: `exited (${code}): ${output.slice(-300)}` }); });
  });
  await stopGroup(child.pid);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return result;
}

/** SIGINT to the group npm leads (npm, the launcher); SIGKILL if it has not ended in 20 s. */
async function stopGroup(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const alive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
  if (!alive()) return;
  process.kill(-pid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive()) process.kill(-pid, 'SIGKILL');
}
