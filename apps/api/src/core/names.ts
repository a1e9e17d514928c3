import { z } from 'zod';

/**
 * Names that end up in DNS, on a web server's file system or in a shell script's argument list.
 * Each is validated here, before anything is written or sent, and again by the far side.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for a lowercase DNS hostname with at least two labels; IDNs must arrive as punycode (xn--). */
export function isHostname(value: string): boolean {
  if (value.length > 253 || value.endsWith('.')) return false;
  const labels = value.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  // The top-level label is alphabetic or an IDN TLD, never all digits (that would be an IP).
  const tld = labels[labels.length - 1];
  return /^[a-z]{2,63}$/.test(tld) || /^xn--[a-z0-9-]{1,59}$/.test(tld);
}

export const hostname = z
  .string()
  .max(253)
  .refine(isHostname, 'must be a lowercase hostname such as example.com (IDN as punycode, no trailing dot)');

/** A Linux account name the host scripts accept: starts with a letter, 3–32 of [a-z0-9_-]. */
export const SYSTEM_USER = /^[a-z][a-z0-9_-]{2,31}$/;
export const systemUser = z.string().regex(SYSTEM_USER, 'must be 3–32 characters of a-z, 0-9, _ or -, starting with a letter');

/** A PHP version the host scripts know how to give a pool to, e.g. 8.2. */
export const phpVersion = z.string().regex(/^[5-9]\.\d{1,2}$/, 'must look like 8.2');

/** Derives a stable system user from a domain: `example-com` → `example_com` trimmed to 32. */
export function systemUserFor(domain: string): string {
  const base = domain.replace(/^xn--/, 'x').replace(/[^a-z0-9]+/g, '_');
  const start = /^[a-z]/.test(base) ? base : `u${base}`;
  return start.slice(0, 32).replace(/_+$/, '');
}
