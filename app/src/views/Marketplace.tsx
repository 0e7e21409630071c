/**
 * Marketplace: listed datasets with their provenance (the tasks they came from, the pages those tasks
 * fetched, when, by which nodes); buy one (escrow), receive the data key sealed to your x25519 key, fetch
 * the chunks, verify them against the listing and decrypt them in the browser.
 */
import { useState } from "preact/hooks";
import type { PublicKey } from "@solana/web3.js";
import { PURCHASE_STATUS, data, fetchDatasetProvenance, type DatasetProvenance } from "@lumora/sdk";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Ctx } from "../main.js";
import { formatLmr, hex, short } from "../chain.js";
import { fetchChunks, fetchSpec } from "../gateway.js";
import { useAction, useLoad } from "../hooks.js";
import { detectFormat, download, formatRecords, mediaTypeOf, parseRecords } from "../records.js";
import { x25519For } from "../x25519.js";
import { Empty, Status } from "../ui.js";

type Listing = Awaited<ReturnType<Ctx["client"]["market"]["fetchDatasets"]>>[number];

const when = (unix: { toString(): string } | number | null | undefined) => (unix === null || unix === undefined ? "—" : new Date(Number(unix.toString()) * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC");

function Provenance(props: { ctx: Ctx; listing: Listing }) {
  const { ctx, listing } = props;
  const p = useLoad(async () => {
    const prov: DatasetProvenance = await fetchDatasetProvenance({ connection: ctx.connection, dataset: listing.address, provenance: listing.dataset.provenance as PublicKey[] });
    // the pages each task fetched: its spec from the DHT, checked against the hash the task carries on chain
    const sources = await Promise.all(
      prov.tasks.map(async (t) => {
        if (!t.specHash) return null;
        try {
          const bytes = await fetchSpec(ctx.endpoints.gateway, hex(t.specHash));
          if (hex(sha256(bytes)) !== hex(t.specHash)) return { error: "the spec served does not hash to the task's spec hash" };
          return { urls: (JSON.parse(new TextDecoder().decode(bytes)) as { urls: string[] }).urls };
        } catch (e) {
          return { error: (e as Error).message };
        }
      }),
    );
    const times = await Promise.all(prov.tasks.map(async (t) => (t.log[0] ? ctx.connection.getBlockTime(t.log[0].slot ?? 0).catch(() => null) : null)));
    return { prov, sources, times };
  }, [ctx.connection, listing.address.toBase58()]);
  if (p.error) return <Status error={p.error} />;
  if (!p.value) return <p aria-busy="true">Reading the task log…</p>;
  return (
    <ul class="provenance" data-testid="provenance">
      {p.value.prov.tasks.map((t, i) => {
        const src = p.value!.sources[i];
        return (
          <li>
            Task <code title={t.task.toBase58()}>{short(t.task, 6)}</code>, created {when(p.value!.times[i])} by {t.consumer ? short(t.consumer) : "?"};{" "}
            {t.settlement ? (t.settlement.success ? "settled by quorum" : "settled without agreement") : "not settled"}; {t.results.length} revealed result{t.results.length === 1 ? "" : "s"} from{" "}
            {t.results.map((r) => short(r.node)).join(", ") || "—"}.
            {src && "urls" in src ? (
              <ul data-testid="provenance-sources">
                {src.urls!.map((u) => (
                  <li>
                    <code>{u}</code>
                  </li>
                ))}
              </ul>
            ) : src ? (
              <span class="muted"> Sources unavailable: {src.error}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

interface Bought {
  text: string;
  format: "jsonl" | "csv";
  records: number;
  bytes: number;
}

function DatasetCard(props: { ctx: Ctx; listing: Listing }) {
  const { ctx, listing } = props;
  const d = listing.dataset;
  const [open, setOpen] = useState(false);
  const [bought, setBought] = useState<Bought | null>(null);
  const act = useAction();
  const [step, setStep] = useState("");
  const purchase = useLoad(async () => (ctx.wallet ? ctx.client.market.fetchPurchase({ dataset: listing.address, buyer: ctx.wallet.publicKey }) : null), [ctx.client, ctx.wallet, listing.address.toBase58()], 3000);
  const own = ctx.wallet?.publicKey.equals(d.seller) ?? false;
  const buy = () =>
    act.run(async () => {
      if (!ctx.wallet) throw new Error("connect a wallet to buy: it pays the escrow and holds the key the seller seals to");
      const { keyPair } = await x25519For(ctx.wallet);
      const buyer = ctx.wallet.publicKey;
      let p = await ctx.client.market.fetchPurchase({ dataset: listing.address, buyer });
      if (!p) {
        setStep("Paying into escrow: approve in your wallet…");
        await ctx.client.market.purchase({ dataset: listing.address, buyerX25519: keyPair.publicKey, maxPrice: BigInt(d.price.toString()) });
      } else if (hex(p.buyerX25519 as number[]) !== hex(keyPair.publicKey)) {
        throw new Error("this wallet bought the dataset with another x25519 key (another browser without signMessage?)");
      }
      setStep("Waiting for the seller to deliver the sealed key…");
      const end = Date.now() + 180_000;
      for (;;) {
        p = await ctx.client.market.fetchPurchase({ dataset: listing.address, buyer });
        if (p && p.sealedKey.length > 0) break;
        if (p?.status === PURCHASE_STATUS.REFUNDED) throw new Error("the purchase was refunded");
        if (Date.now() > end) throw new Error("no key delivered yet: come back later (after the delivery deadline you can be refunded)");
        await new Promise((r) => setTimeout(r, 1000));
      }
      setStep("Fetching the chunks and verifying each against the listing's Merkle root…");
      const got = await fetchChunks(ctx.endpoints.gateway, { root: hex(d.merkleRoot as number[]), locator: d.locator });
      if (hex(data.manifestHash({ bytes: got.manifest })) !== hex(d.contentHash as number[])) throw new Error("the manifest served does not hash to the listing's content hash");
      const key = await ctx.client.market.openDeliveredKey({ dataset: listing.address, buyer, x25519SecretKey: keyPair.secretKey, manifest: got.manifest });
      const plain = await data.decrypt({ manifest: got.manifest, key, chunks: got.chunks, chunkHashes: got.chunkHashes, expectedManifestHash: Uint8Array.from(d.contentHash as number[]) });
      const text = new TextDecoder().decode(plain);
      const format = detectFormat(text);
      const b = { text, format, records: parseRecords(text, format).length, bytes: plain.length };
      setBought(b);
      setStep("");
      await purchase.reload();
      return `Key received and checked; ${b.bytes.toLocaleString()} bytes (${b.records} records) verified and decrypted in this browser`;
    });
  const status = purchase.value ? (purchase.value.sealedKey.length > 0 ? "key delivered" : purchase.value.status === PURCHASE_STATUS.REFUNDED ? "refunded" : "awaiting key") : null;
  return (
    <article class="card" data-testid={`dataset-${listing.address.toBase58()}`} aria-labelledby={`ds-${listing.address.toBase58()}`}>
      <h3 id={`ds-${listing.address.toBase58()}`}>
        Dataset {short(listing.address, 6)} {status ? <span class="badge muted">{status}</span> : null}
      </h3>
      <dl class="facts">
        <dt>Price</dt>
        <dd data-testid="price">{formatLmr(d.price)} LMR</dd>
        <dt>Size</dt>
        <dd>
          {Number(d.sizeBytes.toString()).toLocaleString()} bytes, {d.recordCount.toString()} records
        </dd>
        <dt>Seller</dt>
        <dd title={d.seller.toBase58()}>{short(d.seller)}{d.sellerCommissioned ? " (commissioned the tasks)" : ""}</dd>
        <dt>Listed</dt>
        <dd>{when(d.listedAt)}</dd>
        <dt>Sales</dt>
        <dd>{d.sales}</dd>
        <dt>Manifest hash</dt>
        <dd>
          <code>{hex(d.contentHash as number[]).slice(0, 16)}…</code>
        </dd>
      </dl>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide" : "Show"} provenance ({(d.provenance as PublicKey[]).length} task{(d.provenance as PublicKey[]).length === 1 ? "" : "s"})
      </button>
      {open ? <Provenance ctx={ctx} listing={listing} /> : null}
      <div class="row">
        <button type="button" disabled={act.busy || own || !ctx.wallet} onClick={buy} data-testid="buy">
          {purchase.value ? "Fetch and decrypt" : `Buy for ${formatLmr(d.price)} LMR`}
        </button>
        {own ? <span class="muted">You are the seller.</span> : null}
      </div>
      <Status error={act.error} done={act.done} busy={act.busy} busyText={step || "Working…"} testid="buy-status" />
      {bought ? (
        <div class="result">
          <div class="row">
            {(["jsonl", "csv"] as const).map((fmt) => (
              <button type="button" data-testid={`dataset-download-${fmt}`} onClick={() => download(`dataset-${listing.address.toBase58().slice(0, 8)}.${fmt}`, fmt === bought.format ? bought.text : formatRecords(parseRecords(bought.text, bought.format), fmt), mediaTypeOf(fmt))}>
                Download {fmt.toUpperCase()}
              </button>
            ))}
          </div>
          <pre class="preview" data-testid="dataset-preview" tabIndex={0} aria-label="Decrypted dataset (first lines)">
            {bought.text.split("\n").slice(0, 12).join("\n")}
          </pre>
        </div>
      ) : null}
    </article>
  );
}

export function MarketplaceView(props: { ctx: Ctx }) {
  const { ctx } = props;
  const list = useLoad(() => ctx.client.market.fetchDatasets({ listed: true }), [ctx.client], 5000);
  return (
    <section aria-labelledby="market-h">
      <h2 id="market-h">Datasets for sale</h2>
      {list.error ? <Status error={list.error} /> : null}
      {list.loading && !list.value ? <p aria-busy="true">Loading…</p> : null}
      {list.value && list.value.length === 0 ? <Empty>No dataset is listed yet.</Empty> : null}
      <div class="cards">
        {(list.value ?? []).map((l) => (
          <DatasetCard ctx={ctx} listing={l} />
        ))}
      </div>
    </section>
  );
}
