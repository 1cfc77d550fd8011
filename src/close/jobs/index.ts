import type { CloseStore } from '../store/index.js';
import { BulkKinds } from './kinds.js';
import { EditKind } from './edit.js';
import { DeleteKind } from './delete.js';
import { EmailKind } from './email.js';
import { SequenceKind } from './sequence.js';

/**
 * Close's four bulk action kinds, composed from the store they act on. The plugin hands this to the
 * store, so the stores never import the jobs (each kind imports the stores it needs, one way).
 */
export function composeBulkKinds(store: CloseStore): BulkKinds {
  const tracking = { events: store.events, kinds: store.eventKinds };
  const db = store.db;
  return new BulkKinds([
    new EditKind(db, store.fields, store.values, tracking, store.recorded),
    new DeleteKind(db, store.leads, store.contacts, store.activities, tracking),
    new EmailKind(db, store.emails, (orgId, id) => store.sequences.accountExists(orgId, id), tracking),
    new SequenceKind(db, store.sequences, (orgId, email) => store.emails.isUnsubscribed(orgId, email), tracking),
  ]);
}
