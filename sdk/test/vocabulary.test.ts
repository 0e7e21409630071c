/** One name and one predicate per protocol meaning: roles, task statuses, a node's standing; the keypair wallet. */
import { expect } from "chai";
import { Keypair, SystemProgram, Transaction, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { NODE_STATUS, ROLES } from "../src/registry-math.js";
import { TASK_STATUS } from "../src/tasks.js";
import { ROLE_NAMES, isActive, isJailed, isTaskInProgress, roleBits, roleNames, taskStatusName } from "../src/vocabulary.js";
import { KeypairWallet } from "../src/wallet.js";

describe("protocol vocabulary", () => {
  it("role names follow the ROLES bits, both ways; an unknown role is refused", () => {
    expect(ROLE_NAMES.map(([bit]) => bit)).to.deep.equal([ROLES.PROVIDER, ROLES.EXECUTOR, ROLES.VERIFIER]);
    expect(roleNames(ROLES.PROVIDER | ROLES.VERIFIER)).to.deep.equal(["provider", "verifier"]);
    expect(roleNames(0)).to.deep.equal([]);
    expect(roleBits(["verifier", "executor"])).to.equal(ROLES.EXECUTOR | ROLES.VERIFIER);
    expect(() => roleBits(["miner"])).to.throw(RangeError, /unknown role "miner"/);
  });

  it("task status names; an unknown status is refused; in progress = open or assigned", () => {
    expect(Object.values(TASK_STATUS).map(taskStatusName)).to.deep.equal(["open", "assigned", "settled", "failed", "cancelled"]);
    expect(() => taskStatusName(3)).to.throw(RangeError);
    expect(Object.values(TASK_STATUS).filter((status) => isTaskInProgress({ status }))).to.deep.equal([TASK_STATUS.OPEN, TASK_STATUS.ASSIGNED]);
  });

  it("active is the registry's Node::is_active (status only); jailed is separate", () => {
    expect(isActive({ status: NODE_STATUS.ACTIVE })).to.equal(true);
    expect(isActive({ status: NODE_STATUS.DEREGISTERED })).to.equal(false);
    expect(isJailed({ jailed: 0 })).to.equal(false);
    expect(isJailed({ jailed: 1 })).to.equal(true);
  });

  it("KeypairWallet signs legacy and versioned transactions as the fee payer", async () => {
    const payer = Keypair.generate();
    const w = new KeypairWallet(payer);
    expect(w.publicKey.equals(payer.publicKey)).to.equal(true);
    const ix = SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 });
    const blockhash = "11111111111111111111111111111111";
    const legacy = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(ix);
    const [signed] = await w.signAllTransactions([legacy]);
    expect(signed!.verifySignatures()).to.equal(true);
    const v0 = new VersionedTransaction(new TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: blockhash, instructions: [ix] }).compileToV0Message());
    await w.signTransaction(v0);
    expect(v0.signatures[0]!.some((b) => b !== 0)).to.equal(true);
  });
});
