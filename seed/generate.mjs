#!/usr/bin/env node
// Deterministic generator for seed/default.json — the default dataset loaded
// into every new organization of the BlueAI CRM emulator.
//
// Usage: node seed/generate.mjs
//
// No dependencies. All randomness comes from a fixed-seed mulberry32 PRNG, so
// the output is byte-for-byte identical on every run. Do not use Math.random()
// or Date.now() here.

import { writeFileSync } from 'node:fs';
import { createHash, scryptSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { blueaiCrm } from './blueai-crm.mjs';

const SEED = 0x5eed2026;
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'default.json');

// ---------------------------------------------------------------------------
// PRNG helpers
// ---------------------------------------------------------------------------
function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (min, max) => min + Math.floor(rand() * (max - min + 1)); // inclusive
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chance = (p) => rand() < p;
const weighted = (pairs) => {
  // pairs: [[value, weight], ...]
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of pairs) {
    if ((r -= w) < 0) return v;
  }
  return pairs[pairs.length - 1][0];
};
const shuffle = (arr) => {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');

const usedIds = new Set();
function newId(prefix) {
  for (;;) {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += (Math.floor(rand() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    const id = prefix + hex;
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}
function fixedId(id) {
  if (usedIds.has(id)) throw new Error(`duplicate fixed id ${id}`);
  usedIds.add(id);
  return id;
}

// ---------------------------------------------------------------------------
// Time helpers (all UTC, whole seconds)
// ---------------------------------------------------------------------------
const DAY = 86400000;
const T_START = Date.UTC(2025, 0, 1, 0, 0, 0);
const T_END = Date.UTC(2026, 9, 31, 14, 59, 59); // 2026-10-31 23:59:59 JST, still 2026-10-31 in UTC
// Random timestamp in [a, b] (ms, both whole seconds), truncated to the second.
function timeBetween(a, b) {
  if (b <= a) return a;
  const t = a + Math.floor(rand() * (b - a + 1));
  return Math.floor(t / 1000) * 1000;
}
const iso = (ms) => new Date(ms).toISOString();
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);
const ms = (s) => Date.parse(s);

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------
const LAST_NAMES = [
  ['佐藤', 'sato'], ['鈴木', 'suzuki'], ['高橋', 'takahashi'], ['田中', 'tanaka'], ['伊藤', 'ito'],
  ['渡辺', 'watanabe'], ['山本', 'yamamoto'], ['中村', 'nakamura'], ['小林', 'kobayashi'], ['加藤', 'kato'],
  ['吉田', 'yoshida'], ['山田', 'yamada'], ['佐々木', 'sasaki'], ['山口', 'yamaguchi'], ['松本', 'matsumoto'],
  ['井上', 'inoue'], ['木村', 'kimura'], ['林', 'hayashi'], ['斎藤', 'saito'], ['清水', 'shimizu'],
  ['山崎', 'yamazaki'], ['森', 'mori'], ['池田', 'ikeda'], ['橋本', 'hashimoto'], ['阿部', 'abe'],
  ['石川', 'ishikawa'], ['山下', 'yamashita'], ['中島', 'nakajima'], ['石井', 'ishii'], ['小川', 'ogawa'],
  ['前田', 'maeda'], ['岡田', 'okada'], ['長谷川', 'hasegawa'], ['藤田', 'fujita'], ['後藤', 'goto'],
  ['近藤', 'kondo'], ['村上', 'murakami'], ['遠藤', 'endo'], ['青木', 'aoki'], ['坂本', 'sakamoto'],
];
const FIRST_NAMES = [
  ['健太', 'kenta'], ['翔太', 'shota'], ['大輔', 'daisuke'], ['拓也', 'takuya'], ['直樹', 'naoki'],
  ['誠', 'makoto'], ['浩二', 'koji'], ['隆', 'takashi'], ['亮', 'ryo'], ['和也', 'kazuya'],
  ['雄一', 'yuichi'], ['達也', 'tatsuya'], ['悠斗', 'yuto'], ['蓮', 'ren'], ['剛', 'tsuyoshi'],
  ['美咲', 'misaki'], ['陽子', 'yoko'], ['恵', 'megumi'], ['由美', 'yumi'], ['彩', 'aya'],
  ['真由美', 'mayumi'], ['愛', 'ai'], ['千尋', 'chihiro'], ['奈々', 'nana'], ['優子', 'yuko'],
  ['香織', 'kaori'], ['麻衣', 'mai'], ['智子', 'tomoko'], ['葵', 'aoi'], ['結衣', 'yui'],
];

// [kanji/kana, katakana reading, romaji]
const COMPANY_ROOTS = [
  ['東邦', 'トウホウ', 'toho'], ['北斗', 'ホクト', 'hokuto'], ['青葉', 'アオバ', 'aoba'],
  ['富士見', 'フジミ', 'fujimi'], ['日進', 'ニッシン', 'nisshin'], ['光和', 'コウワ', 'kowa'],
  ['三栄', 'サンエイ', 'sanei'], ['新星', 'シンセイ', 'shinsei'], ['若葉', 'ワカバ', 'wakaba'],
  ['翠星', 'スイセイ', 'suisei'], ['白鷺', 'シラサギ', 'shirasagi'], ['明和', 'メイワ', 'meiwa'],
  ['協栄', 'キョウエイ', 'kyoei'], ['大栄', 'ダイエイ', 'daiei'], ['朝日丘', 'アサヒガオカ', 'asahigaoka'],
  ['千代田', 'チヨダ', 'chiyoda'], ['湊', 'ミナト', 'minato'], ['久遠', 'クオン', 'kuon'],
  ['あおぞら', 'アオゾラ', 'aozora'], ['ひかり', 'ヒカリ', 'hikari'], ['みらい', 'ミライ', 'mirai'],
  ['さくら', 'サクラ', 'sakura'], ['和光', 'ワコウ', 'wako'], ['昭栄', 'ショウエイ', 'shoei'],
  ['栄光', 'エイコウ', 'eiko'], ['泉', 'イズミ', 'izumi'], ['ネクスト', 'ネクスト', 'next'],
  ['アークス', 'アークス', 'arcs'], ['東雲', 'シノノメ', 'shinonome'], ['銀河', 'ギンガ', 'ginga'],
  ['豊栄', 'ホウエイ', 'hoei'], ['緑山', 'ミドリヤマ', 'midoriyama'], ['丸山', 'マルヤマ', 'maruyama'],
  ['オリオン', 'オリオン', 'orion'], ['橘', 'タチバナ', 'tachibana'],
];

// industry -> suffixes [kanji, katakana, romaji]
const INDUSTRIES = {
  '製造業': [['精機', 'セイキ', 'seiki'], ['製作所', 'セイサクショ', 'seisakusho'], ['工業', 'コウギョウ', 'kogyo'], ['電機', 'デンキ', 'denki']],
  'IT・通信': [['システムズ', 'システムズ', 'systems'], ['テクノロジーズ', 'テクノロジーズ', 'tech'], ['ソリューションズ', 'ソリューションズ', 'solutions'], ['ネットワークス', 'ネットワークス', 'networks']],
  '小売': [['商店', 'ショウテン', 'shoten'], ['リテール', 'リテール', 'retail'], ['ストアーズ', 'ストアーズ', 'stores']],
  '物流': [['運輸', 'ウンユ', 'unyu'], ['ロジスティクス', 'ロジスティクス', 'logistics'], ['物流', 'ブツリュウ', 'butsuryu']],
  '金融': [['ファイナンス', 'ファイナンス', 'finance'], ['キャピタル', 'キャピタル', 'capital'], ['リース', 'リース', 'lease']],
  '不動産': [['不動産', 'フドウサン', 'fudosan'], ['エステート', 'エステート', 'estate'], ['地所', 'ジショ', 'jisho']],
  '医療': [['メディカル', 'メディカル', 'medical'], ['医療器', 'イリョウキ', 'iryoki'], ['ヘルスケア', 'ヘルスケア', 'healthcare']],
  '建設': [['建設', 'ケンセツ', 'kensetsu'], ['工務店', 'コウムテン', 'komuten'], ['ハウジング', 'ハウジング', 'housing']],
  '教育': [['ラーニング', 'ラーニング', 'learning'], ['アカデミー', 'アカデミー', 'academy'], ['教育', 'キョウイク', 'kyoiku']],
  'コンサルティング': [['コンサルティング', 'コンサルティング', 'consulting'], ['パートナーズ', 'パートナーズ', 'partners'], ['総研', 'ソウケン', 'soken']],
  '食品': [['食品', 'ショクヒン', 'shokuhin'], ['フーズ', 'フーズ', 'foods']],
  '商社': [['商事', 'ショウジ', 'shoji'], ['トレーディング', 'トレーディング', 'trading']],
};
const INDUSTRY_WEIGHTS = [
  ['製造業', 10], ['IT・通信', 9], ['小売', 4], ['物流', 4], ['金融', 3], ['不動産', 3],
  ['医療', 3], ['建設', 4], ['教育', 2], ['コンサルティング', 3], ['食品', 3], ['商社', 3],
];

const DEPARTMENTS = [
  ['営業本部', 4], ['情報システム部', 5], ['経営企画部', 3], ['総務部', 2], ['DX推進室', 3],
  ['購買部', 2], ['マーケティング部', 2], ['管理本部', 1], [null, 6],
];

// [address prefix (prefecture+city+town), postal code first 3 digits, area code]
const LOCATIONS = [
  ['東京都千代田区丸の内', '100', '03', 5], ['東京都港区芝浦', '108', '03', 4], ['東京都新宿区西新宿', '160', '03', 4],
  ['東京都渋谷区道玄坂', '150', '03', 3], ['東京都中央区日本橋', '103', '03', 4], ['東京都品川区大崎', '141', '03', 3],
  ['神奈川県横浜市西区みなとみらい', '220', '045', 3], ['大阪府大阪市北区梅田', '530', '06', 4],
  ['大阪府大阪市中央区本町', '541', '06', 3], ['愛知県名古屋市中村区名駅', '450', '052', 3],
  ['福岡県福岡市博多区博多駅前', '812', '092', 2], ['北海道札幌市中央区北五条西', '060', '011', 2],
  ['宮城県仙台市青葉区中央', '980', '022', 1], ['広島県広島市中区紙屋町', '730', '082', 1],
  ['京都府京都市下京区烏丸通', '600', '075', 1], ['埼玉県さいたま市大宮区桜木町', '330', '048', 1],
  ['静岡県浜松市中央区板屋町', '430', '053', 1],
];
const BUILDINGS = ['第一ビル', 'センタービル', 'スクエア', 'ビジネスタワー', '駅前ビル', 'プラザ'];

const COMPANY_NOTES = [
  '既存顧客。年間保守契約あり。', '展示会（2025年 DX EXPO）で接点。', '紹介経由の見込み客。',
  '予算確定は毎年4月。', '決裁は役員会。リードタイム長め。', '競合製品を利用中、乗り換え検討。',
  'グループ会社への横展開の可能性あり。', '窓口は情報システム部。', '海外拠点あり（上海・バンコク）。',
];
const COMPANY_NOTES_TRICKY = [
  '年間契約の更新時期は3月。\n窓口は "情報システム部" の課長, 決裁は部長。',
  '主要取引先, 優先度高。\n先方の呼称: "BlueAI導入プロジェクト"',
  '請求書は紙で郵送希望, 要注意。\n社内略称は "TH"。',
];
const CONTACT_NOTES = [
  '展示会で名刺交換。', '決裁権あり。', 'メールより電話を好む。', '来期から情報システム部へ異動予定。',
  'オンライン会議はTeams指定。', '前任者から引き継ぎ。', 'セミナー参加者。',
];
const CONTACT_NOTES_TRICKY = [
  '口癖は "検討します", 実際は前向き。\n火曜午前は不在。',
  '役職は "部長代理", 名刺と異なるので注意。\n秘書経由でアポ。',
  'キーマン。予算・スケジュール両方を把握, 要フォロー。\n"紹介者: 山田様"',
];
const POSITIONS = [
  ['代表取締役', 2], ['取締役', 3], ['本部長', 3], ['部長', 10], ['次長', 3], ['課長', 10],
  ['係長', 5], ['主任', 6], ['担当', 12], ['マネージャー', 5], ['リーダー', 3], [null, 8],
];

const DEAL_ITEMS = [
  '基幹システム刷新', 'SFA導入支援', 'CRM導入', '営業DX推進プロジェクト', '在庫管理システム更改',
  '会計クラウド移行', '勤怠管理SaaS導入', '社内ヘルプデスク委託', 'セキュリティ診断', 'データ分析基盤構築',
  'BIダッシュボード構築', 'ECサイトリニューアル', '物流倉庫WMS導入', '電子契約サービス導入', 'RPA導入支援',
  '生成AIチャットボット導入', 'コールセンター刷新', '年間保守契約更新', 'ライセンス追加購入', '営業研修プログラム提供',
  '人事評価システム導入', '顧客ポータル構築', 'IoT設備監視導入', '社内ネットワーク更改', 'PC入替え（300台）',
  'MA連携オプション', 'データ移行支援',
];
const DEAL_NAMES_TRICKY = [
  '物流倉庫WMS導入, 第2期',
  'クラウド移行 "フェーズ2"',
  '"AI-OCR" PoC, 請求書処理',
  '全社展開（営業, マーケ, CS）',
  'CRM導入 "スモールスタート"プラン',
  '保守更新, 追加ライセンス50本',
];
const LOST_REASONS = [
  '予算不足のため見送り', '競合他社の製品に決定', '導入時期が未定となった', '社内稟議が通らなかった',
  '要件が合わなかった', '担当者の異動により凍結', '価格面で折り合わず', '既存システムの延命を選択',
  '価格, 導入期間の両面で "他社優位" と判断された',
];

const DEFAULT_STAGES = [
  ['lead', 'リード'], ['qualification', '見極め'], ['proposal', '提案'],
  ['negotiation', '交渉'], ['closed_won', '受注'], ['closed_lost', '失注'],
];
const PARTNER_STAGES = [
  ['partner_intro', 'パートナー紹介'], ['poc', 'PoC'], ['contract', '契約手続き'],
  ['closed_won', '受注'], ['closed_lost', '失注'],
];
const DEFAULT_STAGE_WEIGHTS = [['lead', 20], ['qualification', 20], ['proposal', 18], ['negotiation', 12], ['closed_won', 18], ['closed_lost', 12]];
const PARTNER_STAGE_WEIGHTS = [['partner_intro', 25], ['poc', 25], ['contract', 15], ['closed_won', 20], ['closed_lost', 15]];
const STAGE_PROBABILITY = {
  lead: () => pick([5, 10, 10, 15]),
  qualification: () => pick([20, 25, 30]),
  proposal: () => pick([40, 50, 50]),
  negotiation: () => pick([60, 70, 80]),
  partner_intro: () => pick([10, 15]),
  poc: () => pick([30, 40, 50]),
  contract: () => pick([70, 80, 90]),
  closed_won: () => 100,
  closed_lost: () => 0,
};

const ACTIVITY_SUBJECTS = {
  call: ['初回ヒアリングの電話', '予算確認の電話', '決裁者へのフォロー電話', '日程調整の電話', '導入時期の確認'],
  email: ['提案書送付', '見積書送付', '打ち合わせのお礼', '資料請求への返信', '契約書ドラフト送付', '導入事例の共有'],
  meeting: ['初回訪問', '要件定義打ち合わせ', 'デモ実施', '役員向けプレゼン', '定例ミーティング', 'オンライン商談'],
  note: ['社内メモ', '競合情報', '予算感メモ', '決裁フローの確認', '次回アクション整理'],
};
const ACTIVITY_BODIES = {
  call: ['先方は前向き。来週までに社内で検討するとのこと。', '予算は上期で確保済み。詳細は別途メールで。', '不在のため留守電を残した。', '担当者変更の連絡あり。後任を紹介してもらう予定。'],
  email: ['見積書（PDF）を添付して送付。', '提案書v2を送付。価格表も同梱。', '打ち合わせのお礼と次回日程候補を送付。', '導入事例（製造業2社）を共有。'],
  meeting: ['参加者: 先方3名、当社2名。課題のヒアリングを実施。', 'デモは好評。データ移行について追加質問あり。', '役員から費用対効果の説明を求められた。次回試算を提示。', '要件を整理。次回までに概算見積を用意する。'],
  note: ['競合は大手SaaS。価格で不利だがサポート体制で差別化可能。', '決裁者は部長, 最終承認は役員会。', '年度末の駆け込み需要の可能性あり。', '先方の呼称は "営業改革PJ"。\n資料にはこの名称を使う。'],
};

// ---------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------
const DEMO_PASSWORD = 'blueai-demo-password';
const MEMBER_DEFS = [
  { id: 'usr_99999999999999999999999999999999', name: ['佐藤', '健太', 'sato', 'kenta'], role: 'admin' },
  { name: ['鈴木', '美咲', 'suzuki', 'misaki'], role: 'manager' },
  { name: ['高橋', '大輔', 'takahashi', 'daisuke'], role: 'manager' },
  { name: ['田中', '彩', 'tanaka', 'aya'], role: 'member' },
  { name: ['伊藤', '翔太', 'ito', 'shota'], role: 'member' },
  { name: ['渡辺', '陽子', 'watanabe', 'yoko'], role: 'member' },
];
const members = MEMBER_DEFS.map((d, i) => {
  const [last, first, lastR, firstR] = d.name;
  return {
    id: d.id ? fixedId(d.id) : newId('usr_'),
    name: `${last} ${first}`,
    email: `${firstR}.${lastR}@blueai-demo.example`,
    role: d.role,
    created_at: iso(T_START + i * 2 * DAY + int(9, 18) * 3600000 - 9 * 3600000 + int(0, 59) * 60000),
  };
}).map((m) => ({ ...m, password_hash: demoPasswordHash(m.email) }));

/**
 * Every seeded member signs in with DEMO_PASSWORD (README "Sign-in"): Better Auth's scrypt format
 * (src/blueai/password.ts), the salt derived from the e-mail so the file stays byte-identical per run.
 */
function demoPasswordHash(email) {
  const salt = createHash('sha256').update(`seed-salt:${email}`).digest('hex').slice(0, 32);
  const key = scryptSync(DEMO_PASSWORD.normalize('NFKC'), salt, 64, { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 });
  return `${salt}:${key.toString('hex')}`;
}

// ---------------------------------------------------------------------------
// Pipelines
// ---------------------------------------------------------------------------
const PIPE_CREATED = T_START + 2 * 3600000;
const pipelines = [
  { name: '新規営業', is_default: true, sort_order: 0, stages: DEFAULT_STAGES, created: PIPE_CREATED, updated: PIPE_CREATED },
  { name: 'パートナー販売', is_default: false, sort_order: 1, stages: PARTNER_STAGES, created: Date.UTC(2025, 3, 1, 1, 30), updated: Date.UTC(2025, 5, 16, 4, 12, 7) },
].map((p) => ({
  id: newId('pipe_'),
  name: p.name,
  is_default: p.is_default,
  sort_order: p.sort_order,
  created_at: iso(p.created),
  updated_at: iso(p.updated),
  stages: p.stages.map(([slug, name]) => ({ slug, name })),
}));
const [defaultPipe, partnerPipe] = pipelines;

// ---------------------------------------------------------------------------
// Companies (50)
// ---------------------------------------------------------------------------
const N_COMPANIES = 50;
const usedCompanyNames = new Set();
const usedDomains = new Set();
const companyMeta = new Map(); // id -> { domain, short }
const companies = [];
for (let i = 0; i < N_COMPANIES; i++) {
  let industry, root, suffix, short;
  do {
    industry = weighted(INDUSTRY_WEIGHTS);
    root = pick(COMPANY_ROOTS);
    suffix = pick(INDUSTRIES[industry]);
    short = root[0] + suffix[0];
  } while (usedCompanyNames.has(short));
  usedCompanyNames.add(short);

  const legal = weighted([['kk_pre', 6], ['kk_post', 5], ['godo', 1]]);
  const name = legal === 'kk_pre' ? `株式会社${short}` : legal === 'kk_post' ? `${short}株式会社` : `合同会社${short}`;
  let domain = `${root[2]}-${suffix[2]}.example.jp`;
  for (let n = 2; usedDomains.has(domain); n++) domain = `${root[2]}-${suffix[2]}${n}.example.jp`;
  usedDomains.add(domain);

  const loc = weighted(LOCATIONS.map((l) => [l, l[3]]));
  const address = `${loc[0]}${int(1, 5)}-${int(1, 20)}-${int(1, 30)}` + (chance(0.5) ? ` ${root[0]}${pick(BUILDINGS)}${int(2, 15)}F` : '');
  // subscriber numbers never start with 0/1
  const phone = loc[2].length === 2 ? `${loc[2]}-${int(2, 9)}${digits(3)}-${digits(4)}` : `${loc[2]}-${int(2, 9)}${digits(2)}-${digits(4)}`;

  const employee_count = chance(0.1)
    ? null
    : weighted([[int(5, 49), 3], [int(50, 299), 5], [int(300, 999), 3], [int(1000, 5000), 2], [int(5001, 30000), 1]]);

  let note = chance(0.45) ? pick(COMPANY_NOTES) : null;
  if (i === 4 || i === 19 || i === 37) note = COMPANY_NOTES_TRICKY[[4, 19, 37].indexOf(i)];

  const created = timeBetween(T_START + 3 * DAY, Date.UTC(2025, 9, 31));
  const updated = chance(0.3) ? created : timeBetween(created, T_END);
  const id = i === 0 ? fixedId('comp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') : newId('comp_');
  companyMeta.set(id, { domain, short, created });
  companies.push({
    id,
    name,
    name_kana: root[1] + suffix[1],
    department: weighted(DEPARTMENTS),
    industry,
    employee_count,
    website: chance(0.1) ? null : `https://www.${domain}`,
    postal_code: `${loc[1]}-${digits(4)}`,
    address,
    phone,
    email: `${pick(['info', 'info', 'sales', 'contact'])}@${domain}`,
    note,
    created_at: iso(created),
    updated_at: iso(updated),
  });
}

// ---------------------------------------------------------------------------
// Contacts (150): first 50 cover every company once, then 90 random, 10 without company.
// ---------------------------------------------------------------------------
const N_CONTACTS = 150;
const N_CONTACTS_NO_COMPANY = 10;
const contactCompanyIdx = [];
for (let i = 0; i < N_COMPANIES; i++) contactCompanyIdx.push(i);
for (let i = N_COMPANIES; i < N_CONTACTS - N_CONTACTS_NO_COMPANY; i++) contactCompanyIdx.push(int(0, N_COMPANIES - 1));
for (let i = 0; i < N_CONTACTS_NO_COMPANY; i++) contactCompanyIdx.push(null);
// keep index 0 (cont_bbbb at comp_aaaa) first, shuffle the rest
const contactOrder = [contactCompanyIdx[0], ...shuffle(contactCompanyIdx.slice(1))];

const usedEmails = new Set(members.map((m) => m.email));
const contacts = [];
const contactMeta = new Map(); // id -> { created, companyId }
const NULL_FIRST = new Set([23, 71, 118, 140]);
const NULL_EMAIL = new Set([15, 58, 99, 131, 147]);
const TRICKY_CONTACT = new Map([[9, 0], [64, 1], [122, 2]]);
for (let i = 0; i < N_CONTACTS; i++) {
  const cIdx = contactOrder[i];
  const company = cIdx === null ? null : companies[cIdx];
  const [last, lastR] = pick(LAST_NAMES);
  const [first, firstR] = pick(FIRST_NAMES);
  const firstName = NULL_FIRST.has(i) ? null : first;

  let email = null;
  if (!NULL_EMAIL.has(i)) {
    const domain = company ? companyMeta.get(company.id).domain : pick(['mail.example.jp', 'example.ne.jp', 'example.com']);
    const local = firstName ? pick([`${firstR}.${lastR}`, `${lastR}.${firstR}`, `${firstR[0]}-${lastR}`]) : lastR;
    email = `${local}@${domain}`;
    for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
    usedEmails.add(email);
  }

  let note = chance(0.2) ? pick(CONTACT_NOTES) : null;
  if (TRICKY_CONTACT.has(i)) note = CONTACT_NOTES_TRICKY[TRICKY_CONTACT.get(i)];

  const base = company ? companyMeta.get(company.id).created : T_START + 5 * DAY;
  const created = timeBetween(base, base + int(0, 120) * DAY);
  const updated = chance(0.35) ? created : timeBetween(created, T_END);
  const id = i === 0 ? fixedId('cont_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb') : newId('cont_');
  contactMeta.set(id, { created, companyId: company ? company.id : null });
  contacts.push({
    id,
    first_name: firstName,
    last_name: last,
    email,
    phone: chance(0.2) ? null : `${pick(['090', '090', '080', '070'])}-${digits(4)}-${digits(4)}`,
    position: weighted(POSITIONS),
    company_id: company ? company.id : null,
    note,
    created_at: iso(created),
    updated_at: iso(updated),
  });
}
const contactsByCompany = new Map();
for (const c of contacts) {
  const k = c.company_id;
  if (!contactsByCompany.has(k)) contactsByCompany.set(k, []);
  contactsByCompany.get(k).push(c);
}

// ---------------------------------------------------------------------------
// Deals (200): 3 fixed documentation deals first, ~30 in the partner pipeline.
// ---------------------------------------------------------------------------
const N_DEALS = 200;
const N_PARTNER = 30;
const FIXED_DEALS = [
  { id: 'deal_11111111111111111111111111111111', stage: 'qualification', company: 'comp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', contact: 'cont_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', name: 'SFA導入支援' },
  { id: 'deal_22222222222222222222222222222222', stage: 'lead' },
  { id: 'deal_33333333333333333333333333333333', stage: 'qualification' },
];
const partnerIdx = new Set(shuffle(Array.from({ length: N_DEALS - 3 }, (_, k) => k + 3)).slice(0, N_PARTNER));
const trickyDealIdx = new Map([[12, 0], [41, 1], [77, 2], [103, 3], [150, 4], [188, 5]]);
const NULL_COMPANY_DEALS = new Set([29, 95, 161, 177]);
const DEAL_CREATED_MAX = Date.UTC(2026, 8, 30);

const deals = [];
const dealMeta = new Map();
for (let i = 0; i < N_DEALS; i++) {
  const fixed = FIXED_DEALS[i] ?? null;
  const pipe = partnerIdx.has(i) ? partnerPipe : defaultPipe;
  const stage = fixed ? fixed.stage : weighted(pipe === defaultPipe ? DEFAULT_STAGE_WEIGHTS : PARTNER_STAGE_WEIGHTS);

  // company / contact
  let company = null;
  let contact = null;
  if (fixed?.company) {
    company = companies.find((c) => c.id === fixed.company);
    contact = contacts.find((c) => c.id === fixed.contact);
  } else if (!NULL_COMPANY_DEALS.has(i)) {
    company = pick(companies);
    const pool = contactsByCompany.get(company.id) ?? [];
    if (pool.length && chance(0.9)) contact = pick(pool);
    else if (chance(0.3)) contact = pick(contacts); // occasionally a contact elsewhere (e.g. via partner)
  } else if (chance(0.7)) {
    contact = pick(contactsByCompany.get(null));
  }

  // name
  let name = fixed?.name ?? pick(DEAL_ITEMS);
  if (trickyDealIdx.has(i)) name = DEAL_NAMES_TRICKY[trickyDealIdx.get(i)];
  if (company && !fixed && chance(0.45)) name = `${companyMeta.get(company.id).short} ${name}`;
  if (pipe === partnerPipe && chance(0.4)) name = `【パートナー経由】${name}`;

  // amount: log-uniform 100k..50M, rounded to 10k (or 1k for small amounts)
  let amount = null;
  if (!chance(0.05) || fixed) {
    const raw = Math.exp(Math.log(100000) + rand() * (Math.log(50000000) - Math.log(100000)));
    const unit = raw < 1000000 ? 1000 : 10000;
    amount = Math.min(50000000, Math.max(100000, Math.round(raw / unit) * unit));
  }

  // timestamps
  let lower = T_START + 10 * DAY;
  if (company) lower = Math.max(lower, companyMeta.get(company.id).created);
  if (contact) lower = Math.max(lower, contactMeta.get(contact.id).created);
  if (pipe === partnerPipe) lower = Math.max(lower, ms(partnerPipe.created_at));
  const created = fixed ? timeBetween(Date.UTC(2026, 5, 1), Date.UTC(2026, 8, 15)) : timeBetween(lower, Math.max(lower, DEAL_CREATED_MAX));
  const closed = stage === 'closed_won' || stage === 'closed_lost';
  const updated = timeBetween(created + (closed ? 14 * DAY : 0), Math.min(T_END, created + int(closed ? 30 : 1, 240) * DAY));

  const expected_close_date = chance(0.12) && !fixed ? null : ymd(created + int(30, 180) * DAY);
  const won_date = stage === 'closed_won' ? ymd(timeBetween(Math.max(created, updated - 10 * DAY), updated)) : null;
  const lost_reason = stage === 'closed_lost' ? (chance(0.85) ? pick(LOST_REASONS) : null) : null;

  const id = fixed ? fixedId(fixed.id) : newId('deal_');
  dealMeta.set(id, { created, updated, pipe, stage });
  deals.push({
    id,
    name,
    amount,
    stage,
    pipeline_id: pipe.id,
    company_id: company ? company.id : null,
    contact_id: contact ? contact.id : null,
    assigned_member_id: fixed ? members[i === 0 ? 0 : i].id : chance(0.05) ? null : pick(members).id,
    expected_close_date,
    probability: STAGE_PROBABILITY[stage](),
    lost_reason,
    won_date,
    currency: 'JPY',
    created_at: iso(created),
    updated_at: iso(updated),
  });
}

// ---------------------------------------------------------------------------
// Activities (300)
// ---------------------------------------------------------------------------
const N_ACTIVITIES = 300;
const stageNames = (pipe) => Object.fromEntries(pipe.stages.map((s) => [s.slug, s.name]));
const activityDeals = [];
for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) activityDeals.push(deals[i]);
while (activityDeals.length < N_ACTIVITIES) activityDeals.push(pick(deals));

const activities = activityDeals.map((deal) => {
  const meta = dealMeta.get(deal.id);
  const slugs = meta.pipe.stages.map((s) => s.slug);
  const names = stageNames(meta.pipe);
  const curIdx = slugs.indexOf(meta.stage);
  const canStageChange = curIdx > 0;
  const type = weighted([['call', 25], ['email', 30], ['meeting', 20], ['note', 12], ['stage_change', canStageChange ? 13 : 0]]);
  let subject;
  let body = null;
  if (type === 'stage_change') {
    // a transition along the pipeline ending at (or before) the current stage
    let to;
    if (meta.stage === 'closed_lost') to = slugs.indexOf('closed_lost');
    else to = int(1, curIdx);
    const from = meta.stage === 'closed_lost' ? int(0, slugs.indexOf('closed_won') - 1) : to - 1;
    subject = `ステージ変更: ${names[slugs[from]]} → ${names[slugs[to]]}`;
    body = chance(0.3) ? '商談の進捗に合わせてステージを更新。' : null;
  } else {
    subject = pick(ACTIVITY_SUBJECTS[type]);
    body = chance(0.75) ? pick(ACTIVITY_BODIES[type]) : null;
  }
  const member_id = deal.assigned_member_id && chance(0.8) ? deal.assigned_member_id : pick(members).id;
  return {
    id: newId('act_'),
    deal_id: deal.id,
    type,
    subject,
    body,
    member_id,
    created_at: iso(timeBetween(meta.created, meta.updated)),
  };
});
activities.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));

// ===========================================================================
// Close dataset ("close" section)
// ===========================================================================
// Uses its own PRNG instance (and its own helpers below), so adding or changing
// anything here never shifts the random stream of the BlueAI part above.
// Never call rand/int/pick/chance/weighted/shuffle/digits/newId/timeBetween here.
const CLOSE_SEED = 0xc1053eed;
function makeRng(seed) {
  const r = mulberry32(seed);
  const rng = {
    next: r,
    int: (min, max) => min + Math.floor(r() * (max - min + 1)), // inclusive
    pick: (arr) => arr[Math.floor(r() * arr.length)],
    chance: (p) => r() < p,
    weighted: (pairs) => {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let x = r() * total;
      for (const [v, w] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][0];
    },
    sample: (arr, n) => {
      // n distinct items, kept in the array's order
      const idx = arr.map((_, i) => i);
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      return idx.slice(0, n).sort((a, b) => a - b).map((i) => arr[i]);
    },
    digits: (n) => Array.from({ length: n }, () => Math.floor(r() * 10)).join(''),
  };
  return rng;
}
const C = makeRng(CLOSE_SEED);

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const closeIds = new Set();
function closeId(prefix, rng = C) {
  for (;;) {
    let s = '';
    for (let i = 0; i < 43; i++) s += B62[Math.floor(rng.next() * 62)];
    const id = prefix + s;
    if (!closeIds.has(id)) {
      closeIds.add(id);
      return id;
    }
  }
}
function closeFixedId(id) {
  if (closeIds.has(id)) throw new Error(`duplicate fixed id ${id}`);
  closeIds.add(id);
  return id;
}

// Close timestamps: microsecond precision with an explicit +00:00 offset. The generator works in
// whole milliseconds, so the last three digits are always 000 (lossless through a JS Date).
const closeTs = (t) => new Date(t).toISOString().replace('Z', '000+00:00');
const cBetween = (a, b) => (b <= a ? a : a + Math.floor(C.next() * (b - a + 1)));
const C_LEAD_CREATED_MAX = Date.UTC(2026, 7, 31, 23, 59, 59);
const C_T_END = Date.UTC(2026, 9, 31, 23, 59, 59, 999);
// a child object created after its parent, updated no earlier than created
function childTimes(parentCreated, maxDays = 240) {
  const created = cBetween(parentCreated + 60000, Math.min(C_T_END, parentCreated + maxDays * DAY));
  const updated = C.chance(0.35) ? created : cBetween(created, C_T_END);
  return { created, updated };
}

// ---- organization, users ---------------------------------------------------
const closeOrganization = { name: 'Acme Demo Org' };
const CLOSE_USER_DEFS = [
  ['Kenta', 'Sato'], // the API key's own user (GET /me/)
  ['Emily', 'Carter'],
  ['Daniel', 'Okafor'],
  ['Yui', 'Nakamura'], // left the organization (inactive membership) but still owns opportunities
];
const INACTIVE_USER = 3;
const closeUsers = CLOSE_USER_DEFS.map(([first, last], i) => {
  const t = Date.UTC(2025, 0, 1) + i * 3 * DAY + C.int(8 * 3600, 18 * 3600) * 1000 + C.int(0, 999);
  return {
    id: closeId('user_'),
    first_name: first,
    last_name: last,
    email: `${first.toLowerCase()}.${last.toLowerCase()}@acme-demo.example.com`,
    date_created: closeTs(t),
    date_updated: closeTs(t + (i === INACTIVE_USER ? 120 * DAY : 0)),
    active: i !== INACTIVE_USER,
    role_id: i === 0 ? 'admin' : 'user',
  };
});
const userIds = closeUsers.map((u) => u.id);

// ---- statuses --------------------------------------------------------------
const QUALIFIED_STATUS_ID = 'stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8'; // Close's bulk-edit doc example
const leadStatuses = ['Potential', 'Bad Fit', 'Qualified', 'Customer', 'Interested'].map((label) => ({
  id: label === 'Qualified' ? closeFixedId(QUALIFIED_STATUS_ID) : closeId('stat_'),
  label,
}));
const leadStatusBy = Object.fromEntries(leadStatuses.map((s) => [s.label, s.id]));
const opportunityStatuses = [
  ['Active', 'active'], ['Negotiation', 'active'], ['Won', 'won'], ['Lost', 'lost'],
].map(([label, type]) => ({ id: closeId('stat_'), label, type }));
const oppStatusBy = Object.fromEntries(opportunityStatuses.map((s) => [s.label, s.id]));
/** Each status's confidence, in percent. */
const OPP_CONFIDENCE = { Active: 50, Negotiation: 75, Won: 100, Lost: 0 };

// ---- custom activity types / custom object types ---------------------------
const customActivityTypes = ['Discovery Call', 'Demo'].map((name) => ({ id: closeId('actitype_'), name }));
const [atDiscovery, atDemo] = customActivityTypes;
const customObjectTypes = ['Subscription'].map((name) => ({ id: closeId('cotype_'), name }));
const [cotSubscription] = customObjectTypes;

// ---- custom fields ---------------------------------------------------------
const CF_CREATED_MIN = Date.UTC(2025, 0, 2);
const CF_CREATED_MAX = Date.UTC(2025, 1, 28);
const customFields = [];
const cf = {}; // key -> field
function addField(key, objectType, name, type, opts = {}) {
  const created = cBetween(CF_CREATED_MIN, CF_CREATED_MAX);
  const updated = C.chance(0.5) ? created : cBetween(created, Date.UTC(2025, 11, 31));
  const f = {
    id: closeId('cf_'),
    object_type: objectType,
    custom_activity_type_id: opts.activityType ?? null,
    custom_object_type_id: opts.objectTypeId ?? null,
    name,
    description: opts.description ?? null,
    type,
    accepts_multiple_values: !!opts.multi,
    choices: type === 'choices' ? opts.choices : null,
    associations: opts.associations ?? null,
    date_created: closeTs(created),
    date_updated: closeTs(updated),
  };
  customFields.push(f);
  cf[key] = f;
  return f;
}
const assoc = (object_type, custom_activity_type_id = null, custom_object_type_id = null) =>
  ({ object_type, custom_activity_type_id, custom_object_type_id });

const INDUSTRY_CHOICES = ['Software', 'Manufacturing', 'Retail', 'Financial Services', 'Healthcare', 'Logistics'];
const PRODUCT_CHOICES = ['CRM', 'Analytics', 'Support Desk', 'Telephony', 'Marketing Automation'];
const LANGUAGE_CHOICES = ['English', 'Japanese', 'German', 'French', 'Spanish'];
const DEAL_TYPE_CHOICES = ['New Business', 'Upsell', 'Renewal'];
const CALL_OUTCOME_CHOICES = ['Qualified', 'Not a Fit', 'Follow-up Needed', 'No Answer'];
const DEMO_OUTCOME_CHOICES = ['Positive', 'Neutral', 'Negative'];
const PLAN_CHOICES = ['Starter', 'Growth', 'Enterprise'];
const TAG_CHOICES = ['VIP', 'Partner', 'Churn Risk', 'Expansion', 'Referral'];

// lead fields: one of every type
addField('sourceDetail', 'lead', 'Source Detail', 'text', { description: 'Where the lead came from, in free text.' });
addField('notes', 'lead', 'Notes', 'textarea');
addField('employees', 'lead', 'Employees', 'number', { description: 'Head count.' });
addField('renewal', 'lead', 'Contract Renewal', 'date');
addField('lastDemo', 'lead', 'Last Demo At', 'datetime');
addField('industry', 'lead', 'Industry', 'choices', { choices: INDUSTRY_CHOICES });
addField('products', 'lead', 'Products', 'choices', { choices: PRODUCT_CHOICES, multi: true, description: 'Products the lead is interested in.' });
addField('owner', 'lead', 'Account Owner', 'user');
addField('primaryContact', 'lead', 'Primary Contact', 'contact');
addField('externalRef', 'lead', 'External Ref', 'hidden', { description: 'ID in the billing system.' });
// contact fields
addField('department', 'contact', 'Department', 'text');
addField('languages', 'contact', 'Languages', 'choices', { choices: LANGUAGE_CHOICES, multi: true });
// opportunity fields
addField('dealType', 'opportunity', 'Deal Type', 'choices', { choices: DEAL_TYPE_CHOICES });
addField('oppSeats', 'opportunity', 'Seats', 'number');
// activity fields (one per custom activity type)
addField('callOutcome', 'activity', 'Call Outcome', 'choices', { choices: CALL_OUTCOME_CHOICES, activityType: atDiscovery.id });
addField('demoOutcome', 'activity', 'Demo Outcome', 'choices', { choices: DEMO_OUTCOME_CHOICES, activityType: atDemo.id });
// custom object fields
addField('plan', 'custom_object', 'Plan', 'choices', { choices: PLAN_CHOICES, objectTypeId: cotSubscription.id });
addField('coSeats', 'custom_object', 'Seats', 'number', { objectTypeId: cotSubscription.id });
// shared fields
addField('region', 'shared', 'Region', 'text', {
  associations: [assoc('lead'), assoc('contact'), assoc('opportunity')],
});
addField('tags', 'shared', 'Tags', 'choices', {
  choices: TAG_CHOICES, multi: true,
  associations: [assoc('lead'), assoc('activity', atDiscovery.id), assoc('custom_object', null, cotSubscription.id)],
});

// ---- vocabulary for leads --------------------------------------------------
const EN_ROOTS = [
  'Northwind', 'Bluebird', 'Summit', 'Redwood', 'Silverline', 'Brightpath', 'Ironclad', 'Lakeside', 'Harbor',
  'Crescent', 'Evergreen', 'Pinnacle', 'Granite', 'Horizon', 'Keystone', 'Maple', 'Orchid', 'Quantum',
  'Riverbend', 'Sterling', 'Tidewater', 'Vertex', 'Willow', 'Zenith', 'Cobalt', 'Falcon', 'Juniper',
  'Meridian', 'Oakridge', 'Polaris', 'Sparrow', 'Trident', 'Beacon', 'Copperleaf', 'Driftwood', 'Elmstone',
  'Foxglove', 'Goldcrest', 'Hawthorne', 'Kingfisher', 'Lumen', 'Nimbus', 'Osprey', 'Prairie', 'Rainier',
];
const EN_NOUNS = [
  ['Analytics', 'Software'], ['Logistics', 'Logistics'], ['Software', 'Software'], ['Labs', 'Software'],
  ['Health', 'Healthcare'], ['Medical', 'Healthcare'], ['Foods', 'Retail'], ['Outfitters', 'Retail'],
  ['Robotics', 'Manufacturing'], ['Manufacturing', 'Manufacturing'], ['Energy', 'Manufacturing'],
  ['Capital', 'Financial Services'], ['Financial', 'Financial Services'], ['Systems', 'Software'],
  ['Consulting', null], ['Media', null], ['Freight', 'Logistics'], ['Networks', 'Software'],
  ['Biotech', 'Healthcare'], ['Dynamics', 'Manufacturing'], ['Partners', null], ['Studios', null],
];
const EN_SUFFIXES = [['Inc.', 5], ['LLC', 4], ['Ltd.', 2], ['Co.', 2], ['Corp.', 2], ['GmbH', 1], ['Group', 1], ['', 6]];
const JP_INDUSTRY_MAP = {
  '製造業': 'Manufacturing', 'IT・通信': 'Software', '小売': 'Retail', '物流': 'Logistics', '金融': 'Financial Services',
  '医療': 'Healthcare', '食品': 'Retail',
};
const LEAD_DESCRIPTIONS = [
  'Met at SaaStr Annual.', 'Inbound demo request via website.', 'Referred by an existing customer.',
  'Evaluating three vendors this quarter.', 'Budget approved for next fiscal year.', 'Long sales cycle, board sign-off needed.',
  'Currently on a competitor; contract ends soon.', 'Expansion opportunity with subsidiaries.',
  '展示会で接点。情報システム部が窓口。', '既存顧客からの紹介。', 'Pilot with one team first, then rollout.',
];
const SOURCE_DETAILS = ['Webinar: Pipeline Hygiene', 'Google Ads - brand', 'Partner referral', 'Trade show booth',
  'Cold outbound sequence', 'Inbound chat', 'LinkedIn campaign', 'Customer referral', 'DX EXPO 2025'];
const LEAD_NOTES = [
  'Decision maker is the COO.\nPrefers email over calls.',
  'Asked for SOC 2 report and DPA.', 'Wants Japanese-language support.',
  'Renewal is handled by procurement, "net 60" payment terms.', '予算は4月に確定。\n決裁は役員会。',
];
const REGIONS = ['North America', 'EMEA', 'APAC', 'LATAM', 'Kanto', 'Kansai'];
const EN_FIRST = ['James', 'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Lucas', 'Mia', 'Ethan', 'Sophia', 'Mason',
  'Isabella', 'Logan', 'Chloe', 'Aiden', 'Grace', 'Henry', 'Zoe', 'Samuel', 'Nora', 'Priya', 'Mateo', 'Hannah', 'Omar'];
const EN_LAST = ['Smith', 'Johnson', 'Brown', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Thomas', 'Moore',
  'Martin', 'Lee', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Lopez', 'Hill', 'Green', 'Patel', 'Schmidt', 'Rossi', 'Khan'];
const EN_TITLES = [['CEO', 2], ['CTO', 2], ['COO', 1], ['VP Sales', 3], ['Head of Operations', 3], ['IT Manager', 4],
  ['Procurement Lead', 2], ['Marketing Director', 2], ['Sales Manager', 3], ['Office Manager', 2], [null, 3]];
const JP_TITLES = [['代表取締役', 1], ['部長', 4], ['課長', 4], ['主任', 2], ['担当', 4], ['マネージャー', 2], [null, 2]];
const DEPARTMENTS_EN = ['Sales', 'IT', 'Operations', 'Finance', 'Procurement', 'Marketing', '情報システム部', '営業本部'];
const OPP_NOTES = ['Annual plan, 20 seats.', 'Upsell: add Telephony.', 'Pilot for the support team.', 'Renewal with price increase.',
  'Multi-year deal under discussion.', '年間契約。ライセンス追加の可能性あり。'];
const ACTIVITY_NOTES = {
  null: ['Left a voicemail.', 'Sent pricing sheet.', 'Internal note: champion is leaving next month.',
    'Asked for a reference customer.', '社内メモ: 競合は大手SaaS。'],
  [atDiscovery.id]: ['Discussed current process and pain points.', 'Budget and timeline confirmed.', 'Not the decision maker; intro to VP promised.'],
  [atDemo.id]: ['Demoed pipeline views and reporting.', 'Great questions about the API.', 'Demo to 5 people from sales ops.'],
};

// ---- leads -----------------------------------------------------------------
const N_CLOSE_LEADS = 300;
// Leads for Close's bulk-edit doc example (s_query: lead name full_words "ACME Inc.").
// The first two match, the other three must not. None of them is "Qualified".
const SPECIAL_LEADS = new Map([
  [17, 'ACME Inc.'],
  [58, 'Inc. ACME Holdings'],
  [101, 'ACMECorp'],
  [144, 'Acme Industries'],
  [203, 'ACME Incorporated'],
  [5, '株式会社ブルーテック'],
]);
const usedLeadNames = new Set(SPECIAL_LEADS.values());
function leadName() {
  for (;;) {
    let name, domain, industry;
    if (C.chance(0.28)) {
      const root = C.pick(COMPANY_ROOTS);
      const ind = C.pick(Object.keys(INDUSTRIES));
      const suffix = C.pick(INDUSTRIES[ind]);
      const kana = C.chance(0.5);
      const short = kana ? root[1] + suffix[1] : root[0] + suffix[0];
      name = C.chance(0.6) ? `株式会社${short}` : `${short}株式会社`;
      domain = `${root[2]}-${suffix[2]}.example.jp`;
      industry = JP_INDUSTRY_MAP[ind] ?? null;
      if (!usedLeadNames.has(name)) return { name, domain, industry, jp: true };
    } else {
      const root = C.pick(EN_ROOTS);
      const [noun, ind] = C.pick(EN_NOUNS);
      const suffix = C.weighted(EN_SUFFIXES);
      name = suffix ? `${root} ${noun} ${suffix}` : `${root} ${noun}`;
      domain = `${root}-${noun}.example.com`.toLowerCase();
      industry = ind;
      if (!usedLeadNames.has(name)) return { name, domain, industry, jp: false };
    }
  }
}
function specialLead(name) {
  const jp = /[^\x00-\x7f]/.test(name);
  const slug = jp ? 'bluetech' : name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return { name, domain: `${slug}.example.${jp ? 'jp' : 'com'}`, industry: jp ? 'Software' : null, jp };
}

const multi = (choices, min, max) => C.sample(choices, C.int(min, max));
const dateOnly = (t) => new Date(t).toISOString().slice(0, 10);

const closeLeads = [];
for (let i = 0; i < N_CLOSE_LEADS; i++) {
  const special = SPECIAL_LEADS.has(i);
  const info = special ? specialLead(SPECIAL_LEADS.get(i)) : leadName();
  usedLeadNames.add(info.name);
  const isAcme = special && /acme/i.test(info.name);
  let status = C.weighted([['Potential', 30], ['Interested', 20], ['Qualified', 20], ['Customer', 15], ['Bad Fit', 15]]);
  if (isAcme) status = ['Potential', 'Interested', 'Customer', 'Bad Fit', 'Potential'][[17, 58, 101, 144, 203].indexOf(i)];
  const created = cBetween(Date.UTC(2025, 0, 3), C_LEAD_CREATED_MAX);
  const updated = C.chance(0.25) ? created : cBetween(created, C_T_END);
  const createdBy = C.pick(userIds);
  const lead = {
    id: closeId('lead_'),
    name: info.name,
    status_id: leadStatusBy[status],
    description: C.chance(0.45) ? C.pick(LEAD_DESCRIPTIONS) : null,
    url: C.chance(0.8) ? `https://${info.domain}` : null,
    created_by: createdBy,
    date_created: closeTs(created),
    date_updated: closeTs(updated),
    custom: {},
    contacts: [],
    opportunities: [],
    activities: [],
    custom_objects: [],
    tasks: [],
  };
  const mailDomain = info.domain;

  // contacts
  const nContacts = C.weighted([[1, 4], [2, 4], [3, 2]]);
  for (let k = 0; k < nContacts; k++) {
    const t = childTimes(created, 60);
    let name, local, title;
    if (info.jp && C.chance(0.8)) {
      const [last, lastR] = C.pick(LAST_NAMES);
      const [first, firstR] = C.pick(FIRST_NAMES);
      name = `${last} ${first}`;
      local = `${firstR}.${lastR}`;
      title = C.weighted(JP_TITLES);
    } else {
      const first = C.pick(EN_FIRST);
      const last = C.pick(EN_LAST);
      name = `${first} ${last}`;
      local = `${first}.${last}`.toLowerCase();
      title = C.weighted(EN_TITLES);
    }
    const emails = [{ email: `${local}@${mailDomain}`, type: 'office' }];
    if (C.chance(0.25)) emails.push({ email: `${local.replace('.', '')}${C.int(1, 99)}@mail.example.com`, type: 'home' });
    const phones = [];
    const nPhones = C.weighted([[0, 3], [1, 5], [2, 2]]);
    const phoneTypes = C.sample(['office', 'mobile', 'home'], nPhones);
    for (const type of phoneTypes) {
      phones.push({ phone: info.jp ? `+81${C.pick(['3', '6', '90', '80'])}${C.digits(8)}` : `+1${C.pick(['415', '212', '646', '312', '512'])}555${C.digits(4)}`, type });
    }
    const custom = {};
    if (C.chance(0.5)) custom[cf.department.id] = C.pick(DEPARTMENTS_EN);
    if (C.chance(0.4)) custom[cf.languages.id] = multi(LANGUAGE_CHOICES, 1, 2);
    if (C.chance(0.3)) custom[cf.region.id] = C.pick(REGIONS);
    lead.contacts.push({
      id: closeId('cont_'),
      name,
      title,
      emails,
      phones,
      date_created: closeTs(t.created),
      date_updated: closeTs(t.updated),
      custom,
    });
  }

  // opportunities
  const nOpps = C.weighted([[0, 4], [1, 4], [2, 2]]);
  for (let k = 0; k < nOpps; k++) {
    const t = childTimes(created);
    const oStatus = status === 'Customer' ? C.weighted([['Won', 6], ['Active', 2], ['Lost', 1]])
      : status === 'Bad Fit' ? C.weighted([['Lost', 3], ['Active', 1]])
      : C.weighted([['Active', 5], ['Negotiation', 2], ['Won', 1], ['Lost', 2]]);
    const custom = {};
    if (C.chance(0.6)) custom[cf.dealType.id] = C.pick(DEAL_TYPE_CHOICES);
    if (C.chance(0.5)) custom[cf.oppSeats.id] = C.pick([5, 10, 20, 25, 50, 100, 250]);
    if (C.chance(0.25)) custom[cf.region.id] = C.pick(REGIONS);
    lead.opportunities.push({
      id: closeId('oppo_'),
      status_id: oppStatusBy[oStatus],
      value: C.int(5, 2500) * 10000, // $500 .. $250,000 in cents
      value_period: C.weighted([['one_time', 3], ['monthly', 3], ['annual', 4]]),
      user_id: C.pick(userIds),
      note: C.chance(0.5) ? C.pick(OPP_NOTES) : null,
      date_created: closeTs(t.created),
      date_updated: closeTs(t.updated),
      // Derived without drawing from the generator, so every other seeded value stays as it was.
      confidence: OPP_CONFIDENCE[oStatus],
      contact_id: lead.contacts[0]?.id ?? null,
      date_won: oStatus === 'Won' ? closeTs(t.updated).slice(0, 10) : null,
      date_lost: oStatus === 'Lost' ? closeTs(t.updated) : null,
      custom,
    });
  }

  // activities
  const nActs = C.weighted([[0, 2], [1, 4], [2, 3], [3, 2]]);
  for (let k = 0; k < nActs; k++) {
    const t = childTimes(created);
    const typeId = C.weighted([[null, 3], [atDiscovery.id, 4], [atDemo.id, 3]]);
    const custom = {};
    if (typeId === atDiscovery.id) {
      if (C.chance(0.7)) custom[cf.callOutcome.id] = C.pick(CALL_OUTCOME_CHOICES);
      if (C.chance(0.3)) custom[cf.tags.id] = multi(TAG_CHOICES, 1, 2);
    } else if (typeId === atDemo.id) {
      if (C.chance(0.7)) custom[cf.demoOutcome.id] = C.pick(DEMO_OUTCOME_CHOICES);
    }
    lead.activities.push({
      id: closeId('acti_'),
      custom_activity_type_id: typeId,
      note: typeId === null || C.chance(0.6) ? C.pick(ACTIVITY_NOTES[typeId]) : null,
      user_id: C.pick(userIds),
      date_created: closeTs(t.created),
      date_updated: closeTs(t.updated),
      custom,
    });
  }

  // custom objects (Subscription) on about a third of the leads
  if (C.chance(0.33)) {
    const n = C.weighted([[1, 4], [2, 1]]);
    for (let k = 0; k < n; k++) {
      const t = childTimes(created);
      const custom = {};
      const plan = C.chance(0.8) ? C.pick(PLAN_CHOICES) : null;
      if (plan) custom[cf.plan.id] = plan;
      if (C.chance(0.6)) custom[cf.coSeats.id] = C.pick([3, 5, 10, 15, 25, 50, 120]);
      if (C.chance(0.3)) custom[cf.tags.id] = multi(TAG_CHOICES, 1, 2);
      lead.custom_objects.push({
        id: closeId('custobj_'),
        custom_object_type_id: cotSubscription.id,
        name: `${plan ?? 'Standard'} subscription ${new Date(t.created).getUTCFullYear()}-${C.digits(4)}`,
        date_created: closeTs(t.created),
        date_updated: closeTs(t.updated),
        custom,
      });
    }
  }

  // lead custom values (after contacts, for "Primary Contact")
  const lc = lead.custom;
  if (C.chance(0.35)) lc[cf.sourceDetail.id] = C.pick(SOURCE_DETAILS);
  if (C.chance(0.2)) lc[cf.notes.id] = C.pick(LEAD_NOTES);
  if (C.chance(0.5)) lc[cf.employees.id] = C.weighted([[C.int(5, 49), 3], [C.int(50, 499), 4], [C.int(500, 5000), 2], [C.int(5001, 40000), 1]]);
  if (C.chance(0.3)) lc[cf.renewal.id] = dateOnly(cBetween(Date.UTC(2025, 3, 1), Date.UTC(2027, 11, 31)));
  if (C.chance(0.25)) lc[cf.lastDemo.id] = closeTs(cBetween(created, C_T_END));
  if (C.chance(0.6)) lc[cf.industry.id] = info.industry && C.chance(0.85) ? info.industry : C.pick(INDUSTRY_CHOICES);
  if (C.chance(0.4)) lc[cf.products.id] = multi(PRODUCT_CHOICES, 1, 3);
  if (C.chance(0.5)) lc[cf.owner.id] = C.pick(userIds);
  if (C.chance(0.4)) lc[cf.primaryContact.id] = C.pick(lead.contacts).id;
  if (C.chance(0.3)) lc[cf.externalRef.id] = `EXT-${C.digits(6)}`;
  if (C.chance(0.45)) lc[cf.region.id] = C.pick(REGIONS);
  if (C.chance(0.3)) lc[cf.tags.id] = multi(TAG_CHOICES, 1, 3);
  // keep the custom map in field order regardless of the order values were drawn in
  lead.custom = Object.fromEntries(customFields.filter((f) => f.id in lc).map((f) => [f.id, lc[f.id]]));

  closeLeads.push(lead);
}

// ---- lead tasks --------------------------------------------------------------
// Drawn after every lead, so the ids and values above stay as they were. A handful: open ones due on a
// date or at a moment, a dateless one, completed ones, and two still assigned to the inactive user.
const TASK_DEFS = [
  // [text, assignee index, due (date | timestamp | null), complete]
  ['Call back about the renewal', 0, '2026-11-02', false],
  ['Send the pricing sheet', 1, '2026-11-03T15:30:00.000Z', false],
  ['Follow up on the demo', 2, '2026-12-15', false],
  ['Prepare the onboarding plan', 0, null, false],
  ['Confirm the contract signatory', 1, '2026-10-20', true],
  ['Check in after the trial', 3, '2026-10-28', false],
  ['Hand over the account notes', 3, '2026-09-30T09:00:00.000Z', true],
  ['Book the quarterly review', 0, '2027-01-12T01:00:00.000Z', false],
];
const taskLeads = C.sample(closeLeads, TASK_DEFS.length);
TASK_DEFS.forEach(([text, who, due, complete], k) => {
  const lead = taskLeads[k];
  const t = childTimes(Date.parse(lead.date_created), 60);
  lead.tasks.push({
    id: closeId('task_'),
    assigned_to: userIds[who],
    text,
    date: due === null || due.length === 10 ? due : closeTs(Date.parse(due)),
    is_complete: complete,
    created_by: userIds[who === 3 ? 3 : 0],
    updated_by: userIds[who === 3 ? 3 : 0],
    date_created: closeTs(t.created),
    date_updated: closeTs(t.updated),
  });
});

// ---- pipelines (drawn last, so that every id above stays as it was) ----------
// "Sales" holds the statuses above; "Partnerships" has statuses of its own and no opportunities yet.
const salesPipeline = { id: closeId('pipe_'), name: 'Sales' };
const partnerPipeline = { id: closeId('pipe_'), name: 'Partnerships' };
const partnerStatuses = [['Referred', 'active'], ['Partner Signed', 'won'], ['Partner Declined', 'lost']]
  .map(([label, type]) => ({ id: closeId('stat_'), label, type, pipeline_id: partnerPipeline.id }));

// ---- email templates and unsubscribed addresses (drawn after everything above, so its ids stay) ----
// One template uses lead, contact, user and custom field variables; the unsubscribed address is a
// seeded contact's, so a bulk email can be seen skipping it.
const EMAIL_TEMPLATE_DEFS = [
  ['Introduction', 'Hello from {{ organization.name }}',
    '<p>Hi {{ contact.first_name|default("there") }},</p><p>I am reaching out to {{ lead.display_name }} ({{ lead.custom.Industry }}).</p>' +
    '<p>{{ user.full_name }}<br>{{ user.email }}</p>', true, false],
  ['Follow-up', 'Following up, {{ contact.first_name }}', '<p>Any thoughts on my last email, {{ contact.name }}?</p><p>{{ user.first_name }}</p>', true, false],
  ['Old announcement', 'News from {{ organization.name }}', '<p>Our old announcement.</p>', false, true],
];
const emailTemplates = EMAIL_TEMPLATE_DEFS.map(([name, subject, body, shared, archived], k) => ({
  id: closeId('tmpl_'), name, subject, body, is_shared: shared, is_archived: archived,
  created_by: userIds[0], updated_by: userIds[0],
  date_created: closeTs(Date.UTC(2025, 2, 3 + k, 10)), date_updated: closeTs(Date.UTC(2025, 2, 3 + k, 10)),
}));
const unsubscribedEmails = [{ email: closeLeads[1].contacts[0].emails[0].email.toLowerCase(), date_created: closeTs(Date.UTC(2026, 5, 1, 12)) }];
// ---- connected accounts, sequences, subscriptions (drawn after the templates: every id above stays) ----
// Email steps send the first two templates.
// One email account for each of the first two users; two sequences by the first user; six subscriptions of
// five contacts (the first in both sequences): four active, one paused, one finished.
const connectedAccounts = closeUsers.slice(0, 2).map((u, i) => ({
  id: closeId('emailacct_'),
  user_id: u.id,
  type: i === 0 ? 'google' : 'custom',
  email: u.email,
  name: `${u.first_name} ${u.last_name}`,
  date_created: closeTs(Date.parse(u.date_created) + DAY),
}));
const WEEKDAYS = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
const SEQ_CREATED = Date.UTC(2026, 8, 1, 9, 0, 0);
const sequences = [
  ['Trial follow-up', 'active', 'Asia/Tokyo', [['email', 0], ['call', 2 * 86400], ['email', 4 * 86400]]],
  ['Renewal reminder', 'active', 'UTC', [['email', 0], ['email', 7 * 86400]]],
].map(([name, status, timezone, steps], k) => ({
  id: closeId('seq_'),
  name,
  status,
  timezone,
  schedule: { ranges: WEEKDAYS },
  steps: steps.map(([step_type, delay]) => ({
    id: closeId('seqstep_'),
    step_type,
    delay,
    ...(step_type === 'email' ? { email_template_id: emailTemplates[k % 2].id, threading: 'old_thread' } : { required: true }),
  })),
  created_by: userIds[0],
  updated_by: userIds[0],
  date_created: closeTs(SEQ_CREATED + k * DAY),
  date_updated: closeTs(SEQ_CREATED + k * DAY),
}));
const mailable = C.sample(closeLeads.flatMap((l) => l.contacts.filter((c) => c.emails.length > 0).map((c) => ({ c, lead: l }))), 5);
const sequenceSubscriptions = [
  [0, 0, 0, 'active'], [0, 1, 0, 'active'], [0, 2, 0, 'paused'], [0, 3, 1, 'finished'], [1, 0, 1, 'active'], [1, 4, 1, 'active'],
].map(([seq, who, acct, status], k) => {
  const { c, lead } = mailable[who];
  const account = connectedAccounts[acct];
  const at = closeTs(SEQ_CREATED + (10 + k) * DAY);
  return {
    id: closeId('sub_'),
    sequence_id: sequences[seq].id,
    contact_id: c.id,
    lead_id: lead.id,
    contact_email: c.emails[0].email,
    sender_account_id: account.id,
    sender_name: account.name,
    sender_email: account.email,
    status,
    calls_assigned_to: [account.user_id],
    bulk_action_id: null,
    created_by: account.user_id,
    updated_by: account.user_id,
    date_created: at,
    date_updated: at,
  };
});

// Comments, their threads and LeadMerge activities: appended after everything above and drawn from their
// own PRNG, so every id and value before them stays byte-identical.
const CM = makeRng(0xc0dde27);
function commentId(prefix) {
  for (;;) {
    let s = '';
    for (let i = 0; i < 43; i++) s += B62[Math.floor(CM.next() * 62)];
    const id = prefix + s;
    if (!closeIds.has(id)) {
      closeIds.add(id);
      return id;
    }
  }
}
const COMMENT_AT = Date.UTC(2026, 8, 20, 10, 0, 0);
const COMMENT_BODIES = [
  '<body><p>Spoke with procurement, they want a revised quote.</p></body>',
  '<body><p>Agreed, I will send it tomorrow.</p></body>',
  '<body><p>Budget is confirmed for next quarter.</p></body>',
  '<body><p>Can someone check the renewal date?</p></body>',
  '<body><p>Checked: it renews on the first of the month.</p></body>',
];
const commentedLeads = CM.sample(closeLeads.filter((l) => l.opportunities.length === 0), 2).map((l) => ({ object_type: 'lead', object_id: l.id, lead_id: l.id }));
const commentedOpps = CM.sample(closeLeads.filter((l) => l.opportunities.length > 0), 2)
  .map((l) => ({ object_type: 'opportunity', object_id: l.opportunities[0].id, lead_id: l.id }));
const commentThreads = [];
const comments = [];
[...commentedLeads, ...commentedOpps].forEach((o, k) => {
  const thread = { id: commentId('comthr_'), ...o };
  const n = CM.int(1, 3);
  let last = COMMENT_AT + k * DAY;
  for (let j = 0; j < n; j++) {
    const at = COMMENT_AT + k * DAY + j * 3600_000;
    last = at;
    const by = CM.pick(userIds);
    // The first thread's first comment was removed (its body gone), while the others remain.
    const removed = k === 0 && j === 0 && n > 1;
    comments.push({
      id: commentId('comm_'), thread_id: thread.id, lead_id: o.lead_id, body: removed ? '' : CM.pick(COMMENT_BODIES),
      created_by: by, updated_by: by, removed_by: removed ? by : null, removed_at: removed ? closeTs(at + 60_000) : null,
      date_created: closeTs(at), date_updated: closeTs(removed ? at + 60_000 : at),
    });
  }
  commentThreads.push({ ...thread, date_created: closeTs(COMMENT_AT + k * DAY), date_updated: closeTs(last) });
});
// Merges done before the dataset's time: the sources are gone, the activities stay on the destinations.
const leadMerges = CM.sample(closeLeads, 2).map((l, k) => {
  const at = closeTs(COMMENT_AT + (10 + k) * DAY);
  return {
    id: commentId('acti_'), lead_id: l.id, source_lead_id: commentId('lead_'), destination_lead_id: l.id,
    source_display_name: `${l.name} (duplicate)`, destination_display_name: l.name, user_id: CM.pick(userIds),
    date_created: at, date_updated: at,
  };
});

// ---- activities Close records, and an email thread (appended last, from their own PRNG) ----------
// Every value above stays byte-identical: these draw from R, never from C. A few leads get the Created
// activity an import gives, three a status change into their current status, two opportunities one
// into theirs, each completed seeded task its TaskCompleted; one lead gets a two-email thread and a draft.
const R = makeRng(0x7ec0a0ed);
function recordedId() {
  for (;;) {
    let s = '';
    for (let i = 0; i < 43; i++) s += B62[Math.floor(R.next() * 62)];
    const id = 'acti_' + s;
    if (!closeIds.has(id)) {
      closeIds.add(id);
      return id;
    }
  }
}
const rBetween = (a, b) => (b <= a ? a : a + Math.floor(R.next() * (b - a + 1)));
const later = (iso, maxDays = 30) => closeTs(rBetween(Date.parse(iso) + 60000, Math.min(C_T_END, Date.parse(iso) + maxDays * DAY)));
const statusLabel = (id) => leadStatuses.find((x) => x.id === id).label;
const oppStatus = (id) => opportunityStatuses.find((x) => x.id === id);
function record(lead, type, userId, at, fields, refs = {}) {
  (lead.recorded_activities ??= []).push({ id: recordedId(), type, user_id: userId, date_created: at, date_updated: at, fields, ...refs });
}
for (const lead of R.sample(closeLeads, 4)) record(lead, 'Created', lead.created_by, lead.date_created, { source: 'import' });
for (const lead of R.sample(closeLeads, 3)) {
  const from = R.pick(leadStatuses.filter((x) => x.id !== lead.status_id));
  record(lead, 'LeadStatusChange', R.pick(userIds.slice(0, 3)), later(lead.date_created), {
    old_status_id: from.id, old_status_label: from.label, new_status_id: lead.status_id, new_status_label: statusLabel(lead.status_id),
  });
}
const active = opportunityStatuses.find((x) => x.type === 'active');
for (const { lead, o } of R.sample(closeLeads.flatMap((lead) => lead.opportunities.filter((o) => o.status_id !== active.id).map((o) => ({ lead, o }))), 2)) {
  const to = oppStatus(o.status_id);
  record(lead, 'OpportunityStatusChange', o.user_id, o.date_updated, {
    old_status_id: active.id, old_status_label: active.label, old_status_type: 'active', new_status_id: to.id, new_status_label: to.label,
    new_status_type: to.type, pipeline_id: salesPipeline.id, opportunity_value: o.value, opportunity_value_period: o.value_period,
    opportunity_value_currency: 'USD', opportunity_value_formatted: null, opportunity_confidence: o.confidence ?? 0,
    opportunity_date_won: o.date_won ?? (to.type === 'won' ? o.date_updated.slice(0, 10) : null),
  }, { opportunity_id: o.id });
}
for (const lead of closeLeads) {
  for (const task of lead.tasks.filter((x) => x.is_complete)) {
    record(lead, 'TaskCompleted', task.updated_by, task.date_updated, {
      task_text: task.text, task_assigned_to: task.assigned_to,
      task_assigned_to_name: [closeUsers.find((u) => u.id === task.assigned_to)].map((u) => `${u.first_name} ${u.last_name}`)[0],
    }, { task_id: task.id });
  }
}
{
  const [lead] = R.sample(closeLeads.filter((l) => l.contacts.some((c) => c.emails.length > 0)), 1);
  const contact = lead.contacts.find((c) => c.emails.length > 0);
  const user = closeUsers[0];
  const sentAt = later(lead.date_created);
  const repliedAt = later(sentAt, 3);
  const draftAt = closeTs(Date.parse(repliedAt) + 3600_000);
  const firstId = recordedId();
  lead.emails = [
    { id: firstId, status: 'sent', subject: 'Quick question', to: [contact.emails[0].email], date_created: sentAt, date_updated: sentAt,
      contact_id: contact.id, user_id: user.id, body_text: 'Do you have ten minutes this week?', direction: 'outgoing', sender: user.email, date_sent: sentAt },
    { id: recordedId(), status: 'inbox', subject: 'Re: Quick question', to: [user.email], date_created: repliedAt, date_updated: repliedAt,
      contact_id: contact.id, body_text: 'Thursday works.', direction: 'incoming', sender: contact.emails[0].email, date_sent: repliedAt,
      thread_id: firstId, in_reply_to_id: firstId },
    { id: recordedId(), status: 'draft', subject: 'Agenda for Thursday', to: [contact.emails[0].email], date_created: draftAt, date_updated: draftAt,
      contact_id: contact.id, user_id: user.id, body_text: null, direction: 'outgoing' },
  ];
}
// ---- smart views, a role, send-as associations, dialer sessions, integration links ----
// Drawn from a PRNG of their own (appended last), so every id and value above stays as it was.
// Smart views: an s_query tree, the search body Close's UI saves (referring to the first view), a legacy
// query string and a contact view; dialer sessions run on the first two views and a shared entry.
const V = makeRng(0x5a7ed71e);
const viewId = (prefix) => closeId(prefix, V);
const VIEWS_CREATED = Date.UTC(2026, 9, 1, 9, 0, 0);
const statusId = (label) => leadStatuses.find((x) => x.label === label).id;
const leadField = (name) => ({ type: 'regular_field', object_type: 'lead', field_name: name });
const qualifiedView = viewId('save_');
const savedSearches = [
  [qualifiedView, 'Qualified leads', 'lead', {
    type: 'and', queries: [{ type: 'object_type', object_type: 'lead' },
      { type: 'field_condition', field: leadField('status_id'), condition: { type: 'term', values: [statusId('Qualified')] } }],
  }, null, true],
  [viewId('save_'), 'Qualified leads with an active opportunity', 'lead', {
    query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'saved_search', saved_search_id: qualifiedView },
      { type: 'has_related', this_object_type: 'lead', related_object_type: 'opportunity', related_query: {
        type: 'field_condition', field: { type: 'regular_field', object_type: 'opportunity', field_name: 'status_type' }, condition: { type: 'term', values: ['active'] } } }] },
    sort: [{ field: leadField('date_created'), direction: 'desc' }],
  }, null, false],
  [viewId('save_'), 'Customers with opportunities', 'lead', null, 'status:Customer opportunities > 0', true],
  [viewId('save_'), 'Contacts with a title', 'contact', {
    type: 'and', queries: [{ type: 'object_type', object_type: 'contact' },
      { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'title' }, condition: { type: 'exists' } }],
  }, null, false],
].map(([id, name, type, s_query, query, is_shared], k) => ({
  id, name, type, description: null, is_shared, is_user_dependent: null, query, s_query, selected_fields: null,
  user_id: userIds[k % 2], date_created: closeTs(VIEWS_CREATED + k * DAY), date_updated: closeTs(VIEWS_CREATED + k * DAY),
}));
const roles = [{
  id: viewId('role_'), name: 'Account Owners Only', permissions: ['edit_all_leads'],
  visibility_user_lcf_ids: [customFields.find((f) => f.object_type === 'lead' && f.name === 'Account Owner').id],
  visibility_user_lcf_behavior: 'allow_unassigned', date_created: closeTs(VIEWS_CREATED), date_updated: closeTs(VIEWS_CREATED),
}];
const sendAs = [[0, 2], [1, 0]].map(([allowing, allowed], k) => ({
  id: viewId('sendas_'), allowing_user_id: userIds[allowing], allowed_user_id: userIds[allowed], date_created: closeTs(VIEWS_CREATED + (k + 1) * 3600e3),
}));
const dialerSessions = [
  ['saved-search', savedSearches[0].id, 'power', 'ended', 0, [0]],
  ['saved-search', savedSearches[1].id, 'predictive', 'active', 1, [1, 2]],
  ['shared-entry', `sharedentry_${viewId('').slice(0, 20)}`, 'power', 'paused', 0, [0, 1]],
].map(([source_type, source_value, type, status, user, users], k) => ({
  id: viewId('dialer_'), source_type, source_value, type, status, user_id: userIds[user], user_ids: users.map((u) => userIds[u]),
  date_created: closeTs(VIEWS_CREATED + (5 + k) * DAY), date_updated: closeTs(VIEWS_CREATED + (5 + k) * DAY + 3600e3),
}));
const integrationLinks = [
  ['Billing account', 'lead', 'https://billing.example.com/accounts?lead={{ lead.id }}'],
  ['LinkedIn search', 'contact', 'https://www.linkedin.com/search/results/all/?keywords={{ contact.name }}'],
  ['New quote', 'opportunity', 'https://quotes.example.com/new?opportunity={{ opportunity.id }}&value={{ opportunity.value }}'],
].map(([name, type, url], k) => ({
  id: viewId('intlink_'), name, type, url, created_by: userIds[0], updated_by: userIds[0],
  date_created: closeTs(VIEWS_CREATED + k * 3600e3), date_updated: closeTs(VIEWS_CREATED + k * 3600e3),
}));

// ---- calls, meetings and SMS (issue 23) -------------------------------------
// Drawn from their own PRNG, after everything else, so every id and value above stays the same.
const A = makeRng(0xac7cafe5);
function actId() {
  for (;;) {
    let s = '';
    for (let i = 0; i < 43; i++) s += B62[Math.floor(A.next() * 62)];
    const id = 'acti_' + s;
    if (!closeIds.has(id)) {
      closeIds.add(id);
      return id;
    }
  }
}
const aBetween = (a, b) => (b <= a ? a : a + Math.floor(A.next() * (b - a + 1)));
const phoneOf = () => `+1415555${String(A.int(0, 9999)).padStart(4, '0')}`;
const withContacts = closeLeads.filter((l) => l.contacts.length > 0);
const CALL_NOTES = ['Asked about pricing tiers.', 'Left a voicemail.', 'Walked through the onboarding plan.', 'Scheduled a follow-up demo.', null];
const SMS_TEXTS = ['Thanks for your time today!', 'Running 5 minutes late.', 'Sounds good, talk Friday.', 'Can you send the proposal?'];
const MEETING_TITLES = ['Discovery meeting', 'Product demo', 'Contract review', 'Quarterly check-in'];
const typedActivities = [];
const typedCommon = (lead) => {
  const contact = A.pick(lead.contacts);
  const user = A.pick(closeUsers).id;
  const created = aBetween(Date.parse(lead.date_created) + 60000, C_T_END);
  return {
    id: actId(), lead_id: lead.id, contact_id: contact.id, user_id: user, created_by: user, updated_by: user, activity_at: null,
    date_created: closeTs(created), date_updated: closeTs(created), contact, created,
  };
};
for (let k = 0; k < 12; k++) {
  const { contact: _c, created: _t, ...common } = typedCommon(A.pick(withContacts));
  const status = A.weighted([['completed', 6], ['no-answer', 2], ['busy', 1]]);
  typedActivities.push({
    ...common, _type: 'Call', direction: A.chance(0.7) ? 'outbound' : 'inbound', duration: status === 'completed' ? A.int(30, 1800) : 0,
    phone: phoneOf(), status, source: 'External', note: A.pick(CALL_NOTES), note_html: null, recording_url: null, voicemail_url: null,
  });
}
for (let k = 0; k < 6; k++) {
  const { contact, created, ...common } = typedCommon(A.pick(withContacts));
  const owner = closeUsers.find((u) => u.id === common.user_id);
  const starts = created + A.int(1, 14) * DAY;
  typedActivities.push({
    ...common, _type: 'Meeting', title: A.pick(MEETING_TITLES), starts_at: closeTs(starts), ends_at: closeTs(starts + A.pick([30, 45, 60]) * 60000),
    attendees: [
      { email: owner.email, name: `${owner.first_name} ${owner.last_name}`, status: 'yes', contact_id: null, user_id: owner.id, is_organizer: true },
      { email: contact.emails[0]?.email ?? null, name: contact.name, status: A.pick(['yes', 'maybe', 'no']), contact_id: contact.id, user_id: null, is_organizer: false },
    ],
    location: A.chance(0.5) ? 'Zoom' : null, note: null, status: starts > C_T_END ? 'upcoming' : 'completed',
  });
}
for (let k = 0; k < 10; k++) {
  const { contact: _c, created: _t, ...common } = typedCommon(A.pick(withContacts));
  const inbound = A.chance(0.4);
  typedActivities.push({
    ...common, _type: 'SMS', direction: inbound ? 'inbound' : 'outbound', status: inbound ? 'inbox' : 'sent', text: A.pick(SMS_TEXTS),
    local_phone: '+14155550001', remote_phone: phoneOf(), source: 'External', date_sent: common.date_created, date_scheduled: null,
  });
}

// ---- WhatsApp messages and form submissions (issue 23) ----------------------
// Drawn from their own PRNG, after the calls, meetings and SMS, so every id and value above stays the same.
const W = makeRng(0x3a75f0e1);
function wId(prefix, n = 43) {
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += B62[Math.floor(W.next() * 62)];
    const id = prefix + s;
    if (!closeIds.has(id)) {
      closeIds.add(id);
      return id;
    }
  }
}
const WA_TEXTS = ['Hi! Is *Thursday* still good for the demo?', 'Sure, _see you then_.', 'Here is the link to the proposal.', 'Thanks, talk soon!'];
const wCommon = (lead, user) => {
  const created = Date.parse(lead.date_created) + 60000 + Math.floor(W.next() * (C_T_END - Date.parse(lead.date_created) - 60000));
  return {
    id: wId('acti_'), lead_id: lead.id, contact_id: W.pick(lead.contacts).id, user_id: user, created_by: user, updated_by: user,
    activity_at: closeTs(created), date_created: closeTs(created), date_updated: closeTs(created),
  };
};
for (let k = 0; k < 6; k++) {
  const incoming = W.chance(0.5);
  typedActivities.push({
    ...wCommon(W.pick(withContacts), W.pick(closeUsers).id), _type: 'WhatsAppMessage', external_whatsapp_message_id: `wamid.${wId('', 24)}`,
    direction: incoming ? 'incoming' : 'outgoing', message_markdown: W.pick(WA_TEXTS), local_phone: '+14155550001',
    remote_phone: `+1415555${String(W.int(0, 9999)).padStart(4, '0')}`, integration_link: null, response_to_id: null, source: 'api',
  });
}
const FORMS = [
  { id: wId('form_', 22), configuration: wId('formconf_', 22), name: 'Contact us', fields: ['Name', 'Email', 'Message'] },
  { id: wId('form_', 22), configuration: wId('formconf_', 22), name: 'Demo request', fields: ['Name', 'Email', 'Company size', 'Subscribe'] },
];
const ANSWERS = { Name: null, Email: null, Message: 'Please call me back.', 'Company size': '11-50', Subscribe: true };
for (let k = 0; k < 5; k++) {
  const form = FORMS[k % FORMS.length];
  const lead = W.pick(withContacts);
  const common = wCommon(lead, null);
  const contact = lead.contacts.find((c) => c.id === common.contact_id);
  const byName = Object.fromEntries(form.fields.map((f) => [f, f === 'Name' ? contact.name : f === 'Email' ? contact.emails[0]?.email ?? null : ANSWERS[f]]));
  typedActivities.push({
    ...common, created_by: null, updated_by: null, _type: 'FormSubmission', form_id: form.id, form_configuration_id: form.configuration,
    form_name: form.name, ip_address: `203.0.113.${W.int(1, 254)}`, origin: 'webform',
    source_url: W.pick(['https://example.com/contact/?utm_source=ads', 'https://example.com/demo']),
    values: Object.fromEntries(form.fields.map((f, i) => [`field_${form.id.slice(5, 13)}${i}`, byName[f]])), values_by_name: byName,
  });
}
typedActivities.sort((a, b) => (a.id < b.id ? -1 : 1));

// ---- lead addresses (issue 29) ----------------------------------------------
// Drawn from their own PRNG, after everything else; only adds an `addresses` key to some leads, so
// every id and value above stays the same. Some leads get two (the legacy `addresses > 1`).
const AD = makeRng(0xadd7e55e);
const PLACES = [
  { city: 'San Francisco', state: 'CA', zipcode: '94103', country: 'US' }, { city: 'Austin', state: 'TX', zipcode: '78701', country: 'US' },
  { city: 'Baltimore', state: 'MD', zipcode: '21201', country: 'US' }, { city: 'New York', state: 'NY', zipcode: '10001', country: 'US' },
  { city: 'Toronto', state: 'ON', zipcode: 'M5V 2T6', country: 'CA' }, { city: 'Berlin', state: null, zipcode: '10115', country: 'DE' },
  { city: 'London', state: null, zipcode: 'EC1A 1BB', country: 'GB' }, { city: 'Tokyo', state: null, zipcode: '100-0001', country: 'JP' },
];
const STREETS = ['Howard St', 'Main St', 'Market St', 'Congress Ave', 'King St W', 'Friedrichstr.', 'Old St', 'Marunouchi'];
const anAddress = (label) => ({
  label, address_1: `${AD.int(1, 999)} ${AD.pick(STREETS)}`, address_2: AD.chance(0.3) ? `Suite ${AD.int(100, 999)}` : null, ...AD.pick(PLACES),
});
for (const lead of AD.sample(closeLeads, 24)) {
  lead.addresses = [anAddress(AD.pick(['business', 'business', 'mailing']))];
  if (AD.chance(0.35)) lead.addresses.push(anAddress(AD.pick(['mailing', 'other'])));
}

const close = {
  organization: closeOrganization,
  users: closeUsers,
  lead_statuses: leadStatuses,
  pipelines: [salesPipeline, partnerPipeline],
  opportunity_statuses: [...opportunityStatuses.map((s) => ({ ...s, pipeline_id: salesPipeline.id })), ...partnerStatuses],
  custom_activity_types: customActivityTypes,
  custom_object_types: customObjectTypes,
  custom_fields: customFields,
  leads: closeLeads,
  email_templates: emailTemplates,
  unsubscribed_emails: unsubscribedEmails,
  connected_accounts: connectedAccounts,
  sequences,
  sequence_subscriptions: sequenceSubscriptions,
  comment_threads: commentThreads,
  comments,
  lead_merges: leadMerges,
  saved_searches: savedSearches,
  roles,
  send_as: sendAs,
  dialer_sessions: dialerSessions,
  integration_links: integrationLinks,
  typed_activities: typedActivities,
};

// ---------------------------------------------------------------------------
// BlueAI custom fields: definitions and some values (their own random stream, so the rest is unchanged)
// ---------------------------------------------------------------------------
const cfRand = mulberry32(SEED ^ 0xc0f1e1d);
const cfPick = (arr) => arr[Math.floor(cfRand() * arr.length)];
function cfId() {
  for (;;) {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += (Math.floor(cfRand() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    const id = 'cfd_' + hex;
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}
const CF_DEFS = [
  ['deal', 'リード獲得経路', 'select', ['Web問い合わせ', '展示会', '紹介', 'テレアポ', 'パートナー']],
  ['deal', '競合', 'multi_select', ['自社開発', 'A社', 'B社', 'C社']],
  ['deal', '導入予定時期', 'date', null],
  ['deal', '確度メモ', 'text', null],
  ['company', '顧客ランク', 'select', ['A', 'B', 'C']],
  ['company', '年間IT予算（万円）', 'number', null],
  ['contact', '決裁権', 'select', ['あり', 'なし', '不明']],
  ['contact', '関心製品', 'multi_select', ['BlueAI CRM', 'BlueAI MA', 'BlueAI BI']],
];
const sortOrders = new Map();
const customFieldDefinitions = CF_DEFS.map(([resource_type, name, field_type, options], i) => {
  const at = iso(PIPE_CREATED + (i + 1) * 3600000);
  const sort_order = sortOrders.get(resource_type) ?? 0;
  sortOrders.set(resource_type, sort_order + 1);
  return {
    id: cfId(), resource_type, name, field_type, options_json: options ? JSON.stringify(options) : null,
    is_required: false, sort_order, created_at: at, updated_at: at,
  };
});
const CF_MEMOS = ['決裁者と面談済み', '予算確保待ち', '競合比較中、価格重視', '来期予算で検討', '担当者が前向き'];
function cfValue(def, record) {
  const options = def.options_json ? JSON.parse(def.options_json) : [];
  switch (def.field_type) {
    case 'select': return cfPick(options);
    case 'multi_select': return options.filter(() => cfRand() < 0.4);
    case 'number': return 50 * (1 + Math.floor(cfRand() * 200));
    case 'date': return ymd(ms(record.created_at) + (30 + Math.floor(cfRand() * 300)) * DAY);
    default: return cfPick(CF_MEMOS);
  }
}
for (const [type, records] of [['deal', deals], ['company', companies], ['contact', contacts]]) {
  const defs = customFieldDefinitions.filter((d) => d.resource_type === type);
  for (const record of records) {
    const values = {};
    for (const def of defs) {
      if (cfRand() >= 0.6) continue;
      const value = cfValue(def, record);
      if (!Array.isArray(value) || value.length > 0) values[def.id] = value;
    }
    if (Object.keys(values).length > 0) record.custom_fields = values;
  }
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------
const data = {
  credentials: [
    { token: 'blueai-demo-token', description: 'demo session token (also usable as a Close API key)' },
    { token: 'ci-token', description: 'token for automated tests and CI pipelines' },
  ],
  blueai: { members, pipelines, companies, contacts, deals, ...blueaiCrm({ mulberry32, usedIds, members, companies, contacts, deals, activities }), custom_field_definitions: customFieldDefinitions },
  close,
};

writeFileSync(OUT, JSON.stringify(data, null, 1) + '\n');
console.log(
  `wrote ${OUT}: ${members.length} members, ${pipelines.length} pipelines, ${companies.length} companies, ` +
    `${contacts.length} contacts, ${deals.length} deals, ${data.blueai.activities.length} activities, ${data.blueai.tags.length} tags, ${data.blueai.tag_assignments.length} tag assignments, ${customFieldDefinitions.length} custom fields; close: ` +
    `${closeUsers.length} users, ${customFields.length} custom fields, ${closeLeads.length} leads, ${TASK_DEFS.length} tasks`,
);
