/**
 * Runs the local mail-core (docs/mailcore-api.md) as its own process:
 *   npx tsx scripts/peers/mailcore.ts [--port 8080]
 * The key comes from MAILCORE_API_KEY (or --api-key, which other users can see in `ps`); the port
 * from --port, else PORT, else the port of MAILCORE_API_URL, else 8080. State lives in memory.
 */
import { startMailcoreServer } from '../lib/peers/mailcore-server';

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  const inline = argv.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function portFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).port || undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  const apiKey = arg('api-key') ?? process.env.MAILCORE_API_KEY ?? '';
  if (!apiKey) throw new Error('set MAILCORE_API_KEY (or pass --api-key)');
  const rawPort = arg('port') ?? process.env.PORT ?? portFromUrl(process.env.MAILCORE_API_URL) ?? '8080';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a TCP port: ${rawPort}`);

  const server = await startMailcoreServer({ port, apiKey });
  console.log(`[mail-core] listening on ${server.url}`);
  const shutdown = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(`[mail-core] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
