import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** Loads `fn` now, again when `deps` change, and every `everyMs` (0: never); errors are kept as text. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[], everyMs = 0) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const run = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const v = await fn();
      if (mine === seq.current) {
        setValue(v);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError((e as Error).message);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    setLoading(true);
    void run();
    if (everyMs > 0) {
      const t = setInterval(() => void run(), everyMs);
      return () => clearInterval(t);
    }
    return undefined;
  }, [run, everyMs]);
  return { value, error, loading, reload: run };
}

/** A button action's state: running, last error, last result message. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const msg = await fn();
      if (msg) setDone(msg);
    } catch (e) {
      setError(humanError(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run, setError };
}

/** A readable message for an error from the SDK, the wallet or the network. */
export function humanError(e: unknown): string {
  const err = e as { message?: string; logs?: string[]; name?: string };
  const msg = err?.message ?? String(e);
  return msg.split("\n")[0]!.slice(0, 400);
}
