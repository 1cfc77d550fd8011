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
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

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
});

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

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------
const data = {
  credentials: [
    { token: 'blueai-demo-token', description: 'demo session token (also usable as a Close API key)' },
    { token: 'ci-token', description: 'token for automated tests and CI pipelines' },
  ],
  blueai: { members, pipelines, companies, contacts, deals, activities },
};

writeFileSync(OUT, JSON.stringify(data, null, 1) + '\n');
console.log(
  `wrote ${OUT}: ${members.length} members, ${pipelines.length} pipelines, ${companies.length} companies, ` +
    `${contacts.length} contacts, ${deals.length} deals, ${activities.length} activities`,
);
