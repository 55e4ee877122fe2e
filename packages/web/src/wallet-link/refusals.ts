import type { WalletRejection } from "@memebot/core";

/**
 * What the page says for each refusal: the page's own words (core's `wallet.rejected.*` texts speak
 * of chat commands), short and saying what to do next. English only for now.
 */
export const WALLET_REFUSAL_TEXT: Record<WalletRejection, string> = {
  malformed:
    "That address, signature or message is not in the right format. Copy all of it, with nothing added.",
  no_request: "This link is not valid. Ask the bot for a new one with /wallet link.",
  wrong_user: "This message was made for another member. Open the link the bot gave you.",
  nonce_used: "This link has been used already. Ask the bot for a new one with /wallet link.",
  nonce_expired:
    "This link has expired (links last 10 minutes). Ask the bot for a new one with /wallet link.",
  wrong_address:
    "This link is for another wallet, or the message names another wallet than the one that signed. Use one wallet throughout.",
  wrong_domain: "The message was made for another website. Sign the message shown on this page.",
  message_mismatch: "The signed message differs from the one this page gave. Sign it exactly as shown.",
  bad_signature:
    "The signature does not match this wallet and message. Sign the exact message shown, with this wallet.",
  already_linked_elsewhere: "Another member of this community has linked this wallet already.",
  rate_limited: "Too many failed tries. Wait 15 minutes, then ask the bot for a new link.",
};

/** Answered instead of any check when the "signature" pasted is a wallet's private key. */
export const SECRET_KEY_TEXT =
  "Stop: that is a wallet's private key, not a signature. It was not kept, but anyone who saw it can take that wallet's funds: move them to a new wallet now. Paste the signature of the message instead.";
