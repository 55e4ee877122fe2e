import { describe, expect, it } from "vitest";
import { jobIdFor, keyOfJobId } from "@memebot/jobs";

describe("jobIdFor", () => {
  it("gives the same id for the same update key every time", () => {
    expect(jobIdFor("telegram:42:1001")).toBe(jobIdFor("telegram:42:1001"));
  });

  it("never contains a colon or is a bare integer, which BullMQ refuses", () => {
    for (const key of ["telegram:42:1001", "42", "discord:1:2:3:4", "0", "a:b"]) {
      const id = jobIdFor(key);
      expect(id).not.toContain(":");
      expect(`${parseInt(id, 10)}`).not.toBe(id);
    }
  });

  it("keeps different keys apart, even ones that differ only in escaped characters", () => {
    const keys = ["a:b", "a%3Ab", "a%b", "a%25b", "a-b", "u-a:b"];
    const ids = new Set(keys.map(jobIdFor));
    expect(ids.size).toBe(keys.length);
  });

  it("can be turned back into the update key", () => {
    for (const key of ["telegram:-100123:55", "a%3Ab:c", "console:session:1"]) {
      expect(keyOfJobId(jobIdFor(key))).toBe(key);
    }
  });

  it("refuses an empty key", () => {
    expect(() => jobIdFor("")).toThrow(TypeError);
  });
});
