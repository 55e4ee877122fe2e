// What wallet linking needs of storage (the wallets repository of @memebot/db, in the bot). Members
// are named by their platform user id within a community; a wallet belongs to one member per
// community.
import type { CommunityRef, Platform } from "../platform.ts";

type CommunityKey = Pick<CommunityRef, "platform" | "externalId"> & { title?: string };

/** One /wallet link request: a single-use nonce and link token, bound to a member of a community. */
export interface WalletLinkRequestRecord {
  id: string;
  community: { platform: Platform; externalId: string };
  /** The platform user id of the member who asked. */
  memberId: string;
  nonce: string;
  /** Set when the member named the wallet (/wallet link <address>); the page learns it from the wallet. */
  address: string | null;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export type WalletRequestLookup =
  /** The link token's SHA-256 (hex): tokens are bearer secrets and are never stored as they are. */
  | { tokenHash: string }
  | { nonce: string }
  /** The member's newest request in the community (made for `address` when given), used or not (the paste path). */
  | { newestOf: { community: CommunityKey; memberId: string; address?: string } };

export type CompleteRequestResult = "linked" | "already_yours" | "nonce_used" | "linked_elsewhere";

export interface StoredWalletLink {
  address: string;
  linkedAt: Date;
}

export interface WalletLinkAttemptRecord {
  community?: CommunityKey;
  /** Who tried; unknown when a link token matched nothing. */
  platform?: Platform;
  memberId?: string;
  /** Only a well-formed address is kept. */
  address?: string;
  /** "linked", "already_linked" or a rejection id. */
  outcome: string;
  at: Date;
}

export interface WalletStore {
  createRequest(input: {
    community: CommunityKey;
    memberId: string;
    tokenHash: string;
    nonce: string;
    address?: string;
    issuedAt: Date;
    expiresAt: Date;
  }): Promise<void>;
  findRequest(lookup: WalletRequestLookup): Promise<WalletLinkRequestRecord | null>;
  /**
   * In one transaction: marks the request used if nobody did yet (the one winner of a race), then
   * links the wallet to the member unless another member of the community holds it. The nonce is
   * spent whatever the outcome after the first step.
   */
  completeRequest(input: { requestId: string; address: string; now: Date }): Promise<CompleteRequestResult>;
  recordAttempt(attempt: WalletLinkAttemptRecord): Promise<void>;
  /** The member's attempts since `since` whose outcome is one of `outcomes`, on that platform. */
  countAttempts(input: {
    platform: Platform;
    memberId: string;
    since: Date;
    outcomes: readonly string[];
  }): Promise<number>;
  links(community: CommunityKey, memberId: string): Promise<StoredWalletLink[]>;
  /** True when the member had linked that wallet here. */
  unlink(community: CommunityKey, memberId: string, address: string): Promise<boolean>;
}
