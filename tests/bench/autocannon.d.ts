/**
 * autocannon 9.0.0 ships no typings (and @types/autocannon is not installed): the part of its programmatic
 * API the bench uses, read from node_modules/autocannon/lib (run.js, requestIterator.js, aggregateResult.js).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
    /** Per-connection scratch object; reset before each request when `requests` has a single entry. */
    type Context = Record<string, unknown>;
    /** Called just before each request is written (and once per connection at start); must return a request. */
    type SetupRequest = (request: RequestParams, context: Context) => RequestParams;
    /** Called with each complete response (body as text), before the connection sends its next request. */
    type OnResponse = (status: number, body: string, context: Context, headers: Record<string, string | string[]>) => void;
    interface Request extends RequestParams {
      setupRequest?: SetupRequest;
      onResponse?: OnResponse;
    }
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      /** Sampling interval in ms (default 1000): the req/s histogram has one value per interval. */
      sampleInt?: number;
    }
    /** Percentiles are p0_001 … p99_999 (dots as underscores). */
    interface Stats {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total?: number;
      sent?: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
    }
    interface Result {
      duration: number;
      samples: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds. */
      latency: Stats;
      /** Requests per sample interval (per second by default); `total` = completed, `sent` = written. */
      requests: Stats & { total: number; sent: number };
      throughput: Stats;
    }
    interface Instance extends EventEmitter {
      /** Ends the run at the next sample tick (≤ sampleInt ms later) and reports what was measured. */
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options, callback: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export = autocannon;
}
