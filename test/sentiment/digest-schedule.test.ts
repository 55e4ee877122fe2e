// When a daily digest is due, on an injected clock: its local hour in its zone, once a local day,
// later the same day when the worker was down at the hour, and across daylight-saving changes.
import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  digestHourOf,
  dueLocalDate,
  instantOfLocalHour,
  lastLocalDateWhenSwitchedOn,
  localTimeOf,
  nextDigestAt,
  type DigestSchedule,
} from "@memebot/core";

const at = (iso: string) => Date.parse(iso);
const iso = (date: Date | number | undefined) =>
  date === undefined ? undefined : new Date(date).toISOString().replace(".000", "");

describe("dueLocalDate", () => {
  const berlin9: DigestSchedule = { hour: 9, timeZone: "Europe/Berlin", lastLocalDate: "2026-12-01" };

  it("GIVEN 09:00 in Berlin THEN is due from 08:00 UTC in winter, not a minute before", () => {
    expect(dueLocalDate(berlin9, at("2026-12-02T07:59:00Z"))).toBeUndefined();
    expect(dueLocalDate(berlin9, at("2026-12-02T08:00:00Z"))).toBe("2026-12-02");
  });

  it("GIVEN the worker was down at the hour THEN the day is still due later that day, and not the next day twice", () => {
    expect(dueLocalDate(berlin9, at("2026-12-02T22:59:00Z"))).toBe("2026-12-02");
    // Past local midnight the missed day is gone: the next one is due at its own hour.
    expect(dueLocalDate(berlin9, at("2026-12-02T23:30:00Z"))).toBeUndefined();
    expect(dueLocalDate(berlin9, at("2026-12-03T08:00:00Z"))).toBe("2026-12-03");
  });

  it("GIVEN the day was sent THEN it is not due again that day", () => {
    const sent = { ...berlin9, lastLocalDate: "2026-12-02" };
    expect(dueLocalDate(sent, at("2026-12-02T08:05:00Z"))).toBeUndefined();
    expect(dueLocalDate(sent, at("2026-12-02T22:00:00Z"))).toBeUndefined();
  });

  it("GIVEN one UTC instant THEN zones far apart are on different local days", () => {
    const now = at("2026-12-02T11:00:00Z");
    // Kiritimati (UTC+14) is already at 01:00 on the 3rd; Pago Pago (UTC-11) still at 00:00 on the 2nd.
    expect(dueLocalDate({ hour: 1, timeZone: "Pacific/Kiritimati", lastLocalDate: "2026-12-02" }, now)).toBe(
      "2026-12-03",
    );
    expect(dueLocalDate({ hour: 0, timeZone: "Pacific/Pago_Pago", lastLocalDate: "2026-12-01" }, now)).toBe(
      "2026-12-02",
    );
    // Half-hour zones: 09:00 in Kolkata is 03:30 UTC.
    const kolkata = { hour: 9, timeZone: "Asia/Kolkata", lastLocalDate: "2026-12-01" };
    expect(dueLocalDate(kolkata, at("2026-12-02T03:29:00Z"))).toBeUndefined();
    expect(dueLocalDate(kolkata, at("2026-12-02T03:30:00Z"))).toBe("2026-12-02");
  });

  it("GIVEN 02:00 on the spring-forward day (no such hour) THEN it is due at 03:00, once", () => {
    const newYork2 = { hour: 2, timeZone: "America/New_York", lastLocalDate: "2026-03-07" };
    // 01:59 EST, then the clock jumps to 03:00 EDT (07:00 UTC).
    expect(dueLocalDate(newYork2, at("2026-03-08T06:59:00Z"))).toBeUndefined();
    expect(dueLocalDate(newYork2, at("2026-03-08T07:00:00Z"))).toBe("2026-03-08");
    expect(iso(instantOfLocalHour("2026-03-08", 2, "America/New_York"))).toBe("2026-03-08T07:00:00Z");
  });

  it("GIVEN 01:00 on the fall-back day (the hour comes twice) THEN it is due at the first one and done after it", () => {
    const newYork1 = { hour: 1, timeZone: "America/New_York", lastLocalDate: "2026-10-31" };
    // 01:00 EDT is 05:00 UTC; 01:00 EST, an hour later, is the same local hour again.
    expect(dueLocalDate(newYork1, at("2026-11-01T04:59:00Z"))).toBeUndefined();
    expect(dueLocalDate(newYork1, at("2026-11-01T05:00:00Z"))).toBe("2026-11-01");
    expect(iso(instantOfLocalHour("2026-11-01", 1, "America/New_York"))).toBe("2026-11-01T05:00:00Z");
    const sent = { ...newYork1, lastLocalDate: "2026-11-01" };
    expect(dueLocalDate(sent, at("2026-11-01T06:30:00Z"))).toBeUndefined();
  });

  it("GIVEN summer time in Berlin THEN 09:00 is 07:00 UTC", () => {
    const summer = { hour: 9, timeZone: "Europe/Berlin", lastLocalDate: "2026-07-01" };
    expect(dueLocalDate(summer, at("2026-07-02T06:59:00Z"))).toBeUndefined();
    expect(dueLocalDate(summer, at("2026-07-02T07:00:00Z"))).toBe("2026-07-02");
  });
});

describe("lastLocalDateWhenSwitchedOn", () => {
  it("GIVEN the hour has not come today THEN today's digest is still to come", () => {
    const now = at("2026-12-02T06:00:00Z");
    expect(lastLocalDateWhenSwitchedOn({ hour: 9, timeZone: "UTC" }, now)).toBe("2026-12-01");
    expect(
      dueLocalDate({ hour: 9, timeZone: "UTC", lastLocalDate: "2026-12-01" }, at("2026-12-02T09:00:00Z")),
    ).toBe("2026-12-02");
  });

  it("GIVEN the hour has passed today THEN the first digest is tomorrow's, not one at once", () => {
    const now = at("2026-12-02T15:00:00Z");
    const lastLocalDate = lastLocalDateWhenSwitchedOn({ hour: 9, timeZone: "UTC" }, now);
    expect(lastLocalDate).toBe("2026-12-02");
    expect(dueLocalDate({ hour: 9, timeZone: "UTC", lastLocalDate }, now)).toBeUndefined();
  });

  it("GIVEN today was already sent THEN moving the hour later does not send it again", () => {
    const now = at("2026-12-02T10:00:00Z");
    expect(lastLocalDateWhenSwitchedOn({ hour: 18, timeZone: "UTC" }, now, "2026-12-02")).toBe("2026-12-02");
  });
});

describe("nextDigestAt", () => {
  it("says today's hour, tomorrow's once today is done, and now when it is due", () => {
    const now = at("2026-12-02T06:50:00Z");
    const berlin = { hour: 9, timeZone: "Europe/Berlin" };
    expect(iso(nextDigestAt({ ...berlin, lastLocalDate: "2026-12-01" }, now))).toBe("2026-12-02T08:00:00Z");
    expect(iso(nextDigestAt({ ...berlin, lastLocalDate: "2026-12-02" }, now))).toBe("2026-12-03T08:00:00Z");
    expect(iso(nextDigestAt({ hour: 6, timeZone: "UTC", lastLocalDate: "2026-12-01" }, now))).toBe(
      "2026-12-02T06:50:00Z",
    );
    // Across the change to summer time: 09:00 CEST is 07:00 UTC.
    expect(iso(nextDigestAt({ ...berlin, lastLocalDate: "2026-03-28" }, at("2026-03-28T12:00:00Z")))).toBe(
      "2026-03-29T07:00:00Z",
    );
  });
});

describe("reading what admins type", () => {
  it("takes IANA zones in any case and refuses others", () => {
    expect(canonicalTimeZone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("utc")).toBe("UTC");
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(canonicalTimeZone("")).toBeUndefined();
    expect(canonicalTimeZone("x".repeat(200))).toBeUndefined();
  });

  it("takes whole hours 0-23", () => {
    expect(["0", "9", "09", "9:00", "23"].map(digestHourOf)).toEqual([0, 9, 9, 9, 23]);
    expect(["24", "-1", "9:30", "nine", "", "1e1"].map(digestHourOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads local time with hours 0-23, midnight as 0", () => {
    expect(localTimeOf(at("2026-12-02T23:00:00Z"), "Europe/Berlin")).toEqual({
      date: "2026-12-03",
      hour: 0,
      minute: 0,
    });
  });
});
