/** `market-math.ts` against tests/vectors/market_fee.json — the file `cargo test -p lumora_market` checks `math.rs` with. */
import fs from "node:fs";
import { expect } from "chai";
import { splitPrice } from "../src/market-math.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/market_fee.json", import.meta.url), "utf8"));

describe("market fee split (shared vectors with math.rs)", () => {
  it("every vector case splits exactly, fee + seller = price", () => {
    expect(V.cases.length).to.be.greaterThan(50);
    for (const c of V.cases as { price: string; fee_bps: number; fee: string; seller_amount: string }[]) {
      const got = splitPrice({ price: BigInt(c.price), feeBps: c.fee_bps })!;
      expect({ fee: got.fee.toString(), seller: got.sellerAmount.toString() }, `${c.price} @ ${c.fee_bps}`).to.deep.equal({ fee: c.fee, seller: c.seller_amount });
    }
  });
  it("bounds: price 1 and u64::MAX at fee 0 and 1 000 bps", () => {
    const max = (1n << 64n) - 1n;
    expect(splitPrice({ price: 1n, feeBps: 0 })).to.deep.equal({ fee: 0n, sellerAmount: 1n });
    expect(splitPrice({ price: 1n, feeBps: 1_000 })).to.deep.equal({ fee: 0n, sellerAmount: 1n });
    expect(splitPrice({ price: max, feeBps: 0 })).to.deep.equal({ fee: 0n, sellerAmount: max });
    expect(splitPrice({ price: max, feeBps: 1_000 })).to.deep.equal({ fee: max / 10n, sellerAmount: max - max / 10n });
  });
  it("rejected vectors (fee above 10 000 bps) give null; out-of-range inputs throw", () => {
    for (const c of V.rejected as { price: string; fee_bps: number }[]) expect(splitPrice({ price: BigInt(c.price), feeBps: c.fee_bps })).to.equal(null);
    expect(() => splitPrice({ price: 1n << 64n, feeBps: 0 })).to.throw(RangeError);
    expect(() => splitPrice({ price: 1n, feeBps: 65_536 })).to.throw(RangeError);
  });
});
