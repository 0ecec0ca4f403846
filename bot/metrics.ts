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

  /** An Azure SDK pipeline policy that times every storage (or Key Vault) call as a dependency. */
  policy(name: string): PipelinePolicy {
    return {
      name: `metrics-${name}`,
      sendRequest: async (request, next) => {
        const started = performance.now();
        try {
          const response = await next(request);
          this.record('dependency', name, performance.now() - started, response.status >= 500);
          return response;
        } catch (err) {
          this.record('dependency', name, performance.now() - started, true);
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
