-- Regulator–police cooperation (PPC–NPA memorandum of 2023): the prefectural police contacts
-- (reference data from crates/roei-domain/data/prefectural-police-contacts.csv, 47 rows with
-- their source, date and confidence; regulator admins correct them, every edit audited),
-- shared items with their designated scope (覚書5条), recipients, read receipts, threads and
-- consent requests; and at most one police introduction per case.

-- A police introduction is recorded once per case (a second attempt is a conflict). Earlier
-- versions let it be recorded twice: keep the first of each case (the audit log keeps the
-- record of every attempt).
DELETE FROM regulator_actions
WHERE kind = 'police_introduction'
  AND EXISTS (
    SELECT 1 FROM regulator_actions AS earlier
    WHERE earlier.case_id = regulator_actions.case_id
      AND earlier.kind = 'police_introduction'
      AND (earlier.at_us < regulator_actions.at_us
           OR (earlier.at_us = regulator_actions.at_us AND earlier.id < regulator_actions.id))
  );
CREATE UNIQUE INDEX regulator_actions_one_police_introduction
    ON regulator_actions (case_id) WHERE kind = 'police_introduction';

CREATE TABLE police_contacts (
    prefecture_code TEXT    NOT NULL PRIMARY KEY,
    prefecture      TEXT    NOT NULL,
    police_hq       TEXT    NOT NULL,
    contact_name    TEXT    NULL,
    phone           TEXT    NULL,
    url             TEXT    NULL,
    source          TEXT    NOT NULL,
    retrieved       TEXT    NULL,
    confidence      TEXT    NOT NULL,
    updated_at_us   INTEGER NULL,
    updated_by      TEXT    NULL REFERENCES users (id)
) STRICT;

-- One row per shared item; `scope` is the current designated scope (JSON), `tlp` and the
-- recipients table repeat it for the queries. A recipient's copy is this row read through
-- its current scope, never a snapshot.
CREATE TABLE shared_items (
    id             TEXT    NOT NULL PRIMARY KEY,
    kind           TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    originator_org TEXT    NOT NULL REFERENCES organisations (id),
    created_by     TEXT    NOT NULL REFERENCES users (id),
    created_at_us  INTEGER NOT NULL,
    source_case    TEXT    NULL REFERENCES cases (id),
    tlp            TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    scope_version  INTEGER NOT NULL,
    revoked_at_us  INTEGER NULL
) STRICT;

CREATE INDEX shared_items_originator ON shared_items (originator_org, created_at_us);
CREATE INDEX shared_items_clear ON shared_items (tlp) WHERE tlp = 'CLEAR';

CREATE TABLE shared_item_recipients (
    item_id TEXT NOT NULL REFERENCES shared_items (id),
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (item_id, org_id)
) STRICT;

CREATE INDEX shared_item_recipients_org ON shared_item_recipients (org_id);

-- Read receipts: every reading (page, API, export, STIX).
CREATE TABLE shared_item_views (
    id      TEXT    NOT NULL PRIMARY KEY,
    item_id TEXT    NOT NULL REFERENCES shared_items (id),
    org_id  TEXT    NOT NULL REFERENCES organisations (id),
    user_id TEXT    NOT NULL REFERENCES users (id),
    via     TEXT    NOT NULL,
    at_us   INTEGER NOT NULL
) STRICT;

CREATE INDEX shared_item_views_item ON shared_item_views (item_id, at_us);

CREATE TABLE shared_item_replies (
    id         TEXT    NOT NULL PRIMARY KEY,
    item_id    TEXT    NOT NULL REFERENCES shared_items (id),
    author_org TEXT    NOT NULL REFERENCES organisations (id),
    author     TEXT    NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    at_us      INTEGER NOT NULL
) STRICT;

CREATE INDEX shared_item_replies_item ON shared_item_replies (item_id, at_us);

-- Requests to pass an item on beyond its scope, decided by the originator.
CREATE TABLE consent_requests (
    id               TEXT    NOT NULL PRIMARY KEY,
    item_id          TEXT    NOT NULL REFERENCES shared_items (id),
    originator_org   TEXT    NOT NULL REFERENCES organisations (id),
    requested_by_org TEXT    NOT NULL REFERENCES organisations (id),
    requested_by     TEXT    NOT NULL REFERENCES users (id),
    to_org           TEXT    NOT NULL REFERENCES organisations (id),
    reason           TEXT    NOT NULL,
    requested_at_us  INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    decided_by       TEXT    NULL REFERENCES users (id),
    decided_at_us    INTEGER NULL,
    decision_note    TEXT    NULL
) STRICT;

CREATE INDEX consent_requests_item ON consent_requests (item_id, requested_at_us);
CREATE INDEX consent_requests_originator ON consent_requests (originator_org);
CREATE INDEX consent_requests_requester ON consent_requests (requested_by_org);

INSERT INTO police_contacts (prefecture_code, prefecture, police_hq, contact_name, phone, url,
                             source, retrieved, confidence) VALUES
    ('01', '北海道', '北海道警察本部', NULL, '011-241-9110', 'http://www.police.pref.hokkaido.jp/', 'NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 011-241-9110(総); mail page http://www.police.pref.hokkaido.jp/consult/soudan/request/request.html', 'undated', 'official-legacy-list'),
    ('02', '青森県', '青森県警察本部', '警察相談専用電話 (general police consultation line; not cyber-specific)', '017-735-9110', 'http://www.police.pref.aomori.jp/seianbu/seikan/hitech/index.htm', 'NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 017-735-9110(総) and the cyber page URL; the same number is given as 警察相談専用電話 (#9110) in 大鰐町 広報 2024年2月号 (mykoho.jp)', 'undated (NPA list); 2024-02 (town bulletin)', 'secondary (number corroborated 2024); url official-legacy-list'),
    ('03', '岩手県', '岩手県警察本部', 'サイバー犯罪対策課 (name per 岩手日報 2019-02-01)', '019-654-9110', 'http://www.iwate-kenkei.morioka.iwate.jp/', 'NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 019-654-9110(総); 岩手日報 https://www.iwate-np.co.jp/article/2019/2/1/45418 (県警サイバー犯罪対策課; X @Iwate_cyber)', 'undated (NPA list); 2019-02-01 (news)', 'official-legacy-list (phone/url); secondary (name)'),
    ('04', '宮城県', '宮城県警察本部', '宮城県警察本部生活安全部サイバー犯罪対策課', '022-266-9110', 'http://www.police.pref.miyagi.jp/hp/cyber/soudan.html', '宮城県警 サイバー犯罪対策課 相談事例 page (name, url); NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 022-266-9110(総)', 'undated', 'official-undated (name/url); official-legacy-list (phone)'),
    ('05', '秋田県', '秋田県警察本部', '生活安全部サイバー犯罪対策課 (created 2019-10-01 per 河北新報)', '018-865-8110', 'http://www.police.pref.akita.jp/kenkei/cyber/body.html', 'NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 018-865-8110(専); 秋田県警サイバー犯罪対策室 page (c. 2013) at the url; 河北新報 2019-10-03 (reposted on 5ch) on the new 課', 'undated (list); 2019-10-03 (news)', 'official-legacy-list (phone); secondary (name)'),
    ('06', '山形県', '山形県警察本部', '山形県警察総合相談電話 (cyber: 警察本部 生活環境課 サイバー犯罪対策チーム)', '023-642-9110', 'http://www.pref.yamagata.jp/ou/keisatsu/800016/cyber/advise.html', '山形県警 相談・情報提供 page (also lists 県警メールボックス and station 生活安全課); NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 023-642-9110(総)', 'undated (page cites 平成26年 statistics)', 'official-undated'),
    ('07', '福島県', '福島県警察本部', '警察安全相談室 (per サイバー犯罪に関する、情報提供相談コーナー)', '024-525-3311', 'http://www.police.pref.fukushima.jp/onegai/jyouhou/hightech2/soudann_new.html', '福島県警 page (e-mail consultation; stations); NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm gives 024-533-9110(総) instead — conflict unresolved', 'undated', 'official-undated (conflicting numbers)'),
    ('08', '茨城県', '茨城県警察本部', '生活安全部サイバー犯罪対策課 — サイバー事案に関する相談窓口（通報・相談）', '029-301-8109', 'http://www.pref.ibaraki.jp/kenkei/a01_safety/cyber/taisyo/index.html', '茨城県警 page 更新日 2024-04-08 (points to the NPA online window; phishing tips to hi-tech@pref.ibaraki.lg.jp); 茨城県 くらしのQ&A 更新日 2020-07-08 (窓口 at 県警察本部生活安全部サイバー犯罪対策課); phone only from NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 029-301-8109(専)', '2024-04-08 (page); phone undated', 'official-dated (name/url); official-legacy-list (phone)'),
    ('09', '栃木県', '栃木県警察本部', NULL, '028-627-9110', 'http://www.pref.tochigi.lg.jp/keisatu/seikatu/nethanzai.html', 'NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 028-627-9110(総)', 'undated', 'official-legacy-list'),
    ('10', '群馬県', '群馬県警察本部', 'サイバー犯罪の情報・被害相談に特化した電話窓口 (per 上毛新聞)', '080-2350-0001', NULL, '上毛新聞 https://www.jomo-news.co.jp/news/gunma/society/301294 (県議会での説明; article reports 2020 figures); NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 027-224-8080(総), http://www.police.pref.gunma.jp/seianbu/01seiki/haiteku/index_hai.htm; NHK 2023-06-06: 県警サイバーセンター (set up 2022-03)', 'c. 2021 (exact date not in stored excerpt)', 'secondary'),
    ('11', '埼玉県', '埼玉県警察本部', 'サイバー事案に関する通報・相談・情報提供 (e-mail forms moved to the NPA online window on 2024-03-29)', '048-832-0110', 'https://www.police.pref.saitama.lg.jp/c0070/kurashi/joho110-cyber.html', '埼玉県警 page 更新日 2024-07-29 (stored via mirror http://40.74.122.252/index.cgi/contrast/...); phone only from NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 048-832-0110(総)', '2024-07-29 (page); phone undated', 'official-dated (url); official-legacy-list (phone)'),
    ('12', '千葉県', '千葉県警察本部', '千葉県警察本部 (switchboard; not a cyber desk)', '043-201-0110', NULL, '松戸市 notice on サイバーセキュリティ月間 2024 (vivinavi mirror): お問い合わせ先 千葉県警察本部 TEL 043-201-0110', '2024 (notice)', 'secondary'),
    ('13', '東京都', '警視庁', NULL, '03-3431-8109', 'http://www.keishicho.metro.tokyo.jp/haiteku/haiteku/haiteku1.htm', 'NPA legacy list 「都道府県警察本部のサイバー犯罪相談窓口等一覧」 http://www.npa.go.jp/cyber/soudan.htm: 03-3431-8109(専) (pre-サイバー犯罪対策課 era URL)', 'undated', 'official-legacy-list'),
    ('14', '神奈川県', '神奈川県警察本部', 'サイバーセキュリティホットライン', '045-681-3180', 'https://www.police.pref.kanagawa.jp/mes/mesd7017.htm', '神奈川県警 サイバーセキュリティホットライン page (受付時間 午前8時30分から…; rest truncated in stored excerpt)', 'undated', 'official-undated'),
    ('15', '新潟県', '新潟県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('16', '富山県', '富山県警察本部', '警察本部 生活安全部 サイバー犯罪対策課 — サイバーに関する相談', NULL, 'https://police.pref.toyama.jp/6129/soshikiichiran/6129/sodan.html', '富山県警 page 更新日 2024-04-02 (phone not in stored excerpt)', '2024-04-02', 'official-dated'),
    ('17', '石川県', '石川県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('18', '福井県', '福井県警察本部', '相談窓口 (cyber: nearest police station by phone, or the NPA online window)', NULL, 'https://www.pref.fukui.jp/kenkei/doc/kenkei/soudan-soudan.html', '福井県警 page: lists station numbers and https://www.npa.go.jp/bureau/cyber/soudan.html; no HQ cyber number', 'undated (after 2024-03; cites the NPA online window)', 'official-undated'),
    ('19', '山梨県', '山梨県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('20', '長野県', '長野県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('21', '岐阜県', '岐阜県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('22', '静岡県', '静岡県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('23', '愛知県', '愛知県警察本部', 'サイバー犯罪に関する相談、情報提供', NULL, 'http://www.pref.aichi.jp/police/anzen/cyber/soudan/index.html', '愛知県警 page 更新日 2015-02-09 (phone not in stored excerpt)', '2015-02-09', 'official-dated (old)'),
    ('24', '三重県', '三重県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('25', '滋賀県', '滋賀県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('26', '京都府', '京都府警察本部', 'サイバー対策本部 (set up 2024-03; 24-hour duty desk for damage consultations, per NHK)', NULL, NULL, 'NHK 京都 2024-03-19 https://www3.nhk.or.jp/lnews/kyoto/20240319/2010019660.html (サイバー対策本部 発足, 本部内に専従の当直・24時間体制で被害の相談); NHK 関西 2022-09-25 (サイバーセンター plan); 京都府警 page http://www.pref.kyoto.jp/fukei/anzen/seiki_h/cyber/cyber01.html (Ksisnet SME desk from 2015-10-01; no phone in stored excerpt)', '2024-03-19 (news)', 'secondary'),
    ('27', '大阪府', '大阪府警察本部', '生活安全部サイバー犯罪対策課 「インターネットトラブル相談と対処方法」 (web form)', NULL, NULL, '松原市 page http://www.city.matsubara.osaka.jp/index.cfm/6,56086,59,307,html (links to the 大阪府警 page)', 'undated', 'secondary'),
    ('28', '兵庫県', '兵庫県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('29', '奈良県', '奈良県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('30', '和歌山県', '和歌山県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('31', '鳥取県', '鳥取県警察本部', 'サイバー犯罪対策係 (via 警察本部代表電話)', '0857-23-0110', 'http://www.pref.tottori.lg.jp/177530.htm', '鳥取県警 page サイバー犯罪に関する相談窓口: 警察総合相談電話 #9110 / 0857-27-9110; サイバー犯罪対策係 0857-23-0110 (警察本部代表電話); e-mail k_haiteku@pref.tottori.lg.jp', 'undated (links to the NPA list under its old title)', 'official-undated'),
    ('32', '島根県', '島根県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('33', '岡山県', '岡山県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('34', '広島県', '広島県警察本部', 'サイバー犯罪対策課 — サイバー犯罪に関する相談窓口・情報提供', NULL, 'http://www.pref.hiroshima.lg.jp/site/police3/cyber-jyoho-soudan.html', '広島県警 page 掲載日 2013-04-01 (e-mail consultation; phone not in stored excerpt)', '2013-04-01', 'official-dated (old)'),
    ('35', '山口県', '山口県警察本部', 'サイバー犯罪相談 (情報提供)', NULL, 'http://www.police.pref.yamaguchi.jp/kurashi/page_b001_000003.html', '山口県警 page (e-mail handled weekdays 8:30–17:15; consultations at the nearest station)', 'undated', 'official-undated'),
    ('36', '徳島県', '徳島県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('37', '香川県', '香川県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('38', '愛媛県', '愛媛県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('39', '高知県', '高知県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('40', '福岡県', '福岡県警察本部', 'ハイテク犯罪対策プロジェクト (legacy name)', '092-641-4141', NULL, 'インターネット協会 hotline directory https://www.iajapan.org/hotline/dantai/2-025.html (Tel = HQ line; weekdays 08:30–17:15)', 'undated (legacy era)', 'secondary (legacy)'),
    ('41', '佐賀県', '佐賀県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('42', '長崎県', '長崎県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('43', '熊本県', '熊本県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('44', '大分県', '大分県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('45', '宮崎県', '宮崎県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('46', '鹿児島県', '鹿児島県警察本部', NULL, NULL, NULL, 'no source found in the stored corpora (search, pages, docs, code)', NULL, 'not-found'),
    ('47', '沖縄県', '沖縄県警察本部', 'サイバー犯罪対策課 (name per 沖縄タイムス / 琉球新報)', NULL, NULL, '沖縄タイムス https://www.okinawatimes.co.jp/articles/-/91486 (課新設); 琉球新報 https://ryukyushimpo.jp/news/entry-1302968.html (c. 2021)', 'undated (新設 article); c. 2021', 'secondary');
