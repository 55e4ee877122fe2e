// Wallet linking by signed message: `startWalletLink` issues a single-use nonce and link token bound
// to a member of a community (10 minutes), and the exact Sign In With Solana message to sign once the
// wallet is known; `completeWalletLink` checks a signature against it, every field included, and links
// the wallet. The verification page (later, in @memebot/web) and the chat paste path (/wallet verify)
// both call `completeWalletLink`. Every attempt is recorded; a member's failures are rate-limited.
// No private key or seed phrase is ever asked for, and nothing here could take one.
import { createHash, randomBytes } from "node:crypto";
import {
  buildSiwsMessage,
  encodeBase58,
  isBase58Signature,
  isWalletAddress,
  parseSiwsMessage,
  verifySiwsSignature,
  type SignedForm,
  type SiwsFields,
} from "@memebot/solana";
import type { CommunityRef, Platform } from "../platform.ts";
import type { Result } from "../result.ts";
import type { WalletLinkRequestRecord, WalletStore } from "./store.ts";

export const WALLET_LINK_LIFETIME_MS = 10 * 60 * 1000;
/** Failed attempts a member may make per window before being refused for a while. */
export const WALLET_FAILURE_LIMIT = 5;
export const WALLET_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** Why a link was refused; stable ids (each has a message `wallet.rejected.<id>`). */
export const WALLET_REJECTIONS = [
  "malformed",
  "no_request",
  "wrong_user",
  "nonce_used",
  "nonce_expired",
  "wrong_address",
  "wrong_domain",
  "message_mismatch",
  "bad_signature",
  "already_linked_elsewhere",
  "rate_limited",
] as const;
export type WalletRejection = (typeof WALLET_REJECTIONS)[number];

/** Outcomes that count towards the rate limit: every rejection but the limit's own. */
const COUNTED_FAILURES = WALLET_REJECTIONS.filter((id) => id !== "rate_limited");

/** Where the verification page lives and what messages name; from PUBLIC_URL. */
export interface WalletLinkSettings {
  /** The SIWS domain: PUBLIC_URL's host. */
  domain: string;
  /** The SIWS URI: PUBLIC_URL's origin. */
  uri: string;
  /** Link pages are `${pageBaseUrl}/wallet/link/<token>`; absent when no web server is set up. */
  pageBaseUrl?: string;
}

/**
 * Settings from the public URL of the web server. Without one the paste path still works: messages
 * then name "localhost", which is honest for a bot nobody reaches over HTTP. `page: false` while the
 * web server does not serve the verification page: messages name the right domain, and no link to a
 * missing page is handed out.
 */
export function walletLinkSettingsOf(
  publicUrl: string | undefined,
  options: { page?: boolean } = {},
): WalletLinkSettings {
  if (!publicUrl) return { domain: "localhost", uri: "http://localhost" };
  const url = new URL(publicUrl);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  return { domain: url.host, uri: url.origin, ...(options.page === false ? {} : { pageBaseUrl: base }) };
}

export interface WalletLinkDependencies {
  store: WalletStore;
  settings: WalletLinkSettings;
  /** The clock (tests move it); Date.now by default. */
  now?: () => Date;
}

export interface Member {
  platform: Platform;
  externalId: string;
}

type CommunityKey = Pick<CommunityRef, "platform" | "externalId"> & { title?: string };

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
// Base58 is letters and digits only: EIP-4361's nonce grammar, and safe in a URL path.
const randomBase58 = (bytes: number) => encodeBase58(randomBytes(bytes));
const clockOf = (deps: WalletLinkDependencies) => deps.now ?? (() => new Date());

// Ids reach the statement from the platforms; anything but these characters is dropped so a
// statement stays one plain line whatever a platform sends.
const safeId = (id: string) => id.replace(/[^\w.:@-]/g, "").slice(0, 64);

/** The one line that says what signing means and whom it links: the member and the community. */
export function walletStatementOf(request: Pick<WalletLinkRequestRecord, "community" | "memberId">): string {
  const { platform, externalId } = request.community;
  return (
    `Link this wallet to ${platform} user ${safeId(request.memberId)} in community ${safeId(externalId)}. ` +
    "This only proves you hold the wallet: no transaction, no fee, no access to your funds."
  );
}

/** The exact fields a request's message has for `address`. */
export function walletMessageFieldsOf(
  request: WalletLinkRequestRecord,
  address: string,
  settings: WalletLinkSettings,
): SiwsFields {
  return {
    domain: settings.domain,
    address,
    statement: walletStatementOf(request),
    uri: settings.uri,
    version: "1",
    chainId: "mainnet",
    nonce: request.nonce,
    issuedAt: request.issuedAt.toISOString(),
    expirationTime: request.expiresAt.toISOString(),
  };
}

export interface StartedWalletLink {
  /** The page to open, when a web server is set up. */
  link?: string;
  nonce: string;
  expiresAt: Date;
  /** With an address: the exact text to sign. */
  message?: string;
}

/** Issues a request for the member; with `address`, bound to that wallet and with its message. */
export async function startWalletLink(
  deps: WalletLinkDependencies,
  input: { community: CommunityKey; member: Member; address?: string },
): Promise<Result<StartedWalletLink, "malformed">> {
  if (input.address !== undefined && !isWalletAddress(input.address))
    return { ok: false, error: "malformed" };
  // Milliseconds are kept (the column holds them), so the message rebuilds exactly from the row.
  const issuedAt = clockOf(deps)();
  const expiresAt = new Date(issuedAt.getTime() + WALLET_LINK_LIFETIME_MS);
  const token = randomBase58(32);
  const nonce = randomBase58(16);
  await deps.store.createRequest({
    community: input.community,
    memberId: input.member.externalId,
    tokenHash: hashToken(token),
    nonce,
    ...(input.address !== undefined ? { address: input.address } : {}),
    issuedAt,
    expiresAt,
  });
  const request: WalletLinkRequestRecord = {
    id: "",
    community: { platform: input.community.platform, externalId: input.community.externalId },
    memberId: input.member.externalId,
    nonce,
    address: input.address ?? null,
    issuedAt,
    expiresAt,
    usedAt: null,
  };
  return {
    ok: true,
    value: {
      ...(deps.settings.pageBaseUrl ? { link: `${deps.settings.pageBaseUrl}/wallet/link/${token}` } : {}),
      nonce,
      expiresAt,
      ...(input.address !== undefined
        ? { message: buildSiwsMessage(walletMessageFieldsOf(request, input.address, deps.settings)) }
        : {}),
    },
  };
}

export type WalletLinkReference =
  | { token: string }
  | { nonce: string }
  /** The caller's newest request in `community` (the paste path names no request). */
  | { newest: true };

export interface CompleteWalletLinkInput {
  reference: WalletLinkReference;
  /**
   * Who is completing, when known (chat commands): the request must be theirs and this community's.
   * The page knows nobody but the token's holder, and leaves it out.
   */
  caller?: { community: CommunityKey; member: Member };
  address: string;
  signature: string;
  /** The text the wallet signed (the page sends what the wallet returned); else the request's own. */
  message?: string;
}

export interface CompletedWalletLink {
  address: string;
  status: "linked" | "already_linked";
  form: SignedForm;
  /** Whose wallet it now is: the request's community and member (the page knows them only from here). */
  community: { platform: Platform; externalId: string };
  memberId: string;
}

export interface WalletLinkRefusal {
  id: WalletRejection;
}

/** Finds the request a completion names (rejections are values: malformed input finds nothing). */
async function requestOf(
  deps: WalletLinkDependencies,
  input: CompleteWalletLinkInput,
): Promise<WalletLinkRequestRecord | null> {
  const { reference } = input;
  if ("token" in reference) {
    if (!/^[1-9A-HJ-NP-Za-km-z]{20,60}$/.test(reference.token)) return null;
    return deps.store.findRequest({ tokenHash: hashToken(reference.token) });
  }
  if ("nonce" in reference) {
    if (!/^[1-9A-HJ-NP-Za-km-z]{8,40}$/.test(reference.nonce)) return null;
    return deps.store.findRequest({ nonce: reference.nonce });
  }
  if (!input.caller) return null;
  // The newest for this wallet (a member may link several, one after another), else the newest at all.
  const newestOf = { community: input.caller.community, memberId: input.caller.member.externalId };
  return (
    (await deps.store.findRequest({ newestOf: { ...newestOf, address: input.address } })) ??
    deps.store.findRequest({ newestOf })
  );
}

/**
 * Checks the signature and every field of the message against the request, and links the wallet.
 * Each call is recorded with its outcome.
 */
export async function completeWalletLink(
  deps: WalletLinkDependencies,
  input: CompleteWalletLinkInput,
): Promise<Result<CompletedWalletLink, WalletLinkRefusal>> {
  const now = clockOf(deps)();
  let request: WalletLinkRequestRecord | null = null;
  const addressOk = isWalletAddress(input.address);

  const finish = async <T extends Result<CompletedWalletLink, WalletLinkRefusal>>(result: T): Promise<T> => {
    const member =
      input.caller?.member ??
      (request ? { platform: request.community.platform, externalId: request.memberId } : undefined);
    const community = input.caller?.community ?? request?.community;
    await deps.store.recordAttempt({
      ...(community ? { community } : {}),
      ...(member ? { platform: member.platform } : {}),
      ...(member ? { memberId: member.externalId } : {}),
      ...(addressOk ? { address: input.address } : {}),
      outcome: result.ok ? result.value.status : result.error.id,
      at: now,
    });
    return result;
  };
  const refuse = (id: WalletRejection) => finish({ ok: false as const, error: { id } });

  const limited = async (member: Member): Promise<WalletLinkRefusal | undefined> => {
    const since = new Date(now.getTime() - WALLET_FAILURE_WINDOW_MS);
    const failures = await deps.store.countAttempts({
      platform: member.platform,
      memberId: member.externalId,
      since,
      outcomes: COUNTED_FAILURES,
    });
    // A sliding window: once the oldest counted failure is older than the window, trying is allowed again.
    return failures < WALLET_FAILURE_LIMIT ? undefined : { id: "rate_limited" };
  };

  if (input.caller) {
    const refusal = await limited(input.caller.member);
    if (refusal) return finish({ ok: false as const, error: refusal });
  }
  if (!addressOk || !isBase58Signature(input.signature)) return refuse("malformed");

  request = await requestOf(deps, input);
  if (!request) return refuse("no_request");
  if (!input.caller) {
    const refusal = await limited({ platform: request.community.platform, externalId: request.memberId });
    if (refusal) return finish({ ok: false as const, error: refusal });
  } else {
    const { community, member } = input.caller;
    const sameCommunity =
      request.community.platform === community.platform &&
      request.community.externalId === community.externalId;
    if (!sameCommunity || member.platform !== community.platform || request.memberId !== member.externalId) {
      return refuse("wrong_user");
    }
  }
  if (request.usedAt) return refuse("nonce_used");
  if (now.getTime() >= request.expiresAt.getTime()) return refuse("nonce_expired");
  if (request.address !== null && request.address !== input.address) return refuse("wrong_address");

  const expected = walletMessageFieldsOf(request, input.address, deps.settings);
  let message = buildSiwsMessage(expected);
  if (input.message !== undefined) {
    const parsed = parseSiwsMessage(input.message);
    if (!parsed.ok) return refuse("malformed");
    const fields = parsed.fields;
    if (fields.domain !== expected.domain) return refuse("wrong_domain");
    if (fields.address !== input.address) return refuse("wrong_address");
    if (fields.nonce !== expected.nonce) return refuse("message_mismatch");
    if (fields.statement !== expected.statement) return refuse("wrong_user");
    const same = (Object.keys(expected) as Array<keyof SiwsFields>).every(
      (key) => fields[key] === expected[key],
    );
    if (!same) return refuse("message_mismatch");
    message = input.message;
  }

  const verified = verifySiwsSignature({ message, address: input.address, signature: input.signature });
  if (!verified.ok) return refuse(verified.problem === "bad_signature" ? "bad_signature" : "malformed");

  const outcome = await deps.store.completeRequest({ requestId: request.id, address: input.address, now });
  switch (outcome) {
    case "nonce_used":
      return refuse("nonce_used");
    case "linked_elsewhere":
      return refuse("already_linked_elsewhere");
    case "linked":
    case "already_yours":
      return finish({
        ok: true as const,
        value: {
          address: input.address,
          status: outcome === "linked" ? ("linked" as const) : ("already_linked" as const),
          form: verified.form,
          community: request.community,
          memberId: request.memberId,
        },
      });
  }
}

/** The message a page shows for `address` under a link token; the page's first step. */
export async function walletLinkMessage(
  deps: WalletLinkDependencies,
  input: { token: string; address: string },
): Promise<Result<{ message: string; expiresAt: Date }, WalletRejection>> {
  if (!isWalletAddress(input.address)) return { ok: false, error: "malformed" };
  const request = await requestOf(deps, {
    reference: { token: input.token },
    address: input.address,
    signature: "",
  });
  if (!request) return { ok: false, error: "no_request" };
  if (request.usedAt) return { ok: false, error: "nonce_used" };
  if (clockOf(deps)().getTime() >= request.expiresAt.getTime()) return { ok: false, error: "nonce_expired" };
  if (request.address !== null && request.address !== input.address)
    return { ok: false, error: "wrong_address" };
  return {
    ok: true,
    value: {
      message: buildSiwsMessage(walletMessageFieldsOf(request, input.address, deps.settings)),
      expiresAt: request.expiresAt,
    },
  };
}

/** What a link token stands for, as the page shows it before anything else; it never names the member. */
export type WalletLinkStatus =
  { state: "valid"; expiresAt: Date; address: string | null } | { state: "unknown" | "used" | "expired" };

/** The page's first look at its link: still usable, already used, expired, or unknown (or malformed). */
export async function walletLinkStatus(
  deps: WalletLinkDependencies,
  token: string,
): Promise<WalletLinkStatus> {
  const request = await requestOf(deps, { reference: { token }, address: "", signature: "" });
  if (!request) return { state: "unknown" };
  if (request.usedAt) return { state: "used" };
  if (clockOf(deps)().getTime() >= request.expiresAt.getTime()) return { state: "expired" };
  return { state: "valid", expiresAt: request.expiresAt, address: request.address };
}
