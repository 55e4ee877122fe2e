// A TCP pass-through in front of a real server, so a test can take that server away
// and bring it back while the code under test keeps its ordinary connection settings.
// Used for database outages: the component's DATABASE_URL points here instead of at
// PostgreSQL, and cut() looks to it like PostgreSQL going down.
import net from "node:net";
import { testDatabaseUrl } from "./database.ts";

export interface TcpProxy {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** Drops every live connection and refuses new ones, like a server that went away. */
  cut(): void;
  /** Accepts connections again; clients must connect anew (the dropped ones are gone for good). */
  restore(): void;
  /**
   * The server's next answer never arrives: it is thrown away and every connection dropped, as
   * when a network blip cuts a connection after the server acted on a request.
   */
  loseNextReply(): void;
  /**
   * The server stops answering without closing anything: connections stay open and new ones are accepted,
   * but nothing passes either way — a hung server or a network path that drops packets. restore() ends it,
   * dropping the connections it held (what was swallowed leaves them useless).
   */
  blackHole(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const live = new Set<net.Socket>();
  let accepting = true;
  let loseReply = false;
  let silent = false;

  const server = net.createServer((client) => {
    if (!accepting) {
      // A reset rather than a polite FIN: the client fails at once, as with a refused connection.
      client.resetAndDestroy();
      return;
    }
    live.add(client);
    if (silent) {
      // Accepted, and then nothing: whatever the client sends goes nowhere.
      client.on("error", () => client.destroy());
      client.on("close", () => live.delete(client));
      client.resume();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    live.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    // Either side failing or closing ends both, as one TCP connection would.
    for (const socket of [client, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
    client.on("data", (chunk: Buffer) => {
      if (!silent) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (silent) return;
      if (!loseReply) {
        client.write(chunk);
        return;
      }
      loseReply = false;
      dropAll();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  const dropAll = () => {
    for (const socket of live) socket.resetAndDestroy();
    live.clear();
  };

  return {
    port,
    cut() {
      accepting = false;
      dropAll();
    },
    restore() {
      accepting = true;
      if (silent) {
        silent = false;
        dropAll();
      }
    },
    loseNextReply() {
      loseReply = true;
    },
    blackHole() {
      silent = true;
    },
    async close() {
      accepting = false;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface DatabaseProxy extends TcpProxy {
  /** This run's test database, reached through the proxy. */
  url: string;
}

/** A proxy in front of the PostgreSQL server of this run's test database. */
export async function startDatabaseProxy(): Promise<DatabaseProxy> {
  const url = new URL(testDatabaseUrl());
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return { ...proxy, url: url.toString() };
}
