/**
 * Operator: the connected wallet's nodes — stake, reputation, roles, status — and per epoch the verified
 * bytes, the credit (contribution), the reward pending or claimed; claim what is pending.
 */
import { epochIndex, isActive, isJailed, roleNames as sdkRoleNames, rewardShare } from "@lumora/sdk";
import type { PublicKey } from "@solana/web3.js";
import type { Ctx } from "../main.js";
import { chainNow, formatLmr, short } from "../chain.js";
import { useAction, useLoad } from "../hooks.js";
import { Empty, Status } from "../ui.js";

/** How many past epochs the view looks at. */
const EPOCHS_BACK = 8n;

/** A node's roles by name (the SDK's), comma-separated. */
export const roleNames = (bits: number) => sdkRoleNames(bits).join(", ");

interface EpochRow {
  epoch: bigint;
  closed: boolean;
  /** The node's shard's share is in its claim vault: a claim can succeed. */
  payable: boolean;
  /** The q-th largest capacity-time its drawn verifiers proved (before the stake bound). */
  measured: bigint;
  contribution: bigint;
  claimed: boolean;
  claimedAmount: bigint;
  pending: bigint;
}

async function epochRows(ctx: Ctx, nodeKey: PublicKey, current: bigint): Promise<EpochRow[]> {
  const rows: EpochRow[] = [];
  for (let e = current; e >= 0n && e > current - EPOCHS_BACK; e--) {
    const [epoch, c] = await Promise.all([ctx.client.rewards.fetchEpoch(e), ctx.client.rewards.fetchContribution({ nodeKey, epochIndex: e })]);
    if (!epoch || !c) continue;
    const contribution = BigInt(c.contribution.toString());
    const claimed = c.claimed;
    const shard = epoch.closed && !claimed ? await ctx.client.rewards.fetchEpochShard({ epochIndex: e, shard: c.shard }) : null;
    const share = epoch.closed ? (rewardShare({ contribution, rTotal: BigInt(epoch.rTotal.toString()), totalContribution: BigInt(epoch.totalContribution.toString()) }) ?? 0n) : 0n;
    rows.push({
      epoch: e,
      closed: epoch.closed,
      payable: shard?.distributed ?? false,
      measured: BigInt(c.measured.toString()),
      contribution,
      claimed,
      claimedAmount: BigInt(c.claimedAmount.toString()),
      pending: claimed ? 0n : share,
    });
  }
  return rows;
}

function NodeCard(props: { ctx: Ctx; node: Awaited<ReturnType<Ctx["client"]["registry"]["fetchNodes"]>>[number]["node"]; current: bigint }) {
  const { ctx, node, current } = props;
  const rows = useLoad(() => epochRows(ctx, node.nodeKey, current), [ctx.client, node.nodeKey.toBase58(), current], 4000);
  const claim = useAction();
  const active = isActive(node);
  const jailed = isJailed(node);
  const key = node.nodeKey.toBase58();
  return (
    <article class="card" data-testid={`node-${key}`} aria-labelledby={`node-title-${key}`}>
      <h3 id={`node-title-${key}`}>
        Node {short(node.nodeKey, 6)}{" "}
        <span class={`badge ${jailed ? "bad" : active ? "good" : "muted"}`}>{jailed ? "jailed" : active ? "active" : "deregistered"}</span>
      </h3>
      <dl class="facts">
        <dt>Roles</dt>
        <dd>{roleNames(node.roles)}</dd>
        <dt>Stake</dt>
        <dd data-testid="stake">{formatLmr(node.stake)} LMR</dd>
        <dt>Reputation</dt>
        <dd data-testid="reputation">{(node.reputation / 100).toFixed(2)} %</dd>
        <dt>Shard</dt>
        <dd>{node.shard}</dd>
        <dt>Declared / verified bandwidth</dt>
        <dd>
          {node.declaredBandwidthKbps.toString()} / {node.verifiedBandwidthKbps.toString()} kbps
        </dd>
      </dl>
      <h4>Rewards by epoch</h4>
      {rows.error ? <Status error={rows.error} /> : null}
      {rows.value && rows.value.length === 0 ? <Empty>No contribution recorded in the last {EPOCHS_BACK.toString()} epochs.</Empty> : null}
      {rows.value && rows.value.length > 0 ? (
        <div class="table-wrap">
          <table data-testid="reward-table">
            <caption class="sr-only">Verified bytes, credit and rewards per epoch</caption>
            <thead>
              <tr>
                <th scope="col">Epoch</th>
                <th scope="col">Measured (bytes of capacity-time)</th>
                <th scope="col">Credit</th>
                <th scope="col">State</th>
                <th scope="col">Reward (LMR)</th>
                <th scope="col">
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.value.map((r) => (
                <tr data-testid={`epoch-${r.epoch}`}>
                  <td>{r.epoch.toString()}</td>
                  <td>{r.measured.toLocaleString()}</td>
                  <td>{r.contribution.toLocaleString()}</td>
                  <td>{r.claimed ? "claimed" : !r.closed ? "open" : r.pending === 0n ? "nothing to claim" : r.payable ? "pending" : "closed; awaiting payout into the claim vault"}</td>
                  <td data-testid="reward">{r.claimed ? formatLmr(r.claimedAmount) : r.closed ? formatLmr(r.pending) : "—"}</td>
                  <td>
                    {!r.claimed && r.closed && r.payable && r.pending > 0n ? (
                      <button
                        type="button"
                        disabled={claim.busy || !ctx.wallet}
                        data-testid={`claim-${r.epoch}`}
                        onClick={() =>
                          claim.run(async () => {
                            const sig = await ctx.client.rewards.claim({ nodeKey: node.nodeKey, epochIndex: r.epoch });
                            await rows.reload();
                            return `Claimed ${formatLmr(r.pending)} LMR for epoch ${r.epoch} (${short(sig, 6)})`;
                          })
                        }
                      >
                        Claim
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Status error={claim.error} done={claim.done} busy={claim.busy} busyText="Claiming: approve in your wallet…" testid="claim-status" />
    </article>
  );
}

export function OperatorView(props: { ctx: Ctx }) {
  const { ctx } = props;
  const owner = ctx.wallet?.publicKey.toBase58() ?? null;
  const data = useLoad(
    async () => {
      if (!owner || !ctx.config) return null;
      const [nodes, now] = await Promise.all([ctx.client.registry.fetchNodes(), chainNow(ctx.connection)]);
      const mine = nodes.filter(({ node }) => node.operator.toBase58() === owner);
      const current = epochIndex({ unixTs: now, epochLengthSecs: ctx.config.params.epochLengthSecs });
      return { mine, current };
    },
    [ctx.client, owner, ctx.config],
    8000,
  );
  if (!ctx.wallet) return <Empty>Connect a wallet to see the nodes it operates, their stake, reputation and rewards.</Empty>;
  return (
    <section aria-labelledby="operator-h">
      <h2 id="operator-h">Your nodes</h2>
      {data.error ? <Status error={data.error} /> : null}
      {data.loading && !data.value ? <p aria-busy="true">Loading…</p> : null}
      {data.value ? (
        <>
          <p>
            Current epoch <strong data-testid="current-epoch">{data.value.current.toString()}</strong>; {data.value.mine.length} node{data.value.mine.length === 1 ? "" : "s"} operated by{" "}
            {short(ctx.wallet.publicKey)}.
          </p>
          {data.value.mine.length === 0 ? <Empty>This wallet operates no node. Run `lumora-node init` with it as the operator (docs/node.md).</Empty> : null}
          <div class="cards">
            {data.value.mine.map(({ node }) => (
              <NodeCard ctx={ctx} node={node} current={data.value!.current} />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
