/**
 * The Proof-of-Bandwidth v2 duties (docs/rewards.md §3.1–3.3), each decided from chain state first and
 * journaled when it sends:
 *
 *   verifier  during an epoch: probe each provider that drew this node's slot once per `probeSecs`
 *             (`/lumora/pob/2`: the provider receives each new signed total); after the epoch's end:
 *             post one root over its totals (`post_verifier_root`) and serve each provider its leaf and
 *             path (`/lumora/totals/1`); after the credit deadline: close the root (rent back)
 *   provider  keep each verifier's latest signed total; after the epoch's end: fetch its leaf and path
 *             from every drawn verifier that posted a root, check them against the root on chain, and
 *             credit the epoch once with the q best of them on distinct slots (`credit_epoch`)
 *
 * Everything a restart needs is in SQLite: tallies (verifier) and held totals (provider); the drawn
 * providers and slot holders of an epoch are computed once per epoch from the chain and kept in memory.
 */
import { PublicKey } from "@solana/web3.js";
import { type LumoraClient, NODE_STATUS, ROLES, pda, providerDraws, type rewards, totals } from "@lumora/sdk";
import { type ChainRegistry, type LumoraNode, PobProvider, TotalsLedger, TotalsServer, peerIdOfNodeKey, requestProof } from "@lumora/network";
import { type DutyContext, step } from "./context.js";

type Epoch = rewards.EpochAccount;
const MS = 1_000n;

export interface PobDutyOptions {
  client: LumoraClient;
  /** The node's chain-backed registry view (multiaddrs of peers). */
  registry: ChainRegistry;
  roles: readonly string[];
  probeSecs: number;
  /** Challenge size per probe, bytes. */
  challengeBytes: number;
}

/** What the provider learnt of one ended epoch: its draws' holders and the proofs fetched so far. */
interface CreditPlan {
  holders: Map<number, { nodeKey: PublicKey; node: PublicKey; operator: PublicKey }>;
  draws: { draw: number; slot: number }[];
  proofs: Map<number, { total: totals.Total; path: Uint8Array[] }>;
}

export class PobDuties {
  private ledger: TotalsLedger | null = null;
  /** Verifier: the providers drawn for this node per epoch (computed once per epoch). */
  private readonly drawnFor = new Map<bigint, PublicKey[]>();
  /** Verifier: wall-clock ms of the last probe of each provider (base58 node key). */
  private readonly lastProbe = new Map<string, number>();
  /** Verifier: the tree of each ended epoch whose root it posted or will post. */
  private readonly trees = new Map<bigint, totals.VerifierTree | null>();
  /** Provider: per ended epoch, the draws and proofs gathered. */
  private readonly plans = new Map<bigint, CreditPlan>();
  /** The provider side of `/lumora/pob/2` (provider role). */
  pob: PobProvider | null = null;

  constructor(private readonly o: PobDutyOptions) {}

  private nodeAddress = (nodeKey: Uint8Array): Uint8Array => pda.nodePda({ nodeKey: new PublicKey(nodeKey), programId: this.o.client.programIds.registry }).address.toBytes();

  /** Registers the protocols this node's roles serve. */
  async start(net: LumoraNode, ctx: DutyContext): Promise<void> {
    const programId = this.o.client.programIds.rewards.toBytes();
    if (this.o.roles.includes("provider"))
      this.pob = await PobProvider.start(net, {
        programId,
        nodeAddress: this.nodeAddress,
        latest: (epoch, verifier) => {
          const h = ctx.state.latestTotal(epoch, verifier);
          return h ? totals.decodeTotalMessage(h.message).total : null;
        },
        onTotal: (signed, m, verifier) => {
          ctx.state.holdTotal({ epoch: m.epoch, verifier, liveMs: m.total.liveMs, bytes: m.total.bytes, message: signed.message, signature: signed.signature });
        },
      });
    if (this.o.roles.includes("verifier")) {
      this.ledger = new TotalsLedger(net, {
        programId,
        nodeAddress: this.nodeAddress,
        probeIntervalMs: this.o.probeSecs * 1000,
        load: (epoch, provider) => ctx.state.tally(epoch, provider),
        save: (epoch, provider, tally) => ctx.state.saveTally(epoch, provider, tally),
      });
      await TotalsServer.start(net, (epoch, provider) => this.treeOf(ctx, epoch)?.proof(this.nodeAddress(provider)) ?? null);
    }
  }

  /** The tree over this verifier's tallies of `epoch` (`null` when it measured nobody). */
  private treeOf(ctx: DutyContext, epoch: bigint): totals.VerifierTree | null {
    if (this.trees.has(epoch)) return this.trees.get(epoch)!;
    const rows = ctx.state.tallies(epoch);
    const tree = rows.length === 0 || !this.ledger ? null : this.ledger.tree(epoch, rows.map((r) => new PublicKey(r.provider).toBytes()));
    return tree;
  }

  private async dialNode(net: LumoraNode, nodeKey: PublicKey): Promise<void> {
    const ma = this.o.registry.lookup(nodeKey.toBytes())?.multiaddrs[0];
    if (ma) await net.dial(ma).catch(() => undefined);
  }

  /**
   * Verifier, each tick: one probe of the drawn provider probed longest ago (once its interval has
   * passed), while the current epoch runs; then the roots of ended epochs and the closing of old ones.
   */
  async verifierTick(ctx: DutyContext, net: LumoraNode, now: bigint, current: bigint): Promise<void> {
    if (!this.ledger) return;
    const e = await this.o.client.rewards.fetchEpoch(current);
    if (e && now < BigInt(e.endTs.toString()) - 1n) await this.probe(ctx, net, current, e);
    for (let back = 1n; back <= 3n && current - back >= 0n; back++) await this.root(ctx, now, current - back);
  }

  private async probe(ctx: DutyContext, net: LumoraNode, epoch: bigint, e: Epoch): Promise<void> {
    let providers = this.drawnFor.get(epoch);
    if (!providers) {
      const self = await this.o.client.registry.fetchNode(ctx.nodeKey.publicKey);
      if (!self) return;
      const mySlot = self.verifierSlot as number;
      const seed = Uint8Array.from(e.seed as number[]);
      const openedAt = BigInt(e.openedAt.toString());
      const me = ctx.nodeKey.publicKey;
      // slots handed out after the opening are never drawn in this epoch
      providers =
        mySlot >= e.verifierSlots
          ? []
          : (await this.o.client.registry.fetchNodes({ roles: ROLES.PROVIDER, status: NODE_STATUS.ACTIVE }))
              .filter(({ node }) => !node.nodeKey.equals(me) && !node.operator.equals(ctx.operator.publicKey) && BigInt(node.registeredAt.toString()) < openedAt)
              .filter(({ address }) => providerDraws({ seed, provider: address.toBytes(), slots: e.verifierSlots, draws: e.verifierDraws }).some((d) => d.slot === mySlot))
              .map(({ node }) => node.nodeKey);
      this.drawnFor.set(epoch, providers);
      ctx.state.log("info", "drawn providers", { epoch: epoch.toString(), providers: providers.map((p) => p.toBase58()) });
    }
    const due = providers
      .map((p) => ({ p, at: this.lastProbe.get(p.toBase58()) ?? 0 }))
      .filter((x) => Date.now() - x.at >= this.o.probeSecs * 1000)
      .sort((a, b) => a.at - b.at)[0];
    if (!due) return;
    this.lastProbe.set(due.p.toBase58(), Date.now());
    try {
      await this.dialNode(net, due.p);
      await this.ledger!.measure({ peer: peerIdOfNodeKey(due.p.toBytes()), epoch, bytes: this.o.challengeBytes });
    } catch (err) {
      ctx.state.log("warn", "probe failed", { provider: due.p.toBase58(), error: (err as Error).message.slice(0, 200) });
    }
  }

  /** After an epoch's end: post this verifier's root once; after its credit deadline: close it. */
  private async root(ctx: DutyContext, now: bigint, epoch: bigint): Promise<void> {
    const e = await this.o.client.rewards.fetchEpoch(epoch);
    if (!e) return;
    const end = BigInt(e.endTs.toString());
    const deadline = BigInt(e.creditDeadline.toString());
    // one second of slack: a probe of the epoch that was in flight at its end has landed in the tally
    if (now < end + 1n) return;
    const posted = await this.o.client.rewards.fetchVerifierRoot({ verifierKey: ctx.nodeKey.publicKey, epochIndex: epoch });
    if (now >= deadline) {
      if (posted) await step(ctx, "close_root", `close_root:${epoch}`, () => this.o.client.rewards.closeVerifierRoot({ verifierKey: ctx.nodeKey.publicKey, epochIndex: epoch }));
      this.trees.delete(epoch);
      return;
    }
    const tree = this.treeOf(ctx, epoch);
    this.trees.set(epoch, tree);
    if (posted || !tree) return;
    const ok = await step(ctx, "post_root", `post_root:${epoch}`, () => this.o.client.rewards.postVerifierRoot({ verifierKey: ctx.nodeKey, epochIndex: epoch, root: tree.root, leafCount: tree.leafCount }));
    if (ok) ctx.state.addMetric(epoch, { rootsPosted: 1n });
  }

  /**
   * Provider, each tick, for the ended epochs still in their credit window: gather proofs from the drawn
   * verifiers that posted roots; credit once q of them (distinct slots) are in hand and either every
   * drawn verifier has posted or half the window has passed.
   */
  async providerTick(ctx: DutyContext, net: LumoraNode, now: bigint, current: bigint): Promise<void> {
    if (!this.pob) return;
    for (let back = 1n; back <= 2n && current - back >= 0n; back++) await this.credit(ctx, net, now, current - back);
  }

  private async credit(ctx: DutyContext, net: LumoraNode, now: bigint, epoch: bigint): Promise<void> {
    const e = await this.o.client.rewards.fetchEpoch(epoch);
    if (!e) return;
    const end = BigInt(e.endTs.toString());
    const deadline = BigInt(e.creditDeadline.toString());
    if (now < end || now >= deadline) {
      if (now >= deadline) this.plans.delete(epoch);
      return;
    }
    if (await this.o.client.rewards.fetchContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: epoch })) return;
    const me = await this.o.client.registry.fetchNode(ctx.nodeKey.publicKey);
    if (!me || BigInt(me.registeredAt.toString()) >= BigInt(e.openedAt.toString())) return;
    const myNode = pda.nodePda({ nodeKey: ctx.nodeKey.publicKey, programId: this.o.client.programIds.registry }).address;
    let plan = this.plans.get(epoch);
    if (!plan) {
      const draws = providerDraws({ seed: Uint8Array.from(e.seed as number[]), provider: myNode.toBytes(), slots: e.verifierSlots, draws: e.verifierDraws });
      const slots = new Set(draws.map((d) => d.slot));
      const holders = new Map<number, { nodeKey: PublicKey; node: PublicKey; operator: PublicKey }>();
      for (const { address, node } of await this.o.client.registry.fetchNodes({ roles: ROLES.VERIFIER }))
        if (slots.has(node.verifierSlot as number) && !node.operator.equals(me.operator) && !address.equals(myNode)) holders.set(node.verifierSlot as number, { nodeKey: node.nodeKey, node: address, operator: node.operator });
      plan = { holders, draws, proofs: new Map() };
      this.plans.set(epoch, plan);
    }
    let posted = 0;
    for (const [slot, h] of plan.holders) {
      if (plan.proofs.has(slot)) {
        posted++;
        continue;
      }
      const root = await this.o.client.rewards.fetchVerifierRoot({ verifierKey: h.nodeKey, epochIndex: epoch });
      if (!root) continue;
      posted++;
      try {
        await this.dialNode(net, h.nodeKey);
        const proof = await requestProof(net, { peer: peerIdOfNodeKey(h.nodeKey.toBytes()), epoch });
        if (!proof) continue;
        const leaf = totals.leafHash({ provider: myNode, total: proof.total });
        if (Buffer.compare(Buffer.from(totals.foldProof(leaf, proof.path)), Buffer.from(root.root as number[])) !== 0) {
          ctx.state.log("warn", "a verifier's proof does not match its root", { epoch: epoch.toString(), verifier: h.nodeKey.toBase58() });
          continue;
        }
        plan.proofs.set(slot, proof);
      } catch (err) {
        ctx.state.log("warn", "proof request failed", { verifier: h.nodeKey.toBase58(), error: (err as Error).message.slice(0, 200) });
      }
    }
    const q = e.creditQuorum;
    const halfWindow = end + (deadline - end) / 2n;
    if (plan.proofs.size < q || (posted < plan.holders.size && now < halfWindow)) return;
    const epochMs = (end - BigInt(e.startTs.toString())) * MS;
    const cap = BigInt(me.bandwidthCapKbps.toString());
    const best = [...plan.proofs.entries()]
      .map(([slot, p]) => ({ slot, p, value: totals.capacityTime({ total: p.total, capKbps: cap, epochMs }) }))
      .sort((a, b) => (b.value > a.value ? 1 : b.value < a.value ? -1 : 0))
      .slice(0, q);
    if (best[q - 1]!.value === 0n) return;
    const proofs = best.map(({ slot, p }) => ({ draw: plan.draws.find((d) => d.slot === slot)!.draw, verifier: plan.holders.get(slot)!.node, total: p.total, path: p.path }));
    const ok = await step(ctx, "credit_epoch", `credit:${epoch}`, () => this.o.client.rewards.creditEpoch({ providerKey: ctx.nodeKey, epochIndex: epoch, proofs }));
    if (ok) {
      const c = await this.o.client.rewards.fetchContribution({ nodeKey: ctx.nodeKey.publicKey, epochIndex: epoch });
      ctx.state.addMetric(epoch, { bytesCredited: BigInt(c?.contribution.toString() ?? "0") });
      this.plans.delete(epoch);
    }
  }
}
