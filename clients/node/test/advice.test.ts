// The dashboard's advice table (src/dashboard/advice.ts): every entry is found by the text the node
// really logs, with its meaning and fix; warnings group by message and trouble; a provider configured to
// earn nothing is flagged.
import { expect } from "chai";
import { ADVICE, adviceFor, configTrouble, groupTrouble, MIN_PROVIDER_LIMIT_KBPS, relayTrouble } from "../src/dashboard/advice.js";

/** One line as the node logs it, per entry (message + error text). */
const SAMPLES: Record<string, string> = {
  RateAboveCap: "submit_receipts failed lumora_rewards: RateAboveCap (6024): retired (v1 receipts): the receipt's rate exceeds the provider's declared bandwidth cap",
  InvalidBandwidthCap: "register failed lumora_registry: InvalidBandwidthCap (6030): bandwidth cap must not exceed the declared bandwidth, and a provider's must be positive",
  ProtocolPaused: "heartbeat failed lumora_registry: ProtocolPaused (6012): the protocol is paused",
  NotInCreditWindow: "credit_epoch failed lumora_rewards: NotInCreditWindow (6049): roots and credits of an epoch are accepted from its end until its credit deadline",
  ZeroCredit: "credit_epoch failed lumora_rewards: ZeroCredit (6064): the proven credit is zero",
  "no-valid-addresses": "probe failed The dial request has no valid addresses for peer 12D3KooWQ1",
  "no-provider-reachable": "fetch failed no provider reachable at /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW: are the executors online?",
  "relay-Busy": "relay refused Busy",
  "relay-ExecutorLimit": "relay refused ExecutorLimit",
  "relay-PortNotAllowed": "relay refused PortNotAllowed",
  "relay-HostDenied": "relay refused HostDenied",
  "relay-ForbiddenAddress": "relay refused ForbiddenAddress",
  "relay-DnsFailed": "relay refused DnsFailed",
  "relay-ConnectFailed": "relay refused ConnectFailed",
  "relay-BadRequest": "relay refused BadRequest",
};

describe("dashboard advice table", () => {
  it("has a sample (and so a test below) for every entry, and unique ids", () => {
    expect(ADVICE.map((a) => a.id).sort()).to.deep.equal(Object.keys(SAMPLES).sort());
  });

  for (const entry of ADVICE) {
    it(`${entry.id}: found by the line the node logs, with a one-line meaning and fix`, () => {
      const got = adviceFor(SAMPLES[entry.id]!);
      expect(got?.id).to.equal(entry.id);
      for (const text of [got!.meaning, got!.fix]) {
        expect(text.length).to.be.within(20, 160);
        expect(text).to.not.include("\n");
      }
    });
  }

  it("knows nothing of an unrelated line (no advice rather than a wrong one)", () => {
    expect(adviceFor("spec not found yet")).to.equal(null);
    expect(adviceFor("Busy")).to.equal(null); // a relay reason only counts on a relay line
  });

  it("groups warn/error lines by message and trouble, with counts, the newest detail first, info lines left out", () => {
    const ev = (at: number, level: string, message: string, error?: string) => ({ at, level, message, data: error ? { error } : {} });
    const groups = groupTrouble([
      ev(50, "warn", "credit_epoch failed", "lumora_rewards: ZeroCredit (6064): the proven credit is zero"),
      ev(40, "warn", "probe failed", "no valid addresses for peer A"),
      ev(30, "warn", "credit_epoch failed", "lumora_rewards: NotInCreditWindow (6049): …"),
      ev(20, "warn", "credit_epoch failed", "lumora_rewards: ZeroCredit (6064): older"),
      ev(10, "error", "probe failed", "no valid addresses for peer B"),
      ev(5, "info", "started"),
      ev(4, "warn", "spec not found yet"),
    ]);
    expect(groups.map((g) => [g.message, g.id ?? null, g.count, g.level, g.lastAt])).to.deep.equal([
      ["credit_epoch failed", "ZeroCredit", 2, "warn", 50],
      ["probe failed", "no-valid-addresses", 2, "error", 40],
      ["credit_epoch failed", "NotInCreditWindow", 1, "warn", 30],
      ["spec not found yet", null, 1, "warn", 4],
    ]);
    expect(groups[0]!.detail).to.match(/proven credit is zero$/);
    expect(groups[1]!.detail).to.equal("no valid addresses for peer A");
    expect(groups[0]!.fix).to.equal(ADVICE.find((a) => a.id === "ZeroCredit")!.fix);
    expect(groups[3]).to.not.have.property("meaning");
  });

  it("turns the relay's refusal counts into troubles with their advice", () => {
    const t = relayTrouble([{ reason: "Busy", count: 3 }, { reason: "Mystery", count: 1 }]);
    expect(t.map((x) => [x.message, x.count, x.id ?? null, x.source])).to.deep.equal([
      ["relay refused: Busy", 3, "relay-Busy", "relay"],
      ["relay refused: Mystery", 1, null, "relay"],
    ]);
  });

  describe("configuration that earns nothing", () => {
    it("a provider whose declared cap is 0 is flagged", () => {
      const t = configTrouble({ roles: ["provider"], limitKbps: 50_000, capKbps: 0 });
      expect(t.map((x) => x.id)).to.deep.equal(["cap-zero"]);
      expect(t[0]!.level).to.equal("error");
      expect(t[0]!.meaning).to.match(/ZeroCredit/);
    });

    it("a provider whose limit is at or below what a verifier's probe needs is flagged; just above is not", () => {
      // 64 KiB frames within a 10 s frame timeout: 52.4 kbps, rounded up
      expect(MIN_PROVIDER_LIMIT_KBPS).to.equal(53);
      for (const limitKbps of [1, 16, MIN_PROVIDER_LIMIT_KBPS])
        expect(configTrouble({ roles: ["provider", "verifier"], limitKbps, capKbps: 1_000 }).map((x) => x.id), String(limitKbps)).to.deep.equal(["limit-below-probe"]);
      expect(configTrouble({ roles: ["provider"], limitKbps: MIN_PROVIDER_LIMIT_KBPS + 1, capKbps: 1_000 })).to.deep.equal([]);
    });

    it("both at once are both flagged; a node that does not provide, or whose cap is not read yet, has no cap to check", () => {
      expect(configTrouble({ roles: ["provider"], limitKbps: 8, capKbps: 0 }).map((x) => x.id)).to.deep.equal(["cap-zero", "limit-below-probe"]);
      expect(configTrouble({ roles: ["executor", "verifier"], limitKbps: 8, capKbps: 0 })).to.deep.equal([]);
      expect(configTrouble({ roles: ["provider"], limitKbps: 50_000, capKbps: null })).to.deep.equal([]);
    });
  });
});
