import { PublicKey } from "@solana/web3.js";
import bs58 from "bs58";

/** The key of a base58 Solana address (32 bytes), or null for anything else. */
export function parseSolanaAddress(text: string): PublicKey | null {
  // 32 bytes take at most 44 base58 characters: refuse long input before decoding it.
  if (text.length < 32 || text.length > 44) return null;
  try {
    const bytes = bs58.decode(text);
    return bytes.length === 32 ? new PublicKey(bytes) : null;
  } catch {
    return null;
  }
}
