// The BlueAI dataset's activities in the shape BlueAI's reference shows (a deal or a contact,
// `content`, `created_by`), a few activities on contacts alone, tags and tag assignments.
// Used by seed/generate.mjs. Draws from its own PRNG, so nothing here shifts another part's stream.

const CRM_SEED = 0x7a95eed5;

const TAGS = [
  ['VIP', '#EF4444'], ['重点顧客', '#F59E0B'], ['新規開拓', '#10B981'], ['要フォロー', '#3B82F6'],
  ['競合あり', '#8B5CF6'], ['パートナー経由', '#EC4899'], ['展示会', '#14B8A6'], ['休眠', '#6B7280'],
];
const CONTACT_ACTIVITIES = [
  ['call', '初回ヒアリングの日程調整。来週火曜で確定。'],
  ['email', 'セミナー資料を送付。'],
  ['meeting', '名刺交換。課題感を伺い、後日改めて提案予定。'],
  ['note', '異動予定あり。後任の方を紹介いただく。'],
  ['email', 'ニュースレター配信の許諾を確認。'],
  ['call', '折り返しの電話。担当部署の確認。'],
];

/**
 * @param {object} d
 * @param {(seed: number) => () => number} d.mulberry32
 * @param {Set<string>} d.usedIds  every id already given out (kept unique across the file)
 */
export function blueaiCrm({ mulberry32, usedIds, members, companies, contacts, deals, activities }) {
  const rand = mulberry32(CRM_SEED);
  const int = (min, max) => min + Math.floor(rand() * (max - min + 1));
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const newId = (prefix) => {
    for (;;) {
      let hex = '';
      for (let i = 0; i < 4; i++) hex += (Math.floor(rand() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
      if (!usedIds.has(prefix + hex)) {
        usedIds.add(prefix + hex);
        return prefix + hex;
      }
    }
  };
  const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
  const between = (a, b) => iso(Date.parse(a) + Math.floor(rand() * Math.max(0, Date.parse(b) - Date.parse(a))));

  // Deal activities: the same rows, in today's shape; recorded stage changes are notes.
  const shaped = activities.map((a) => ({
    id: a.id,
    type: a.type === 'stage_change' ? 'note' : a.type,
    content: a.body === null ? a.subject : `${a.subject}\n${a.body}`,
    deal_id: a.deal_id,
    contact_id: null,
    created_by: a.member_id,
    created_at: a.created_at,
  }));
  // Activities on contacts alone (no deal).
  for (let i = 0; i < 24; i++) {
    const contact = pick(contacts);
    const [type, content] = pick(CONTACT_ACTIVITIES);
    const later = iso(Date.parse(contact.created_at) + 90 * 86400000);
    shaped.push({
      id: newId('act_'), type, content, deal_id: null, contact_id: contact.id, created_by: pick(members).id,
      created_at: between(contact.created_at, contact.updated_at > later ? contact.updated_at : later),
    });
  }
  shaped.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));

  const tags = TAGS.map(([name, color], i) => {
    const at = iso(Date.UTC(2025, 0, 2 + i, 1 + i, 10 * i));
    return { id: newId('tag_'), name, color, created_at: at, updated_at: at };
  });
  const tagAssignments = [];
  const pairs = new Set();
  const assign = (resource_type, list, n) => {
    while (n > 0) {
      const tag = pick(tags);
      const record = pick(list);
      const pair = `${tag.id} ${record.id}`;
      if (pairs.has(pair)) continue;
      pairs.add(pair);
      const from = record.created_at > tag.created_at ? record.created_at : tag.created_at;
      tagAssignments.push({
        id: newId('taga_'), tag_id: tag.id, resource_type, resource_id: record.id,
        created_at: between(from, iso(Date.parse(from) + int(1, 60) * 86400000)),
      });
      n--;
    }
  };
  assign('deal', deals, 40);
  assign('company', companies, 15);
  assign('contact', contacts, 15);
  tagAssignments.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
  return { activities: shaped, tags, tag_assignments: tagAssignments };
}
