import { BodyError } from './body';

/**
 * The fields the SDK and our routes read without checking their type. A wrong type here would otherwise surface
 * as a TypeError deep in the turn; we refuse it at the door with the field's name instead. Unknown fields pass.
 */
const STRING_FIELDS = ['type', 'name', 'text', 'locale', 'serviceUrl', 'channelId', 'id', 'replyToId', 'textFormat', 'deliveryMode'] as const;
const OBJECT_FIELDS = ['from', 'recipient', 'conversation', 'channelData'] as const;
const ARRAY_FIELDS = ['entities', 'attachments', 'membersAdded', 'membersRemoved'] as const;

/** Throws a BodyError (400) naming the field when the activity's shape cannot be processed. */
export function checkActivityShape(a: Record<string, unknown>): void {
  if (typeof a.type !== 'string' || a.type.trim() === '') {
    throw new BodyError(400, 'missing_type', 'activity.type is required and must be a string (e.g. "message" or "invoke").');
  }
  for (const f of STRING_FIELDS) {
    if (a[f] !== undefined && a[f] !== null && typeof a[f] !== 'string') throw fieldError(f, 'a string');
  }
  for (const f of OBJECT_FIELDS) {
    const v = a[f];
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) throw fieldError(f, 'an object');
  }
  for (const f of ARRAY_FIELDS) {
    if (a[f] !== undefined && a[f] !== null && !Array.isArray(a[f])) throw fieldError(f, 'an array');
  }
  for (const who of ['from', 'recipient', 'conversation'] as const) {
    const o = a[who] as Record<string, unknown> | undefined | null;
    if (!o) continue;
    for (const k of ['id', 'name', 'aadObjectId', 'conversationType', 'tenantId']) {
      if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'string') throw fieldError(`${who}.${k}`, 'a string');
    }
  }
}

function fieldError(field: string, what: string): BodyError {
  return new BodyError(400, 'bad_field', `activity.${field} must be ${what}.`);
}
