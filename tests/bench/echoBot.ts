/**
 * The baseline for the load test: the smallest bot the Bot Framework SDK makes (restify + CloudAdapter +
 * ActivityHandler echoing the text), so the app's greeting turn is compared with the SDK's own cost on the
 * same machine, connector sink and activity. Local only: no app id, so the adapter skips authentication.
 */
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

export interface EchoBot {
  port: number;
  stop(): Promise<void>;
}

class EchoHandler extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (ctx, next) => {
      await ctx.sendActivity(ctx.activity.text ?? '');
      await next();
    });
  }
}

export async function startEchoBot(port: number, host = '127.0.0.1'): Promise<EchoBot> {
  return serveBot(new EchoHandler(), 'bench-echo', port, host);
}

/** A bot behind restify and the CloudAdapter, as the SDK's samples serve one (also ./floorBot.ts). */
export async function serveBot(bot: ActivityHandler, name: string, port: number, host = '127.0.0.1'): Promise<EchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  // A failed reply must show up as a non-2xx answer in the bench, not as a silent 200.
  adapter.onTurnError = async (_ctx, err) => { throw err; };
  const server = restify.createServer({ name, handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  // restify ≥10 wants async (req, res) handlers (see TOOLCHAIN pitfalls).
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.removeListener('error', reject); resolve(); });
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
