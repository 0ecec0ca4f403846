/**
 * OpenTelemetry → Azure Monitor (Application Insights), started only when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set. bot/index.ts requires this file before anything that uses http or the Azure SDK is loaded, so the
 * instrumentations see every module:
 * - requests: incoming HTTP (POST /api/messages, /healthz) → AppRequests;
 * - dependencies: outgoing HTTP calls through http or fetch (Table Storage, Key Vault, Graph, the Bot Connector),
 *   each once → AppDependencies, children of the turn's request, so one operation id spans the turn;
 * - logs: every pino line (already redacted: the henkilötunnus scrub runs before any destination) → AppTraces;
 * - metrics: the business metrics of bot/telemetry.ts → AppMetrics (customMetrics).
 * Live Metrics is off: it would stream to a second endpoint, and the operator's needs are met by the above.
 */
import { SpanKind, context, createContextKey, metrics } from '@opentelemetry/api';
import { logs, SeverityNumber, type AnyValueMap } from '@opentelemetry/api-logs';
import { useAzureMonitor, shutdownAzureMonitor, type AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { scrubUrl, type OutboxBacklog, type TelemetrySink } from './telemetry';

/** The metric names as they appear in AppMetrics.Name / customMetrics.name (see docs/DEPLOY.md). */
export const METRIC = {
  ordersSubmitted: 'valtuusbotti.orders.submitted',
  leadTime: 'valtuusbotti.lead_time',
  deadLetters: 'valtuusbotti.outbox.dead_letters',
  backlog: 'valtuusbotti.outbox.backlog',
  oldestAge: 'valtuusbotti.outbox.oldest_age',
} as const;

/**
 * The key OpenTelemetry's SDK reads to skip creating spans (@opentelemetry/core's suppressTracing sets the same
 * key: createContextKey is Symbol.for(description), so it is one key across copies of the packages).
 */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** A call the monitoring SDK makes for itself (its settings service, the VM metadata probe): not the app's dependency. */
function sdkOwnCall(host: string, path: string): boolean {
  return /(^|\.)settings\.sdk\.monitor\.azure\.com$/.test(host) || (host === '169.254.169.254' && path.startsWith('/metadata/instance'));
}

export function startAzureMonitor(connectionString: string): TelemetrySink & { logStream: { write(line: string): void } } {
  process.env.OTEL_SERVICE_NAME ??= 'valtuusbotti';
  // The Azure SDK's own warnings (e.g. a deprecated option inside a library) are not the operator's business.
  process.env.APPLICATIONINSIGHTS_INSTRUMENTATION_LOGGING_LEVEL ??= 'ERROR';
  const httpOptions = {
    enabled: true,
    // Liveness probes every few seconds say nothing; readiness (/healthz) stays, it reads storage.
    ignoreIncomingRequestHook: (req: { url?: string }) => req.url === '/healthz/live',
    // The SDK's own calls (its settings service, the VM metadata probe) are not the app's dependencies.
    ignoreOutgoingRequestHook: (req: { hostname?: string | null; host?: string | null; path?: string | null }) =>
      sdkOwnCall(req.hostname ?? req.host ?? '', req.path ?? ''),
  };
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    enableLiveMetrics: false,
    // A municipality's bot has few turns: keep every one (the distro's default would cap traces at 5 per second).
    samplingRatio: 1,
    tracesPerSecond: 0,
    spanProcessors: [scrubbingProcessor()],
    instrumentationOptions: {
      http: httpOptions as { enabled: boolean },
      // Off: with it on, the Azure SDK's tracing recorded every Table Storage call three times (its operation span
      // and its own HTTP span above the http instrumentation's) and every Bot Connector call twice — billed
      // ingestion, and a "failing dependencies" query counting each miss thrice. The http instrumentation alone
      // records each call once, with its method, scrubbed path and status, under the turn's operation id.
      azureSdk: { enabled: false },
      mongoDb: { enabled: false }, mySql: { enabled: false }, postgreSql: { enabled: false },
      redis: { enabled: false }, redis4: { enabled: false },
    },
  });
  // Microsoft Graph goes through Node's own fetch (undici), which the http instrumentation does not see: without
  // this, no directory, delta or calendar call reached AppDependencies. It records on the provider registered above
  // (through the global API) and its URLs pass the same scrubbing processor.
  new UndiciInstrumentation({ ignoreRequestHook: (req) => sdkOwnCall(new URL(req.origin).hostname, req.path) });
  const meter = metrics.getMeter('valtuusbotti');
  const submitted = meter.createCounter(METRIC.ordersSubmitted, { description: 'Orders submitted (replays not counted)' });
  const leadTime = meter.createHistogram(METRIC.leadTime, { description: 'Order created → line granted', unit: 'd' });
  const deadLetters = meter.createCounter(METRIC.deadLetters, { description: 'Outbox messages given up (never delivered)' });
  const backlog = meter.createObservableGauge(METRIC.backlog, { description: 'Undelivered outbox messages' });
  const oldestAge = meter.createObservableGauge(METRIC.oldestAge, { description: 'Age of the oldest undelivered outbox message', unit: 's' });
  const untraced = <T>(fn: () => Promise<T>): Promise<T> => context.with(context.active().setValue(SUPPRESS_TRACING, true), fn);

  return {
    orderSubmitted: (paths) => submitted.add(1, { paths }),
    leadTime: (path, days) => leadTime.record(days, { path }),
    deadLettered: (kind, status) => deadLetters.add(1, { kind, status }),
    observeOutbox: (read: () => Promise<OutboxBacklog>) => {
      meter.addBatchObservableCallback(async (result) => {
        const b = await untraced(read).catch(() => undefined);
        if (!b) return; // storage did not answer: no sample rather than a false zero
        result.observe(backlog, b.messages);
        result.observe(oldestAge, b.oldestAgeSeconds);
      }, [backlog, oldestAge]);
    },
    untraced,
    shutdown: () => shutdownAzureMonitor(),
    logStream: pinoToOtel(),
  };
}

const SEVERITY: Record<number, [SeverityNumber, string]> = {
  10: [SeverityNumber.TRACE, 'TRACE'], 20: [SeverityNumber.DEBUG, 'DEBUG'], 30: [SeverityNumber.INFO, 'INFO'],
  40: [SeverityNumber.WARN, 'WARN'], 50: [SeverityNumber.ERROR, 'ERROR'], 60: [SeverityNumber.FATAL, 'FATAL'],
};
const NOT_ATTRIBUTES = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/**
 * A pino destination that emits each (already redacted) JSON line as an OpenTelemetry log record. pino writes
 * synchronously inside the caller's context, so the record carries the active turn's trace: the log's
 * operation_Id is the request's.
 */
function pinoToOtel(): { write(line: string): void } {
  const logger = logs.getLogger('valtuusbotti');
  return {
    write(chunk: string) {
      let line: Record<string, unknown>;
      try { line = JSON.parse(chunk) as Record<string, unknown>; } catch { return; } // not a pino line: not ours
      const [severityNumber, severityText] = SEVERITY[Number(line.level)] ?? [SeverityNumber.INFO, 'INFO'];
      const attributes: AnyValueMap = {};
      for (const [k, v] of Object.entries(line)) {
        if (NOT_ATTRIBUTES.has(k) || v === null || v === undefined) continue;
        attributes[k] = typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
      }
      logger.emit({ severityNumber, severityText, body: String(line.msg ?? ''), attributes,
        timestamp: typeof line.time === 'string' ? new Date(line.time) : new Date() });
    },
  };
}

/**
 * Rewrites every span's URL attributes with scrubUrl before export (the exporter builds a dependency's name and
 * data from them), so object ids, conversation ids and query filters never leave the process. onEnd runs before
 * the batch exporter sends the span.
 */
function scrubbingProcessor(): NonNullable<AzureMonitorOpenTelemetryOptions['spanProcessors']>[number] {
  const URL_KEYS = ['url.full', 'http.url'];
  const PATH_KEYS = ['url.path', 'http.target', 'url.query'];
  return {
    onStart: () => undefined,
    onEnd: (span) => {
      const attributes = span.attributes as Record<string, unknown>;
      for (const key of URL_KEYS) if (typeof attributes[key] === 'string') attributes[key] = scrubUrl(attributes[key] as string);
      for (const key of PATH_KEYS) if (typeof attributes[key] === 'string') attributes[key] = key === 'url.query' ? '' : new URL(scrubUrl(`http://x${attributes[key] as string}`)).pathname;
      // restify sets no route attribute: the (scrubbed) path names the request, "POST /api/messages", not "POST".
      if (span.kind === SpanKind.SERVER && attributes['http.route'] === undefined && typeof attributes['url.path'] === 'string') attributes['http.route'] = attributes['url.path'];
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
