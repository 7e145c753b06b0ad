import type { FormSchema } from './elicitation-request.ts';

type FormValue = string | number | boolean | string[];

/**
 * The form filled in with the defaults its schema gives (SEP-1034: a field's `default` is what the
 * user gets without typing anything). Fields without a default are left out.
 */
export function formDefaults(schema: FormSchema): Record<string, FormValue> {
  const content: Record<string, FormValue> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (isFormValue(field.default)) content[name] = field.default;
  }
  return content;
}

function isFormValue(value: unknown): value is FormValue {
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
