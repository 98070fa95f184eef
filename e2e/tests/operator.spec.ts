// The full operator journey: a ransomware case from the guided interview to the regulator
// reading the 確報's diff.
import { test, expect, type Page } from '@playwright/test';
import { login, session, shot } from './helpers';

const TITLE = `E2E ランサムウェアによる顧客データの暗号化と持ち出し ${Date.now()}`;

/** Answers the interview for a ransomware attack on a file server (about 800 customers). */
async function answerRansomwareInterview(page: Page) {
  await page.getByLabel('事案名').fill(TITLE);
  await page.getByLabel('漏えい', { exact: true }).check();
  // Each answer updates the live determination beside the interview.
  const panel = page.locator('#determination');
  await expect(panel).toBeVisible();
  await page.getByLabel('原因', { exact: true }).selectOption('ransomware');
  await expect(panel).toContainText('3号');
  await page.getByLabel('氏名').check();
  await page.getByLabel('メールアドレス').check();
  await page.getByLabel(/本人の数/).fill('800');
  await page.getByLabel(/本人の数/).press('Tab');
  await expect(panel.locator('#det-final')).toContainText('60日');
  return panel;
}

test('operator journey: interview → determination → 速報 → 確報, seen by the regulator', async ({ page, browser }) => {
  await login(page, 'member@shoji.example');
  await expect(page.getByRole('heading', { name: '期限ボード' })).toBeVisible();
  await shot(page, 'board');

  await page.getByRole('link', { name: '事案を登録' }).first().click();
  await expect(page.getByRole('heading', { name: '事案の登録' })).toBeVisible();
  // Questions that cannot matter yet are not asked.
  await expect(page.getByText('復号鍵（又は復元の手段）も漏えいしましたか')).toHaveCount(0);
  const panel = await answerRansomwareInterview(page);
  await expect(panel.locator('#det-verdict')).toContainText('報告が必要です');
  await expect(panel.locator('#det-items')).toContainText('規則7条3号');
  await expect(panel.locator('#det-items')).not.toContainText('4号');
  // Persons no longer decide once item 3 applies; the question says so.
  await expect(page.locator('#field-persons')).toContainText('判定には影響しません');
  await shot(page, 'interview');

  await page.getByRole('button', { name: 'この内容で事案を登録' }).click();
  await expect(page.locator('#case-title')).toHaveText(TITLE);
  await expect(page.locator('#det-items')).toContainText('3号');
  await expect(page.locator('#det-final')).toContainText('60日');
  await shot(page, 'case');
  const casePath = new URL(page.url()).pathname;
  const caseId = casePath.split('/').pop()!;

  // The report editor, prefilled from the case; a 速報 may be incomplete.
  await page.locator('#link-report').click();
  await expect(page.locator('#final-checklist')).toBeVisible();
  await expect(page.locator('#check-1')).toHaveClass(/todo/);
  await expect(page.locator('#confirm-final-report')).toBeDisabled();
  await page.locator('#summary_course_of_events').fill('11月22日 ファイルサーバーのファイルが暗号化され、脅迫文が表示された。');
  await shot(page, 'report-editor');
  await page.locator('#confirm-quick-report').click();
  // The confirmation shows exactly what will be sent; blank fields are 未確定 on a 速報.
  await expect(page.locator('#confirm-stage')).toContainText('速報');
  await expect(page.locator('#confirm-matter-1')).toContainText('暗号化され');
  await expect(page.locator('body')).toContainText('未確定');
  await shot(page, 'report-confirm');
  await page.locator('#send-report').click();
  await expect(page).toHaveURL(new RegExp(`/cases/${caseId}/history`));
  await expect(page.locator('#history-row-1')).toContainText('速報');
  await shot(page, 'history-quick');

  // The regulator sees it in the inbox.
  const ppc = await session(browser, 'officer@ppc.example');
  await ppc.page.locator('#filter-stage').selectOption('quick_report');
  await ppc.page.locator('#filter-apply').click();
  await expect(ppc.page.locator(`#case-link-${caseId}`)).toHaveText(TITLE);
  await shot(ppc.page, 'inbox');
  await ppc.page.locator(`#case-link-${caseId}`).click();
  await expect(ppc.page.locator('#report-content')).toContainText('暗号化され');
  await ppc.page.locator('#acknowledge').click();
  await expect(ppc.page.locator('#acknowledged-all')).toBeVisible();

  // The operator completes the report: the checklist leads to each missing field.
  await page.goto(`${casePath}/report`);
  await page.locator('#header_contact_name').fill('鈴木 一郎');
  await page.locator('#header_contact_phone').fill('03-0000-1234');
  await page.locator('#summary_has_entruster-no').check();
  await page.locator('#summary_has_entrustee-no').check();
  await page.locator('#summary_external_investigation').fill('フォレンジック調査会社に調査を依頼済み（12月上旬に報告予定）。');
  await page.locator('#data_items_media-electronic').check();
  await page.locator('#data_items_kinds-customer').check();
  await page.locator('#persons_count').fill('800');
  await page.locator('#cause_actor-unknown').check();
  await page.locator('#cause_attack_point').fill('VPN装置');
  await page.locator('#cause_attack_method').fill('VPN装置の既知の脆弱性を悪用した侵入とランサムウェアの実行');
  await page.locator('#cause_details').fill('VPN装置のファームウェアが更新されていなかった。');
  await page.locator('#secondary_harm_status-unknown').check();
  await page.locator('#individual_response_status-planned').check();
  await page.locator('#individual_response_details').fill('12月1日に対象の顧客へ書面とメールで通知する予定。');
  await page.locator('#publication_status-planned').check();
  await page.locator('#publication_date').fill('2026-12-01');
  await page.locator('#field-publication_methods input[type=checkbox]').first().check();
  await page.locator('#prevention_done').fill('VPN装置の更新、多要素認証の導入、バックアップの分離保管。');
  await page.locator('#other').fill('特になし');
  await page.locator('#save-report').click();
  await expect(page.locator('#checklist-complete')).toBeVisible();
  await page.locator('#confirm-final-report').click();
  await expect(page.locator('#confirm-stage')).toContainText('確報');
  await expect(page.locator('#confirm-diff')).toContainText('VPN装置');
  await page.locator('#send-report').click();
  await expect(page.locator('#history-row-2')).toContainText('確報');
  await expect(page.locator('#diff-2')).toContainText('VPN装置');
  await shot(page, 'history-final');

  // The regulator sees the 確報 and what changed.
  await ppc.page.goto(`/inbox/${caseId}`);
  await expect(ppc.page.locator('#versions-table')).toContainText('確報');
  await expect(ppc.page.locator('#diff-2')).toContainText('VPN装置の既知の脆弱性');
  await shot(ppc.page, 'regulator-report-diff');
  await ppc.context.close();
});
