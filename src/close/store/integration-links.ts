import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { badField, notFound } from '../../core/errors.js';
import type { IntegrationLinkCreateT, IntegrationLinkT, IntegrationLinkUpdateT } from '../../../schemas/close/integration-links.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';

interface Row {
  org_id: string; id: string; name: string; type: string; url: string; created_by: string | null; updated_by: string | null;
  date_created: string; date_updated: string;
}
const COLUMNS = `org_id, id, name, type, url, created_by, updated_by, date_created, date_updated`;

const render = (r: Row): IntegrationLinkT => ({
  id: r.id, name: r.name, type: r.type as IntegrationLinkT['type'], url: r.url, organization_id: r.org_id,
  created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
});

/**
 * Integration links: a name and a URL template shown on leads, contacts or opportunities. Real API: the
 * template's `{{ lead.id }}`-style placeholders are rendered in Close's UI; here: stored as given (the API
 * never renders them).
 */
export class IntegrationLinkStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  /** Oldest first. Real API: no parameters documented; here: `_skip`/`_limit` as every Close list. */
  list(orgId: string, q: PageParams): ClosePage<IntegrationLinkT> {
    const { rows, has_more } = pageRows<Row>(this.db, `SELECT ${COLUMNS} FROM close_integration_links WHERE org_id = @org ORDER BY date_created, id`, { org: orgId }, q);
    return { data: rows.map(render), has_more };
  }

  get(orgId: string, id: string): IntegrationLinkT {
    const r = cached(this.db, `SELECT ${COLUMNS} FROM close_integration_links WHERE org_id = ? AND id = ?`).get(orgId, id) as Row | undefined;
    if (!r) throw notFound(`Integration link ${id} not found.`);
    return render(r);
  }

  create(orgId: string, userId: string, input: IntegrationLinkCreateT): IntegrationLinkT {
    const id = this.ids.base62('intlink_');
    const now = this.stamp.now(orgId);
    cached(this.db, `INSERT INTO close_integration_links (${COLUMNS}) VALUES (@org_id, @id, @name, @type, @url, @by, @by, @now, @now)`).run({
      org_id: orgId, id, name: notBlank('name', input.name), type: input.type, url: checkUrl(input.url), by: userId || null, now,
    });
    return this.get(orgId, id);
  }

  /** Close's UpdateIntegrationLink: a field absent or null keeps its value. */
  update(orgId: string, userId: string, id: string, input: IntegrationLinkUpdateT): IntegrationLinkT {
    const before = this.get(orgId, id);
    cached(this.db, `UPDATE close_integration_links SET name = @name, type = @type, url = @url, updated_by = @by, date_updated = @now
      WHERE org_id = @org AND id = @id`).run({
      org: orgId, id, name: input.name == null ? before.name : notBlank('name', input.name), type: input.type ?? before.type,
      url: input.url == null ? before.url : checkUrl(input.url), by: userId || null, now: this.stamp.now(orgId),
    });
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    cached(this.db, `DELETE FROM close_integration_links WHERE org_id = ? AND id = ?`).run(orgId, id);
  }
}

function notBlank(field: string, v: string): string {
  if (!v.trim()) throw badField(field, 'This field may not be blank.');
  return v;
}

/** Real API: how the template is checked is not documented; here: it must start with http:// or https://. */
function checkUrl(url: string): string {
  notBlank('url', url);
  if (!url.startsWith('http://') && !url.startsWith('https://')) throw badField('url', 'Enter a valid URL starting with http:// or https://.');
  return url;
}
