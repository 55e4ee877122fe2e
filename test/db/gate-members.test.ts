// The gates repository's re-verification storage against the real PostgreSQL: member states, who a
// pass lists (linked wallets and access on record, less members who left), passes, join requests.
import { randomBytes, randomUUID } from "node:crypto";
import { createRepositories, type CommunityKey, type Database, type Repositories } from "@memebot/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

type GatesRepository = Repositories["gates"];
type MemberState = Parameters<GatesRepository["saveMemberStates"]>[1][number];

// Other test files share this database, so every test works on chats of its own.
const newCommunity = (): CommunityKey => ({ platform: "telegram", externalId: `-100${randomUUID()}` });

let database: Database;
let repositories: Repositories;
let gates: GatesRepository;

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  gates = repositories.gates;
});
afterAll(() => database.close());

const at = (iso: string) => new Date(iso);

function state(memberId: string, fields: Partial<MemberState> = {}): MemberState {
  return {
    target: "group",
    memberId,
    hasAccess: false,
    shortSince: null,
    failures: 0,
    removedAt: null,
    leftAt: null,
    checkedAt: at("2026-12-01T10:00:00.000Z"),
    ...fields,
  };
}

/** Links a wallet the way /wallet does: a link request, completed. */
async function linkWallet(community: CommunityKey, memberId: string): Promise<void> {
  const nonce = randomBytes(16).toString("hex");
  await repositories.wallets.createRequest({
    community,
    memberId,
    tokenHash: randomBytes(32).toString("hex"),
    nonce,
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 600_000),
  });
  const request = await repositories.wallets.findRequest({ nonce });
  if (!request) throw new Error("the link request was not stored");
  const address = randomBytes(32).toString("base64url");
  expect(
    await repositories.wallets.completeRequest({ requestId: request.id, address, now: new Date() }),
  ).toBe("linked");
}

async function allPassMembers(community: CommunityKey, pageSize: number): Promise<string[]> {
  const listed: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await gates.passMembers(community, cursor, pageSize);
    listed.push(...page);
    if (page.length < pageSize) return listed;
    cursor = page[page.length - 1] ?? null;
  }
}

describe("member states", () => {
  it("reads nothing for a community it has never seen, and does not create it", async () => {
    const community = newCommunity();
    expect(await gates.memberStates(community, ["1"])).toEqual([]);
    expect(await gates.passMembers(community, null, 10)).toEqual([]);
    expect(await gates.countPassMembers(community)).toBe(0);
    expect(await gates.passOf(community)).toBeNull();
    expect(await gates.pendingJoinRequests(community, ["1"])).toEqual(new Set());
    expect(await gates.closeJoinRequest(community, "1", "declined")).toBe(false);
    await gates.setMemberPresence(community, "1", new Date());
    const row = await database.prisma.community.findUnique({
      where: { platform_externalId: { platform: community.platform, externalId: community.externalId } },
    });
    expect(row).toBeNull();
  });

  it("saves states and reads them back, several targets per member", async () => {
    const community = { ...newCommunity(), platform: "discord" as const };
    const saved = [
      state("100", { target: "role-a", hasAccess: true }),
      state("100", { target: "role-b", shortSince: at("2026-12-01T09:00:00.123Z"), hasAccess: true }),
      state("200", {
        target: "role-a",
        failures: 2,
        removedAt: at("2026-11-30T08:00:00.000Z"),
        leftAt: at("2026-12-01T07:00:00.000Z"),
      }),
    ];
    await gates.saveMemberStates(community, saved);
    expect(await gates.memberStates(community, ["100", "200", "300"])).toEqual(saved);
    expect(await gates.memberStates(community, ["200"])).toEqual([saved[2]]);
    expect(await gates.memberStates(community, [])).toEqual([]);
  });

  it("upserts: a saved state replaces the member's row for that target and leaves the others", async () => {
    const community = newCommunity();
    await gates.saveMemberStates(community, [
      state("1", { hasAccess: true }),
      state("2", { hasAccess: true }),
    ]);
    const changed = state("1", {
      hasAccess: false,
      failures: 0,
      removedAt: at("2026-12-02T10:00:00.000Z"),
      checkedAt: at("2026-12-02T10:00:00.000Z"),
    });
    await gates.saveMemberStates(community, [changed]);
    expect(await gates.memberStates(community, ["1", "2"])).toEqual([
      changed,
      state("2", { hasAccess: true }),
    ]);
  });

  it("saves a batch naming one member and target twice: the last state wins", async () => {
    const community = newCommunity();
    await gates.saveMemberStates(community, [state("1", { failures: 1 }), state("1", { failures: 2 })]);
    expect(await gates.memberStates(community, ["1"])).toEqual([state("1", { failures: 2 })]);
  });

  it("saves a pass's page of 500 members × 2 targets in one call", async () => {
    const community = { ...newCommunity(), platform: "discord" as const };
    const page = Array.from({ length: 500 }, (_, index) => `${1_000 + index}`).flatMap((memberId) => [
      state(memberId, { target: "role-a", hasAccess: true }),
      state(memberId, { target: "role-b" }),
    ]);
    await gates.saveMemberStates(community, page);
    expect(await gates.countPassMembers(community)).toBe(500);
    expect(await gates.memberStates(community, ["1499"])).toHaveLength(2);
  });
});

describe("passMembers", () => {
  it("lists linked members and members with access on record, in memberId order, once each", async () => {
    const community = newCommunity();
    await linkWallet(community, "30");
    await linkWallet(community, "10");
    await linkWallet(community, "10");
    await gates.saveMemberStates(community, [
      state("20", { hasAccess: true }),
      state("40", { shortSince: at("2026-12-01T00:00:00.000Z") }),
      // Linked and with access: listed once.
      state("30", { hasAccess: true }),
      // Neither linked nor with access on record (removed long ago): not checked again.
      state("50", { removedAt: at("2026-11-01T00:00:00.000Z") }),
    ]);
    expect(await gates.passMembers(community, null, 100)).toEqual(["10", "20", "30", "40"]);
    expect(await gates.countPassMembers(community)).toBe(4);
  });

  it("leaves out a member who left, and lists them again when they are back", async () => {
    const community = newCommunity();
    await linkWallet(community, "1");
    await linkWallet(community, "2");
    await gates.saveMemberStates(community, [state("2", { target: "group", hasAccess: true })]);

    await gates.setMemberPresence(community, "2", at("2026-12-02T10:00:00.000Z"));
    expect(await gates.passMembers(community, null, 10)).toEqual(["1"]);
    expect(await gates.countPassMembers(community)).toBe(1);
    const [left] = await gates.memberStates(community, ["2"]);
    expect(left?.leftAt).toEqual(at("2026-12-02T10:00:00.000Z"));

    await gates.setMemberPresence(community, "2", null);
    expect(await gates.passMembers(community, null, 10)).toEqual(["1", "2"]);

    // A linked member without state rows has nothing to mark: leaving does not drop them.
    await gates.setMemberPresence(community, "1", at("2026-12-02T10:00:00.000Z"));
    expect(await gates.memberStates(community, ["1"])).toEqual([]);
    expect(await gates.passMembers(community, null, 10)).toEqual(["1", "2"]);
  });

  it("leaves out a member who left one target while keeping access to another", async () => {
    const community = { ...newCommunity(), platform: "discord" as const };
    await gates.saveMemberStates(community, [
      state("7", { target: "role-a", hasAccess: true }),
      state("7", { target: "role-b", leftAt: at("2026-12-02T10:00:00.000Z") }),
    ]);
    expect(await gates.passMembers(community, null, 10)).toEqual([]);
  });

  it("pages after the cursor, each member once across pages", async () => {
    const community = newCommunity();
    const members = Array.from({ length: 23 }, (_, index) => `${100 + index}`);
    for (const memberId of members.slice(0, 8)) await linkWallet(community, memberId);
    await gates.saveMemberStates(
      community,
      members.slice(5).map((memberId) => state(memberId, { hasAccess: true })),
    );
    expect(await gates.passMembers(community, "110", 3)).toEqual(["111", "112", "113"]);
    expect(await gates.passMembers(community, "122", 3)).toEqual([]);
    expect(await allPassMembers(community, 5)).toEqual(members);
    expect(await gates.countPassMembers(community)).toBe(23);
  });

  it("does not list members linked in another community", async () => {
    const community = newCommunity();
    const other = newCommunity();
    await linkWallet(other, "9");
    await gates.saveMemberStates(other, [state("8", { hasAccess: true })]);
    expect(await gates.passMembers(community, null, 10)).toEqual([]);
  });
});

describe("passes", () => {
  it("saves a pass and reads it back; a later save replaces it", async () => {
    const community = newCommunity();
    const started = {
      startedAt: at("2026-12-02T10:00:00.000Z"),
      cursor: null,
      total: 1200,
      checked: 0,
      failed: 0,
      nextPageAt: at("2026-12-02T10:00:00.000Z"),
      finishedAt: null,
    };
    await gates.savePass(community, started);
    expect(await gates.passOf(community)).toEqual(started);

    const finished = {
      ...started,
      cursor: "999",
      checked: 1198,
      failed: 2,
      nextPageAt: null,
      finishedAt: at("2026-12-02T11:00:00.000Z"),
    };
    await gates.savePass(community, finished);
    expect(await gates.passOf(community)).toEqual(finished);
  });
});

describe("join requests", () => {
  it("opens, renews, lists pending, closes once", async () => {
    const community = newCommunity();
    const request = {
      community,
      memberId: "5",
      userChatId: "5",
      language: "en",
      requestedAt: at("2026-12-02T09:00:00.000Z"),
    };
    await gates.openJoinRequest(request);
    await gates.openJoinRequest({ ...request, memberId: "6", userChatId: "6" });
    expect(await gates.pendingJoinRequests(community, ["5", "6", "7"])).toEqual(new Set(["5", "6"]));

    expect(await gates.closeJoinRequest(community, "5", "approved")).toBe(true);
    expect(await gates.closeJoinRequest(community, "5", "declined")).toBe(false);
    expect(await gates.pendingJoinRequests(community, ["5", "6"])).toEqual(new Set(["6"]));
    const closed = await database.prisma.gateJoinRequest.findFirstOrThrow({
      where: { memberId: "5", community: { platform: community.platform, externalId: community.externalId } },
    });
    expect(closed.status).toBe("approved");
    expect(closed.decidedAt).toBeInstanceOf(Date);

    // Asking again renews the closed request to pending, with the new time and language.
    await gates.openJoinRequest({ ...request, language: "es", requestedAt: at("2026-12-02T10:00:00.000Z") });
    expect(await gates.pendingJoinRequests(community, ["5"])).toEqual(new Set(["5"]));
    const renewed = await database.prisma.gateJoinRequest.findFirstOrThrow({
      where: { memberId: "5", community: { platform: community.platform, externalId: community.externalId } },
    });
    expect(renewed).toMatchObject({
      status: "pending",
      decidedAt: null,
      language: "es",
      requestedAt: at("2026-12-02T10:00:00.000Z"),
    });
  });

  it("lets one of two concurrent closes through", async () => {
    const community = newCommunity();
    await gates.openJoinRequest({
      community,
      memberId: "5",
      userChatId: "5",
      language: "en",
      requestedAt: new Date(),
    });
    const results = await Promise.all([
      gates.closeJoinRequest(community, "5", "approved"),
      gates.closeJoinRequest(community, "5", "declined"),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("finds pending requests made before a time, oldest first, up to the limit", async () => {
    // Other tests' requests share the table: these are dated long before any of theirs.
    const community = newCommunity();
    const open = (memberId: string, requestedAt: string) =>
      gates.openJoinRequest({
        community,
        memberId,
        userChatId: memberId,
        language: "en",
        requestedAt: at(requestedAt),
      });
    await open("3", "2001-01-01T00:00:03.000Z");
    await open("1", "2001-01-01T00:00:01.000Z");
    await open("2", "2001-01-01T00:00:02.000Z");
    await open("4", "2001-01-01T00:00:04.000Z");
    await gates.closeJoinRequest(community, "2", "declined");

    const before = at("2001-01-01T00:00:04.000Z");
    const expired = (await gates.expiredJoinRequests(before, 100)).filter(
      (request) => request.community.externalId === community.externalId,
    );
    expect(expired).toEqual([
      {
        community: { platform: community.platform, externalId: community.externalId },
        memberId: "1",
        userChatId: "1",
        language: "en",
        requestedAt: at("2001-01-01T00:00:01.000Z"),
      },
      expect.objectContaining({ memberId: "3" }),
    ]);
    const [first] = await gates.expiredJoinRequests(before, 1);
    expect(first?.requestedAt.getTime()).toBeLessThanOrEqual(at("2001-01-01T00:00:01.000Z").getTime());
  });
});

describe("audit", () => {
  it("records the grace action the migration added", async () => {
    const community = newCommunity();
    await gates.audit([
      {
        community,
        gateId: null,
        mint: "So11111111111111111111111111111111111111112",
        roleId: null,
        memberId: "1",
        action: "grace",
        reason: "short",
        holdings: 5n,
      },
    ]);
    const [entry] = await gates.latestAudit(community, 1);
    expect(entry).toMatchObject({ action: "grace", reason: "short", holdings: 5n });
  });
});

describe("communitiesWithGates", () => {
  it("lists communities with a gate, and not once their gates are gone", async () => {
    const gated = { ...newCommunity(), title: "Bonk Holders" };
    const ungated = newCommunity();
    await gates.saveMemberStates(ungated, [state("1", { hasAccess: true })]);
    const added = await gates.add({
      community: gated,
      mint: "So11111111111111111111111111111111111111112",
      program: "spl-token",
      decimals: 9,
      minAmount: 1_000_000_000n,
      roleId: null,
      createdBy: "1",
    });
    if (!added.ok) throw new Error("the gate was not added");
    const listed = (await gates.communitiesWithGates()).map((key) => key.externalId);
    expect(listed).toContain(gated.externalId);
    expect(listed).not.toContain(ungated.externalId);

    await gates.remove(gated, added.id);
    expect((await gates.communitiesWithGates()).map((key) => key.externalId)).not.toContain(gated.externalId);
  });
});
