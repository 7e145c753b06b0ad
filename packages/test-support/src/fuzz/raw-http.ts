import { connect } from 'node:net';

/**
 * How a request's body is framed on the wire (RFC 9112 §6). The lies are deliberate: a server
 * must answer them with a 4xx or close the connection, never hang or fail with a 5xx.
 */
export type BodyFraming =
  /** `Content-Length` equal to the body's size. */
  | 'exact'
  /** `Transfer-Encoding: chunked`, the body cut into up to three chunks. */
  | 'chunked'
  /** No framing header and no body at all. */
  | 'none'
  /** `Content-Length` half the body's size; the rest arrives as garbage after the request. */
  | 'declared-shorter'
  /** `Content-Length` larger than the body; the client then half-closes (a truncated upload). */
  | 'declared-longer'
  /** Both `Content-Length` and `Transfer-Encoding` (RFC 9112 §6.1: a smuggling attempt). */
  | 'length-and-chunked';

export interface RawRequest {
  readonly method: string;
  /** The request-target exactly as sent: origin-form, absolute-form, `*`, or anything else. */
  readonly target: string;
  /** Header lines in order; repeats and odd spellings are sent as they are. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array;
  readonly framing: BodyFraming;
}

export type RawOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** Lower-cased names; repeated headers keep every value. */
      readonly headers: ReadonlyMap<string, readonly string[]>;
      /** At most `maxBodyBytes` of the body; an event stream is not read past its headers. */
      readonly body: Buffer;
    }
  /** The server closed the connection without a status line (allowed only for truncated uploads). */
  | { readonly kind: 'closed'; readonly reason: string }
  /** No complete answer within the time limit: the server hangs. */
  | { readonly kind: 'timeout' };

export interface SendOptions {
  readonly port: number;
  readonly host?: string;
  /** A liveness bound, not a speed assertion. */
  readonly timeoutMs: number;
  readonly maxBodyBytes?: number;
}

/**
 * Sends one HTTP/1.1 request over a fresh TCP connection, byte for byte as described (no URL
 * normalisation, no header validation, lies in the framing), and reads the first response.
 * `fetch` and `http.request` cannot do this: both normalise paths and refuse odd headers.
 */
export function sendRawRequest(request: RawRequest, options: SendOptions): Promise<RawOutcome> {
  const wire = serialize(request);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const headRequest = request.method === 'HEAD';
  return new Promise((resolve) => {
    const socket = connect({ port: options.port, host: options.host ?? '127.0.0.1' });
    const reader = new ResponseReader(headRequest, maxBodyBytes);
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), options.timeoutMs);
    socket.on('connect', () => {
      // The server may answer and close before the whole upload is written; that is fine.
      socket.write(wire, () => {
        if (request.framing === 'declared-longer') socket.end();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      const outcome = reader.push(chunk);
      if (outcome) finish(outcome);
    });
    const onEnd = (reason: string) => finish(reader.end() ?? { kind: 'closed', reason });
    socket.on('end', () => onEnd('connection closed'));
    socket.on('close', () => onEnd('connection closed'));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after a complete answer still counts as that answer.
      onEnd(error.code ?? error.message);
    });
  });
}

function serialize(request: RawRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const body = Buffer.from(request.body);
  let payload: Buffer = body;
  switch (request.framing) {
    case 'exact':
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'none':
      payload = Buffer.alloc(0);
      break;
    case 'declared-shorter':
      lines.push(`Content-Length: ${Math.floor(body.length / 2)}`);
      break;
    case 'declared-longer':
      lines.push(`Content-Length: ${body.length + 1 + (body.length % 97)}`);
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = chunked(body);
      break;
    case 'length-and-chunked':
      lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      payload = chunked(body);
      break;
  }
  // One request per connection: the answer ends with the connection, and nothing is pipelined.
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), payload]);
}

function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  const third = Math.max(1, Math.ceil(body.length / 3));
  for (let offset = 0; offset < body.length; offset += third) {
    const piece = body.subarray(offset, offset + third);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** A small HTTP/1.1 response parser: status line, headers, then a length, chunked or close-delimited body. */
class ResponseReader {
  #buffer = Buffer.alloc(0);
  #head: { status: number; headers: Map<string, string[]>; bodyStart: number } | undefined;
  readonly #headRequest: boolean;
  readonly #maxBodyBytes: number;

  constructor(headRequest: boolean, maxBodyBytes: number) {
    this.#headRequest = headRequest;
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** Returns the outcome once the response is complete. */
  push(chunk: Buffer): RawOutcome | undefined {
    // Keep at most what is needed: the head plus the allowed body plus chunk framing.
    if (this.#buffer.length < this.#maxBodyBytes * 2) this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (!this.#head) {
        const end = this.#buffer.indexOf(HEADER_END);
        if (end === -1) return undefined;
        const head = parseHead(this.#buffer.subarray(0, end).toString('latin1'));
        if (head.status >= 100 && head.status < 200) {
          // Interim answers (100 Continue) come before the real one.
          this.#buffer = this.#buffer.subarray(end + 4);
          continue;
        }
        this.#head = { ...head, bodyStart: end + 4 };
      }
      return this.#complete(false);
    }
  }

  /** The connection ended: whatever was received is the answer, if a status line arrived. */
  end(): RawOutcome | undefined {
    return this.#head ? this.#complete(true) : undefined;
  }

  #complete(connectionEnded: boolean): RawOutcome | undefined {
    const head = this.#head;
    if (!head) return undefined;
    const { status, headers } = head;
    const rest = this.#buffer.subarray(head.bodyStart);
    const done = (body: Buffer): RawOutcome => ({
      kind: 'response',
      status,
      headers,
      body: body.subarray(0, this.#maxBodyBytes),
    });
    if (this.#headRequest || status === 204 || status === 304) return done(Buffer.alloc(0));
    // A stream (SSE) never ends by itself: its headers are the answer.
    if (/^text\/event-stream/i.test(headers.get('content-type')?.[0] ?? '')) return done(Buffer.alloc(0));
    if (/chunked/i.test(headers.get('transfer-encoding')?.join(',') ?? '')) {
      const decoded = decodeChunked(rest);
      if (decoded) return done(decoded);
      return connectionEnded ? done(rest) : undefined;
    }
    const length = headers.get('content-length')?.[0];
    if (length !== undefined) {
      const expected = Number(length);
      if (rest.length >= expected || rest.length >= this.#maxBodyBytes) return done(rest);
      return connectionEnded ? done(rest) : undefined;
    }
    return connectionEnded ? done(rest) : undefined;
  }
}

function parseHead(text: string): { status: number; headers: Map<string, string[]> } {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status, headers };
}

/** The decoded body once the last chunk has arrived, else undefined. */
function decodeChunked(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return Buffer.concat(parts);
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}
