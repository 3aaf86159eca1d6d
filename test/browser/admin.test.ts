/**
 * The campaigners' workspace in a real browser: Debian's Chromium driven by playwright-core,
 * checked with axe-core (see support.ts).
 *
 * The app runs in-process on a fresh database with the fixture campaign and the story told in
 * support.ts (tellStory), its clock pinned to 12:00 on 22 November 2026 (see test/helpers.ts).
 * On the app the workspace pages are read from, an admin (the campaigner) has also been at work
 * (see tellWorkspaceStory): an editor added, an email to the trust logged and published, two
 * drafts waiting (one without a source), the closed trust given its successor. A campaigner signs
 * in through the real /login form. Every workspace page, and each form in its error state, is
 * checked at 320 and 1280 CSS px: no axe violation, no horizontal page overflow, a full-page
 * screenshot in test-results/screenshots/admin-<name>-<width>.png. Then the keyboard alone, an
 * admin's work and a campaigner's whole journey from a batch letter to a published commitment on
 * the public pages (each on an app of its own), and signing out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WorkingCalendar } from '../../src/domain/calendar.js';
import type { Db } from '../../src/db/client.js';
import { saveInstitution } from '../../src/records/directory.js';
import { eventRules } from '../../src/records/event-rules.js';
import { logEvent, publishEvent } from '../../src/records/log-events.js';
import { createUser } from '../../src/records/users.js';
import { FIXTURE_DATA } from '../factories.js';
import { csvFile, csvRecords, makeApp, TEST_NOW, type TestApp } from '../helpers.js';
import { bodyText, checkLayout as checkPageLayout, focused, launchBrowser, openPage, screenshot, STORY, STORY_DIRECTORY_SIZE, tabTo, tellStory, unexpected, WIDTHS, type Story } from './support.js';

const PASSWORD = 'correct horse battery staple';
const SITE = 'Fixture campaign: who will close the scheme?';
const CAMPAIGNER = { email: 'campaigner@example.org', name: 'Cam Paigner' };
/** The editor the campaigner added before the tests look at the workspace. */
const EDITOR = { email: 'edna@example.org', name: 'Edna Editor' };
const TRUST = STORY.trust;

/** An app on the fixture campaign with the story told, the campaigner (an admin) able to sign in, listening on a port of its own. */
interface Workspace {
  t: TestApp;
  base: string;
  story: Story;
  campaignerId: number;
}

async function workspace(): Promise<Workspace> {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  const story = tellStory(t.app.tracker.db);
  const made = await createUser(t.app.tracker.db, { ...CAMPAIGNER, role: 'admin', password: PASSWORD }, { userId: null, name: 'test' }, TEST_NOW);
  if (!made.ok) throw new Error('could not create the campaigner');
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, base, story, campaignerId: made.value.id };
}

interface WorkspaceHistory {
  campaignerId: number;
  /** The editor the campaigner added. */
  editorId: number;
  /** The email to the trust of Monday 9 November 2026, logged as a draft then published (reply due Monday 23 November 2026). */
  trustEmail: number;
  /** Fenland's statement of Friday 20 November 2026 refusing to close the scheme: a draft with a source. */
  fenlandDraft: number;
  /** A campaign-wide milestone of Saturday 21 November 2026: a draft with no source, which cannot be published yet. */
  milestoneDraft: number;
}

/**
 * What the campaigner did in the workspace before the tests look at it, through the tracker's own
 * write functions (so each change has its audit row): six changes.
 */
async function tellWorkspaceStory(db: Db, calendar: WorkingCalendar, story: Story, campaignerId: number): Promise<WorkspaceHistory> {
  const actor = { userId: campaignerId, name: CAMPAIGNER.name };
  const editor = await createUser(db, { ...EDITOR, role: 'editor', password: 'another long passphrase' }, actor, TEST_NOW);
  if (!editor.ok) throw new Error('could not add the editor');
  const rules = eventRules(db, calendar);
  const log = (fields: Record<string, string>): number => {
    const result = logEvent(db, fields, rules, actor, TEST_NOW);
    if (!result.ok) throw new Error(`could not log ${JSON.stringify(result.errors)}`);
    return result.value.id;
  };
  const trustEmail = log({
    type: 'contact',
    institution: story.trust.slug,
    date: '9 November 2026',
    channel: 'email',
    from: STORY.campaigner,
    summary: 'Email asking the trust when it will decide on an independent review.',
    source_title: 'Email to the trust, 9 November 2026',
    status: 'draft',
  });
  const published = publishEvent(db, trustEmail, actor, TEST_NOW);
  if (!published.ok) throw new Error('could not publish the email');
  const fenlandDraft = log({
    type: 'response',
    institution: story.fenland.slug,
    date: '20 November 2026',
    response_type: 'statement',
    summary: 'The trust said it would not close the scheme.',
    halt: 'refused',
    source_title: 'Letter from Fenland, 20 November 2026',
    status: 'draft',
  });
  const milestoneDraft = log({ type: 'milestone', date: '21 November 2026', summary: 'The campaign handed in its petition.', status: 'draft' });
  const closed = saveInstitution(
    db,
    story.closed.id,
    { name: STORY.closed, kind: 'mental_health_trust', code: 'RZ0', region: 'South East', country: 'England', aliases: '', website: '', active: 'false', successor: story.trust.slug },
    actor,
    TEST_NOW,
  );
  if (!closed.ok) throw new Error(`could not edit the closed trust: ${JSON.stringify(closed.errors)}`);
  return { campaignerId, editorId: editor.value.id, trustEmail, fenlandDraft, milestoneDraft };
}

let t: TestApp;
let base: string;
let story: Story;
let history: WorkspaceHistory;
let browser: Browser;
/** The cookies of a campaigner who signed in through /login, for tests that start signed in. */
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
  let campaignerId: number;
  ({ t, base, story, campaignerId } = await workspace());
  history = await tellWorkspaceStory(t.app.tracker.db, t.app.tracker.calendar, story, campaignerId);
  browser = await launchBrowser();

  const { context, page } = await openPage(browser, 1280);
  await signIn(page, base);
  signedIn = await context.storageState();
  await context.close();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

// Failed sign-ins count against the address too (127.0.0.1 for every test): start each test unthrottled.
beforeEach(() => {
  t.app.tracker.db.$client.prepare('DELETE FROM sign_in_failures').run();
});

/** Signs in through the /login form of the app at `at`, as a person would. */
async function signIn(page: Page, at: string, email = CAMPAIGNER.email, password = PASSWORD): Promise<void> {
  await page.goto(at + '/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${at}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** Does what submits a form (a click, or Enter), and waits for the page that answers it to load; returns its status. */
async function submitting(page: Page, action: Promise<unknown>): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.waitForEvent('load'),
    action,
  ]);
  return response.status();
}

/** Submits the page's form by pressing its button. */
const submit = (page: Page, button: string) => submitting(page, page.getByRole('button', { name: button, exact: true }).click());

/** Saves a full-page screenshot as admin-<name>-<width>.png, then checks axe, overflow and small-screen layout (see support.ts). */
const checkLayout = (page: Page, name: string, width: number) => checkPageLayout(page, `admin-${name}`, width);

/** Checks the page as it stands at both widths, then goes back to 1280 px. */
async function checkBothWidths(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await checkLayout(page, name, width);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const summaryLinks = (page: Page) => page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));

interface WorkspaceCase {
  /** Screenshots: admin-<name>-<width>.png. */
  name: string;
  /** The page's address (a function when it depends on the story's ids and slugs). */
  url: string | ((s: Story, h: WorkspaceHistory) => string);
  signedIn: boolean;
  /** The status of the page as finally shown (after `act`, if any). */
  status: number;
  heading: string;
  shows: string[];
  /** What a person does on the page before it is checked (such as submitting a form); returns the status of the answer. */
  act?: (page: Page) => Promise<number>;
  check?: (page: Page, s: Story, h: WorkspaceHistory) => Promise<void>;
}

const urlOf = (c: WorkspaceCase) => (typeof c.url === 'string' ? c.url : c.url(story, history));

const WORKSPACE: WorkspaceCase[] = [
  {
    name: 'login',
    url: '/login',
    signedIn: false,
    status: 200,
    heading: 'Sign in',
    shows: ['For campaigners who keep the tracker up to date', 'Email address', 'Password'],
    check: async (page) => {
      expect(await page.locator('#email').getAttribute('autocomplete')).toBe('username');
      expect(await page.locator('#password').getAttribute('autocomplete')).toBe('current-password');
      expect(await page.locator('.error-summary').count()).toBe(0);
    },
  },
  {
    name: 'login-error',
    url: '/login',
    signedIn: false,
    status: 401,
    heading: 'Sign in',
    shows: ['There is a problem', 'The email address or password is not right'],
    act: async (page) => {
      await page.getByLabel('Email address').fill('nobody@example.org');
      await page.getByLabel('Password').fill('not the password');
      return submit(page, 'Sign in');
    },
    check: async (page) => {
      expect(await page.locator('#email').inputValue(), 'the email address is kept').toBe('nobody@example.org');
      expect(await page.locator('#password').inputValue(), 'the password is not sent back').toBe('');
      expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('.error-summary a').getAttribute('href')).toBe('#email');
    },
  },
  {
    name: 'follow-up',
    url: '/admin',
    signedIn: true,
    status: 200,
    heading: 'Follow-up',
    shows: [
      `Signed in as ${CAMPAIGNER.name}`,
      'Approaches awaiting a reply (4)',
      'Without comment, longest first (3)',
      // 23 April 2021 to 22 November 2026.
      `${STORY.national}: 2,039 days without comment (1,409 working days), since 23 April 2021.`,
      // Monday 2 November and Monday 9 November 2026 to Sunday 22 November 2026.
      `${STORY.mercia}: 20 days without comment (14 working days), since 2 November 2026.`,
      `${TRUST}: 13 days without comment (9 working days), since 9 November 2026.`,
      'Drafts waiting to be published (2)',
      'Needs a source before it can be published.',
      'Log the same approach to many institutions',
    ],
    check: async (page) => {
      expect(await page.locator('nav[aria-label="Campaigners"] [aria-current="page"]').innerText()).toBe('Follow-up');
      expect(await page.getByRole('button', { name: /^Sign out/ }).count()).toBe(1);
      // Long overdue first, then late, then by reply due date: the national body's two approaches of 23 April 2021
      // (due 10 May 2021), Mercia Police's letter (due 16 November 2026), then the trust's email
      // (due Monday 23 November 2026, not yet overdue).
      const awaiting = page.locator('#awaiting + .table-scroll tbody tr');
      expect(await awaiting.locator('th').allInnerTexts()).toEqual([STORY.national, STORY.national, STORY.mercia, TRUST]);
      expect((await awaiting.locator('td[data-label="Reply due"]').allInnerTexts()).map((text) => text.replace(/\s+/g, ' '))).toEqual([
        '10 May 2021 Long overdue since 25 May 2021',
        '10 May 2021 Long overdue since 25 May 2021',
        '16 November 2026 Late since 17 November 2026',
        '23 November 2026',
      ]);
      expect(await page.locator('#silent + .silent li a[href^="/institutions/"]').allInnerTexts()).toEqual([STORY.national, STORY.mercia, TRUST]);
      // Newest first: the milestone without a source (no Publish button), then Fenland's statement.
      const drafts = page.locator('#drafts + .drafts > li');
      expect(await drafts.locator('strong').allInnerTexts()).toEqual(['Milestone: campaign-wide', `Response: ${STORY.fenland}`]);
      expect(await drafts.nth(0).getByRole('button').count()).toBe(0);
      expect(await drafts.nth(0).getByRole('link', { name: 'Add a source to the milestone: campaign-wide, 21 November 2026' }).getAttribute('href')).toMatch(/^\/admin\/events\/\d+\/edit$/);
      expect(await drafts.nth(1).getByRole('button', { name: `Publish the response: ${STORY.fenland}, 20 November 2026` }).count()).toBe(1);
    },
  },
  {
    name: 'event-contact',
    url: '/admin/events/new?type=contact',
    signedIn: true,
    status: 200,
    heading: 'Log an approach',
    shows: ['Institution', 'How the approach was made', 'What was asked', 'Reply due date', 'Publish now?'],
    check: async (page) => {
      // The closed trust can still be chosen (older records name it), and says it is closed.
      expect(await page.locator('#institution option').allInnerTexts()).toContain(`${STORY.closed} (closed)`);
    },
  },
  {
    name: 'event-response-national',
    url: (s) => `/admin/events/new?type=response&institution=${s.national.slug}`,
    signedIn: true,
    status: 200,
    heading: 'Log a response',
    shows: ['Kind of response', 'Their words, verbatim (optional)', 'Position stated on each ask', 'Close the scheme', 'Independent review'],
    check: async (page, s) => {
      expect(await page.locator('#institution').inputValue()).toBe(s.national.slug);
    },
  },
  {
    name: 'event-milestone',
    url: '/admin/events/new?type=milestone',
    signedIn: true,
    status: 200,
    heading: 'Log a milestone',
    shows: ['Campaign-wide', 'What happened', 'Position stated on each ask'],
  },
  {
    name: 'event-errors',
    url: (s) => `/admin/events/new?type=contact&institution=${s.national.slug}`,
    signedIn: true,
    status: 400,
    heading: 'Log an approach',
    shows: ['There is a problem', '31/04/2021 is not a real date', 'Say what was asked'],
    act: async (page) => {
      await page.getByLabel('Date', { exact: true }).fill('31/04/2021');
      await page.getByLabel('How the approach was made').selectOption({ label: 'Letter' });
      return submit(page, 'Save');
    },
    check: async (page, s) => {
      expect(await summaryLinks(page)).toEqual(['#date', '#summary']);
      expect(await page.locator('#date').inputValue(), 'what was typed is kept').toBe('31/04/2021');
      expect(await page.locator('#institution').inputValue()).toBe(s.national.slug);
      expect(await page.locator('#channel').inputValue()).toBe('letter');
      for (const id of ['date', 'summary']) {
        expect(await page.locator(`#${id}`).getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator(`#${id}`).getAttribute('aria-describedby')).toContain(`${id}-error`);
      }
    },
  },
  {
    name: 'batch',
    url: '/admin/contacts/batch',
    signedIn: true,
    status: 200,
    heading: 'Log the same approach to many institutions',
    shows: ['Who was approached', 'Every institution of this kind', 'In this NHS England region', TRUST, 'Log the approaches'],
    act: async (page) => {
      await page.getByText('Choose institutions one by one').click();
      return 200;
    },
    check: async (page) => {
      expect(await page.locator('details.picker').getAttribute('open')).not.toBeNull();
      expect(await page.getByLabel(`${TRUST} (South East)`).isVisible()).toBe(true);
      // Every open institution, by kind, with its region where it has one; the closed trust is not offered.
      expect(await page.locator('details.picker label').allInnerTexts()).toEqual([
        STORY.national,
        `${STORY.downland} (South East)`,
        `${STORY.fenland} (East of England)`,
        `${TRUST} (South East)`,
        STORY.borsetshire,
        STORY.mercia,
        STORY.police,
        `${STORY.icb} (South East)`,
        STORY.network,
      ]);
      expect(await page.locator('#select_region option').allInnerTexts()).toEqual(['Any region', 'East of England', 'South East']);
    },
  },
  {
    name: 'batch-errors',
    url: '/admin/contacts/batch',
    signedIn: true,
    status: 400,
    heading: 'Log the same approach to many institutions',
    shows: ['There is a problem', 'Choose at least one institution'],
    act: async (page) => submit(page, 'Log the approaches'),
    check: async (page) => {
      // The link goes to the first control of the group, which can take focus.
      expect(await page.locator('.error-summary a').first().getAttribute('href')).toBe('#institutions');
      expect(await page.locator('#institutions').evaluate((el) => el.tagName)).toBe('SELECT');
      expect(await page.getByLabel('Every institution of this kind').getAttribute('id')).toBe('institutions');
    },
  },
  {
    name: 'password',
    url: '/admin/password',
    signedIn: true,
    status: 200,
    heading: 'Change your password',
    shows: ['Current password', 'New password', 'At least 12 characters', 'New password again'],
    check: async (page) => {
      expect(await page.locator('#password').getAttribute('autocomplete')).toBe('new-password');
    },
  },
  {
    name: 'password-errors',
    url: '/admin/password',
    signedIn: true,
    status: 400,
    heading: 'Change your password',
    shows: ['There is a problem', 'Your current password is not right', 'The two new passwords differ'],
    act: async (page) => {
      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await page.getByLabel('New password again').fill('a brand new passphrasf');
      return submit(page, 'Change password');
    },
    check: async (page) => {
      expect(await summaryLinks(page)).toEqual(['#current', '#confirm']);
      expect(await page.locator('#current').inputValue(), 'passwords are never sent back').toBe('');
    },
  },
];

/** Opens the case's page, does what it says, then checks its status, heading, text and layout at one width. */
async function checkWorkspaceCase(c: WorkspaceCase, width: number): Promise<void> {
  const { context, page, problems } = await openPage(browser, width, 900, c.signedIn ? { storageState: signedIn } : {});
  const url = urlOf(c);
  try {
    const response = await page.goto(base + url, { waitUntil: 'load' });
    expect(response?.status(), `status of ${url}`).toBe(200);
    const status = c.act ? await c.act(page) : 200;
    expect(status, `status after acting on ${url}`).toBe(c.status);
    expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
    const headerBackground = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(headerBackground, 'site.css applied').not.toBe('rgba(0, 0, 0, 0)');

    await expect.poll(() => page.locator('h1').count()).toBe(1);
    expect((await page.locator('h1').innerText()).trim()).toBe(c.heading);
    const text = await bodyText(page);
    for (const s of c.shows) expect(text, `${url} shows “${s}”`).toContain(s);
    expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
    await c.check?.(page, story, history);

    await checkLayout(page, c.name, width);

    expect.soft(unexpected(problems, [c.status]), `console errors on ${c.name}`).toEqual([]);
  } finally {
    await context.close();
  }
}

describe.each(WORKSPACE)('$name', (c) => {
  test.each(WIDTHS)('at %i px: content, no axe violation, no overflow, screenshot', (width) => checkWorkspaceCase(c, width));
});

describe('keyboard alone', () => {
  test('sign in with Tab, typing and Enter', async () => {
    const { context, page } = await openPage(browser, 1280);
    try {
      await page.goto(base + '/login');
      await tabTo(page, (f) => f.id === 'email');
      await page.keyboard.type(CAMPAIGNER.email);
      await page.keyboard.press('Tab');
      expect((await focused(page)).id).toBe('password');
      await page.keyboard.type(PASSWORD);
      await Promise.all([page.waitForURL(`${base}/admin`), page.keyboard.press('Enter')]);
      expect(await page.locator('h1').innerText()).toBe('Follow-up');
    } finally {
      await context.close();
    }
  });

  test('after a failed sign-in, focus is on the error summary and its link moves focus to the field', async () => {
    const { context, page } = await openPage(browser, 1280);
    try {
      await page.goto(base + '/login');
      await tabTo(page, (f) => f.id === 'email');
      await page.keyboard.type('nobody@example.org');
      await page.keyboard.press('Tab');
      await page.keyboard.type('not the password');
      expect(await submitting(page, page.keyboard.press('Enter'))).toBe(401);
      await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
      await page.keyboard.press('Tab');
      const link = await focused(page);
      expect(link).toMatchObject({ tag: 'a', href: '#email', text: 'The email address or password is not right' });
      await screenshot(page, 'admin-login-error-link-focused-1280', false);
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await focused(page)).id).toBe('email');
      // The field's label and error stay in view above it.
      const labelTop = await page.locator('label[for="email"]').evaluate((el) => el.getBoundingClientRect().top);
      expect(labelTop).toBeGreaterThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  test('on the event form, each link of the error summary moves focus to its field', async () => {
    const { context, page } = await openPage(browser, 1280, 720, { storageState: signedIn });
    try {
      await page.goto(`${base}/admin/events/new?type=contact&institution=${story.national.slug}`);
      await tabTo(page, (f) => f.id === 'date');
      await page.keyboard.type('31/04/2021');
      // Enter in a text field submits the form.
      expect(await submitting(page, page.keyboard.press('Enter'))).toBe(400);
      expect(await page.locator('.error-summary').isVisible()).toBe(true);
      await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('error-summary');

      const links = await summaryLinks(page);
      expect(links).toEqual(['#date', '#channel', '#summary']);
      for (const field of ['date', 'channel', 'summary']) {
        // Back to the summary, then along its links to this one.
        await page.locator('.error-summary').focus();
        await tabTo(page, (f) => f.href === `#${field}`, 10);
        await page.keyboard.press('Enter');
        await expect.poll(async () => (await focused(page)).id, { message: `the link to #${field} focuses the field` }).toBe(field);
        const top = await page.locator(`label[for="${field}"]`).evaluate((el) => el.getBoundingClientRect().top);
        expect(top, `the label of #${field} is in view`).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await context.close();
    }
  });

  test('the skip link is the first Tab stop and moves focus to main', async () => {
    const { context, page } = await openPage(browser, 320, 900, { storageState: signedIn });
    try {
      await page.goto(base + '/admin');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ text: 'Skip to main content', href: '#main', indicated: true });
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('main'))), 'Tab after the skip link lands inside main').toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe("a campaigner's journey", () => {
  // Its steps follow one another, so the journey is one test, on an app of its own.
  test('from a batch letter to the mental health trusts of the South East to a published commitment on the public pages', { timeout: 240_000 }, async () => {
    const w = await workspace();
    const { context, page } = await openPage(browser, 1280);
    /** A visitor who is not signed in, reading the public pages. */
    let { context: publicContext, page: visitor } = await openPage(browser, 1280);
    const at = w.base;
    const trustSlug = w.story.trust.slug;
    const positionOnReview = async () => {
      await visitor.goto(`${at}/institutions/${trustSlug}`);
      return (await visitor.locator('.positions h3', { hasText: 'Independent review' }).innerText()).replace(/\s+/g, ' ');
    };
    try {
      // Signs in.
      await signIn(page, at);
      expect(await page.locator('h1').innerText()).toBe('Follow-up');
      expect(await page.locator('#awaiting').innerText()).toBe('Approaches awaiting a reply (3)');

      // Logs a letter to every mental health trust in the South East: the trust and Downland, not
      // the closed trust, nor the integrated care board of the same region.
      await page.getByRole('link', { name: 'Log the same approach to many institutions' }).click();
      await page.waitForURL(`${at}/admin/contacts/batch`);
      await page.getByLabel('Every institution of this kind').selectOption({ label: 'Mental health trusts' });
      await page.getByLabel('In this NHS England region').selectOption({ label: 'South East' });
      await page.getByLabel('Date', { exact: true }).fill('2 November 2026');
      await page.getByLabel('How the approach was made').selectOption({ label: 'Letter' });
      await page.getByLabel('From', { exact: true }).fill(STORY.campaigner);
      await page.getByLabel('What was asked').fill('Letter to every mental health trust in the South East asking each to close the scheme and commission an independent review.');
      await page.getByLabel('Title', { exact: true }).fill('Letter to South East mental health trusts, 2 November 2026');
      await page.getByLabel('Publish now?').selectOption({ label: 'Publish now' });
      expect(await submit(page, 'Log the approaches')).toBe(303);
      expect(page.url()).toBe(`${at}/admin`);
      expect(await page.getByRole('status').innerText()).toBe('Logged 2 approaches and published them.');
      await screenshot(page, 'admin-journey-batch-logged-1280', false);
      const awaiting = await page.locator('#awaiting + .table-scroll tbody th').allInnerTexts();
      expect(awaiting).toContain(TRUST);
      expect(awaiting).toContain(STORY.downland);
      expect(awaiting).not.toContain(STORY.closed);
      expect(awaiting).not.toContain(STORY.icb);
      expect(awaiting).toHaveLength(5);

      // Logs a statement from the trust as a draft, which the public cannot see.
      expect(await positionOnReview(), 'before: the trust said in 2021 it was considering').toBe('Independent review: Considering');
      const row = page.locator('#awaiting + .table-scroll tbody tr', { has: page.locator('th', { hasText: TRUST }) });
      await row.getByRole('link', { name: `Log a reply from ${TRUST}` }).click();
      await page.waitForURL(/\/admin\/events\/new\?type=response/);
      expect(await page.locator('h1').innerText()).toBe('Log a response');
      expect(await page.getByLabel('Institution', { exact: true }).inputValue()).toBe(trustSlug);
      expect(await page.getByLabel('Answers the approach (optional)').locator('option:checked').innerText()).toContain('2 November 2026');

      await page.getByLabel('Date', { exact: true }).fill('16/11/2026');
      await page.getByLabel('Kind of response').selectOption({ label: 'Statement' });
      await page.getByLabel('What happened').fill('The trust wrote that it will commission an independent review of the scheme.');
      await page.getByLabel('Their words, verbatim (optional)').fill('We will commission an independent review of the scheme and publish its findings.');
      await page.getByLabel('Independent review', { exact: true }).selectOption({ label: 'Committed' });
      await page.getByLabel('Title', { exact: true }).fill('Letter from the chief executive, 16 November 2026');
      await page.getByLabel('Web address (optional)').fill('https://wessex-partnership.example.org/news/review');
      expect(await page.getByLabel('Publish now?').inputValue(), 'a draft unless told otherwise').toBe('draft');
      await screenshot(page, 'admin-journey-response-filled-1280');
      expect(await submit(page, 'Save')).toBe(303);
      expect(page.url()).toBe(`${at}/admin`);
      expect(await page.getByRole('status').innerText()).toBe('The response was saved as a draft.');

      // Not public yet.
      expect(await positionOnReview(), 'unchanged by a draft').toBe('Independent review: Considering');
      expect(await bodyText(visitor)).not.toContain('We will commission an independent review of the scheme and publish its findings.');
      await visitor.goto(`${at}/`);
      const scorecardRow = visitor.locator('.scorecard tbody tr', { has: visitor.locator('th', { hasText: TRUST }) });
      expect(await scorecardRow.locator('td[data-label="Independent review"]').innerText()).toBe('Considering');
      await visitor.goto(`${at}/timeline?type=response`);
      expect(await visitor.locator('main article.event .event-title').allInnerTexts()).toEqual([
        `Response (statement): ${TRUST}`,
        `Response (statement): ${STORY.police}`,
        `Response (statement): ${STORY.network}`,
      ]);
      expect(await bodyText(visitor)).not.toContain('The trust wrote that it will commission an independent review of the scheme.');

      // Publishes the draft from the follow-up queue.
      const draft = page.locator('#drafts + .drafts li', { hasText: `Response: ${TRUST}` });
      await expect.poll(() => draft.count()).toBe(1);
      // The queue now has work in it (five approaches awaiting a reply, a draft): check it at both widths.
      expect(await page.locator('#drafts').innerText()).toBe('Drafts waiting to be published (1)');
      await checkBothWidths(page, 'follow-up-with-drafts');
      // The draft can also be opened to change it.
      const edit = await draft.getByRole('link', { name: `Edit the response: ${TRUST}, 16 November 2026` }).getAttribute('href');
      expect((await page.request.get(at + edit!)).status(), `${edit} opens`).toBe(200);
      await Promise.all([page.waitForURL(`${at}/admin`), draft.getByRole('button', { name: `Publish the response: ${TRUST}, 16 November 2026` }).click()]);
      expect(await page.getByRole('status').innerText()).toBe('Published.');
      expect(await page.locator('#drafts + .drafts li', { hasText: TRUST }).count()).toBe(0);
      // Answered with a statement: no longer awaiting a reply; Downland still is.
      const stillAwaiting = await page.locator('#awaiting + .table-scroll tbody th').allInnerTexts();
      expect(stillAwaiting).not.toContain(TRUST);
      expect(stillAwaiting).toContain(STORY.downland);

      // The public pages show the response to a reader who comes now. (A browser that was shown a page
      // as at now may show it again for up to a minute without asking: README, Caching.)
      await publicContext.close();
      ({ context: publicContext, page: visitor } = await openPage(browser, 1280));
      await visitor.goto(`${at}/`);
      const published = visitor.locator('.scorecard tbody tr', { has: visitor.locator('th', { hasText: TRUST }) });
      expect(await published.locator('td[data-label="Independent review"]').innerText()).toBe('Committed');
      expect(await published.locator('td[data-label="Close the scheme"]').innerText()).toBe('No position');
      // Two of the six institutions now involved (the story's five and Downland, written to) have committed.
      expect(await bodyText(visitor)).toContain('2 of 6 institutions involved have committed to “Independent review”.');

      expect(await positionOnReview()).toBe('Independent review: Committed');
      const institution = await bodyText(visitor);
      expect(institution).toContain('“We will commission an independent review of the scheme and publish its findings.”');
      expect(institution).toContain('Letter from the chief executive, 16 November 2026');
      await screenshot(visitor, 'admin-journey-institution-1280');

      // Newest first: the response heads the timeline, under November 2026.
      await visitor.goto(`${at}/timeline`);
      const first = visitor.locator('main article.event').first();
      expect(await first.locator('.event-title').innerText()).toBe(`Response (statement): ${TRUST}`);
      expect(await first.innerText()).toContain('The trust wrote that it will commission an independent review of the scheme.');
      expect(await first.innerText()).toContain('Monday 16 November 2026');
      expect(await bodyText(visitor)).toContain('November 2026');
    } finally {
      await context.close();
      await publicContext.close();
      await w.t.close();
    }
  });
});

describe('signing out', () => {
  test('the header’s Sign out button ends the session; /admin then asks to sign in', async () => {
    const { context, page } = await openPage(browser, 1280);
    try {
      await signIn(page, base);
      await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: /^Sign out/ }).click()]);
      expect(await page.getByRole('button', { name: /^Sign out/ }).count()).toBe(0);
      await page.goto(`${base}/admin`);
      expect(page.url()).toBe(`${base}/login?next=%2Fadmin`);
      expect(await page.locator('h1').innerText()).toBe('Sign in');
    } finally {
      await context.close();
    }
  });
});

/*
 * The admins' pages: users, the audit log (with the campaigner's changes of tellWorkspaceStory in
 * it), spreadsheets, the directory, the campaign, and correcting a published event.
 */

/** The import columns (see the README), with the campaign's two asks. */
const EVENTS_HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';
const letterTo = (institution: string, summary: string) =>
  `${institution},2021-06-01,,contact,letter,,${STORY.campaigner},${summary},,Letter of 1 June 2021,https://example.org/letters/2021-06-01,${STORY.campaigner},2021-06-01,published,,`;
const GOOD_CSV = [
  EVENTS_HEADER,
  letterTo(STORY.borsetshire, 'Asked Borsetshire Police to close the scheme and review it.'),
  letterTo(STORY.fenland, 'Asked the Fenland trust to close the scheme and review it.'),
].join('\n');
const BAD_CSV = [
  EVENTS_HEADER,
  letterTo(STORY.borsetshire, 'Fine.'),
  letterTo(STORY.borsetshire, 'Bad channel.').replace(',letter,', ',pigeon,'),
  letterTo(STORY.borsetshire, 'Bad date.').replace('2021-06-01,,', '31/02/2021,,'),
  // The name the two Wessex bodies share names neither.
  letterTo(STORY.sharedAlias, 'Ambiguous.'),
].join('\n');

/** Chooses the kind of file and the file itself, as a person would, and asks for the check; returns the status of the answer. */
async function uploadEvents(page: Page, name: string, csv: string): Promise<number> {
  await page.getByLabel('The file holds').selectOption({ label: 'Events (approaches, responses, milestones)' });
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  return submit(page, 'Check the file');
}

const ADMIN_PAGES: WorkspaceCase[] = [
  {
    name: 'users',
    url: '/admin/users',
    signedIn: true,
    status: 200,
    heading: 'Users',
    shows: ['Everyone who can sign in, or could', CAMPAIGNER.name, CAMPAIGNER.email, 'Admin', 'Active', 'You', EDITOR.name, EDITOR.email, 'Add a user', 'Editors log, edit and publish events', 'First password'],
    check: async (page) => {
      // An admin cannot deactivate themselves, but can deactivate the editor.
      expect(await page.getByRole('button', { name: new RegExp(`^Deactivate ${CAMPAIGNER.name}`) }).count()).toBe(0);
      const editor = page.locator('tbody tr', { has: page.locator('th', { hasText: EDITOR.name }) });
      expect((await editor.innerText()).replace(/\s+/g, ' ')).toContain(`${EDITOR.email} Editor Active Deactivate`);
      expect(await page.locator('#password').getAttribute('autocomplete')).toBe('new-password');
    },
  },
  {
    name: 'users-errors',
    url: '/admin/users',
    signedIn: true,
    status: 400,
    heading: 'Users',
    shows: ['There is a problem', 'Enter an email address like name@example.org', 'Choose admin or editor', 'Use a password of at least 12 characters'],
    act: async (page) => {
      await page.getByLabel('Name').fill('Ed Itor');
      await page.getByLabel('Email address').fill('ed at example');
      await page.getByLabel('First password').fill('short');
      return submit(page, 'Add user');
    },
    check: async (page) => {
      expect(await summaryLinks(page)).toEqual(['#email', '#role', '#password']);
      expect(await page.locator('#name').inputValue(), 'what was typed is kept').toBe('Ed Itor');
      expect(await page.locator('#email').inputValue()).toBe('ed at example');
      expect(await page.locator('#password').inputValue(), 'a password is never sent back').toBe('');
      expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    },
  },
  {
    name: 'audit',
    url: '/admin/audit',
    signedIn: true,
    status: 200,
    heading: 'Audit log',
    shows: ['Every change, who made it and when, newest first', 'Filter', 'event.publish', 'event.create', 'institution.update', 'user.create', CAMPAIGNER.name, TRUST, STORY.fenland, STORY.closed],
    act: async (page) => {
      // The newest change, opened: what it was before and after.
      await page.locator('.audit details summary').first().click();
      return 200;
    },
    check: async (page, s, h) => {
      // Newest first: the campaigner's six changes, then the campaigner's own account being made
      // (each sign-in is listed too, however many the tests have made: left out here).
      const changes = (await page.locator('.audit > li > p').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ')).filter((text) => !text.endsWith('(user.sign_in)'));
      const at = '12:00 on 22 November 2026';
      expect(changes).toEqual([
        `${at}: ${CAMPAIGNER.name} edited institution ${s.closed.id} (${STORY.closed}) (institution.update)`,
        `${at}: ${CAMPAIGNER.name} logged event ${h.milestoneDraft} (event.create)`,
        `${at}: ${CAMPAIGNER.name} logged event ${h.fenlandDraft} (${STORY.fenland}) (event.create)`,
        `${at}: ${CAMPAIGNER.name} published event ${h.trustEmail} (${TRUST}) (event.publish)`,
        `${at}: ${CAMPAIGNER.name} logged event ${h.trustEmail} (${TRUST}) (event.create)`,
        `${at}: ${CAMPAIGNER.name} added user ${h.editorId} (user.create)`,
        `${at}: test added user ${h.campaignerId} (user.create)`,
      ]);
      expect(await page.locator('.audit details[open] pre').first().isVisible()).toBe(true);
      expect(await page.locator('#user option').allInnerTexts()).toContain(CAMPAIGNER.name);
    },
  },
  {
    name: 'spreadsheets',
    url: '/admin/spreadsheets',
    signedIn: true,
    status: 200,
    heading: 'Spreadsheets',
    shows: ['Download', 'Every event, drafts included (CSV)', 'Every institution (CSV)', 'Upload', 'The file holds', 'CSV file (at most 5 MB)', 'Check the file'],
    check: async (page) => {
      expect(await page.locator('#file').getAttribute('accept')).toBe('.csv,text/csv');
    },
  },
  {
    name: 'spreadsheets-preview',
    url: '/admin/spreadsheets',
    signedIn: true,
    status: 200,
    heading: 'Spreadsheets',
    shows: ['Check before importing', 'All 2 rows can be imported: 0 to update, 2 to add, 0 unchanged. Nothing has been written yet.', STORY.borsetshire, STORY.fenland, '1 June 2021', 'Asked the Fenland trust to close the scheme and review it.', 'Published', 'Cancel'],
    act: (page) => uploadEvents(page, 'letters.csv', GOOD_CSV),
    check: async (page) => {
      expect(await page.getByRole('button', { name: 'Import 2 events' }).isVisible()).toBe(true);
      expect(await page.locator('#preview-caption').innerText()).toBe('The rows to update or add');
      expect(await page.locator('.warning-summary').count()).toBe(0);
    },
  },
  {
    // The download, edited: its first event corrected (with the public note), and a copy of it added.
    name: 'spreadsheets-round-trip',
    url: '/admin/spreadsheets',
    signedIn: true,
    status: 200,
    heading: 'Spreadsheets',
    shows: ['Check this row before importing', 'looks like event', 'it will be added all the same', 'Possible duplicate of event', 'Correction note: “The letter asked for a meeting too.”'],
    act: async (page) => {
      const { header, rows } = csvRecords(await (await page.request.get(`${base}/admin/export/events.csv`)).text());
      const first = rows[0]!;
      const edited = [{ ...first, summary: `${first.summary} And asked for a meeting.`, correction_note: 'The letter asked for a meeting too.' }, ...rows.slice(1), { ...first, id: '' }];
      return uploadEvents(page, 'events.csv', csvFile(header, edited));
    },
    check: async (page) => {
      expect(await page.locator('#import-counts').innerText()).toMatch(/^All \d+ rows can be imported: 1 to update, 1 to add, \d+ unchanged\. Nothing has been written yet\.$/);
      expect(await page.locator('#preview-caption').innerText()).toBe('The rows to update or add (unchanged rows are not listed)');
      expect((await page.locator('td[data-label="Change"]').allInnerTexts())[0]).toMatch(/^Update event \d+: summary\. Correction note: “The letter asked for a meeting too\.”$/);
      expect(await page.getByRole('button', { name: 'Update 1 event and add 1' }).isVisible()).toBe(true);
    },
  },
  {
    name: 'spreadsheets-unchanged',
    url: '/admin/spreadsheets',
    signedIn: true,
    status: 200,
    heading: 'Spreadsheets',
    shows: ['0 to update, 0 to add', 'Every row matches the tracker already: there is nothing to import.', 'Cancel'],
    act: async (page) => uploadEvents(page, 'events.csv', await (await page.request.get(`${base}/admin/export/events.csv`)).text()),
    check: async (page) => {
      expect(await page.getByRole('button', { name: /^(Import|Update)/ }).count(), 'nothing to confirm').toBe(0);
      expect(await page.locator('.table-scroll').count()).toBe(0);
    },
  },
  {
    name: 'spreadsheets-problems',
    url: '/admin/spreadsheets',
    signedIn: true,
    status: 400,
    heading: 'Spreadsheets',
    shows: [
      'Nothing was imported: the file has 3 problems',
      'Line 3, column “channel”: “pigeon” is not a channel',
      'Line 4, column “date”: 31/02/2021 is not a real date',
      // The name the two Wessex bodies share is refused, naming both.
      `Line 5, column “institution”: “${STORY.sharedAlias}” could mean more than one institution (${STORY.police}; ${TRUST}); use its slug or code`,
      'Correct the file and upload it again.',
    ],
    act: (page) => uploadEvents(page, 'letters-with-mistakes.csv', BAD_CSV),
    check: async (page) => {
      expect(await page.locator('.error-summary li').count()).toBe(3);
      expect(await page.getByRole('button', { name: /^Import/ }).count(), 'nothing to confirm').toBe(0);
    },
  },
  {
    name: 'institutions',
    url: '/admin/institutions',
    signedIn: true,
    status: 200,
    heading: 'Manage institutions',
    shows: ['Add an institution', 'Every institution in the directory', STORY.police, STORY.fenland, STORY.closed, 'Closed'],
    check: async (page, s) => {
      const rows = page.locator('table:has(#manage-caption) tbody tr');
      expect(await rows.count()).toBe(STORY_DIRECTORY_SIZE);
      // Only the closed trust is closed.
      const statuses = await rows.locator('td[data-label="Status"]').allInnerTexts();
      expect(statuses.filter((status) => status === 'Closed')).toHaveLength(1);
      expect(statuses.filter((status) => status === 'Open')).toHaveLength(STORY_DIRECTORY_SIZE - 1);
      expect(await rows.filter({ has: page.locator('th', { hasText: STORY.closed }) }).locator('td[data-label="Status"]').innerText()).toBe('Closed');
      expect(await page.getByRole('link', { name: `Edit ${STORY.police}`, exact: true }).getAttribute('href')).toBe(`/admin/institutions/${s.police.slug}/edit`);
    },
  },
  {
    name: 'institution-new',
    url: '/admin/institutions/new',
    signedIn: true,
    status: 200,
    heading: 'Add an institution',
    shows: ['Name', 'Kind', 'Code (optional)', 'NHS ODS code, or the data.police.uk force id', 'Other names (optional)', 'Successor, if closed (optional)'],
    check: async (page) => {
      expect(await page.locator('#active').inputValue()).toBe('true');
    },
  },
  {
    name: 'institution-new-errors',
    url: '/admin/institutions/new',
    signedIn: true,
    status: 400,
    heading: 'Add an institution',
    shows: ['There is a problem', 'Enter the institution’s name', 'Choose a kind', 'Enter a web address starting http:// or https://'],
    act: async (page) => {
      await page.getByLabel('Website (optional)').fill('www.example.org');
      return submit(page, 'Save');
    },
    check: async (page) => {
      expect(await summaryLinks(page)).toEqual(['#name', '#kind', '#website']);
      expect(await page.locator('#website').inputValue()).toBe('www.example.org');
    },
  },
  {
    name: 'institution-edit-police',
    url: (s) => `/admin/institutions/${s.police.slug}/edit`,
    signedIn: true,
    status: 200,
    heading: `Edit ${STORY.police}`,
    shows: ['Its address stays /institutions/wessex-police so that links keep working.', 'Other names (optional)'],
    check: async (page) => {
      expect(await page.locator('#name').inputValue()).toBe(STORY.police);
      expect(await page.locator('#kind').inputValue()).toBe('police_force');
      expect(await page.locator('#aliases').inputValue()).toContain(STORY.sharedAlias);
    },
  },
  {
    name: 'institution-edit-closed',
    url: (s) => `/admin/institutions/${s.closed.slug}/edit`,
    signedIn: true,
    status: 200,
    heading: `Edit ${STORY.closed}`,
    shows: ['Status', 'Successor, if closed (optional)'],
    check: async (page, s) => {
      expect(await page.locator('#name').inputValue()).toBe(STORY.closed);
      expect(await page.locator('#active').inputValue()).toBe('false');
      expect(await page.locator('#successor').inputValue()).toBe(s.trust.slug);
    },
  },
  {
    name: 'campaign',
    url: '/admin/campaign',
    signedIn: true,
    status: 200,
    heading: 'The campaign',
    shows: ['Title', 'Summary', 'Reply windows', 'Working days for FOI requests (20 by law)', 'Ask “halt”', 'Ask “review”', 'Add an ask (optional)', 'An ask cannot be removed once added'],
    check: async (page) => {
      expect(await page.locator('#title').inputValue()).toBe(SITE);
      expect(await page.locator('#reply_window_default').inputValue()).toBe('10');
      expect(await page.locator('#reply_window_foi').inputValue()).toBe('20');
    },
  },
  {
    name: 'campaign-errors',
    url: '/admin/campaign',
    signedIn: true,
    status: 400,
    heading: 'The campaign',
    shows: ['There is a problem', 'Enter the campaign’s title', 'Enter a whole number of working days from'],
    act: async (page) => {
      await page.getByLabel('Title', { exact: true }).first().fill('');
      await page.getByLabel('Working days for FOI requests (20 by law)').fill('none');
      return submit(page, 'Save the campaign');
    },
    check: async (page) => {
      expect(await summaryLinks(page)).toEqual(['#title', '#reply_window_foi']);
      expect(await page.locator('#reply_window_foi').inputValue()).toBe('none');
    },
  },
  {
    name: 'event-edit-published',
    url: (s) => `/admin/events/${s.events.policeStatement}/edit`,
    signedIn: true,
    status: 200,
    heading: 'Edit this response',
    shows: ['Correction note (shown to the public)', 'This event is public. Say what was corrected', 'Delete this event', 'It can be restored later from the audit log.'],
    check: async (page, s) => {
      expect(await page.locator('#institution').inputValue()).toBe(s.police.slug);
      expect(await page.locator('#status').inputValue()).toBe('published');
      expect(await page.locator('#review').inputValue()).toBe('committed');
      expect(await page.locator('#correction_note').inputValue()).toBe('');
    },
  },
  {
    name: 'event-edit-published-errors',
    url: (s) => `/admin/events/${s.events.policeStatement}/edit`,
    signedIn: true,
    status: 400,
    heading: 'Edit this response',
    shows: ['There is a problem', 'Say, for the public, what was corrected'],
    act: (page) => submit(page, 'Save'),
    check: async (page) => {
      expect(await summaryLinks(page)).toEqual(['#correction_note']);
      expect(await page.locator('#correction_note').getAttribute('aria-invalid')).toBe('true');
    },
  },
];

describe.each(ADMIN_PAGES)('admin: $name', (c) => {
  test.each(WIDTHS)('at %i px: content, no axe violation, no overflow, screenshot', (width) => checkWorkspaceCase(c, width));
});

describe('an admin at work (each on an app of its own)', () => {
  /** Runs `work` with the campaigner signed in at 1280 px on a fresh app, then closes both. */
  async function atWork(work: (page: Page, w: Workspace) => Promise<void>): Promise<void> {
    const w = await workspace();
    const { context, page } = await openPage(browser, 1280);
    try {
      await signIn(page, w.base);
      await work(page, w);
    } finally {
      await context.close();
      await w.t.close();
    }
  }

  test('adds an editor, who is then listed', () =>
    atWork(async (page, w) => {
      await page.goto(`${w.base}/admin/users`);
      await page.getByLabel('Name').fill('Eddie Editor');
      await page.getByLabel('Email address').fill('editor@example.org');
      await page.getByLabel('Role').selectOption({ label: 'Editor' });
      await page.getByLabel('First password').fill('another long passphrase');
      expect(await submit(page, 'Add user')).toBe(303);
      expect(page.url()).toBe(`${w.base}/admin/users`);
      expect(await page.getByRole('status').innerText()).toBe('Eddie Editor can now sign in as editor.');
      const row = page.locator('tbody tr', { has: page.locator('th', { hasText: 'Eddie Editor' }) });
      expect((await row.innerText()).replace(/\s+/g, ' ')).toContain('editor@example.org Editor Active Deactivate');
      await checkBothWidths(page, 'users-added');
    }));

  test('imports a checked spreadsheet, which the audit log then shows', () =>
    atWork(async (page, w) => {
      await page.goto(`${w.base}/admin/spreadsheets`);
      expect(await uploadEvents(page, 'letters.csv', GOOD_CSV)).toBe(200);
      expect(await submit(page, 'Import 2 events')).toBe(303);
      expect(page.url()).toBe(`${w.base}/admin`);
      expect(await page.getByRole('status').innerText()).toBe('Imported 2 events.');
      const imported = w.t.app.tracker.db.$client.prepare('SELECT id FROM events WHERE institution_id = ?').all(w.story.borsetshire.id) as { id: number }[];
      expect(imported).toHaveLength(1);

      await page.goto(`${w.base}/admin/audit`);
      await page.getByLabel('Institution').selectOption({ label: STORY.borsetshire });
      await Promise.all([page.waitForURL(new RegExp(`institution=${w.story.borsetshire.slug}`)), page.getByRole('button', { name: 'Apply' }).click()]);
      const changes = await page.locator('.audit > li > p').allInnerTexts();
      expect(changes.map((change) => change.replace(/\s+/g, ' '))).toEqual([`12:00 on 22 November 2026: ${CAMPAIGNER.name} imported event ${imported[0]!.id} (${STORY.borsetshire}) (event.import)`]);
      await checkBothWidths(page, 'audit-borsetshire-police');
    }));

  test('corrects a published event: the public sees the note on the event and on /corrections', () =>
    atWork(async (page, w) => {
      const id = w.story.events.policeStatement;
      const corrected = 'Wessex Police said it would commission an independent review of the Wessex High Intensity Partnership Programme (WHIPP), its local scheme.';
      await page.goto(`${w.base}/admin/events/${id}/edit`);
      await page.getByLabel('What happened').fill(corrected);
      await page.getByLabel('Correction note (shown to the public)').fill('The summary now gives the full name of WHIPP.');
      expect(await submit(page, 'Save')).toBe(303);
      expect(page.url()).toBe(`${w.base}/events/${id}`);
      expect(await bodyText(page)).toContain('This event has been corrected');
      expect(await bodyText(page)).toContain('Reason given: The summary now gives the full name of WHIPP.');
      expect(await bodyText(page)).toContain(corrected);

      // As the public sees it: the notice says what changed, field by field, and why.
      const { context: publicContext, page: visitor } = await openPage(browser, 1280);
      try {
        await visitor.goto(`${w.base}/events/${id}`);
        const notice = visitor.locator('.corrections-notice');
        expect(await notice.getByRole('heading', { level: 2 }).innerText()).toBe('This event has been corrected');
        const change = notice.locator('.change');
        expect(await change.count()).toBe(1);
        expect(await change.getByRole('heading', { level: 3 }).innerText()).toMatch(/^Corrected: revision \d+, 12:00 on 22 November 2026$/);
        expect((await change.locator('p').first().innerText()).replace(/\s+/g, ' ')).toMatch(new RegExp(`^The response from ${STORY.police} of .+ was corrected: its summary\\. See it$`));
        expect(await change.locator('.change-note').innerText()).toBe('Reason given: The summary now gives the full name of WHIPP.');
        const row = change.locator('tbody tr');
        expect(await row.count()).toBe(1);
        const [before, after] = await row.locator('td').allInnerTexts();
        expect(await row.locator('th').innerText()).toBe('summary');
        expect(after).toBe(corrected);
        expect(before).not.toBe(corrected);
        expect(await visitor.getByRole('link', { name: 'Edit this event' }).count(), 'no edit link for the public').toBe(0);
        // The correction changed the words, not the position it states.
        expect(await bodyText(visitor)).toContain('Positions stated Independent review: Committed');
        await checkBothWidths(visitor, 'event-corrected');

        await visitor.getByRole('link', { name: 'All corrections' }).click();
        await visitor.waitForURL(`${w.base}/corrections`);
        // Newest first: the correction, above the story's events (all logged long after their dates).
        const first = visitor.locator('.change').first();
        expect(await first.getByRole('heading', { level: 2 }).innerText()).toMatch(/^Corrected: revision \d+/);
        expect(await first.locator('.change-note').innerText()).toBe('Reason given: The summary now gives the full name of WHIPP.');
        expect(await first.getByRole('link', { name: 'See it' }).getAttribute('href')).toBe(`/events/${id}`);
        expect(await first.locator('tbody td').last().innerText()).toBe(corrected);
        await checkBothWidths(visitor, 'corrections-listed');
      } finally {
        await publicContext.close();
      }
    }));
});
