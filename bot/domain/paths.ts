import { addCalendarDays, addWorkingDays, helsinkiDate, nextWorkingDay, type IsoDate } from './workdays';

/**
 * The two service paths. 'existing' (path 1): the organisation already holds the theme and an administrator
 * grants it in Suomi.fi. 'missing' (path 2): the organisation must first apply for the theme from DVV.
 */
export type ServicePath = 'existing' | 'missing';

/** Path 1 target: granted within this many working days of the order. */
export const PATH1_WORKING_DAYS = 3;
/** Path 2 target: DVV's decision and the grant take this many weeks. */
export const PATH2_WEEKS = { min: 4, max: 6 } as const;

export interface Estimate {
  /** The first day the mandate can realistically be in place. */
  earliest: IsoDate;
  /** The target date; after it the order is overdue. */
  due: IsoDate;
}

/** An unknown theme is treated as missing: promising days for something the organisation may not hold would mislead. */
export function decidePath(theme: { heldByOrganisation: boolean } | undefined): ServicePath {
  return theme?.heldByOrganisation ? 'existing' : 'missing';
}

/**
 * Dates count from the order's calendar day in Finland, which is not counted itself (an order on Friday
 * evening is not worked on that day). Path 2 targets that land on a day off move to the next working day.
 */
export function estimate(path: ServicePath, submittedAt: Date): Estimate {
  const submitted = helsinkiDate(submittedAt);
  if (path === 'existing') {
    return { earliest: addWorkingDays(submitted, 1), due: addWorkingDays(submitted, PATH1_WORKING_DAYS) };
  }
  return {
    earliest: nextWorkingDay(addCalendarDays(submitted, PATH2_WEEKS.min * 7)),
    due: nextWorkingDay(addCalendarDays(submitted, PATH2_WEEKS.max * 7)),
  };
}

/** Overdue from the day after the due date: work done on the due date is on time. */
export function isOverdue(due: IsoDate, today: IsoDate): boolean {
  // Validates both dates (throws on malformed input) by going through the same date arithmetic.
  return addCalendarDays(today, 0) > addCalendarDays(due, 0);
}
