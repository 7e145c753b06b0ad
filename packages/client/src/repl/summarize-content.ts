/** A content block as a tool result carries it (MCP `ContentBlock`, loosely typed). */
export type ContentBlock = { type: string; text?: string; [key: string]: unknown };

/**
 * One line standing in for content that is not text (images, audio, resources, links), e.g.
 * `[image image/png, 1234 bytes]`: enough to know what came back without dumping base64.
 */
export function summarizeContent(block: ContentBlock): string {
  const resource = isRecord(block.resource) ? block.resource : undefined;
  const details = [
    stringField(block, 'mimeType') ?? (resource && stringField(resource, 'mimeType')),
    stringField(block, 'uri') ?? (resource && stringField(resource, 'uri')),
  ].filter((detail): detail is string => detail !== undefined);
  const base64 = stringField(block, 'data') ?? (resource && stringField(resource, 'blob'));
  const inlineText = resource && stringField(resource, 'text');
  const size =
    base64 !== undefined
      ? `, ${Buffer.byteLength(base64, 'base64')} bytes`
      : inlineText !== undefined
        ? `, ${Buffer.byteLength(inlineText, 'utf8')} bytes of text`
        : '';
  return `[${[block.type, ...details].join(' ')}${size}]`;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
