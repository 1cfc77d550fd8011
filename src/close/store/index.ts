import type { Db } from '../../core/db.js';
import type { Clock } from '../../core/clock.js';
import { CustomValues } from './values.js';
import { CustomFieldReader } from './custom-fields.js';
import { UserStore } from './users.js';

/** Close state, apart from the HTTP layer: routes call these, nothing else writes Close tables. */
export class CloseStore {
  readonly values: CustomValues;
  readonly fields: CustomFieldReader;
  readonly users: UserStore;

  constructor(readonly db: Db, readonly clock: Clock) {
    this.values = new CustomValues(db);
    this.fields = new CustomFieldReader(db);
    this.users = new UserStore(db);
  }
}
