/** Letters' merge fields and reminders: plain rules, table-driven. */
import { describe, expect, it } from 'vitest';
import { chaserLetter, chaserMessageId, dateInWords, letterForRecord, merge, mergeProblem, mergeSubject, mergeValues, oneLine, senderName } from '../../src/domain/letters.js';

describe('merge fields', () => {
  it.each([
    ['Dear {{institution}}', null],
    ['Dear {{ institution }}, due {{due_date}} from {{campaign}} at {{reply_address}} on {{date}}', null],
    ['Dear {{Institution}}', /\{\{Institution\}\} is not a merge field/],
    ['Dear {{name}} and {{trust}}', /\{\{name\}\}, \{\{trust\}\} are not merge fields/],
    ['Dear {{institution}', /not closed/],
    ['Dear institution}}', /not closed/],
    ['{{}}', /\{\{\}\} is not a merge field/],
  ])('merge fields in %j', (text, problem) => {
    const found = mergeProblem(text);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });


  const values = mergeValues({ institution: 'Surrey <b>Police</b>\r\nBcc: x@example.net', dueOn: '2021-05-07', campaign: 'StopSIM Coalition', replyAddress: 'campaign+abc@example.org', sentOn: '2021-04-23' });

  it.each([
    ['{{institution}}', 'Surrey <b>Police</b> Bcc: x@example.net'],
    ['{{due_date}}', 'Friday 7 May 2021'],
    ['{{date}}', 'Friday 23 April 2021'],
    ['{{campaign}} at {{reply_address}}', 'StopSIM Coalition at campaign+abc@example.org'],
    ['{{ institution }}', 'Surrey <b>Police</b> Bcc: x@example.net'],
    ['{{unknown}} stays', '{{unknown}} stays'],
  ])('merges %j as plain text', (text, merged) => {
    expect(merge(text, values)).toBe(merged);
  });

  it.each([
    ['Re: {{institution}}\r\nBcc: y@example.net', 'Re: Surrey <b>Police</b> Bcc: x@example.net Bcc: y@example.net'],
    ['Tab\there', 'Tab here'],
    ['Line\u2028separator', 'Line separator'],
  ])('a subject %j is one line', (subject, expected) => {
    expect(mergeSubject(subject, values)).toBe(expected);
  });
});

describe('what letters say', () => {
  it.each([
    ['StopSIM Coalition <campaign@example.org>', 'StopSIM Coalition'],
    ['"StopSIM, the Coalition" <campaign@example.org>', 'StopSIM, the Coalition'],
    ['campaign@example.org', 'campaign@example.org'],
    [null, ''],
  ])('the sender of %j signs as %j', (from, name) => {
    expect(senderName(from)).toBe(name);
  });

  it('withholds the reply address from the public record', () => {
    expect(letterForRecord('Subject', 'Reply to campaign+abc@example.org or campaign+abc@example.org.', 'campaign+abc@example.org')).toBe('Subject\n\nReply to [reply address withheld] or [reply address withheld].');
  });

  it('writes a reminder citing the original letter, its subject and its due date', () => {
    const letter = chaserLetter({ institution: 'NHS England', sentOn: '2021-04-23', subject: 'Will you halt SIM?', dueOn: '2021-05-10', campaign: 'StopSIM Coalition', replyAddress: 'campaign+abc@example.org' });
    expect(letter.subject).toBe('Re: Will you halt SIM?');
    expect(letter.body).toContain('On Friday 23 April 2021 we wrote to you about “Will you halt SIM?” and asked for a reply by Monday 10 May 2021.');
    expect(letter.body).toContain('(campaign+abc@example.org)');
    expect(chaserLetter({ institution: 'X', sentOn: '2021-04-23', subject: 'RE: Already', dueOn: '2021-05-10', campaign: 'C', replyAddress: 'r' }).subject).toBe('RE: Already');
    expect(dateInWords('2026-12-07')).toBe('Monday 7 December 2026');
    expect(oneLine(' a\r\n\r\nb ')).toBe('a b');
    expect(chaserMessageId('abc.123@example.org', '2021-05-10')).toBe('chase.2021-05-10.abc.123@example.org');
  });
});
