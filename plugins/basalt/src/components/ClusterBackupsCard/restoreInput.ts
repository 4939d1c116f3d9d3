/** Longest name a cluster may have, leaving room for instance suffixes. */
export const MAX_CLUSTER_NAME = 40;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why `value` cannot name a cluster (or a namespace, with `max` 63), or
 * undefined when it can. Names become process, volume and Kubernetes object
 * names, so they are DNS labels as the manifest requires.
 */
export function dnsLabelProblem(
  value: string,
  max: number = MAX_CLUSTER_NAME,
): string | undefined {
  if (value === '') return 'Enter a name.';
  if (value.length > max) {
    return `Use at most ${max} characters (this has ${value.length}).`;
  }
  if (!DNS_LABEL.test(value)) {
    return "Use lower-case letters, digits and '-' only, starting and ending with a letter or digit.";
  }
  return undefined;
}

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A recovery time typed as "2026-11-24 08:30[:00]" in the browser's time
 * zone, or in ISO 8601 with its zone; undefined when it is neither.
 */
export function parseRecoveryTime(value: string): Date | undefined {
  const match = TIME.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = ''] =
    match;
  const zone = match[8];
  const date = zone
    ? new Date(
        `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${zone}`,
      )
    : new Date(
        +year,
        +month - 1,
        +day,
        +hour,
        +minute,
        +second,
        Math.round(Number(`0${fraction}`) * 1000),
      );
  // The local form rolls over (month 13 is next January); refuse that.
  const exact =
    zone || (date.getMonth() === +month - 1 && date.getDate() === +day);
  return Number.isNaN(date.getTime()) || !exact ? undefined : date;
}

/** Why a recovery time cannot be used, or undefined when it can. */
export function recoveryTimeProblem(
  value: string,
  earliest: string | undefined,
  now: number = Date.now(),
): string | undefined {
  const time = parseRecoveryTime(value);
  if (!time) {
    return 'Enter a time as YYYY-MM-DD HH:MM (your time zone), or in ISO 8601 with its zone.';
  }
  if (time.getTime() > now) return 'Choose a time in the past.';
  if (earliest && time.getTime() < Date.parse(earliest)) {
    return `Choose a time after ${new Date(
      earliest,
    ).toLocaleString()}, when the oldest retained physical backup completed.`;
  }
  return undefined;
}

/** `date` as "YYYY-MM-DD HH:MM" in the browser's time zone. */
export function formatLocalMinute(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
