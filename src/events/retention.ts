/** R29: events (and their deliveries) can be read back and replayed for 7 days, then the cron purges them. */
export const EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
