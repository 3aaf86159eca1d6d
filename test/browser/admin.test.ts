/**
 * The campaigners' workspace in a real browser: Debian's Chromium driven by playwright-core,
 * checked with axe-core (see support.ts).
 *
 * The app runs in-process on a fresh database with the shipped data, its clock pinned to
 * 12:00 on 22 November 2026 (see test/helpers.ts). A campaigner signs in through the real
 * /login form. Every workspace page, and each form in its error state, is checked at 320 and
 * 1280 CSS px: no axe violation, no horizontal page overflow, a full-page screenshot in
 * test-results/screenshots/admin-<name>-<width>.png. Then the keyboard alone, a campaigner's
 * whole journey from logging approaches to a published response on the public pages, and
 * signing out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser } from '../../src/records/users.js';
import { makeApp, type TestApp } from '../helpers.js';
import { bodyText, checkLayout as checkPageLayout, focused, launchBrowser, openPage, screenshot, tabTo, unexpected, WIDTHS } from './support.js';

const PASSWORD = 'correct horse battery staple';
const CAMPAIGNER = { email: 'campaigner@example.org', name: 'Cam Paigner' };
const TRUST = 'Surrey and Borders Partnership NHS Foundation Trust';
const TRUST_SLUG = 'surrey-and-borders-partnership-nhs-foundation-trust';

let t: TestApp;
let base: string;
let browser: Browser;
/** The cookies of a campaigner who signed in through /login, for tests that start signed in. */
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
  t = await makeApp();
  const made = await createUser(t.app.tracker.db, { ...CAMPAIGNER, role: 'admin', password: PASSWORD }, { userId: null, name: 'test' }, Date.now());
  if (!made.ok) throw new Error('could not create the campaigner');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();

  const { context, page } = await openPage(browser, 1280);
  await signIn(page);
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

/** Signs in through the /login form, as a person would. */
async function signIn(page: Page, email = CAMPAIGNER.email, password = PASSWORD): Promise<void> {
  await page.goto(base + '/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
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

interface WorkspaceCase {
  /** Screenshots: admin-<name>-<width>.png. */
  name: string;
  url: string;
  signedIn: boolean;
  /** The status of the page as finally shown (after `act`, if any). */
  status: number;
  heading: string;
  shows: string[];
  /** What a person does on the page before it is checked (such as submitting a form); returns the status of the answer. */
  act?: (page: Page) => Promise<number>;
  check?: (page: Page) => Promise<void>;
}

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
    shows: [`Signed in as ${CAMPAIGNER.name}`, 'Approaches awaiting a reply', 'Without comment, longest first', 'NHS England', 'Drafts waiting to be published', 'Log the same approach to many institutions'],
    check: async (page) => {
      expect(await page.locator('nav[aria-label="Campaigners"] [aria-current="page"]').innerText()).toBe('Follow-up');
      expect(await page.getByRole('button', { name: /^Sign out/ }).count()).toBe(1);
    },
  },
  {
    name: 'event-contact',
    url: '/admin/events/new?type=contact',
    signedIn: true,
    status: 200,
    heading: 'Log an approach',
    shows: ['Institution', 'How the approach was made', 'What was asked', 'Reply due date', 'Publish now?'],
  },
  {
    name: 'event-response-nhs-england',
    url: '/admin/events/new?type=response&institution=nhs-england',
    signedIn: true,
    status: 200,
    heading: 'Log a response',
    shows: ['Kind of response', 'Their words, verbatim (optional)', 'Position stated on each ask', 'Halt SIM', 'Independent review'],
    check: async (page) => {
      expect(await page.locator('#institution').inputValue()).toBe('nhs-england');
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
    url: '/admin/events/new?type=contact&institution=nhs-england',
    signedIn: true,
    status: 400,
    heading: 'Log an approach',
    shows: ['There is a problem', '31/04/2021 is not a real date', 'Say what was asked'],
    act: async (page) => {
      await page.getByLabel('Date', { exact: true }).fill('31/04/2021');
      await page.getByLabel('How the approach was made').selectOption({ label: 'Letter' });
      return submit(page, 'Save');
    },
    check: async (page) => {
      expect(await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#date', '#summary']);
      expect(await page.locator('#date').inputValue(), 'what was typed is kept').toBe('31/04/2021');
      expect(await page.locator('#institution').inputValue()).toBe('nhs-england');
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
      expect(await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#current', '#confirm']);
      expect(await page.locator('#current').inputValue(), 'passwords are never sent back').toBe('');
    },
  },
];

/** Opens the case's page, does what it says, then checks its status, heading, text and layout at one width. */
async function checkWorkspaceCase(c: WorkspaceCase, width: number): Promise<void> {
  const { context, page, problems } = await openPage(browser, width, 900, c.signedIn ? { storageState: signedIn } : {});
  try {
    const response = await page.goto(base + c.url, { waitUntil: 'load' });
    expect(response?.status(), `status of ${c.url}`).toBe(200);
    const status = c.act ? await c.act(page) : 200;
    expect(status, `status after acting on ${c.url}`).toBe(c.status);
    expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
    const headerBackground = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(headerBackground, 'site.css applied').not.toBe('rgba(0, 0, 0, 0)');

    await expect.poll(() => page.locator('h1').count()).toBe(1);
    expect((await page.locator('h1').innerText()).trim()).toBe(c.heading);
    const text = await bodyText(page);
    for (const s of c.shows) expect(text, `${c.url} shows “${s}”`).toContain(s);
    expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
    await c.check?.(page);

    await checkLayout(page, c.name, width);

    expect.soft(unexpected(problems, [c.status]), `console errors on ${c.name}`).toEqual([]);
  } finally {
    await context.close();
  }
}

describe.each(WORKSPACE)('$name ($url)', (c) => {
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
      await page.goto(base + '/admin/events/new?type=contact&institution=nhs-england');
      await tabTo(page, (f) => f.id === 'date');
      await page.keyboard.type('31/04/2021');
      // Enter in a text field submits the form.
      expect(await submitting(page, page.keyboard.press('Enter'))).toBe(400);
      expect(await page.locator('.error-summary').isVisible()).toBe(true);
      await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('error-summary');

      for (const field of ['institution', 'date', 'channel', 'summary']) {
        const links = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        if (!links.includes(`#${field}`)) continue;
        // Back to the summary, then along its links to this one.
        await page.locator('.error-summary').focus();
        await tabTo(page, (f) => f.href === `#${field}`, 10);
        await page.keyboard.press('Enter');
        await expect.poll(async () => (await focused(page)).id, { message: `the link to #${field} focuses the field` }).toBe(field);
        const top = await page.locator(`label[for="${field}"]`).evaluate((el) => el.getBoundingClientRect().top);
        expect(top, `the label of #${field} is in view`).toBeGreaterThanOrEqual(0);
      }
      const links = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(['#date', '#channel', '#summary']);
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
  let context: BrowserContext;
  let page: Page;
  /** A visitor who is not signed in, reading the public pages. */
  let publicContext: BrowserContext;
  let visitor: Page;

  beforeAll(async () => {
    ({ context, page } = await openPage(browser, 1280));
    ({ context: publicContext, page: visitor } = await openPage(browser, 1280));
  });
  afterAll(async () => {
    await context?.close();
    await publicContext?.close();
  });

  const positionOnReview = async () => {
    await visitor.goto(`${base}/institutions/${TRUST_SLUG}`);
    return (await visitor.locator('.positions h3', { hasText: 'Independent review' }).innerText()).replace(/\s+/g, ' ');
  };

  test('signs in', async () => {
    await signIn(page);
    expect(await page.locator('h1').innerText()).toBe('Follow-up');
  });

  test('logs a letter to every mental health trust in the South East', async () => {
    await page.getByRole('link', { name: 'Log the same approach to many institutions' }).click();
    await page.waitForURL(`${base}/admin/contacts/batch`);
    await page.getByLabel('Every institution of this kind').selectOption({ label: 'Mental health trusts' });
    await page.getByLabel('In this NHS England region').selectOption({ label: 'South East' });
    await page.getByLabel('Date', { exact: true }).fill('2 November 2026');
    await page.getByLabel('How the approach was made').selectOption({ label: 'Letter' });
    await page.getByLabel('From', { exact: true }).fill('StopSIM Coalition');
    await page.getByLabel('What was asked').fill('Letter to every mental health trust in the South East asking each to halt SIM and commission an independent review.');
    await page.getByLabel('Title', { exact: true }).fill('Letter to South East mental health trusts, 2 November 2026');
    await page.getByLabel('Publish now?').selectOption({ label: 'Publish now' });
    expect(await submit(page, 'Log the approaches')).toBe(303);
    expect(page.url()).toBe(`${base}/admin`);
    expect(await page.getByRole('status').innerText()).toContain('Logged 6 approaches');
    await screenshot(page, 'admin-journey-batch-logged-1280', false);
    const awaiting = await page.locator('#awaiting + .table-scroll tbody th').allInnerTexts();
    expect(awaiting).toContain(TRUST);
  });

  test('logs a statement from the trust as a draft, which the public cannot see', async () => {
    expect(await positionOnReview(), 'before: the trust said in 2021 it was considering').toBe('Independent review: Considering');
    const row = page.locator('#awaiting + .table-scroll tbody tr', { has: page.locator('th', { hasText: TRUST }) });
    await row.getByRole('link', { name: `Log a reply from ${TRUST}` }).click();
    await page.waitForURL(/\/admin\/events\/new\?type=response/);
    expect(await page.locator('h1').innerText()).toBe('Log a response');
    expect(await page.getByLabel('Institution', { exact: true }).inputValue()).toBe(TRUST_SLUG);
    expect(await page.getByLabel('Answers the approach (optional)').locator('option:checked').innerText()).toContain('2 November 2026');

    await page.getByLabel('Date', { exact: true }).fill('16/11/2026');
    await page.getByLabel('Kind of response').selectOption({ label: 'Statement' });
    await page.getByLabel('What happened').fill('The trust wrote that it will commission an independent review of SIM.');
    await page.getByLabel('Their words, verbatim (optional)').fill('We will commission an independent review of the SIM model and publish its findings.');
    await page.getByLabel('Independent review', { exact: true }).selectOption({ label: 'Committed' });
    await page.getByLabel('Title', { exact: true }).fill('Letter from the chief executive, 16 November 2026');
    await page.getByLabel('Web address (optional)').fill('https://www.sabp.nhs.uk/news/sim-review');
    expect(await page.getByLabel('Publish now?').inputValue(), 'a draft unless told otherwise').toBe('draft');
    await screenshot(page, 'admin-journey-response-filled-1280');
    expect(await submit(page, 'Save')).toBe(303);
    expect(page.url()).toBe(`${base}/admin`);
    expect(await page.getByRole('status').innerText()).toBe('The response was saved as a draft.');

    // Not public yet.
    expect(await positionOnReview(), 'unchanged by a draft').toBe('Independent review: Considering');
    expect(await bodyText(visitor)).not.toContain('We will commission an independent review');
    await visitor.goto(`${base}/`);
    const scorecardRow = visitor.locator('.scorecard tbody tr', { has: visitor.locator('th', { hasText: TRUST }) });
    expect(await scorecardRow.locator('td[data-label="Independent review"]').innerText()).toBe('Considering');
    await visitor.goto(`${base}/timeline?type=response`);
    expect(await bodyText(visitor)).not.toContain('The trust wrote that it will commission an independent review of SIM.');
  });

  test('publishes the draft from the follow-up queue', async () => {
    const draft = page.locator('#drafts + .drafts li', { hasText: `Response: ${TRUST}` });
    await expect.poll(() => draft.count()).toBe(1);
    // The queue now has work in it (eight approaches awaiting a reply, a draft): check it at both widths.
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await checkLayout(page, `follow-up-with-drafts`, width);
    }
    // The draft can also be opened to change it.
    const edit = await draft.getByRole('link', { name: `Edit the response: ${TRUST}, 16 November 2026` }).getAttribute('href');
    expect((await page.request.get(base + edit!)).status(), `${edit} opens`).toBe(200);
    await Promise.all([page.waitForURL(`${base}/admin`), draft.getByRole('button', { name: `Publish the response: ${TRUST}, 16 November 2026` }).click()]);
    expect(await page.getByRole('status').innerText()).toBe('Published.');
    expect(await page.locator('#drafts + .drafts li', { hasText: TRUST }).count()).toBe(0);
    // Answered with a statement: no longer awaiting a reply.
    expect(await page.locator('#awaiting + .table-scroll tbody th').allInnerTexts()).not.toContain(TRUST);
  });

  test('the public pages show the response', async () => {
    await visitor.goto(`${base}/`);
    const scorecardRow = visitor.locator('.scorecard tbody tr', { has: visitor.locator('th', { hasText: TRUST }) });
    expect(await scorecardRow.locator('td[data-label="Independent review"]').innerText()).toBe('Committed');
    expect(await scorecardRow.locator('td[data-label="Halt SIM"]').innerText()).toBe('No position');

    expect(await positionOnReview()).toBe('Independent review: Committed');
    const institution = await bodyText(visitor);
    expect(institution).toContain('“We will commission an independent review of the SIM model and publish its findings.”');
    expect(institution).toContain('Letter from the chief executive, 16 November 2026');
    await screenshot(visitor, 'admin-journey-institution-1280');

    // Newest first: the response heads the timeline, under November 2026.
    await visitor.goto(`${base}/timeline`);
    const first = visitor.locator('main article.event').first();
    expect(await first.locator('.event-title').innerText()).toBe(`Response (statement): ${TRUST}`);
    expect(await first.innerText()).toContain('The trust wrote that it will commission an independent review of SIM.');
    expect(await first.innerText()).toContain('Monday 16 November 2026');
    expect(await bodyText(visitor)).toContain('November 2026');
  });
});

describe('signing out', () => {
  test('the header’s Sign out button ends the session; /admin then asks to sign in', async () => {
    const { context, page } = await openPage(browser, 1280);
    try {
      await signIn(page);
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
 * The admins' pages: users, the audit log, spreadsheets, the directory, the campaign, and
 * correcting a published event. They run after the journey above, so the audit log has changes in it.
 */

/** The import columns (see the README), with the campaign's two asks. */
const EVENTS_HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';
const letterTo = (institution: string, summary: string) =>
  `${institution},2021-06-01,,contact,letter,,StopSIM Coalition,${summary},,Letter of 1 June 2021,https://example.org/letters/2021-06-01,StopSIM Coalition,2021-06-01,published,,`;
const GOOD_CSV = [EVENTS_HEADER, letterTo('Kent Police', 'Asked Kent Police to halt SIM and review it.'), letterTo('Sussex Police', 'Asked Sussex Police to halt SIM and review it.')].join('\n');
const BAD_CSV = [
  EVENTS_HEADER,
  letterTo('Kent Police', 'Fine.'),
  letterTo('Kent Police', 'Bad channel.').replace(',letter,', ',pigeon,'),
  letterTo('Kent Police', 'Bad date.').replace('2021-06-01,,', '31/02/2021,,'),
].join('\n');
/** Surrey Police’s statement of 6 May 2021 in the shipped data: a published event. */
const PUBLISHED_EVENT = 4;

/** Chooses the kind of file and the file itself, as a person would, and asks for the check; returns the status of the answer. */
async function uploadEvents(page: Page, name: string, csv: string): Promise<number> {
  await page.getByLabel('The file holds').selectOption({ label: 'Events (approaches, responses, milestones)' });
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  return submit(page, 'Check the file');
}

const summaryLinks = (page: Page) => page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));

const ADMIN_PAGES: WorkspaceCase[] = [
  {
    name: 'users',
    url: '/admin/users',
    signedIn: true,
    status: 200,
    heading: 'Users',
    shows: ['Everyone who can sign in, or could', CAMPAIGNER.name, CAMPAIGNER.email, 'Admin', 'Active', 'You', 'Add a user', 'Editors log, edit and publish events', 'First password'],
    check: async (page) => {
      // An admin cannot deactivate themselves.
      expect(await page.getByRole('button', { name: new RegExp(`^Deactivate ${CAMPAIGNER.name}`) }).count()).toBe(0);
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
    shows: ['Every change, who made it and when, newest first', 'Filter', 'event.publish', 'event.create', CAMPAIGNER.name, TRUST],
    act: async (page) => {
      // The newest change, opened: what it was before and after.
      await page.locator('.audit details summary').first().click();
      return 200;
    },
    check: async (page) => {
      expect(await page.locator('.audit > li').count()).toBeGreaterThan(5);
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
    shows: ['Check before importing', 'All 2 rows can be imported. Nothing has been written yet.', 'Kent Police', 'Sussex Police', '1 June 2021', 'Asked Sussex Police to halt SIM and review it.', 'Published', 'Cancel'],
    act: (page) => uploadEvents(page, 'letters.csv', GOOD_CSV),
    check: async (page) => {
      expect(await page.getByRole('button', { name: 'Import 2 events' }).isVisible()).toBe(true);
      expect(await page.locator('#preview-caption').innerText()).toBe('The rows that will be created');
    },
  },
  {
    name: 'spreadsheets-problems',
    url: '/admin/spreadsheets',
    signedIn: true,
    status: 400,
    heading: 'Spreadsheets',
    shows: ['Nothing was imported: the file has 2 problems', 'Line 3, column “channel”: “pigeon” is not a channel', 'Line 4, column “date”: 31/02/2021 is not a real date', 'Correct the file and upload it again.'],
    act: (page) => uploadEvents(page, 'letters-with-mistakes.csv', BAD_CSV),
    check: async (page) => {
      expect(await page.locator('.error-summary li').count()).toBe(2);
      expect(await page.getByRole('button', { name: /^Import/ }).count(), 'nothing to confirm').toBe(0);
    },
  },
  {
    name: 'institutions',
    url: '/admin/institutions',
    signedIn: true,
    status: 200,
    heading: 'Manage institutions',
    shows: ['Add an institution', 'Every institution in the directory', 'Surrey Police', 'Camden and Islington NHS Foundation Trust', 'Closed'],
    check: async (page) => {
      expect(await page.locator('table:has(#manage-caption) tbody tr').count()).toBe(140);
      expect(await page.getByRole('link', { name: 'Edit Surrey Police', exact: true }).getAttribute('href')).toBe('/admin/institutions/surrey-police/edit');
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
    name: 'institution-edit-surrey-police',
    url: '/admin/institutions/surrey-police/edit',
    signedIn: true,
    status: 200,
    heading: 'Edit Surrey Police',
    shows: ['Its address stays /institutions/surrey-police so that links keep working.', 'Other names (optional)'],
    check: async (page) => {
      expect(await page.locator('#name').inputValue()).toBe('Surrey Police');
      expect(await page.locator('#kind').inputValue()).toBe('police_force');
      expect(await page.locator('#aliases').inputValue()).toContain('SHIPP');
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
      expect(await page.locator('#title').inputValue()).toBe('#StopSIM: who has committed to halt and review SIM?');
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
    url: `/admin/events/${PUBLISHED_EVENT}/edit`,
    signedIn: true,
    status: 200,
    heading: 'Edit this response',
    shows: ['Correction note (shown to the public)', 'This event is public. Say what was corrected', 'Delete this event', 'It can be restored later from the audit log.'],
    check: async (page) => {
      expect(await page.locator('#institution').inputValue()).toBe('surrey-police');
      expect(await page.locator('#status').inputValue()).toBe('published');
      expect(await page.locator('#correction_note').inputValue()).toBe('');
    },
  },
  {
    name: 'event-edit-published-errors',
    url: `/admin/events/${PUBLISHED_EVENT}/edit`,
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

describe.each(ADMIN_PAGES)('admin: $name ($url)', (c) => {
  test.each(WIDTHS)('at %i px: content, no axe violation, no overflow, screenshot', (width) => checkWorkspaceCase(c, width));
});

describe('an admin at work', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await openPage(browser, 1280, 900, { storageState: signedIn }));
  });
  afterAll(async () => {
    await context?.close();
  });

  /** Checks the page as it stands at both widths. */
  async function checkBothWidths(name: string) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await checkLayout(page, name, width);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  test('adds an editor, who is then listed', async () => {
    await page.goto(`${base}/admin/users`);
    await page.getByLabel('Name').fill('Eddie Editor');
    await page.getByLabel('Email address').fill('editor@example.org');
    await page.getByLabel('Role').selectOption({ label: 'Editor' });
    await page.getByLabel('First password').fill('another long passphrase');
    expect(await submit(page, 'Add user')).toBe(303);
    expect(page.url()).toBe(`${base}/admin/users`);
    expect(await page.getByRole('status').innerText()).toBe('Eddie Editor can now sign in as editor.');
    const row = page.locator('tbody tr', { has: page.locator('th', { hasText: 'Eddie Editor' }) });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toContain('editor@example.org Editor Active Deactivate');
    await checkBothWidths('users-added');
  });

  test('imports a checked spreadsheet, which the audit log then shows', async () => {
    await page.goto(`${base}/admin/spreadsheets`);
    expect(await uploadEvents(page, 'letters.csv', GOOD_CSV)).toBe(200);
    expect(await submit(page, 'Import 2 events')).toBe(303);
    expect(page.url()).toBe(`${base}/admin`);
    expect(await page.getByRole('status').innerText()).toBe('Imported 2 events.');

    await page.goto(`${base}/admin/audit`);
    await page.getByLabel('Institution').selectOption({ label: 'Kent Police' });
    await Promise.all([page.waitForURL(/institution=kent-police/), page.getByRole('button', { name: 'Apply' }).click()]);
    const changes = await page.locator('.audit > li > p').allInnerTexts();
    expect(changes).toHaveLength(1);
    expect(changes[0]!.replace(/\s+/g, ' ')).toMatch(new RegExp(`^12:00 on 22 November 2026: ${CAMPAIGNER.name} imported event \\d+ \\(Kent Police\\) \\(event\\.import\\)$`));
    await checkBothWidths('audit-kent-police');
  });

  test('corrects a published event: the public sees the note on the event and on /corrections', async () => {
    await page.goto(`${base}/admin/events/${PUBLISHED_EVENT}/edit`);
    await page.getByLabel('What happened').fill('Surrey Police said it would look at the campaign’s concerns and how they relate to the Surrey High Intensity Partnership Programme (SHIPP), its local SIM scheme.');
    await page.getByLabel('Correction note (shown to the public)').fill('The summary now gives the full name of SHIPP.');
    expect(await submit(page, 'Save')).toBe(303);
    expect(page.url()).toBe(`${base}/events/${PUBLISHED_EVENT}`);
    expect(await bodyText(page)).toContain('Corrected on 22 November 2026: The summary now gives the full name of SHIPP.');
    expect(await bodyText(page)).toContain('the Surrey High Intensity Partnership Programme (SHIPP), its local SIM scheme.');

    // As the public sees it.
    const { context: publicContext, page: visitor } = await openPage(browser, 1280);
    try {
      await visitor.goto(`${base}/events/${PUBLISHED_EVENT}`);
      const notice = visitor.locator('.corrections-notice');
      expect(await notice.getAttribute('role')).toBe('note');
      expect((await notice.innerText()).replace(/\s+/g, ' ')).toBe('Corrected on 22 November 2026: The summary now gives the full name of SHIPP. All corrections');
      expect(await visitor.getByRole('link', { name: 'Edit this event' }).count(), 'no edit link for the public').toBe(0);
      for (const width of WIDTHS) {
        await visitor.setViewportSize({ width, height: 900 });
        await checkLayout(visitor, 'event-corrected', width);
      }

      await visitor.getByRole('link', { name: 'All corrections' }).click();
      await visitor.waitForURL(`${base}/corrections`);
      const listed = (await visitor.locator('.corrections li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      expect(listed).toEqual([
        'Corrected on 22 November 2026: The summary now gives the full name of SHIPP. Surrey Police: Surrey Police said it would look at the campaign’s concerns and how they relate to the Surrey High Intensity Partnership Programme (SHIPP), its local SIM scheme.',
      ]);
      expect(await visitor.locator('.corrections li a').getAttribute('href')).toBe(`/events/${PUBLISHED_EVENT}`);
      for (const width of WIDTHS) {
        await visitor.setViewportSize({ width, height: 900 });
        await checkLayout(visitor, 'corrections-listed', width);
      }
    } finally {
      await publicContext.close();
    }
  });
});
