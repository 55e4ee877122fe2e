import { randomBytes } from "node:crypto";
import type { WebSocket, WebSocketServer } from "ws";

/**
 * The gateway half of the fake: JSON over WebSocket, no compression (zlib-sync stays
 * uninstalled, so discord.js asks for none). It speaks the handshake discord.js needs —
 * HELLO, IDENTIFY → READY, heartbeats, RESUME with replay of missed events — and then lets
 * the test dispatch events to every ready client.
 */

export interface GatewayIdentify {
  token: string;
  intents: number;
  shard: unknown;
  at: number;
}

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** When set, IDENTIFY/RESUME with another token is closed with 4004 like Discord does. */
  token: string | undefined;
  url: () => string;
  readyData: (sessionId: string) => Record<string, unknown>;
}

interface Session {
  id: string;
  sequence: number;
  connection: Connection | undefined;
  /** Events dispatched while the session was disconnected, replayed on RESUME. */
  missed: string[];
}

interface Connection {
  socket: WebSocket;
  session: Session | undefined;
}

const enum Op {
  Dispatch = 0,
  Heartbeat = 1,
  Identify = 2,
  PresenceUpdate = 3,
  VoiceStateUpdate = 4,
  Resume = 6,
  RequestGuildMembers = 8,
  InvalidSession = 9,
  Hello = 10,
  HeartbeatAck = 11,
}

// Close codes after which Discord refuses a RESUME, so the session is forgotten.
const SESSION_ENDING_CLOSE_CODES = new Set([1000, 1001, 4004, 4010, 4011, 4012, 4013, 4014]);
const MAX_MISSED_EVENTS = 1000;

export class FakeGateway {
  readonly identifies: GatewayIdentify[] = [];
  heartbeatCount = 0;
  readonly #connections = new Set<Connection>();
  readonly #sessions = new Map<string, Session>();
  #readyWaiters: Array<() => void> = [];

  constructor(private readonly options: GatewayOptions) {}

  attach(server: WebSocketServer): void {
    server.on("connection", (socket) => this.#accept(socket));
  }

  get readyClientCount(): number {
    return [...this.#connections].filter((connection) => connection.session !== undefined).length;
  }

  /** Sends a dispatch (op 0) to every ready client; sessions that dropped keep it for their RESUME. */
  dispatch(eventName: string, data: unknown): number {
    let delivered = 0;
    for (const session of this.#sessions.values()) {
      session.sequence += 1;
      const frame = JSON.stringify({ op: Op.Dispatch, t: eventName, s: session.sequence, d: data });
      const connection = session.connection;
      if (connection !== undefined) {
        connection.socket.send(frame);
        delivered += 1;
      } else if (session.missed.length < MAX_MISSED_EVENTS) {
        session.missed.push(frame);
      }
    }
    return delivered;
  }

  waitForReady(timeoutMs: number): Promise<void> {
    if (this.readyClientCount > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#readyWaiters = this.#readyWaiters.filter((waiter) => waiter !== done);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for a gateway client to be READY`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#readyWaiters.push(done);
    });
  }

  /** Closes every client connection; with a resumable code (default 4000) clients come back with RESUME. */
  disconnectAll(code = 4000, reason = "Fake gateway disconnect"): void {
    for (const connection of this.#connections) {
      // Detach at once: the close handshake takes a moment, and events dispatched meanwhile
      // must wait for the RESUME rather than go to a socket that is going away.
      const session = connection.session;
      connection.session = undefined;
      if (session !== undefined) {
        session.connection = undefined;
        if (SESSION_ENDING_CLOSE_CODES.has(code)) this.#sessions.delete(session.id);
      }
      connection.socket.close(code, reason);
    }
  }

  close(): void {
    for (const connection of this.#connections) connection.socket.terminate();
    this.#connections.clear();
    this.#sessions.clear();
  }

  #accept(socket: WebSocket): void {
    const connection: Connection = { socket, session: undefined };
    this.#connections.add(connection);
    socket.on("message", (raw) => this.#receive(connection, raw.toString()));
    socket.on("close", (code) => {
      this.#connections.delete(connection);
      const session = connection.session;
      if (session === undefined) return;
      if (session.connection === connection) session.connection = undefined;
      if (SESSION_ENDING_CLOSE_CODES.has(code)) this.#sessions.delete(session.id);
    });
    socket.on("error", () => socket.terminate());
    this.#send(connection, {
      op: Op.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  #receive(connection: Connection, raw: string): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(raw) as { op?: unknown; d?: unknown };
    } catch {
      connection.socket.close(4002, "Error while decoding payload.");
      return;
    }
    switch (payload.op) {
      case Op.Heartbeat:
        this.heartbeatCount += 1;
        this.#send(connection, { op: Op.HeartbeatAck });
        return;
      case Op.Identify:
        this.#identify(connection, (payload.d ?? {}) as Record<string, unknown>);
        return;
      case Op.Resume:
        this.#resume(connection, (payload.d ?? {}) as Record<string, unknown>);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (connection.session === undefined) connection.socket.close(4003, "Not authenticated.");
        return;
      default:
        connection.socket.close(4001, "Unknown opcode.");
    }
  }

  #identify(connection: Connection, data: Record<string, unknown>): void {
    if (connection.session !== undefined) {
      connection.socket.close(4005, "Already authenticated.");
      return;
    }
    const token = String(data.token ?? "");
    if (this.options.token !== undefined && token !== this.options.token) {
      connection.socket.close(4004, "Authentication failed.");
      return;
    }
    this.identifies.push({ token, intents: Number(data.intents ?? 0), shard: data.shard, at: Date.now() });
    const session: Session = { id: randomBytes(16).toString("hex"), sequence: 0, connection, missed: [] };
    this.#sessions.set(session.id, session);
    connection.session = session;
    session.sequence += 1;
    this.#send(connection, {
      op: Op.Dispatch,
      t: "READY",
      s: session.sequence,
      d: this.options.readyData(session.id),
    });
    this.#notifyReady();
  }

  #resume(connection: Connection, data: Record<string, unknown>): void {
    const session = this.#sessions.get(String(data.session_id ?? ""));
    const tokenMatches = this.options.token === undefined || data.token === this.options.token;
    if (session === undefined || session.connection !== undefined || !tokenMatches) {
      // d: false — the session cannot be resumed; the client must IDENTIFY again.
      this.#send(connection, { op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    session.connection = connection;
    connection.session = session;
    const missed = session.missed;
    session.missed = [];
    for (const frame of missed) connection.socket.send(frame);
    session.sequence += 1;
    this.#send(connection, { op: Op.Dispatch, t: "RESUMED", s: session.sequence, d: {} });
    this.#notifyReady();
  }

  #send(connection: Connection, payload: Record<string, unknown>): void {
    connection.socket.send(JSON.stringify(payload));
  }

  #notifyReady(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
