import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  CalendarRangeError,
  daysBetween,
  endOfLondonDay,
  instantOf,
  isIsoDate,
  isoWeekday,
  londonDateOf,
  londonTimeOf,
  parseAsOf,
  parseDate,
  parseTime,
  WorkingCalendar,
  writtenDate,
} from '../../src/domain/calendar.js';
import { loadCalendar } from '../../src/records/reference-data.js';
import { FIXTURE_DATA } from '../factories.js';

/** The fixture's bank holiday list: the real bank holidays of England and Wales, 2018 to 2027. */
const calendar = loadCalendar(FIXTURE_DATA);
const utc = (iso: string) => Date.parse(iso);

describe('London dates of instants (BST changes, midnight)', () => {
  it.each([
    ['2021-05-05T23:30:00Z', '2021-05-06', '00:30'], // BST: already the 6th in London
    ['2021-05-06T10:30:00Z', '2021-05-06', '11:30'],
    ['2021-12-06T23:30:00Z', '2021-12-06', '23:30'], // GMT: still the 6th
    ['2021-03-28T00:59:59Z', '2021-03-28', '00:59'], // last GMT minute before the spring change
    ['2021-03-28T01:00:00Z', '2021-03-28', '02:00'], // clocks went forward
    ['2021-10-31T00:30:00Z', '2021-10-31', '01:30'], // first 01:30 (BST)
    ['2021-10-31T01:30:00Z', '2021-10-31', '01:30'], // second 01:30 (GMT)
    ['2021-03-27T23:59:59.999Z', '2021-03-27', '23:59'],
    ['2020-12-31T23:59:59.999Z', '2020-12-31', '23:59'],
  ])('%s is %s %s in London', (instant, date, time) => {
    expect(londonDateOf(utc(instant))).toBe(date);
    expect(londonTimeOf(utc(instant))).toBe(time);
  });

  it.each([
    ['2021-05-06', '11:30', '2021-05-06T10:30:00.000Z'],
    ['2021-12-06', '11:30', '2021-12-06T11:30:00.000Z'],
    ['2021-05-06', null, '2021-05-05T23:00:00.000Z'], // a date alone is London midnight
    ['2021-01-06', null, '2021-01-06T00:00:00.000Z'],
    ['2021-03-28', '01:30', '2021-03-28T01:30:00.000Z'], // skipped hour moves forward to 02:30 BST
    ['2021-10-31', '01:30', '2021-10-31T00:30:00.000Z'], // repeated hour: first (BST) occurrence
  ])('%s %s London is %s', (date, time, iso) => {
    expect(new Date(instantOf(date, time)).toISOString()).toBe(iso);
  });

  it('reads every London wall-clock time of two years as the instant that shows it, the first of two in autumn', () => {
    const times = [null, '00:00', '00:59', '01:00', '01:30', '01:59', '02:00', '02:30', '12:00', '23:59'];
    let skipped = 0;
    for (let date = '2021-01-01'; date <= '2022-12-31'; date = addDays(date, 1)) {
      for (const time of times) {
        const instant = instantOf(date, time);
        const wall = time ?? '00:00';
        if (londonDateOf(instant) === date && londonTimeOf(instant) === wall) {
          // An autumn time that happens twice is taken at its first occurrence.
          const hourEarlier = instant - 3_600_000;
          expect(londonDateOf(hourEarlier) === date && londonTimeOf(hourEarlier) === wall, `${date} ${wall}`).toBe(false);
        } else {
          // Only the hour the spring change skips has no instant: it moves forward an hour.
          expect([date, wall.slice(0, 2), londonTimeOf(instant)], `${date} ${wall}`).toEqual([date === '2021-03-28' ? '2021-03-28' : '2022-03-27', '01', `02${wall.slice(2)}`]);
          skipped++;
        }
      }
    }
    expect(skipped).toBe(6);
  });

  it('refuses what is not a London date and time', () => {
    expect(() => instantOf('2021-02-30')).toThrow(/Not a London date/);
    expect(() => instantOf('2021-05-06', '')).toThrow(/Not a London date/);
  });

  it('ends a London day one millisecond before the next London midnight, in summer and winter', () => {
    expect(new Date(endOfLondonDay('2021-05-06')).toISOString()).toBe('2021-05-06T22:59:59.999Z');
    expect(new Date(endOfLondonDay('2021-12-06')).toISOString()).toBe('2021-12-06T23:59:59.999Z');
    expect(new Date(endOfLondonDay('2021-03-27')).toISOString()).toBe('2021-03-27T23:59:59.999Z');
  });
});

describe('London clock readings agree with the time zone library (Luxon)', () => {
  // From 1900 to 2100: every change of the clocks (BST, double summer time, British Standard Time) included.
  const instants = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) });
  const changeDays = fc.constantFrom(...['1941-05-04', '1947-08-10', '1968-02-18', '1971-10-31', '2021-03-28', '2021-10-31', '2037-03-29'].map((d) => Date.parse(`${d}T00:00Z`)));
  // Since 1972 the clocks change by one hour at a time, which Luxon's own conversion handles.
  const modern = fc.integer({ min: Date.UTC(1972, 0, 1), max: Date.UTC(2100, 0, 1) });
  const modernChangeDays = fc.constantFrom(...['1972-03-19', '1996-10-27', '2021-03-28', '2021-10-31', '2037-03-29'].map((d) => Date.parse(`${d}T00:00Z`)));
  const wallClock = (instant: number, h: number, m: number): [string, string] => [new Date(instant).toISOString().slice(0, 10), `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`];

  it('gives the London date and time of any instant', () => {
    const check = (instant: number) => {
      const dt = DateTime.fromMillis(instant, { zone: 'Europe/London' });
      expect([londonDateOf(instant), londonTimeOf(instant)]).toEqual([dt.toISODate(), dt.toFormat('HH:mm')]);
    };
    fc.assert(fc.property(instants, check), { numRuns: 2000 });
    fc.assert(fc.property(changeDays, fc.integer({ min: -6 * 3_600_000, max: 6 * 3_600_000 }), (day, ms) => check(day + ms)), { numRuns: 2000 });
  });

  it('gives the instant of any London wall-clock time, the first when it happens twice and an hour on when it is skipped', () => {
    const luxon = (date: string, time: string) => {
      const dt = DateTime.fromISO(`${date}T${time}`, { zone: 'Europe/London' });
      const earlier = DateTime.fromMillis(dt.toMillis() - 3_600_000, { zone: 'Europe/London' });
      return earlier.toFormat('yyyy-MM-dd HH:mm') === dt.toFormat('yyyy-MM-dd HH:mm') ? earlier.toMillis() : dt.toMillis();
    };
    const wallTimes = fc.tuple(fc.oneof(modern, modernChangeDays), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
    fc.assert(
      fc.property(wallTimes, ([instant, h, m]) => {
        const [date, time] = wallClock(instant, h, m);
        expect(instantOf(date, time)).toBe(luxon(date, time));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back every wall-clock time it gives an instant for, double summer time included (1941 to 1947)', () => {
    const wallTimes = fc.tuple(fc.oneof(instants, changeDays), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
    fc.assert(
      fc.property(wallTimes, ([instant, h, m]) => {
        const [date, time] = wallClock(instant, h, m);
        const read = instantOf(date, time);
        const skipped = londonTimeOf(read) !== time;
        // A time the clocks skipped reads as later the same day; any other reads back as given, at its first occurrence.
        if (skipped) expect([londonDateOf(read), londonTimeOf(read) > time]).toEqual([date, true]);
        else expect([londonDateOf(read), londonTimeOf(read), londonTimeOf(read - 3_600_000) === time && londonDateOf(read - 3_600_000) === date]).toEqual([date, time, false]);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('date arithmetic', () => {
  it.each([
    ['2021-04-23', '2021-05-06', 13],
    ['2021-05-06', '2021-04-23', -13],
    ['2020-02-28', '2020-03-01', 2],
    ['2021-02-28', '2021-03-01', 1],
    ['2021-12-31', '2022-01-01', 1],
    ['2021-05-06', '2021-05-06', 0],
  ])('from %s to %s is %i days', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
    expect(addDays(a, n)).toBe(b);
  });

  it.each([
    ['2021-04-23', 5],
    ['2021-05-03', 1],
    ['2021-05-08', 6],
    ['2021-05-09', 7],
    ['1970-01-01', 4],
  ])('%s is ISO weekday %i', (date, day) => expect(isoWeekday(date)).toBe(day));

  it.each([
    ['2021-05-06', true],
    ['2020-02-29', true],
    ['2021-02-29', false],
    ['2021-04-31', false],
    ['2021-13-01', false],
    ['2021-5-6', false],
    ['', false],
  ])('isIsoDate(%s) is %s', (text, ok) => expect(isIsoDate(text)).toBe(ok));
});

describe('parsing as_of', () => {
  it.each([
    ['2021-05-06', '2021-05-06T22:59:59.999Z'],
    ['2021-12-06', '2021-12-06T23:59:59.999Z'],
    ['2021-05-06T11:30', '2021-05-06T10:30:00.000Z'],
    ['2021-05-06T11:30:15', '2021-05-06T10:30:15.000Z'],
    ['2021-05-06T10:30Z', '2021-05-06T10:30:00.000Z'],
    ['2021-05-06T10:30:00.000Z', '2021-05-06T10:30:00.000Z'],
    ['2021-05-06T11:30+01:00', '2021-05-06T10:30:00.000Z'],
    ['2021-05-06T11:30 01:00', '2021-05-06T10:30:00.000Z'], // a + sent unencoded in a query string
    ['2021-05-06T06:30-04:00', '2021-05-06T10:30:00.000Z'],
    ['2021-12-06T11:30', '2021-12-06T11:30:00.000Z'],
    // As the workspace forms take them: a date alone is the end of that day.
    ['6 May 2021', '2021-05-06T22:59:59.999Z'],
    ['06/05/2021', '2021-05-06T22:59:59.999Z'],
    ['6/5/2021', '2021-05-06T22:59:59.999Z'],
    ['6 May 2021 11:30', '2021-05-06T10:30:00.000Z'],
    ['6 May 2021, 11:30', '2021-05-06T10:30:00.000Z'],
    ['6 May 2021 at 11.30am', '2021-05-06T10:30:00.000Z'],
    ['6/12/2021 11:30pm', '2021-12-06T23:30:00.000Z'],
    ['31 October 2021 01:30', '2021-10-31T00:30:00.000Z'], // the first (BST) 01:30
  ])('%s is %s', (text, iso) => {
    const parsed = parseAsOf(text);
    expect(parsed.ok && new Date(parsed.value).toISOString()).toBe(iso);
  });

  it.each(['bad', '', '2021-02-29', '2021-05-06T25:00', '2021-05-06T11:60', '2021-13-01', '2021-05-06T11', 'now', '31 April 2021 11:30', '6 May 2021 25:00', '6 Mayday 2021', 'x'.repeat(200)])(
    'refuses %j with a message naming the formats',
    (text) => {
      const parsed = parseAsOf(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/6 May 2021.*2021-05-06T11:30/);
    },
  );
});

describe('parsing dates and times as campaigners type them', () => {
  it.each([
    ['2021-05-06', '2021-05-06'],
    ['6/5/2021', '2021-05-06'],
    ['06/05/2021', '2021-05-06'],
    ['6 May 2021', '2021-05-06'],
    ['6 may 2021', '2021-05-06'],
    ['6th May 2021', '2021-05-06'],
    ['6 Sept 2021', '2021-09-06'],
    ['29/02/2020', '2020-02-29'],
  ])('%s is %s', (text, iso) => expect(parseDate(text)).toEqual({ ok: true, value: iso }));

  it.each(['31/04/2021', '29/02/2021', '2021-02-30', '6 Mayo 2021', 'tomorrow', '', '5/6'])('refuses %j', (text) => {
    expect(parseDate(text).ok).toBe(false);
  });

  it.each([
    ['11:30', '11:30'],
    ['11.30', '11:30'],
    ['11.30am', '11:30'],
    ['11:30 pm', '23:30'],
    ['12am', '00:00'],
    ['12pm', '12:00'],
    ['2pm', '14:00'],
    ['00:00', '00:00'],
    ['23:59', '23:59'],
  ])('%s is %s', (text, value) => expect(parseTime(text)).toEqual({ ok: true, value }));

  it.each(['24:00', '13pm', '0am', '11:60', '11', 'noon', ''])('refuses %j', (text) => expect(parseTime(text).ok).toBe(false));
});

describe('working days in England and Wales', () => {
  it.each([
    ['2021-05-03', false, 'Early May bank holiday'],
    ['2021-05-04', true, 'a Tuesday'],
    ['2021-05-08', false, 'a Saturday'],
    ['2021-05-09', false, 'a Sunday'],
    ['2021-12-27', false, 'substitute day for Christmas'],
    ['2021-12-28', false, 'substitute day for Boxing Day'],
    ['2022-06-02', false, 'Platinum Jubilee'],
    ['2022-06-03', false, 'Platinum Jubilee'],
    ['2022-09-19', false, 'State Funeral'],
    ['2023-05-08', false, 'Coronation'],
    ['2021-04-02', false, 'Good Friday'],
    ['2021-04-05', false, 'Easter Monday'],
    ['2021-04-06', true, 'the Tuesday after Easter'],
  ])('%s is a working day: %s (%s)', (date, working) => expect(calendar.isWorkingDay(date)).toBe(working));

  it.each([
    ['2021-04-23', '2021-05-06', 8, 'the worked example: 3 May was a bank holiday'],
    ['2021-05-06', '2021-05-06', 0, 'the same day'],
    ['2021-05-06', '2021-04-23', 0, 'an earlier day'],
    ['2021-05-07', '2021-05-08', 0, 'Friday to Saturday'],
    ['2021-05-07', '2021-05-10', 1, 'Friday to Monday'],
    ['2021-05-08', '2021-05-09', 0, 'across a weekend only'],
    ['2021-12-24', '2021-12-29', 1, 'Christmas with substitute days'],
    ['2021-12-31', '2022-01-04', 1, 'New Year with a substitute day'],
    ['2021-04-01', '2021-04-06', 1, 'Easter'],
    ['2021-01-01', '2021-12-31', 253, 'the whole of 2021: 261 weekdays less 8 bank holidays'],
  ])('from %s to %s: %i working days (%s)', (since, until, n) => expect(calendar.workingDaysAfter(since, until)).toBe(n));

  it('agrees with counting day by day over many pairs of dates', () => {
    let checked = 0;
    for (let a = 0; a < 2000; a += 37) {
      for (let span = 0; span < 400; span += 13) {
        const since = addDays('2018-01-01', a);
        const until = addDays(since, span);
        if (!calendar.covers(until)) continue;
        let slow = 0;
        for (let d = addDays(since, 1); d <= until; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) slow++;
        expect(calendar.workingDaysAfter(since, until), `${since}..${until}`).toBe(slow);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it.each([
    ['2021-04-23', 10, '2021-05-10'],
    ['2021-04-23', 20, '2021-05-24'],
    ['2021-12-20', 10, '2022-01-06'],
    ['2021-05-07', 1, '2021-05-10'],
    ['2021-05-01', 0, '2021-05-01'],
  ])('the %i-th working day after %s is %s', (date, n, due) => expect(calendar.addWorkingDays(date, n)).toBe(due));

  it('finds the nth working day as counting day by day does, for any n up to 60', () => {
    for (let a = 0; a < 3000; a += 41) {
      const date = addDays('2018-01-01', a);
      for (let n = 0; n <= 60; n += 7) {
        let day = date;
        for (let counted = 0; counted < n; ) {
          day = addDays(day, 1);
          if (!calendar.covers(day)) break;
          if (calendar.isWorkingDay(day)) counted++;
        }
        if (calendar.covers(day)) expect(calendar.addWorkingDays(date, n), `${n} after ${date}`).toBe(day);
        else expect(() => calendar.addWorkingDays(date, n)).toThrow(CalendarRangeError);
      }
    }
  });

  it('refuses to guess outside the years of the bank holiday list', () => {
    expect(calendar.firstYear).toBe(2018);
    expect(calendar.lastYear).toBe(2027);
    expect(() => calendar.isWorkingDay('2028-01-04')).toThrow(CalendarRangeError);
    expect(() => calendar.isWorkingDay('2017-12-29')).toThrow(CalendarRangeError);
    expect(() => calendar.workingDaysAfter('2027-12-20', '2028-01-05')).toThrow(/2018 to 2027/);
    expect(() => calendar.addWorkingDays('2027-12-20', 10)).toThrow(CalendarRangeError);
    expect(calendar.workingDaysAfter('2017-12-31', '2018-01-02')).toBe(1);
  });

  it('refuses a holiday list with a year missing in the middle', () => {
    expect(() => new WorkingCalendar([{ date: '2020-01-01', title: 'a' }, { date: '2022-01-03', title: 'b' }])).toThrow(/2021/);
    expect(() => new WorkingCalendar([])).toThrow(/empty/);
  });
});

describe('working days at the edges of the bank holiday list (2018 to 2027)', () => {
  it.each([
    ['inside the list', '2021-04-23', '2021-05-06', 8],
    ['ending on its last day', '2027-12-01', '2027-12-31', 20],
    ['ending the day after its last day', '2027-12-01', '2028-01-01', null],
    ['starting on its last day', '2027-12-31', '2028-01-04', null],
    ['starting the day before its first day', '2017-12-31', '2018-01-02', 1],
    ['starting before its first year', '2017-12-20', '2018-01-05', null],
    ['an empty period after the list', '2028-03-01', '2028-03-01', 0],
  ])('%s: %s to %s', (_name, since, until, expected) => {
    expect(calendar.workingDaysAfterIfKnown(since, until)).toBe(expected);
  });

  it.each([
    ['inside the list', '2021-04-23', 10, '2021-05-10'],
    ['reaching its last working day', '2027-12-15', 9, '2027-12-30'],
    ['reaching past it', '2027-12-15', 11, null],
    ['from after it', '2028-01-04', 1, null],
    ['no days from after it', '2028-01-04', 0, '2028-01-04'],
  ])('adding working days %s: %s + %i', (_name, date, n, expected) => {
    expect(calendar.addWorkingDaysIfKnown(date, n)).toBe(expected);
  });

  it('knows its first and last dates, and writes dates as people do', () => {
    expect([calendar.firstDate, calendar.lastDate]).toEqual(['2018-01-01', '2027-12-31']);
    expect(['2027-12-31', '2021-05-06', '2028-02-29'].map(writtenDate)).toEqual(['31 December 2027', '6 May 2021', '29 February 2028']);
  });
});
