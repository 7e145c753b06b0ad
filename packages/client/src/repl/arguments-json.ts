export type ArgumentsParse = { ok: true; args: Record<string, unknown> } | { ok: false; message: string };

/** The JSON after `call <tool>`: an object, or one short reason why not. */
export function parseArgumentsJson(text: string): ArgumentsParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `the arguments are not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'the arguments must be a JSON object, e.g. {"expression":"2+2"}' };
  }
  return { ok: true, args: value as Record<string, unknown> };
}
