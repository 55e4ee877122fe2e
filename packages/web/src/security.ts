import type { FastifyHelmetOptions } from "@fastify/helmet";

/**
 * Every answer carries these headers; the pages we serve (the wallet verification page) load only
 * our own files: no third-party script, no inline script or style, no framing by another site, no
 * plugin content, and forms post only back to us. Nothing of helmet's defaults is taken implicitly,
 * so a helmet upgrade cannot loosen the policy unnoticed.
 */
export const CONTENT_SECURITY_POLICY = {
  "default-src": ["'self'"],
  "base-uri": ["'none'"],
  "connect-src": ["'self'"],
  "font-src": ["'self'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "frame-src": ["'none'"],
  "img-src": ["'self'", "data:"],
  "manifest-src": ["'self'"],
  "media-src": ["'self'"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "worker-src": ["'self'"],
} as const;

export const HELMET_OPTIONS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: Object.fromEntries(
      Object.entries(CONTENT_SECURITY_POLICY).map(([name, sources]) => [name, [...sources]]),
    ),
  },
  // Framing is refused by frame-ancestors; X-Frame-Options says the same to older browsers.
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
};
