// The regulator–police cooperation (覚書): the police introduction with the prefecture's contact,
// and technical advice under a designated scope that a recipient cannot pass on without the
// originator's consent.
import { test, expect, request as pwRequest, type APIRequestContext } from '@playwright/test';
import { session, shot } from './helpers';

const BASE = process.env.ROEI_URL ?? 'http://127.0.0.1:8080';

/** An API client logged in as `email` (cookie session + CSRF header). */
async function api(email: string): Promise<{ ctx: APIRequestContext; csrf: string }> {
  const ctx = await pwRequest.newContext({ baseURL: BASE });
  const r = await ctx.post('/api/v1/auth/login', { data: { email, password: 'roei-demo-2026' } });
  expect(r.status()).toBe(200);
  return { ctx, csrf: (await r.json()).csrf_token };
}

/** Operator A reports an unauthorized access (a 速報) through the API; returns the case id. */
async function reportedUnauthorizedAccess(title: string): Promise<string> {
  const { ctx, csrf } = await api('member@shoji.example');
  const headers = { 'x-csrf-token': csrf };
  const facts = {
    known_on: new Date(Date.now() - 2 * 86400_000).toISOString().slice(0, 10),
    events: ['leak'], suspected: true, data_items: ['name', 'email'],
    cause: 'ransomware', persons: 420,
  };
  let r = await ctx.post('/api/v1/cases', { data: { title, facts }, headers });
  expect(r.status(), await r.text()).toBe(201);
  const id = (await r.json()).case.id as string;
  const content = {
    form_version: 'draft-2020-12',
    header: { reporter_name: '株式会社デモ商事', contact_name: '鈴木 一郎', contact_phone: '03-0000-0000', sector: '小売業' },
    summary: { incident: ['leak'], certainty: 'suspected', course_of_events: 'VPN装置から侵入され、顧客情報が暗号化された。' },
    cause: { actor: 'reporter', category: 'unauthorized_access', attack_point: 'VPN装置', attack_method: '認証情報の窃取', details: 'VPN装置の脆弱性' },
  };
  r = await ctx.put(`/api/v1/cases/${id}/report/draft`, { data: { version: 0, content }, headers });
  expect(r.status(), await r.text()).toBe(200);
  r = await ctx.post(`/api/v1/cases/${id}/report/submissions`, { data: { stage: 'quick_report', draft_version: 1 }, headers });
  expect(r.status(), await r.text()).toBe(201);
  await ctx.dispose();
  return id;
}

test('police introduction: the operator sees the prefecture\'s contact and records its police report', async ({ browser }) => {
  const id = await reportedUnauthorizedAccess(`E2E 不正アクセス（警察への通報の紹介） ${Date.now()}`);

  const ppc = await session(browser, 'officer@ppc.example');
  await ppc.page.goto(`/inbox/${id}`);
  await ppc.page.locator('#prefecture_code').selectOption('13');
  await ppc.page.locator('#police-note').fill('警視庁への通報をご検討ください。');
  await ppc.page.locator('#police-introduce').click();
  await expect(ppc.page).toHaveURL(new RegExp(`/inbox/${id}$`));
  // Once per case: a second introduction is refused.
  await ppc.page.locator('#prefecture_code').selectOption('27');
  await ppc.page.locator('#police-introduce').click();
  await expect(ppc.page.locator('body')).toContainText('introduced on this case already');
  await ppc.context.close();

  const op = await session(browser, 'member@shoji.example');
  await op.page.goto(`/cases/${id}/police-report`);
  const intro = op.page.locator('#police-introduction');
  await expect(intro).toContainText('東京都');
  // The shipped number is shown with its source, never as confirmed; the NPA's reception too.
  await expect(op.page.locator('#contact-phone')).toContainText('03-3431-8109');
  await expect(op.page.locator('#contact-status')).not.toHaveText('確認済み');
  await expect(op.page.locator('#contact-phone')).toContainText('確認されていません');
  await expect(op.page.locator('#npa-online')).toContainText('オンライン受付');
  await shot(op.page, 'police-introduction-contact');
  await expect(op.page.locator('#prefecture_code')).toHaveValue('13');
  await op.page.locator('#receipt_number').fill('警視庁受理第E2E号');
  await op.page.locator('#record-police-report').click();
  await expect(op.page.locator('#police-reports')).toContainText('警視庁受理第E2E号');
  await op.context.close();
});

test('advice under TLP:AMBER: the police reply, their forward needs consent, refused, the other police never see it', async ({ browser }) => {
  const title = `E2E 不正アクセス（技術的助言） ${Date.now()}`;
  const id = await reportedUnauthorizedAccess(title);

  // The regulator asks the NPA for advice, sharing two matters under AMBER.
  const ppc = await session(browser, 'officer@ppc.example');
  await ppc.page.goto(`/inbox/${id}`);
  await ppc.page.locator('#advice-link').click();
  await expect(ppc.page.getByRole('heading', { name: '技術的助言を求める' })).toBeVisible();
  await ppc.page.locator('#to_org').selectOption({ label: '警察庁サイバー警察局' });
  await ppc.page.locator('#question').fill('VPN装置からの侵入経路の特定について助言をお願いします。');
  await expect(ppc.page.locator('#matter-summary')).toBeChecked();
  await expect(ppc.page.locator('#matter-cause')).toBeChecked();
  await expect(ppc.page.locator('#matter-header')).not.toBeChecked();
  await ppc.page.locator('#tlp').selectOption('AMBER');
  await shot(ppc.page, 'advice-request');
  await ppc.page.locator('#advice-send').click();
  await expect(ppc.page).toHaveURL(/\/sharing\/items\//);
  const itemPath = new URL(ppc.page.url()).pathname;
  await expect(ppc.page.locator('#scope-item [data-tlp]')).toHaveText('TLP:AMBER');
  await expect(ppc.page.locator('#scope-item .recipients')).toHaveText('警察庁サイバー警察局');
  await expect(ppc.page.locator('#item-body')).toContainText('VPN装置の脆弱性');
  await expect(ppc.page.locator('#item-body')).not.toContainText('鈴木 一郎');

  // The NPA finds it on its start page with its scope, reads and replies.
  const npa = await session(browser, 'liaison@npa.example');
  await expect(npa.page).toHaveURL(/\/home$/);
  const card = npa.page.locator(`li.item:has(a[href="${itemPath}"])`);
  await expect(card).toContainText('TLP:AMBER');
  await expect(card).toContainText('警察庁サイバー警察局');
  await shot(npa.page, 'police-home');
  await card.locator('a').first().click();
  await expect(npa.page.locator('#question')).toContainText('侵入経路');
  await npa.page.locator('#reply-body').fill('VPN装置のログ（認証失敗と成功の時系列）の保全を推奨します。');
  await npa.page.locator('#send-reply').click();
  await expect(npa.page.locator('#replies')).toContainText('ログ');

  // Passing it on to the prefectural police is beyond AMBER: a consent request.
  await npa.page.locator('#forward-to').selectOption({ label: '大阪府警察本部' });
  await npa.page.locator('#forward-reason').fill('大阪府内の同種事案の捜査に必要');
  await npa.page.locator('#forward-send').click();
  await expect(npa.page.locator('#notice')).toContainText('同意を求めました');
  await expect(npa.page.locator('#consents')).toContainText('回答待ち');

  // The prefectural police do not see it while the request waits.
  const osaka = await session(browser, 'liaison@osaka-police.example');
  await expect(osaka.page.locator(`a[href="${itemPath}"]`)).toHaveCount(0);
  expect((await osaka.page.goto(itemPath))?.status()).toBe(404);

  // The regulator sees the reply, the read receipt and the request, and refuses.
  await ppc.page.reload();
  await expect(ppc.page.locator('#replies')).toContainText('ログ');
  await expect(ppc.page.locator('#receipts')).toContainText('警察庁サイバー警察局');
  await ppc.page.locator('#consents input[name=note]').fill('共有範囲（AMBER）外のため');
  await ppc.page.locator('#consents button[value=refuse]').click();
  await expect(ppc.page.locator('#consents .consent-status')).toHaveText('不同意');
  await shot(ppc.page, 'advice-item-regulator');

  // The requester is told; the other organisation never sees the item.
  await npa.page.goto('/home');
  await expect(npa.page.locator('#consents')).toContainText('不同意');
  await expect(npa.page.locator('#consents')).toContainText('共有範囲（AMBER）外のため');
  await osaka.page.goto('/home');
  await expect(osaka.page.locator(`a[href="${itemPath}"]`)).toHaveCount(0);
  await osaka.page.locator('#q').fill('侵入経路');
  await osaka.page.locator('#search').click();
  await expect(osaka.page.locator('#items-none')).toBeVisible();
  expect((await osaka.page.goto(itemPath))?.status()).toBe(404);
  const { ctx } = await api('liaison@osaka-police.example');
  const itemId = itemPath.split('/').pop();
  expect((await ctx.get(`/api/v1/shared-items/${itemId}`)).status()).toBe(404);
  expect((await ctx.get(`/api/v1/shared-items/${itemId}/stix`)).status()).toBe(404);
  await ctx.dispose();
  await shot(osaka.page, 'prefectural-police-home');
  for (const s of [ppc, npa, osaka]) await s.context.close();
});
