// Request-field checks shared by the handlers; each failure is INVALID_ARGUMENT naming the field.
import { invalidArgument } from "./errors";

const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;
// Control characters (C0, DEL, C1) are refused in names and IDs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Returns `value` trimmed; throws if it is empty, too long, or holds control characters. */
export function requireText(field: string, value: string, maxLength = 256): string {
  const v = value.trim();
  if (v === "") throw invalidArgument(field, "must not be empty");
  if (v.length > maxLength) throw invalidArgument(field, `must be at most ${maxLength} characters`);
  if (CONTROL.test(v)) throw invalidArgument(field, "must not contain control characters");
  return v;
}

/** Returns the trimmed email; throws unless it looks like `local@domain.tld`. */
export function requireEmail(field: string, value: string): string {
  const v = value.trim();
  if (v === "") throw invalidArgument(field, "must not be empty");
  if (v.length > 254 || !EMAIL.test(v)) throw invalidArgument(field, `"${v.slice(0, 64)}" is not a valid email address`);
  return v;
}

/**
 * The user ID an email address becomes, and the form in which an email-like user ID is looked up:
 * the address lower-cased, domain and local part alike, so `ADMIN@X.COM` and `admin@x.com` are one
 * user (see README, Decisions). IDs without an `@` are kept as given.
 */
export function canonicalUserId(id: string): string {
  return id.includes("@") ? id.toLowerCase() : id;
}

/** Throws unless the password is non-empty and at most 1024 characters. */
export function requirePassword(field: string, value: string): string {
  if (value === "") throw invalidArgument(field, "must not be empty");
  if (value.length > 1024) throw invalidArgument(field, "must be at most 1024 characters");
  return value;
}
