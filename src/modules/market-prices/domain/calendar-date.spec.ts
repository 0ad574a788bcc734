import { addDays, calendarDateIn, isCalendarDate, parsePublishedDate } from './calendar-date';

describe('calendar dates', () => {
  it('reads ISO and day-first dates, and refuses dates that do not exist', () => {
    expect(parsePublishedDate('2026-10-05')).toBe('2026-10-05');
    expect(parsePublishedDate(' 5/10/2026 ')).toBe('2026-10-05');
    expect(parsePublishedDate('05-10-2026')).toBe('2026-10-05');
    for (const bad of ['2026-02-29', '31/04/2026', '2026-13-01', '10/05/26', '', 'ayer']) {
      expect(parsePublishedDate(bad)).toBeNull();
    }
    expect(isCalendarDate('2028-02-29')).toBe(true);
  });

  it('counts days across months and years', () => {
    expect(addDays('2026-10-20', -29)).toBe('2026-09-21');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it("takes the market day in Chile's calendar, summer time included", () => {
    // October: Chile is UTC−3; July: UTC−4.
    expect(calendarDateIn(new Date('2026-10-20T02:59:00Z'))).toBe('2026-10-19');
    expect(calendarDateIn(new Date('2026-10-20T03:00:00Z'))).toBe('2026-10-20');
    expect(calendarDateIn(new Date('2026-07-10T03:30:00Z'))).toBe('2026-07-09');
  });
});
