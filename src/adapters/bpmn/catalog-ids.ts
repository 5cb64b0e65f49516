/** A template, calendar or form id named in a procedure: a-z, 0-9 and `-`, not starting with `-`. */
export const CATALOG_KEY = /^[a-z0-9][a-z0-9-]*$/;
