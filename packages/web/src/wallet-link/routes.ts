// The wallet verification page and the three API routes it calls. The page holds no token: it reads
// it from its own path. HTTP lives here; what a token stands for, the message to sign and the check
// of the signature are @memebot/core's (walletLinkStatus, walletLinkMessage, completeWalletLink).
import { readFileSync } from "node:fs";
import {
  completeWalletLink,
  type CompletedWalletLink,
  walletLinkMessage,
  walletLinkStatus,
  type WalletLinkDependencies,
  type WalletRejection,
} from "@memebot/core";
import { isSolanaSecretKey } from "@memebot/solana";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import { SECRET_KEY_TEXT, WALLET_REFUSAL_TEXT } from "./refusals.ts";
import "../route-config.ts";

export type WalletLinkRoutesOptions = {
  wallets: WalletLinkDependencies;
  /**
   * Per client address and per route, tighter than the server's default: a token that matches
   * nothing names no member, so core's per-member limit cannot stop someone guessing tokens.
   */
  rateLimit?: { max: number; timeWindowMs: number };
  /**
   * Called once a wallet is newly linked, before the page is answered (the bot has the member's token
   * gates checked). A failure is logged; the link stands and the page still says so.
   */
  onLinked?: (linked: CompletedWalletLink) => Promise<void>;
};

export const WALLET_PAGE_RATE_LIMIT = { max: 20, timeWindowMs: 60_000 } as const;

// Base58 (no 0, O, I, l): the alphabet of link tokens, addresses and signatures.
const base58 = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[1-9A-HJ-NP-Za-km-z]+$/);
// Tokens are 32 random bytes (43–44 characters); the bounds match what core accepts.
const tokenParams = z.strictObject({ token: base58(20, 60) });
const address = base58(32, 44);
const messageBody = z.strictObject({ address });
const completeBody = z.strictObject({
  address,
  signature: base58(64, 88),
  // Our messages are about 500 characters; parseSiwsMessage refuses anything over 2,000.
  message: z.string().min(1).max(2_000),
});

const PAGE_HTML = readFileSync(new URL("./page.html", import.meta.url), "utf8");

/** HTTP statuses by refusal: the page reads the id, these keep the answers honest to other clients. */
const REFUSAL_STATUS: Record<WalletRejection, number> = {
  malformed: 400,
  no_request: 404,
  wrong_user: 403,
  nonce_used: 410,
  nonce_expired: 410,
  wrong_address: 403,
  wrong_domain: 403,
  message_mismatch: 403,
  bad_signature: 403,
  already_linked_elsewhere: 409,
  rate_limited: 429,
};

function refuse(reply: FastifyReply, id: WalletRejection) {
  return reply.code(REFUSAL_STATUS[id]).send({ error: id, message: WALLET_REFUSAL_TEXT[id] });
}

/**
 * GET /wallet/link/:token (the page), GET /api/wallet/link/:token (its state),
 * POST /api/wallet/link/:token/message (the text to sign for an address) and
 * POST /api/wallet/link/:token (the signature). The token is a bearer secret in the path: each route
 * is logged by a label with the token redacted, and no answer is cached.
 */
export function walletLinkRoutes(options: WalletLinkRoutesOptions): FastifyPluginAsync {
  const limit = options.rateLimit ?? WALLET_PAGE_RATE_LIMIT;
  const rateLimit = { max: limit.max, timeWindow: limit.timeWindowMs };
  const { wallets } = options;

  return async (app) => {
    app.addHook("onSend", async (_request, reply) => {
      reply.header("cache-control", "no-store");
    });

    app.get(
      "/wallet/link/:token",
      { config: { rateLimit, logAs: "/wallet/link/<redacted>" } },
      async (_request, reply) =>
        // The same page for every token: it asks the API what its token stands for.
        reply.code(200).type("text/html; charset=utf-8").send(PAGE_HTML),
    );

    app.get(
      "/api/wallet/link/:token",
      { config: { rateLimit, logAs: "/api/wallet/link/<redacted>" } },
      async (request, reply) => {
        const params = tokenParams.safeParse(request.params);
        if (!params.success) return reply.send({ state: "unknown" });
        const status = await walletLinkStatus(wallets, params.data.token);
        if (status.state !== "valid") return reply.send({ state: status.state });
        return reply.send({
          state: "valid",
          expiresAt: status.expiresAt.toISOString(),
          address: status.address,
        });
      },
    );

    app.post(
      "/api/wallet/link/:token/message",
      { bodyLimit: 1_024, config: { rateLimit, logAs: "/api/wallet/link/<redacted>/message" } },
      async (request, reply) => {
        const params = tokenParams.safeParse(request.params);
        if (!params.success) return refuse(reply, "no_request");
        const body = messageBody.safeParse(request.body);
        if (!body.success) return refuse(reply, "malformed");
        const result = await walletLinkMessage(wallets, {
          token: params.data.token,
          address: body.data.address,
        });
        if (!result.ok) return refuse(reply, result.error);
        return reply.send({ message: result.value.message, expiresAt: result.value.expiresAt.toISOString() });
      },
    );

    app.post(
      "/api/wallet/link/:token",
      { bodyLimit: 8 * 1_024, config: { rateLimit, logAs: "/api/wallet/link/<redacted>" } },
      async (request, reply) => {
        const params = tokenParams.safeParse(request.params);
        if (!params.success) return refuse(reply, "no_request");
        const body = completeBody.safeParse(request.body);
        if (!body.success) return refuse(reply, "malformed");
        // A private key is 64 bytes of base58 like a signature. Refused before anything reads or
        // records it (the body is never logged), with a warning: whoever saw it can take the funds.
        if (isSolanaSecretKey(body.data.signature)) {
          return reply.code(400).send({ error: "secret_key", message: SECRET_KEY_TEXT });
        }
        const result = await completeWalletLink(wallets, {
          reference: { token: params.data.token },
          address: body.data.address,
          signature: body.data.signature,
          message: body.data.message,
        });
        if (!result.ok) return refuse(reply, result.error.id);
        if (result.value.status === "linked" && options.onLinked) {
          try {
            await options.onLinked(result.value);
          } catch (error) {
            request.log.warn({ err: error }, "wallet linked, but what follows a link failed");
          }
        }
        return reply.send({ status: result.value.status, address: result.value.address });
      },
    );
  };
}
