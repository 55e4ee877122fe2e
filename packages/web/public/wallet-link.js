// The wallet verification page: finds the browser's Solana wallets through the Wallet Standard,
// has the chosen one sign the server's Sign In With Solana message, and sends the signature back.
// Or, without a browser wallet, shows the message to sign elsewhere and takes a pasted signature.
// Plain ES module, no dependencies: the page's Content-Security-Policy allows only our own scripts.
// Text from wallets and the server is only ever set as textContent, never as HTML.
/* global window, document, location, navigator, fetch, CustomEvent, TextEncoder, TextDecoder, setTimeout */

const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const TOKEN_IN_PATH = /\/wallet\/link\/([1-9A-HJ-NP-Za-km-z]{20,60})$/;
const ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const SIGNATURE = /^[1-9A-HJ-NP-Za-km-z]{64,88}$/;
/** How long to wait for wallets to announce themselves before saying none was found. */
const DISCOVERY_GRACE_MS = 1200;
/** Refusals after which nothing on this page can succeed any more. */
const FINAL = new Set(["no_request", "nonce_used", "nonce_expired", "rate_limited", "wrong_user"]);

const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element;
};

/** Base58 (Bitcoin alphabet) of bytes: how Solana writes signatures. */
function encodeBase58(bytes) {
  // Little-endian base-58 digits of the number the bytes spell; each leading zero byte is a "1".
  const digits = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i += 1) {
      carry += digits[i] * 256;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let text = "";
  for (const byte of bytes) {
    if (byte !== 0) break;
    text += "1";
  }
  for (let i = digits.length - 1; i >= 0; i -= 1) text += BASE58_ALPHABET[digits[i]];
  return text;
}

const short = (address) => `${address.slice(0, 4)}…${address.slice(-4)}`;

// ---------------------------------------------------------------------------------------------
// Wallet Standard, the app's side: wallets that load before us answer our app-ready event; wallets
// that load after us dispatch register-wallet, and we hand them the same API. Set up at once, before
// anything is fetched, so no announcement is missed.

const wallets = new Set();
let onWalletsChanged = () => {};

function register(...announced) {
  const added = announced.filter((wallet) => wallet && typeof wallet === "object" && !wallets.has(wallet));
  for (const wallet of added) wallets.add(wallet);
  if (added.length > 0) onWalletsChanged();
  return function unregister() {
    for (const wallet of added) wallets.delete(wallet);
    onWalletsChanged();
  };
}

const appApi = Object.freeze({ register });
window.addEventListener("wallet-standard:register-wallet", (event) => {
  if (typeof event.detail === "function") {
    try {
      event.detail(appApi);
    } catch {
      // A broken wallet must not break the page; the others still work.
    }
  }
});
window.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: appApi }));

/** A wallet we can use: it connects and signs messages on Solana. */
function usable(wallet) {
  const features = wallet.features ?? {};
  return (
    typeof wallet.name === "string" &&
    typeof features["standard:connect"]?.connect === "function" &&
    typeof features["solana:signMessage"]?.signMessage === "function"
  );
}

/** The wallet's icon when it is an image data URI (the only images this page's policy allows). */
const iconOf = (wallet) =>
  typeof wallet.icon === "string" && /^data:image\/(svg\+xml|webp|png|gif|jpeg);/.test(wallet.icon)
    ? wallet.icon
    : undefined;

// ---------------------------------------------------------------------------------------------
// The server.

const tokenMatch = TOKEN_IN_PATH.exec(location.pathname);
// Everything before /wallet/link/: the PUBLIC_URL's path prefix, if any.
const apiBase = tokenMatch
  ? `${location.pathname.slice(0, tokenMatch.index)}/api/wallet/link/${tokenMatch[1]}`
  : undefined;

/** Calls the API; resolves to the JSON answer with `ok`, or a network problem as `{ error: "network" }`. */
async function call(path, body) {
  try {
    const response = await fetch(`${apiBase}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    const json = await response.json().catch(() => ({}));
    if (response.status === 429 && !json.message) {
      return {
        ok: false,
        error: "too_fast",
        message: "Too many requests from your network. Wait a minute, then try again.",
      };
    }
    return { ok: response.ok, ...json };
  } catch {
    return {
      ok: false,
      error: "network",
      message: "The server could not be reached. Check your connection and try again.",
    };
  }
}

// ---------------------------------------------------------------------------------------------
// What the page shows.

const statusLine = $("status");
const walletsSection = $("wallets");
const fallbackSection = $("fallback");

function setStatus(text, kind = "info") {
  statusLine.hidden = text === "";
  statusLine.textContent = text;
  statusLine.className = `status status-${kind}`;
}

function showResult(kind, title, text, next = "", address = "") {
  const result = $("result");
  result.className = `result result-${kind}`;
  $("result-title").textContent = title;
  $("result-text").textContent = text;
  $("result-address").textContent = address;
  $("result-address").hidden = address === "";
  $("result-next").textContent = next;
  result.hidden = false;
  result.focus();
}

function hideResult() {
  $("result").hidden = true;
}

/** The link cannot be used any more: only the result stays. */
function endHere() {
  walletsSection.hidden = true;
  fallbackSection.hidden = true;
  setStatus("");
}

function linked(answer) {
  endHere();
  showResult(
    "success",
    answer.status === "already_linked" ? "Already linked" : "Wallet linked",
    answer.status === "already_linked"
      ? "This wallet was linked to you already:"
      : "This wallet is now linked to your account in this community:",
    "You can close this page and go back to the chat. Your token-gated roles or group access are checked now: if you asked to join a gated group, you are let in as soon as you hold enough. /verify shows where you stand, /wallet list shows your wallets.",
    answer.address,
  );
}

function refused(answer) {
  if (FINAL.has(answer.error)) endHere();
  else setStatus("");
  showResult(
    "error",
    "Not linked",
    answer.message ?? "Something went wrong. Try again.",
    FINAL.has(answer.error) ? "" : "Nothing was linked. You can try again below.",
  );
}

let busy = false;
function setBusy(value) {
  busy = value;
  for (const button of document.querySelectorAll("button")) button.disabled = value;
}

/** Sends the signature; shows the outcome. */
async function complete(address, signature, message) {
  const answer = await call("", { address, signature, message });
  if (answer.ok) linked(answer);
  else refused(answer);
  return answer.ok;
}

// ---------------------------------------------------------------------------------------------
// Signing with a browser wallet.

let shownWallets = 0;
let boundAddress = null;

function renderWallets() {
  const list = $("wallet-list");
  const found = [...wallets].filter(usable);
  shownWallets = found.length;
  list.replaceChildren(
    ...found.map((wallet) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.disabled = busy;
      const icon = iconOf(wallet);
      if (icon) {
        const image = document.createElement("img");
        image.src = icon;
        image.alt = "";
        image.width = 32;
        image.height = 32;
        button.append(image);
      }
      const name = document.createElement("span");
      name.textContent = wallet.name;
      button.append(name);
      button.addEventListener("click", () => void connect(wallet));
      item.append(button);
      return item;
    }),
  );
  if (found.length > 0) {
    $("wallets-hint").textContent = "Choose your wallet. It will ask you to approve a sign-in message.";
  }
}

function noWalletFound() {
  if (shownWallets > 0) return;
  $("wallets-hint").textContent =
    "No browser wallet was found. Install or unlock Phantom, Solflare or Backpack and reload this page, " +
    "or open this link in your wallet app's browser. You can also sign the message yourself below.";
}

async function connect(wallet) {
  if (busy) return;
  hideResult();
  setBusy(true);
  $("accounts").hidden = true;
  setStatus(`Connecting to ${wallet.name}… Approve the connection in your wallet.`);
  let accounts;
  try {
    const output = await wallet.features["standard:connect"].connect();
    accounts = Array.isArray(output?.accounts) ? output.accounts : [...(wallet.accounts ?? [])];
  } catch {
    setBusy(false);
    refused({ error: "declined", message: `${wallet.name} did not connect (declined or closed).` });
    return;
  }
  const candidates = accounts.filter(
    (account) =>
      typeof account?.address === "string" &&
      ADDRESS.test(account.address) &&
      (!Array.isArray(account.features) ||
        account.features.length === 0 ||
        account.features.includes("solana:signMessage")),
  );
  const choices =
    boundAddress === null ? candidates : candidates.filter((account) => account.address === boundAddress);
  setBusy(false);
  if (choices.length === 0) {
    refused({
      error: "no_account",
      message:
        boundAddress === null
          ? `${wallet.name} shared no Solana account.`
          : `This link is for ${short(boundAddress)}; switch to that account in ${wallet.name} and try again.`,
    });
    return;
  }
  if (choices.length === 1) {
    await sign(wallet, choices[0]);
    return;
  }
  // Several accounts: the member says which one to link.
  setStatus(`Choose the account of ${wallet.name} to link.`);
  const list = $("account-list");
  list.replaceChildren(
    ...choices.map((account) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice mono";
      const label = typeof account.label === "string" && account.label ? `${account.label}: ` : "";
      button.textContent = `${label}${account.address}`;
      button.addEventListener("click", () => void sign(wallet, account));
      item.append(button);
      return item;
    }),
  );
  $("accounts").hidden = false;
  list.querySelector("button")?.focus();
}

async function sign(wallet, account) {
  if (busy) return;
  hideResult();
  setBusy(true);
  try {
    setStatus("Preparing the message…");
    const prepared = await call("/message", { address: account.address });
    if (!prepared.ok) {
      refused(prepared);
      return;
    }
    setStatus(`Approve the sign-in message in ${wallet.name}.`);
    const bytes = new TextEncoder().encode(prepared.message);
    let output;
    try {
      [output] = await wallet.features["solana:signMessage"].signMessage({ account, message: bytes });
    } catch {
      refused({
        error: "declined",
        message: `${wallet.name} did not sign (declined or closed). Nothing was linked.`,
      });
      return;
    }
    if (!(output?.signature instanceof Uint8Array) || output.signature.length !== 64) {
      refused({ error: "bad_wallet", message: `${wallet.name} did not return a signature.` });
      return;
    }
    // The server checks what the wallet says it signed, every field of it.
    let signed = prepared.message;
    if (output.signedMessage instanceof Uint8Array) {
      try {
        signed = new TextDecoder("utf-8", { fatal: true }).decode(output.signedMessage);
      } catch {
        signed = prepared.message;
      }
    }
    setStatus("Checking the signature…");
    await complete(account.address, encodeBase58(output.signature), signed);
  } finally {
    setBusy(false);
    $("accounts").hidden = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Signing elsewhere and pasting the signature.

let pasteAddress = "";
let pasteMessage = "";

function fieldError(input, text) {
  const help = document.getElementById(input.getAttribute("aria-describedby") ?? "");
  input.setAttribute("aria-invalid", text ? "true" : "false");
  if (help) {
    help.dataset.original ??= help.textContent;
    help.textContent = text || help.dataset.original;
    help.classList.toggle("help-error", Boolean(text));
  }
  if (text) input.focus();
}

$("address-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (busy) return;
  const input = $("address");
  const address = input.value.trim();
  if (!ADDRESS.test(address)) {
    fieldError(input, "That is not a Solana address: 32 to 44 letters and digits (no 0, O, I or l).");
    return;
  }
  fieldError(input, "");
  hideResult();
  setBusy(true);
  const prepared = await call("/message", { address });
  setBusy(false);
  if (!prepared.ok) {
    refused(prepared);
    return;
  }
  pasteAddress = address;
  pasteMessage = prepared.message;
  const area = $("message");
  area.value = prepared.message;
  $("sign-step").hidden = false;
  // Tall enough to show the whole message without scrolling inside the box (CSSOM, allowed by the CSP).
  area.style.height = "auto";
  area.style.height = `${area.scrollHeight + 4}px`;
  area.focus();
});

$("copy").addEventListener("click", async () => {
  const area = $("message");
  area.focus();
  area.select();
  try {
    await navigator.clipboard.writeText(pasteMessage);
    $("copy").textContent = "Copied";
  } catch {
    $("copy").textContent = "Selected: copy it with your keyboard";
  }
});

$("signature-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (busy) return;
  const input = $("signature");
  const signature = input.value.trim();
  if (signature.startsWith("[")) {
    // A keypair file's JSON array is a private key: never sent anywhere.
    input.value = "";
    fieldError(input, "That is a private key (a keypair file), not a signature. Never share it.");
    return;
  }
  if (!SIGNATURE.test(signature)) {
    fieldError(input, "That is not a base58 signature: about 88 letters and digits (no 0, O, I or l).");
    return;
  }
  fieldError(input, "");
  hideResult();
  setBusy(true);
  const ok = await complete(pasteAddress, signature, pasteMessage);
  setBusy(false);
  if (!ok) input.value = "";
});

// ---------------------------------------------------------------------------------------------
// Start: what does this link stand for?

const STATE_TEXT = {
  unknown: "This link is not valid. Ask the bot for a new one with /wallet link.",
  used: "This link has been used already. Ask the bot for a new one with /wallet link.",
  expired: "This link has expired (links last 10 minutes). Ask the bot for a new one with /wallet link.",
};

async function start() {
  if (!apiBase) {
    refused({ error: "no_request", message: STATE_TEXT.unknown });
    return;
  }
  const status = await call("");
  if (!status.ok || status.state !== "valid") {
    const text = STATE_TEXT[status.state] ?? status.message ?? STATE_TEXT.unknown;
    endHere();
    showResult("error", "This link cannot be used", text);
    return;
  }
  boundAddress = typeof status.address === "string" ? status.address : null;
  if (boundAddress) $("address").value = boundAddress;
  const until = new Date(status.expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  setStatus(`Your link works once, until ${until}.`);
  walletsSection.hidden = false;
  fallbackSection.hidden = false;
  onWalletsChanged = renderWallets;
  renderWallets();
  setTimeout(noWalletFound, DISCOVERY_GRACE_MS);
}

void start();
