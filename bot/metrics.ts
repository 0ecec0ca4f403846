import type { Logger } from 'pino';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** Latency samples of one kind, summarised and reset every interval (bounded: newest 5,000 kept). */
class Series {
  private samples: number[] = [];
  count = 0;
  failures = 0;
  add(ms: number, failed: boolean): void {
    this.count++;
    if (failed) this.failures++;
    if (this.samples.length < 5000) this.samples.push(ms);
  }
  summary(): { count: number; failures: number; p50: number; p99: number } {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10 : 0);
    return { count: this.count, failures: this.failures, p50: at(0.5), p99: at(0.99) };
  }
}

/** Answers a caller expects and handles (see Metrics.policy): not a failing dependency. */
const EXPECTED_ANSWERS = new Set([404, 409, 412]);

/** Whether a dependency call failed: no answer at all (`undefined`), or an error status the caller did not ask for. */
function dependencyFailed(status: number | undefined): boolean {
  return status === undefined || (status >= 400 && !EXPECTED_ANSWERS.has(status));
}

/**
 * Request and dependency metrics, written as structured log lines (`metric: "request" | "dependency"`) once a
 * minute. On Azure App Service the console logs flow to Log Analytics (AppServiceConsoleLogs), where they can be
 * charted and alerted on; no personal data is ever part of a metric.
 */
export class Metrics {
  private series = new Map<string, Series>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Logger, private readonly intervalMs = 60_000) {}

  record(kind: 'request' | 'dependency', name: string, ms: number, failed: boolean): void {
    const key = `${kind}\n${name}`;
    let s = this.series.get(key);
    if (!s) { s = new Series(); this.series.set(key, s); }
    s.add(ms, failed);
  }

  /**
   * An Azure SDK pipeline policy that times every storage (or Key Vault) call as a dependency. A call fails when
   * no answer came or the answer says the service or our access is wrong (5xx, 408, 429, 401, 403, 400…). The
   * answers the code asks for are not failures: 404 (a row not there yet), 409 (a table, marker or order that
   * exists) and 412 (an ETag that moved on). The SDK throws those inside the pipeline like any error; counted as
   * failures they made a fresh start report most of its storage calls failed.
   */
  policy(name: string): PipelinePolicy {
    return {
      name: `metrics-${name}`,
      sendRequest: async (request, next) => {
        const started = performance.now();
        try {
          const response = await next(request);
          this.record('dependency', name, performance.now() - started, dependencyFailed(response.status));
          return response;
        } catch (err) {
          const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
          this.record('dependency', name, performance.now() - started, dependencyFailed(typeof status === 'number' ? status : undefined));
          throw err;
        }
      },
    };
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  /** Writes one line per series with traffic since the last flush, then starts afresh. */
  flush(): void {
    for (const [key, s] of this.series) {
      if (s.count === 0) continue;
      const [kind, name] = key.split('\n');
      this.log.info({ metric: kind, name, ...s.summary(), intervalMs: this.intervalMs }, `${kind} metrics`);
    }
    this.series = new Map();
  }
}
