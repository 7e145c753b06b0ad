import { z } from 'zod';

/** Everything the client needs, validated once (from flags and the environment: command-line.ts). */
export const clientOptionsSchema = z
  .object({
    url: z.string().refine((value) => {
      const url = URL.parse(value);
      return !!url && (url.protocol === 'http:' || url.protocol === 'https:') && !url.hash;
    }, 'the server URL must be an absolute http(s) URL without a fragment'),
    transport: z.enum(['streamable-http', 'sse']),
    callbackPort: z.number().int().min(0).max(65535).default(3030),
    scope: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    clientMetadataUrl: z
      .string()
      // MCP Client Registration §Client ID Metadata Documents: the `client_id` URL MUST use
      // https and contain a path component.
      .refine((value) => {
        const url = URL.parse(value);
        return url?.protocol === 'https:' && url.pathname !== '/';
      }, '--client-metadata-url must be an https URL with a path, such as https://app.example/client.json (MCP Client ID Metadata Documents)')
      .optional(),
    browser: z.enum(['system', 'print', 'follow']).default('system'),
    /** `--dpop` / `--no-dpop`: when sign-ins ask for DPoP-bound tokens (oauth/dpop-keys.ts). */
    dpop: z.enum(['auto', 'always', 'never']).default('auto'),
    storeDir: z.string().min(1),
    verbose: z.boolean().default(false),
    json: z.boolean().default(false),
    /** `--trace` (text) or `--trace=json`: the sign-in step by step, on stderr. */
    trace: z.enum(['text', 'json'], { message: '--trace is --trace (text) or --trace=json' }).optional(),
  })
  .refine((options) => !options.clientSecret || options.clientId, {
    message: '--client-secret needs --client-id',
    path: ['clientSecret'],
  });

export type ClientOptions = z.output<typeof clientOptionsSchema>;
export type ClientOptionsInput = z.input<typeof clientOptionsSchema>;
