/**
 * Types for the part of restify 12 this project uses. restify ships no types, and @types/restify describes v8
 * (its `spdy` option and `spdy` import are gone in v12), so we declare only what we call: a smaller surface that
 * is true for the version we run. Add a member here when new code needs it.
 */
declare module 'restify' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { AddressInfo } from 'node:net';
  import type { EventEmitter } from 'node:events';

  export interface Request extends IncomingMessage {
    /** Set by plugins.bodyParser (parsed JSON). */
    body?: any;
    headers: IncomingMessage['headers'];
  }

  export interface Response extends ServerResponse {
    header(name: string, value?: unknown): unknown;
    send(code?: unknown, body?: unknown, headers?: Record<string, string>): unknown;
    status(code: number): number;
  }

  /** restify ≥10 handlers are async (req, res) or (req, res, next); see TOOLCHAIN pitfalls. */
  export type Next = (err?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: Next) => unknown;

  export interface Server extends EventEmitter {
    use(...handlers: Array<RequestHandler | RequestHandler[]>): Server;
    get(path: string, ...handlers: RequestHandler[]): unknown;
    post(path: string, ...handlers: RequestHandler[]): unknown;
    listen(port: number, host: string, callback?: () => void): unknown;
    close(callback?: () => void): unknown;
    address(): AddressInfo | string | null;
    /** The underlying Node HTTP server (timeouts are set on it). */
    readonly server: import('node:http').Server;
  }

  export interface ServerOptions {
    name?: string;
    handleUncaughtExceptions?: boolean;
  }

  export interface BodyParserOptions {
    maxBodySize?: number;
    mapParams?: boolean;
  }

  export function createServer(options?: ServerOptions): Server;
  export const plugins: { bodyParser(options?: BodyParserOptions): RequestHandler[] };

  const restify: { createServer: typeof createServer; plugins: typeof plugins };
  export default restify;
}
