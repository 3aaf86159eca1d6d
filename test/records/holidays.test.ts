/** Reading a bank holiday list in either form gov.uk's list comes in, and refusing what is not one. */
import { describe, expect, it } from 'vitest';
import { parseHolidayFile } from '../../src/records/holidays.js';

describe('reading a bank holiday list', () => {
  it('reads gov.uk’s bank-holidays.json, taking only England and Wales', () => {
    const json = JSON.stringify({
      'england-and-wales': { division: 'england-and-wales', events: [{ title: 'New Year’s Day', date: '2028-01-03', notes: 'Substitute day', bunting: true }] },
      scotland: { division: 'scotland', events: [{ title: '2nd January', date: '2028-01-04', notes: '', bunting: true }] },
    });
    expect(parseHolidayFile(`\uFEFF${json}`)).toEqual({ ok: true, holidays: [{ date: '2028-01-03', title: 'New Year’s Day' }] });
  });

  it('reads a CSV of date and title, in any column order and case, with a byte order mark', () => {
    expect(parseHolidayFile('\uFEFFTitle,Date\r\nGood Friday,2028-04-14\r\n"Christmas Day, observed",2028-12-25\r\n')).toEqual({
      ok: true,
      holidays: [
        { date: '2028-04-14', title: 'Good Friday' },
        { date: '2028-12-25', title: 'Christmas Day, observed' },
      ],
    });
  });

  it.each([
    ['an empty file', '', 'The file is empty.'],
    ['JSON that does not parse', '{"england-and-wales": ', 'The file looks like JSON but cannot be read as JSON'],
    ['JSON without England and Wales', '{"scotland": {"events": []}}', 'The JSON has no “england-and-wales” list of events'],
    ['a JSON list of numbers', '[1, 2, 3]', 'The JSON has no “england-and-wales” list of events'],
    ['a single word', 'null', 'The CSV has no rows.'],
    ['a JSON event without a real date', '{"england-and-wales": {"events": [{"title": "Leap", "date": "2027-02-29"}]}}', 'event 1: “2027-02-29” is not a date written YYYY-MM-DD'],
    ['a JSON event without a title', '{"england-and-wales": {"events": [{"date": "2028-01-03"}]}}', 'event 1: give the holiday’s name'],
    ['a JSON list with no events', '{"england-and-wales": {"events": []}}', 'The file lists no holidays.'],
    ['a CSV without the columns', 'when,what\n2028-01-03,New Year\n', 'The CSV needs a header row with the columns “date” and “title”.'],
    ['a CSV row with a date written the UK way', 'date,title\n3/1/2028,New Year\n', 'line 2: “3/1/2028” is not a date written YYYY-MM-DD'],
    ['a CSV with a header only', 'date,title\n', 'The CSV has no rows.'],
    ['a CSV with a broken quote', 'date,title\n2028-01-03,"New Year\n', 'The CSV cannot be read'],
    ['a file far too large', 'x'.repeat(1024 * 1024 + 1), 'The file is larger than 1024 KB'],
  ])('refuses %s, saying why', (_name, content, message) => {
    const result = parseHolidayFile(content);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toContain(message);
  });

  it('lists at most 20 problems and says how many more', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `not-a-date-${i},Holiday`).join('\n');
    const result = parseHolidayFile(`date,title\n${rows}\n`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(21);
    if (!result.ok) expect(result.problems[20]).toBe('… and 10 more problems');
  });
});
