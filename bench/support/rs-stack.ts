/**
 * The servers of the tools/call benchmark, side by side: the real resource server with each
 * verifier (one child process each, all trusting one AS in this process), the same MCP server
 * without authentication, and a bare `node:http` server, each with the request to replay.
 */
import type { RequestSpec } from '../load.ts';
import { requestOnce } from '../load.ts';
import { CookieJar, startBenchAuthorizationServer } from './auth-server.ts';
import { type CapturedExchange, captureToolsCall, EXPECTED_RESULT, toolsCallRequest } from './capture.ts';
import { freePort, type ServerChild, startServerChild } from './children.ts';
import type { ServerChildConfig } from './server-child.ts';

export type RsVariant = 'jwt' | 'introspection' | 'introspection-nocache' | 'noauth' | 'bare';

export const RS_VARIANT_LABELS: Record<RsVariant, string> = {
  jwt: 'RS, JWT verifier',
  introspection: 'RS, introspection + cache',
  'introspection-nocache': 'RS, introspection, no cache',
  noauth: 'same MCP server, no auth',
  bare: 'bare node:http',
};

export interface RsTarget {
  readonly variant: RsVariant;
  readonly child: ServerChild;
  readonly request: RequestSpec;
  /** The access token in `request` (authenticated variants). */
  readonly token?: string;
}

export interface RsStack {
  readonly captured: CapturedExchange;
  readonly targets: ReadonlyMap<RsVariant, RsTarget>;
  close(): Promise<void>;
}

export async function startRsStack(
  variants: readonly RsVariant[],
  options: { execArgv?: (variant: RsVariant) => string[] } = {},
): Promise<RsStack> {
  const captured = await captureToolsCall();
  const authVariants = variants.filter(
    (variant): variant is 'jwt' | 'introspection' | 'introspection-nocache' =>
      variant === 'jwt' || variant === 'introspection' || variant === 'introspection-nocache',
  );
  const ports = new Map<RsVariant, number>();
  for (const variant of authVariants) ports.set(variant, await freePort());
  const resourceUrl = (variant: RsVariant) => `http://127.0.0.1:${ports.get(variant)}/mcp`;
  const as =
    authVariants.length > 0
      ? await startBenchAuthorizationServer({
          resources: authVariants.map((variant) => ({
            url: resourceUrl(variant),
            tokenFormat: variant === 'jwt' ? 'jwt' : 'opaque',
          })),
        })
      : undefined;
  const children: ServerChild[] = [];
  try {
    const configFor = (variant: RsVariant): ServerChildConfig => {
      if (variant === 'noauth') return { mode: 'noauth', port: 0 };
      if (variant === 'bare') return { mode: 'bare', port: 0, response: captured.response };
      if (!as) throw new Error('no authorization server');
      return {
        mode: 'rs',
        port: ports.get(variant) ?? 0,
        authServer: as.issuer,
        resourceUrl: resourceUrl(variant),
        tokenVerification: variant === 'jwt' ? 'jwt' : 'introspection',
        // 30 s is the default of --introspection-cache-seconds.
        introspectionCacheSeconds: variant === 'introspection-nocache' ? 0 : 30,
        devCredentialsFile: as.devCredentialsFile,
      };
    };
    const started = await Promise.all(
      variants.map(async (variant) => {
        const child = await startServerChild(configFor(variant), {
          execArgv: options.execArgv?.(variant) ?? [],
        });
        children.push(child);
        return [variant, child] as const;
      }),
    );
    const jar = new CookieJar();
    const targets = new Map<RsVariant, RsTarget>();
    for (const [variant, child] of started) {
      const token =
        ports.has(variant) && as ? (await as.signIn(resourceUrl(variant), jar)).access_token : undefined;
      const request = toolsCallRequest(captured, child.port, token);
      const answer = await requestOnce(child.port, request);
      if (answer.status !== 200 || !answer.body.includes(EXPECTED_RESULT)) {
        throw new Error(`${variant} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      }
      targets.set(variant, { variant, child, request, ...(token ? { token } : {}) });
    }
    return {
      captured,
      targets,
      async close() {
        await Promise.allSettled(children.map((child) => child.stop()));
        await as?.close();
      },
    };
  } catch (error) {
    await Promise.allSettled(children.map((child) => child.stop()));
    await as?.close();
    throw error;
  }
}
