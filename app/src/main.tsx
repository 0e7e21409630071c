/**
 * The Lumora dApp: Operator, Consumer, Marketplace and Network views over any Solana RPC endpoint, signing
 * with any Wallet Standard wallet. Everything on chain goes through `@lumora/sdk` (its browser build).
 */
import "./polyfills.js";
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Wallet } from "@wallet-standard/base";
import { type ConfigAccount, type LumoraClient, fetchTokenBalance } from "@lumora/sdk";
import type { Connection } from "@solana/web3.js";
import { type Endpoints, clientFor, connectionFor, formatLmr, loadEndpoints, saveEndpoints, short } from "./chain.js";
import { type ConnectedWallet, connectWallet, onWalletChange, watchWallets } from "./wallet.js";
import { humanError, useLoad } from "./hooks.js";
import { Field, Status, inputProps } from "./ui.js";
import { OperatorView } from "./views/Operator.js";
import { ConsumerView } from "./views/Consumer.js";
import { MarketplaceView } from "./views/Marketplace.js";
import { NetworkView } from "./views/Network.js";
import "./style.css";

/** What every view gets. */
export interface Ctx {
  connection: Connection;
  client: LumoraClient;
  wallet: ConnectedWallet | null;
  endpoints: Endpoints;
  config: ConfigAccount | null;
}

const TABS = [
  { id: "operator", label: "Operator" },
  { id: "consumer", label: "Consumer" },
  { id: "marketplace", label: "Marketplace" },
  { id: "network", label: "Network" },
] as const;
type TabId = (typeof TABS)[number]["id"];

function tabFromHash(): TabId {
  const h = location.hash.replace(/^#\/?/, "");
  return (TABS.find((t) => t.id === h)?.id ?? "operator") as TabId;
}

function WalletBar(props: { wallet: ConnectedWallet | null; onWallet: (w: ConnectedWallet | null) => void; balance: bigint | null }) {
  const [wallets, setWallets] = useState<Wallet[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => watchWallets(setWallets), []);
  useEffect(() => {
    if (!props.wallet) return undefined;
    return onWalletChange(props.wallet.wallet, () => {
      const acct = props.wallet!.wallet.accounts[0];
      if (!acct) props.onWallet(null);
    });
  }, [props.wallet]);
  if (props.wallet) {
    return (
      <div class="wallet">
        <span data-testid="wallet-address" title={props.wallet.publicKey.toBase58()}>
          <img src={props.wallet.wallet.icon} alt="" width={18} height={18} /> {props.wallet.wallet.name}: {short(props.wallet.publicKey)}
        </span>
        {props.balance !== null ? <span data-testid="wallet-balance">{formatLmr(props.balance)} LMR</span> : null}
        <button
          type="button"
          onClick={async () => {
            await props.wallet!.disconnect().catch(() => undefined);
            props.onWallet(null);
          }}
        >
          Disconnect
        </button>
      </div>
    );
  }
  return (
    <div class="wallet">
      {wallets.length === 0 ? (
        <span class="muted" data-testid="no-wallet">
          No Wallet Standard wallet found: install one (Phantom, Solflare, Backpack…) to sign.
        </span>
      ) : (
        wallets.map((w) => (
          <button
            type="button"
            disabled={busy}
            data-testid={`connect-${w.name}`}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                props.onWallet(await connectWallet(w));
              } catch (e) {
                setError(humanError(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            <img src={w.icon} alt="" width={18} height={18} /> Connect {w.name}
          </button>
        ))
      )}
      {error ? (
        <span class="error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function Settings(props: { endpoints: Endpoints; onSave: (e: Endpoints) => void }) {
  const [rpc, setRpc] = useState(props.endpoints.rpc);
  const [gateway, setGateway] = useState(props.endpoints.gateway);
  const [errors, setErrors] = useState<Partial<Record<keyof Endpoints, string>>>({});
  return (
    <details class="settings">
      <summary>Settings: RPC {props.endpoints.rpc}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const next = { rpc: rpc.trim(), gateway: gateway.trim() };
          const errs = saveEndpoints(next);
          setErrors(errs);
          if (Object.keys(errs).length === 0) props.onSave(next);
        }}
      >
        <Field id="rpc" label="Solana JSON-RPC endpoint" error={errors.rpc} hint="any cluster where Lumora is deployed">
          <input {...inputProps("rpc", errors.rpc, "rpc-hint")} value={rpc} onInput={(e) => setRpc((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="gateway" label="Data gateway" error={errors.gateway} hint="relays libp2p (specs, chunks); untrusted: everything is verified here">
          <input {...inputProps("gateway", errors.gateway, "gateway-hint")} value={gateway} onInput={(e) => setGateway((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit">Save</button>
      </form>
    </details>
  );
}

function App() {
  const [endpoints, setEndpoints] = useState(loadEndpoints);
  const [wallet, setWallet] = useState<ConnectedWallet | null>(null);
  const [tab, setTab] = useState<TabId>(tabFromHash);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const connection = useMemo(() => connectionFor(endpoints.rpc), [endpoints.rpc]);
  const client = useMemo(() => clientFor(connection, wallet), [connection, wallet]);
  const cfg = useLoad(() => client.registry.fetchConfig(), [client]);
  const balance = useLoad(
    async () => {
      if (!wallet || !cfg.value) return null;
      return fetchTokenBalance({ connection, mint: cfg.value.lmrMint, owner: wallet.publicKey }).catch(() => 0n);
    },
    [connection, wallet, cfg.value],
    5000,
  );
  useEffect(() => {
    const on = () => setTab(tabFromHash());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const select = (id: TabId, focus = false) => {
    setTab(id);
    history.replaceState(null, "", `#${id}`);
    if (focus) tabRefs.current[id]?.focus();
  };
  // WAI-ARIA tabs: arrows move between tabs, Home/End to the ends
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const to = e.key === "ArrowRight" ? (i + 1) % TABS.length : e.key === "ArrowLeft" ? (i + TABS.length - 1) % TABS.length : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : -1;
    if (to >= 0) {
      e.preventDefault();
      select(TABS[to]!.id, true);
    }
  };
  const ctx: Ctx = { connection, client, wallet, endpoints, config: cfg.value ?? null };
  return (
    <>
      <a class="skip" href="#view">
        Skip to content
      </a>
      <header>
        <h1>
          <span class="logo" aria-hidden="true">
            ◈
          </span>{" "}
          Lumora
        </h1>
        <WalletBar wallet={wallet} onWallet={setWallet} balance={balance.value ?? null} />
      </header>
      <nav role="tablist" aria-label="Views" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="view"
            tabIndex={tab === t.id ? 0 : -1}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            onClick={() => select(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main>
        <div id="view" role="tabpanel" aria-labelledby={`tab-${tab}`} tabIndex={-1}>
        {cfg.error ? <Status error={`Cannot read the protocol config from ${endpoints.rpc}: ${cfg.error}`} /> : null}
        {!cfg.loading && !cfg.error && cfg.value === null ? <Status error={`Lumora is not initialised on ${endpoints.rpc} (no protocol config): is this the right cluster?`} /> : null}
        {tab === "operator" ? <OperatorView ctx={ctx} /> : tab === "consumer" ? <ConsumerView ctx={ctx} /> : tab === "marketplace" ? <MarketplaceView ctx={ctx} /> : <NetworkView ctx={ctx} />}
        </div>
      </main>
      <footer>
        <Settings
          endpoints={endpoints}
          onSave={(e) => {
            setEndpoints(e);
          }}
        />
      </footer>
    </>
  );
}

render(<App />, document.getElementById("app")!);
(window as unknown as { __lumoraReady: boolean }).__lumoraReady = true;
