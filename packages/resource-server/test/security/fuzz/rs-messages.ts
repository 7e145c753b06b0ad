import type { HeaderList } from '@mcp-auth/test-support/fuzz/hostile-headers';
import { junkText } from '@mcp-auth/test-support/fuzz/hostile-values';
import type { DraftBody } from '@mcp-auth/test-support/fuzz/request-draft';
import fc from 'fast-check';

/**
 * MCP messages for the fuzz scenarios: JSON-RPC requests, notifications, responses and batches of
 * both eras (MCP "Base Protocol"), the 2026-07-28 per-request envelope and the headers that must
 * agree with it, mostly valid (so they reach the tools), sometimes not.
 */
export const MODERN_VERSION = '2026-07-28';
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
export const TOOLS = ['get_time', 'calculator', 'get_weather', 'whoami', 'server_stats'] as const;
export const ENVELOPE = {
  version: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
} as const;

export const jsonRpcIds = fc.oneof(
  { weight: 4, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 1.5, -0, true, { id: 1 }, [1]) },
);

const expressions = fc.oneof(
  fc.constantFrom(
    '2+3*4',
    '(1+2)*3^2',
    'factorial(170)',
    'factorial(171)',
    'factorial(-1)',
    '9^9^9^9',
    '1/0',
    'sqrt(-1)',
    'max()',
    'log(0)',
    '1e308*10',
    'pi*e',
    'constructor',
    '__proto__',
    'process.exit(1)',
    'this',
    `${'('.repeat(5000)}1${')'.repeat(5000)}`,
    `${'-'.repeat(10_000)}1`,
    '1+'.repeat(5000),
  ),
  junkText,
);

const toolArguments: Record<(typeof TOOLS)[number], fc.Arbitrary<unknown>> = {
  calculator: fc.record({ expression: expressions }, { requiredKeys: [] }),
  get_time: fc.record(
    {
      timezone: fc.oneof(
        fc.constantFrom('UTC', 'Europe/Paris', 'Invalid/Zone', '../../etc/localtime', ''),
        junkText,
      ),
    },
    { requiredKeys: [] },
  ),
  get_weather: fc.record({ city: fc.oneof(fc.constantFrom('Paris', ''), junkText) }, { requiredKeys: [] }),
  whoami: fc.constant({}),
  server_stats: fc.constant({}),
};

const toolCallParameters = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...TOOLS)
      .chain((name) => toolArguments[name].map((args) => ({ name, arguments: args }))),
  },
  { weight: 1, arbitrary: fc.record({ name: junkText, arguments: fc.jsonValue({ maxDepth: 3 }) }) },
);

const METHODS = [
  'tools/list',
  'tools/call',
  'ping',
  'server/discover',
  'resources/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/list',
  'sampling/createMessage',
] as const;

/** A JSON-RPC request's method and params: mostly ones the server serves, tools/call most often. */
const methodAndParams: fc.Arbitrary<{ method: string; params: Record<string, unknown> }> = fc.oneof(
  { weight: 6, arbitrary: toolCallParameters.map((params) => ({ method: 'tools/call', params })) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('tools/list', 'ping', 'server/discover')
      .map((method) => ({ method, params: {} })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...METHODS),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      )
      .map(([method, params]) => ({ method, params })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(junkText, fc.constant({})).map(([method, params]) => ({ method, params })),
  },
);

const VALID_ENVELOPE = {
  [ENVELOPE.version]: MODERN_VERSION,
  [ENVELOPE.clientInfo]: { name: 'fuzz', version: '1' },
  [ENVELOPE.capabilities]: {},
};

/** The 2026-07-28 per-request envelope in `_meta`: mostly whole, else missing keys or odd values. */
const envelope: fc.Arbitrary<{ version: unknown; meta: Record<string, unknown> }> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ version: MODERN_VERSION as unknown, meta: VALID_ENVELOPE }) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.constantFrom<unknown>(...LEGACY_VERSIONS, '2099-01-01'), fc.jsonValue({ maxDepth: 1 }))
      .chain((version) =>
        fc
          .record(
            {
              [ENVELOPE.version]: fc.constant(version),
              [ENVELOPE.clientInfo]: fc.oneof(
                fc.constant({ name: 'fuzz', version: '1' }),
                fc.jsonValue({ maxDepth: 2 }),
              ),
              [ENVELOPE.capabilities]: fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 })),
            },
            { requiredKeys: [ENVELOPE.version] },
          )
          .map((meta) => ({ version, meta })),
      ),
  },
);

/** One 2026-07-28 request: the body with its envelope and the headers that must agree with it. */
export const modernExchange = fc
  .tuple(
    methodAndParams,
    envelope,
    jsonRpcIds,
    fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
  )
  .map(([{ method, params }, { version, meta }, id, headersAgree]) => {
    const toolName = method === 'tools/call' ? String((params as { name?: unknown }).name) : undefined;
    const headers: HeaderList = [
      ['MCP-Protocol-Version', headersAgree && typeof version === 'string' ? version : MODERN_VERSION],
      ['Mcp-Method', headersAgree ? method : 'tools/list'],
      ...(toolName ? ([['Mcp-Name', toolName]] as const) : []),
    ];
    const body: DraftBody = {
      kind: 'json',
      value: { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } },
    };
    return { headers, body };
  });

/** `initialize` (2025 era): mostly what clients send, else odd versions, capabilities or client info. */
export const initializeParameters = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...LEGACY_VERSIONS).map((protocolVersion) => ({
      protocolVersion,
      capabilities: {},
      clientInfo: { name: 'fuzz', version: '1' },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        protocolVersion: fc.oneof(fc.constantFrom(...LEGACY_VERSIONS, '2024-11-05'), junkText),
        capabilities: fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 3 })),
        clientInfo: fc.oneof(fc.constant({ name: 'fuzz', version: '1' }), fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: [] },
    ),
  },
);

export const legacyMessage: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(methodAndParams, jsonRpcIds)
      .map(([{ method, params }, id]) => ({ jsonrpc: '2.0', id, method, params })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'notifications/initialized',
        'notifications/cancelled',
        'notifications/progress',
        'notifications/roots/list_changed',
      )
      .map((method) => ({ jsonrpc: '2.0', method, params: { requestId: 1 } })),
  },
  // Posted responses and errors (a server→client request's answer), and batches of all of these.
  { weight: 1, arbitrary: jsonRpcIds.map((id) => ({ jsonrpc: '2.0', id, result: {} })) },
  {
    weight: 1,
    arbitrary: jsonRpcIds.map((id) => ({ jsonrpc: '2.0', id, error: { code: -1, message: 'x' } })),
  },
  {
    weight: 1,
    arbitrary: fc.array(
      fc
        .tuple(methodAndParams, jsonRpcIds)
        .map(([{ method, params }, id]) => ({ jsonrpc: '2.0', id, method, params })),
      { maxLength: 4 },
    ),
  },
  {
    weight: 1,
    arbitrary: initializeParameters.map((params) => ({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params,
    })),
  },
);
