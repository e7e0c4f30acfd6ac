import { describe, expect, it } from "vitest";
import { packetPaths, suggestedName } from "./export";

describe("one packet, one name", () => {
  it("saves the JSON, its signature and the PDF side by side, whatever extension was typed", () => {
    const expected = {
      base: "/home/me/out/acme",
      json: "/home/me/out/acme.json",
      pdf: "/home/me/out/acme.pdf",
      signature: "/home/me/out/acme.json.sig",
    };
    for (const chosen of ["/home/me/out/acme", "/home/me/out/acme.json", "/home/me/out/acme.PDF", "/home/me/out/acme.json.sig"]) {
      expect(packetPaths(chosen)).toEqual(expected);
    }
  });

  it("keeps other dots and folders as they are", () => {
    expect(packetPaths("/tmp/a.b/acme.v2").json).toBe("/tmp/a.b/acme.v2.json");
    expect(packetPaths("/tmp/.json").json).toBe("/tmp/.json.json");
    expect(packetPaths("C:\\out\\acme.pdf").pdf).toBe("C:\\out\\acme.pdf");
    expect(packetPaths("acme.json").base).toBe("acme");
  });

  it("suggests a name from the launch", () => {
    expect(suggestedName("acme-eur-usdt")).toBe("acme-eur-usdt-signoff-packet.json");
  });
});
