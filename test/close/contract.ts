import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

// Close's published OpenAPI for bulk edits (a verbatim copy of shared/seeds/close-bulk-edit.txt) is
// the contract: every bulk edit object the emulator returns must validate against `BulkEditAction`.

const doc = readFileSync(new URL('../fixtures/close-bulk-edit.txt', import.meta.url), 'utf8');
const yamlText = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
export const openapi = parse(yamlText) as { components: { schemas: Record<string, object> } };

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
// Register the components so `#/components/schemas/…` refs resolve.
ajv.addSchema({ $id: 'close-openapi', components: openapi.components });
const withRefs = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"close-openapi#/components/'));
export const validateBulkEditAction = ajv.compile(withRefs(openapi.components.schemas.BulkEditAction!));
export const bulkEditActionKeys = Object.keys((openapi.components.schemas.BulkEditAction as { properties: object }).properties);

/** Returns null when `obj` is a valid BulkEditAction, else the validation errors as text. */
export function contractErrors(obj: unknown): string | null {
  return validateBulkEditAction(obj) ? null : ajv.errorsText(validateBulkEditAction.errors);
}
