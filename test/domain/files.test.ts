/** The rules for files and mail: accepted types, safe names, automatic replies, dates, limits. */
import { describe, expect, it } from 'vitest';
import { acceptedType, cutText, domainOf, FILE_NAME_MAX, fromInstitution, isAutomaticReply, messageLimits, safeFileName, sentAt } from '../../src/domain/files.js';

describe('the rules for files', () => {
  it.each([
    ['../../x', 'x'],
    ['..\\..\\windows\\evil.pdf', 'evil.pdf'],
    ['report\u0000\u202e.pdf', 'report.pdf'],
    ['   ', 'attachment'],
    ['.hidden', 'hidden'],
    ['a'.repeat(300) + '.pdf', 'a'.repeat(FILE_NAME_MAX - 4) + '.pdf'],
    ['Letter: "draft"?.docx', 'Letter_ _draft__.docx'],
  ])('safeFileName(%j) is %j', (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });

  it.each([
    ['application/pdf', 'x.txt', '', true, 'application/pdf'],
    ['application/x-cfb', 'old.doc', '', true, 'application/msword'],
    ['application/x-cfb', 'old.xls', '', true, 'application/vnd.ms-excel'],
    ['application/x-cfb', 'old.msi', '', false, null],
    ['application/x-msdownload', 'x.pdf', '', false, null],
    [null, 'notes.txt', 'Minutes of the meeting, £5', true, 'text/plain'],
    [null, 'page.pdf', '<html><body>hi</body></html>', false, null],
    [null, 'image.svg', '<svg xmlns="http://www.w3.org/2000/svg"></svg>', false, null],
    [null, 'bin.dat', '\u0000\u0001\u0002', false, null],
  ])('acceptedType(%j, %j) accepts: %j', (detected, name, head, accepted, mime) => {
    const result = acceptedType(detected as string | null, name as string, Buffer.from(head as string));
    expect(result.ok).toBe(accepted);
    if (result.ok) expect(result.type.mime).toBe(mime);
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'Re: SIM', true],
    [{ 'auto-submitted': 'no' }, 'Re: SIM', false],
    [{ 'x-autoreply': 'yes' }, 'Re: SIM', true],
    [{ precedence: 'auto_reply' }, 'Re: SIM', true],
    [{ precedence: 'list' }, 'Re: SIM', false],
    [{}, 'Out of Office: Serenity Integrated Mentoring', true],
    [{}, 'Automatic reply: your letter', true],
    [{}, 'Re: our office reply', false],
    [{}, 'Re: Serenity Integrated Mentoring', false],
  ])('isAutomaticReply(%j, %j) is %j', (headers, subject, automatic) => {
    expect(isAutomaticReply(new Map(Object.entries(headers)), subject)).toBe(automatic);
  });

  const ARRIVED = Date.UTC(2026, 10, 20, 12);
  it.each([
    ['a date before it arrived', new Date(Date.UTC(2026, 10, 20, 10)), Date.UTC(2026, 10, 20, 10)],
    ['a date in the future', new Date(Date.UTC(2027, 0, 1)), ARRIVED],
    ['no date', undefined, ARRIVED],
    ['an unreadable date', new Date('nonsense'), ARRIVED],
    ['a date before 1990', new Date(Date.UTC(1970, 0, 1)), ARRIVED],
  ])('sentAt with %s', (_what, date, expected) => {
    expect(sentAt(date, ARRIVED)).toBe(expected);
  });

  it('cuts long text and says so; sets message limits from the attachment limit', () => {
    expect(cutText('short', 10)).toBe('short');
    expect(cutText('a long sentence indeed', 12)).toBe('a long s […]');
    expect(cutText('a long sentence indeed', 12).length).toBeLessThanOrEqual(12);
    const limits = messageLimits(20 * 1024 * 1024);
    expect(limits.parse).toBeGreaterThan(30 * 1024 * 1024);
    expect(limits.keep).toBe(100 * 1024 * 1024);
  });
});

describe('whether a sender writes from an institution', () => {
  it.each<[string | null, string | null, string | null, boolean]>([
    ['press@trust.nhs.uk', 'foi@trust.nhs.uk', null, true],
    ['Press Office <PRESS@Trust.NHS.uk>', 'foi@trust.nhs.uk', null, true],
    ['press@comms.trust.nhs.uk', 'foi@trust.nhs.uk', null, true],
    ['press@nottrust.nhs.uk', 'foi@trust.nhs.uk', null, false],
    ['press@trust.nhs.uk', null, 'https://www.trust.nhs.uk/about', true],
    ['press@trust.nhs.uk', null, 'trust.nhs.uk', true],
    ['someone@nhs.net', 'foi@trust.nhs.uk', 'https://www.trust.nhs.uk', false],
    ['someone@trust.nhs.uk.evil.example', 'foi@trust.nhs.uk', null, false],
    [null, 'foi@trust.nhs.uk', null, false],
    ['not an address', 'foi@trust.nhs.uk', null, false],
    ['press@trust.nhs.uk', null, null, false],
  ])('%s, institution %s / %s: %s', (sender, email, website, expected) => {
    expect(fromInstitution(sender, { email, website })).toBe(expected);
  });

  it.each<[string | null, string | null]>([
    ['a@Example.ORG', 'example.org'],
    ['https://www.example.org/path', 'example.org'],
    ['www.example.org', 'example.org'],
    ['localhost', null],
    ['', null],
    [null, null],
  ])('the domain of %s is %s', (text, domain) => {
    expect(domainOf(text)).toBe(domain);
  });
});
