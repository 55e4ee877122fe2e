import { createHash, timingSafeEqual } from "node:crypto";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether a secret presented by a client is the expected one, in constant time. The digests have
 * one length, so timingSafeEqual neither throws nor tells how long the secret is.
 */
export function matchesSecret(given: string | string[] | undefined, expected: string): boolean {
  return typeof given === "string" && timingSafeEqual(sha256(given), sha256(expected));
}

/** The credential of an `Authorization: Bearer <token>` header, or undefined for any other scheme. */
export const bearerTokenOf = (authorization: string | undefined): string | undefined =>
  authorization !== undefined && /^Bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
