/** Network: the registered nodes on a map and by region, active and jailed; recent epochs and their payouts. */
import { epochIndex, isActive, isJailed } from "@lumora/sdk";
import type { Ctx } from "../main.js";
import { chainNow, formatLmr, short } from "../chain.js";
import { useLoad } from "../hooks.js";
import { Empty, Status, WorldMap, project, regionOf } from "../ui.js";
import { roleNames } from "./Operator.js";

const EPOCHS_SHOWN = 4n;

export function NetworkView(props: { ctx: Ctx }) {
  const { ctx } = props;
  const net = useLoad(
    async () => {
      if (!ctx.config) return null;
      const [nodes, now] = await Promise.all([ctx.client.registry.fetchNodes(), chainNow(ctx.connection)]);
      const current = epochIndex({ unixTs: now, epochLengthSecs: ctx.config.params.epochLengthSecs });
      const epochs = [];
      for (let e = current; e >= 0n && e > current - EPOCHS_SHOWN; e--) {
        const epoch = await ctx.client.rewards.fetchEpoch(e);
        if (!epoch) continue;
        const payouts = [];
        for (const { node } of nodes) {
          const c = await ctx.client.rewards.fetchContribution({ nodeKey: node.nodeKey, epochIndex: e });
          if (c && BigInt(c.contribution.toString()) > 0n) payouts.push({ nodeKey: node.nodeKey, contribution: BigInt(c.contribution.toString()), claimed: c.claimed, amount: BigInt(c.claimedAmount.toString()) });
        }
        epochs.push({ index: e, epoch, payouts });
      }
      return { nodes: nodes.map((n) => n.node), current, epochs };
    },
    [ctx.client, ctx.config],
    10_000,
  );
  if (net.error) return <Status error={net.error} />;
  if (!net.value) return <p aria-busy="true">Loading…</p>;
  const { nodes, epochs } = net.value;
  const active = nodes.filter((n) => isActive(n));
  const jailed = nodes.filter((n) => isJailed(n));
  const regions = new Map<string, typeof nodes>();
  for (const n of nodes) {
    const r = regionOf(n.latE6 / 1e6, n.lonE6 / 1e6);
    regions.set(r, [...(regions.get(r) ?? []), n]);
  }
  return (
    <section aria-labelledby="network-h">
      <h2 id="network-h">Network</h2>
      <p data-testid="network-summary">
        {nodes.length} node{nodes.length === 1 ? "" : "s"} registered: {active.length} active, {jailed.length} jailed. Epoch {net.value.current.toString()}.
      </p>
      <WorldMap label={`Map of ${nodes.length} nodes: green active, red jailed, grey deregistered`} testid="network-map">
        {nodes.map((n) => {
          const p = project(n.latE6 / 1e6, n.lonE6 / 1e6);
          return (
            <circle cx={p.x} cy={p.y} r="3" class={isJailed(n) ? "dot bad" : isActive(n) ? "dot good" : "dot muted"}>
              <title>
                {n.nodeKey.toBase58()} ({roleNames(n.roles)})
              </title>
            </circle>
          );
        })}
      </WorldMap>
      <h3>Nodes by region</h3>
      <div class="table-wrap">
        <table data-testid="nodes-table">
          <thead>
            <tr>
              <th scope="col">Region</th>
              <th scope="col">Node</th>
              <th scope="col">Roles</th>
              <th scope="col">State</th>
              <th scope="col">Reputation</th>
              <th scope="col">Stake (LMR)</th>
            </tr>
          </thead>
          <tbody>
            {[...regions.entries()].sort().flatMap(([region, ns]) =>
              ns.map((n, i) => (
                <tr>
                  {i === 0 ? (
                    <th scope="rowgroup" rowSpan={ns.length}>
                      {region} ({ns.length})
                    </th>
                  ) : null}
                  <td title={n.nodeKey.toBase58()}>{short(n.nodeKey, 6)}</td>
                  <td>{roleNames(n.roles)}</td>
                  <td>{isJailed(n) ? "jailed" : isActive(n) ? "active" : "deregistered"}</td>
                  <td>{(n.reputation / 100).toFixed(2)} %</td>
                  <td>{formatLmr(n.stake)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <h3>Epochs and payouts</h3>
      {epochs.length === 0 ? <Empty>No reward epoch opened yet.</Empty> : null}
      {epochs.map(({ index, epoch, payouts }) => (
        <article class="card" data-testid={`network-epoch-${index}`}>
          <h4>
            Epoch {index.toString()} <span class="badge muted">{epoch.closed ? (epoch.distributed ? "closed, paid out" : "closed") : "open"}</span>
          </h4>
          <p>
            Pool {formatLmr(epoch.rTotal)} LMR; total credit {epoch.totalContribution.toString()}; dust {formatLmr(epoch.dust)} LMR.
          </p>
          {payouts.length === 0 ? (
            <Empty>No contribution yet.</Empty>
          ) : (
            <ul>
              {payouts.map((p) => (
                <li>
                  {short(p.nodeKey, 6)}: credit {p.contribution.toLocaleString()}, {p.claimed ? `claimed ${formatLmr(p.amount)} LMR` : "not claimed"}
                </li>
              ))}
            </ul>
          )}
        </article>
      ))}
    </section>
  );
}
