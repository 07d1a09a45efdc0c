/**
 * How many item reads one request runs at once: an album change names up to 500 items and a page
 * up to 200, each one repository read, which must not all hit the table in the same instant.
 */
export const READ_CONCURRENCY = 25;
