import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** A file that arrived in a multipart/form-data body. */
export interface RecordedFile {
  filename: string;
  contentType: string;
  size: number;
  bytes: Buffer;
}

export type FormFields = Record<string, string | RecordedFile>;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Parses a multipart/form-data body with the platform's own parser (undici's Request),
 * so the fake accepts exactly what a spec-following server accepts.
 */
export async function parseMultipart(body: Buffer, contentType: string): Promise<FormFields> {
  const request = new Request("http://fake.invalid/", {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  const form = await request.formData();
  const fields: FormFields = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") {
      fields[name] = value;
    } else {
      const bytes = Buffer.from(await value.arrayBuffer());
      fields[name] = { filename: value.name, contentType: value.type, size: bytes.length, bytes };
    }
  }
  return fields;
}

export function isRecordedFile(value: unknown): value is RecordedFile {
  return typeof value === "object" && value !== null && Buffer.isBuffer((value as RecordedFile).bytes);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** A 204 must carry no JSON content type: clients would try to parse the empty body. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("Fake server did not get a TCP address"));
        return;
      }
      resolve(address.port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
