// SbfPrep: LLVM 22 pass plugin that makes upstream-BPF-targeted Rust bitcode
// lowerable by the *upstream* LLVM 22 BPF backend for Solana (SBPF v0):
//   sbf-wide   : expand i64/i128 {u,s}mul.with.overflow, i128 (and wider) mul, i128 variable shifts
//                into 64-bit ops (BPF LLVM 22 would emit __multi3/__lshrti3 libcalls
//                returning i128 -> "only small returns supported").
//   sbf-argpack: functions with >5 params (internal, only direct calls) get params
//                5.. packed into a caller-stack struct passed by pointer as param 5.
//   sbf-nosret : strip `sret` (BPF backend rejects sret: "aggregate returns are not supported").
//   sbf-sdiv   : signed div/rem of ≤ 64-bit integers on magnitudes (cpu v2 has no signed division).
//   sbf-wideret: internal functions returning i128 return it through a caller-stack out-pointer.
// Use together with LLVM's `lower-atomic` (Solana is single threaded).
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {

// full unsigned 64x64 -> (hi, lo)
static void mul64Full(IRBuilder<> &B, Value *A, Value *Bv, Value *&Hi, Value *&Lo) {
  Type *I64 = B.getInt64Ty();
  Value *M32 = ConstantInt::get(I64, 0xffffffffULL);
  Value *C32 = ConstantInt::get(I64, 32);
  Value *al = B.CreateAnd(A, M32), *ah = B.CreateLShr(A, C32);
  Value *bl = B.CreateAnd(Bv, M32), *bh = B.CreateLShr(Bv, C32);
  Value *ll = B.CreateMul(al, bl), *hl = B.CreateMul(ah, bl);
  Value *lh = B.CreateMul(al, bh), *hh = B.CreateMul(ah, bh);
  Value *t = B.CreateAdd(hl, B.CreateLShr(ll, C32));
  Value *u = B.CreateAdd(lh, B.CreateAnd(t, M32));
  Hi = B.CreateAdd(B.CreateAdd(hh, B.CreateLShr(t, C32)), B.CreateLShr(u, C32));
  Lo = B.CreateMul(A, Bv);
}

// Low N bits of X * Y for an integer type of N = 64·k bits (k ≥ 2): schoolbook multiplication on
// 64-bit limbs (LLVM 22's BPF backend would emit a __multi3-style libcall for any mul wider than i64).
// Partial products landing at limb ≥ k are dropped (wrapping semantics, as `mul` has).
static Value *mulLimbs(IRBuilder<> &B, Value *X, Value *Y) {
  auto *T = cast<IntegerType>(X->getType());
  unsigned K = T->getBitWidth() / 64;
  Type *I64 = B.getInt64Ty();
  SmallVector<Value *, 8> XL, YL, R;
  for (unsigned i = 0; i < K; ++i) {
    XL.push_back(B.CreateTrunc(B.CreateLShr(X, ConstantInt::get(T, 64 * i)), I64));
    YL.push_back(B.CreateTrunc(B.CreateLShr(Y, ConstantInt::get(T, 64 * i)), I64));
    R.push_back(ConstantInt::get(I64, 0));
  }
  for (unsigned i = 0; i < K; ++i) {
    Value *Carry = ConstantInt::get(I64, 0);
    for (unsigned j = 0; i + j < K; ++j) {
      Value *Hi, *Lo;
      mul64Full(B, XL[i], YL[j], Hi, Lo);
      // R[i+j] + Lo + Carry; the outgoing carry Hi + c1 + c2 fits 64 bits (Hi ≤ 2^64 − 2)
      Value *T1 = B.CreateAdd(R[i + j], Lo);
      Value *C1 = B.CreateZExt(B.CreateICmpULT(T1, Lo), I64);
      Value *T2 = B.CreateAdd(T1, Carry);
      Value *C2 = B.CreateZExt(B.CreateICmpULT(T2, Carry), I64);
      R[i + j] = T2;
      Carry = B.CreateAdd(B.CreateAdd(Hi, C1), C2);
    }
  }
  Value *Out = ConstantInt::get(T, 0);
  for (unsigned i = 0; i < K; ++i)
    Out = B.CreateOr(Out, B.CreateShl(B.CreateZExt(R[i], T), ConstantInt::get(T, 64 * i)));
  return Out;
}

static bool isWideLimbInt(Type *T) {
  return T->isIntegerTy() && T->getIntegerBitWidth() > 128 && T->getIntegerBitWidth() % 64 == 0;
}

static Value *join128(IRBuilder<> &B, Value *Hi, Value *Lo) {
  Type *I128 = B.getInt128Ty();
  return B.CreateOr(B.CreateShl(B.CreateZExt(Hi, I128), 64), B.CreateZExt(Lo, I128));
}

struct SbfWide : PassInfoMixin<SbfWide> {
  PreservedAnalyses run(Function &F, FunctionAnalysisManager &) {
    SmallVector<Instruction *, 16> Work;
    for (auto &BB : F)
      for (auto &I : BB) {
        if (auto *II = dyn_cast<IntrinsicInst>(&I)) {
          auto ID = II->getIntrinsicID();
          if ((ID == Intrinsic::umul_with_overflow || ID == Intrinsic::smul_with_overflow) &&
              (II->getArgOperand(0)->getType()->isIntegerTy(64) || II->getArgOperand(0)->getType()->isIntegerTy(128)))
            Work.push_back(&I);
        } else if (auto *BO = dyn_cast<BinaryOperator>(&I)) {
          if (BO->getOpcode() == Instruction::Mul && isWideLimbInt(BO->getType())) {
            Work.push_back(&I);
          } else if (BO->getType()->isIntegerTy(128)) {
            auto Op = BO->getOpcode();
            if (Op == Instruction::Mul) Work.push_back(&I);
            if ((Op == Instruction::Shl || Op == Instruction::LShr || Op == Instruction::AShr) &&
                !isa<Constant>(BO->getOperand(1)))
              Work.push_back(&I);
          }
        }
      }
    if (Work.empty()) return PreservedAnalyses::all();
    Type *I64 = Type::getInt64Ty(F.getContext());
    for (Instruction *I : Work) {
      IRBuilder<> B(I);
      if (auto *II = dyn_cast<IntrinsicInst>(I); II && II->getArgOperand(0)->getType()->isIntegerTy(128)) {
        // i128 multiply with overflow (overflow-checked u128/i128 `*`): the exact product in i256
        // (zero- or sign-extended operands, limb multiplication), overflow iff it does not fit i128
        bool Signed = II->getIntrinsicID() == Intrinsic::smul_with_overflow;
        Type *I128 = B.getInt128Ty(), *I256 = B.getIntNTy(256);
        Value *A = II->getArgOperand(0), *Bv = II->getArgOperand(1);
        Value *WA = Signed ? B.CreateSExt(A, I256) : B.CreateZExt(A, I256);
        Value *WB = Signed ? B.CreateSExt(Bv, I256) : B.CreateZExt(Bv, I256);
        Value *P = mulLimbs(B, WA, WB);
        Value *Lo = B.CreateTrunc(P, I128);
        Value *Back = Signed ? B.CreateSExt(Lo, I256) : B.CreateZExt(Lo, I256);
        Value *Ov = B.CreateICmpNE(Back, P);
        Value *R = PoisonValue::get(II->getType());
        R = B.CreateInsertValue(R, Lo, 0);
        R = B.CreateInsertValue(R, Ov, 1);
        II->replaceAllUsesWith(R);
        II->eraseFromParent();
        continue;
      }
      if (auto *II = dyn_cast<IntrinsicInst>(I)) {
        Value *A = II->getArgOperand(0), *Bv = II->getArgOperand(1);
        Value *Hi, *Lo;
        mul64Full(B, A, Bv, Hi, Lo);
        Value *Ov;
        if (II->getIntrinsicID() == Intrinsic::umul_with_overflow) {
          Ov = B.CreateICmpNE(Hi, ConstantInt::get(I64, 0));
        } else {
          Value *Z = ConstantInt::get(I64, 0);
          Value *Hs = B.CreateSub(Hi, B.CreateSelect(B.CreateICmpSLT(A, Z), Bv, Z));
          Hs = B.CreateSub(Hs, B.CreateSelect(B.CreateICmpSLT(Bv, Z), A, Z));
          Ov = B.CreateICmpNE(Hs, B.CreateAShr(Lo, 63));
        }
        Value *R = PoisonValue::get(II->getType());
        R = B.CreateInsertValue(R, Lo, 0);
        R = B.CreateInsertValue(R, Ov, 1);
        II->replaceAllUsesWith(R);
        II->eraseFromParent();
        continue;
      }
      auto *BO = cast<BinaryOperator>(I);
      Value *X = BO->getOperand(0), *Y = BO->getOperand(1);
      if (isWideLimbInt(BO->getType())) {  // e.g. core::fmt's u128 / 10^19 as an i256 multiply-high
        Value *R = mulLimbs(B, X, Y);
        BO->replaceAllUsesWith(R);
        BO->eraseFromParent();
        continue;
      }
      Value *xl = B.CreateTrunc(X, I64), *xh = B.CreateTrunc(B.CreateLShr(X, 64), I64);
      Value *R;
      if (BO->getOpcode() == Instruction::Mul) {
        Value *yl = B.CreateTrunc(Y, I64), *yh = B.CreateTrunc(B.CreateLShr(Y, 64), I64);
        Value *Hi, *Lo;
        mul64Full(B, xl, yl, Hi, Lo);
        Hi = B.CreateAdd(Hi, B.CreateAdd(B.CreateMul(xl, yh), B.CreateMul(xh, yl)));
        R = join128(B, Hi, Lo);
      } else {
        Value *s = B.CreateAnd(B.CreateTrunc(Y, I64), 127);
        Value *sl = B.CreateAnd(s, 63);
        Value *ge64 = B.CreateICmpUGE(s, ConstantInt::get(I64, 64));
        Value *isz = B.CreateICmpEQ(sl, ConstantInt::get(I64, 0));
        Value *inv = B.CreateAnd(B.CreateSub(ConstantInt::get(I64, 64), sl), 63);
        Value *Hi, *Lo;
        if (BO->getOpcode() == Instruction::Shl) {
          // s<64: hi = xh<<s | xl>>(64-s) ; lo = xl<<s ; s>=64: hi = xl<<(s-64), lo = 0
          Value *carry = B.CreateSelect(isz, ConstantInt::get(I64, 0), B.CreateLShr(xl, inv));
          Value *hiS = B.CreateOr(B.CreateShl(xh, sl), carry);
          Value *loS = B.CreateShl(xl, sl);
          Hi = B.CreateSelect(ge64, B.CreateShl(xl, sl), hiS);
          Lo = B.CreateSelect(ge64, ConstantInt::get(I64, 0), loS);
        } else {
          bool Ar = BO->getOpcode() == Instruction::AShr;
          Value *carry = B.CreateSelect(isz, ConstantInt::get(I64, 0), B.CreateShl(xh, inv));
          Value *loS = B.CreateOr(B.CreateLShr(xl, sl), carry);
          Value *hiS = Ar ? B.CreateAShr(xh, sl) : B.CreateLShr(xh, sl);
          Value *fill = Ar ? B.CreateAShr(xh, 63) : (Value *)ConstantInt::get(I64, 0);
          Lo = B.CreateSelect(ge64, Ar ? B.CreateAShr(xh, sl) : B.CreateLShr(xh, sl), loS);
          Hi = B.CreateSelect(ge64, fill, hiS);
        }
        R = join128(B, Hi, Lo);
      }
      BO->replaceAllUsesWith(R);
      BO->eraseFromParent();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

struct SbfNoSret : PassInfoMixin<SbfNoSret> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    for (Function &F : M) {
      for (unsigned i = 0; i < F.arg_size(); ++i)
        if (F.hasParamAttribute(i, Attribute::StructRet)) F.removeParamAttr(i, Attribute::StructRet);
      for (auto &BB : F)
        for (auto &I : BB)
          if (auto *CB = dyn_cast<CallBase>(&I))
            for (unsigned i = 0; i < CB->arg_size(); ++i)
              if (CB->paramHasAttr(i, Attribute::StructRet)) CB->removeParamAttr(i, Attribute::StructRet);
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};


// sbf-sdiv: signed division and remainder of ≤ 64-bit integers on magnitudes. LLVM 22's BPF backend
// for cpu v2 has no signed division ("unsupported signed division, please convert to unsigned
// div/mod"). Truncating semantics are kept: q = ±(|a| / |b|) with the sign of a·b, r = ±(|a| % |b|)
// with the sign of a. |INT_MIN| wraps to 2^(n−1), which is the right magnitude read as unsigned.
// Division by zero and INT_MIN / −1 never reach here: Rust checks both before dividing.
struct SbfSdiv : PassInfoMixin<SbfSdiv> {
  PreservedAnalyses run(Function &F, FunctionAnalysisManager &) {
    SmallVector<BinaryOperator *, 16> Work;
    for (auto &BB : F)
      for (auto &I : BB)
        if (auto *BO = dyn_cast<BinaryOperator>(&I))
          if ((BO->getOpcode() == Instruction::SDiv || BO->getOpcode() == Instruction::SRem) &&
              BO->getType()->isIntegerTy() && BO->getType()->getIntegerBitWidth() <= 64)
            Work.push_back(BO);
    if (Work.empty()) return PreservedAnalyses::all();
    for (BinaryOperator *BO : Work) {
      IRBuilder<> B(BO);
      Value *A = BO->getOperand(0), *D = BO->getOperand(1);
      Value *Z = ConstantInt::get(BO->getType(), 0);
      Value *NA = B.CreateICmpSLT(A, Z), *ND = B.CreateICmpSLT(D, Z);
      Value *UA = B.CreateSelect(NA, B.CreateNeg(A), A);
      Value *UD = B.CreateSelect(ND, B.CreateNeg(D), D);
      Value *R;
      if (BO->getOpcode() == Instruction::SDiv) {
        Value *Q = B.CreateUDiv(UA, UD);
        R = B.CreateSelect(B.CreateXor(NA, ND), B.CreateNeg(Q), Q);
      } else {
        Value *M = B.CreateURem(UA, UD);
        R = B.CreateSelect(NA, B.CreateNeg(M), M);
      }
      R->takeName(BO);
      BO->replaceAllUsesWith(R);
      BO->eraseFromParent();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

// sbf-wideret: an internal function returning an integer wider than 64 bits (i128) — which the BPF
// backend cannot return ("only small returns supported") — returns it through a pointer instead: a
// trailing out-parameter that the caller points at a slot on its own stack, stores into, and loads
// from after the call. Only functions with local linkage and direct calls only (after LTO: all of a
// program's own functions) are rewritten, so every call site changes together.
struct SbfWideRet : PassInfoMixin<SbfWideRet> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    SmallVector<Function *, 16> Cands;
    for (Function &F : M) {
      Type *RT = F.getReturnType();
      if (F.isDeclaration() || F.isVarArg() || !RT->isIntegerTy() || RT->getIntegerBitWidth() <= 64) continue;
      bool ok = F.hasLocalLinkage();
      for (User *U : F.users()) {
        auto *CI = dyn_cast<CallInst>(U);
        if (!CI || CI->getCalledOperand() != &F || CI->getFunctionType() != F.getFunctionType()) { ok = false; break; }
      }
      if (ok) Cands.push_back(&F);
      else errs() << "sbf-wideret: cannot rewrite " << F.getName() << " (wide return, not internal or not only called directly)\n";
    }
    for (Function *F : Cands) rewrite(M, *F);
    return Cands.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
  }

  void rewrite(Module &M, Function &F) {
    LLVMContext &C = M.getContext();
    const DataLayout &DL = M.getDataLayout();
    Type *RT = F.getReturnType();
    Type *Ptr = PointerType::get(C, 0);
    FunctionType *FT = F.getFunctionType();
    SmallVector<Type *, 8> NP(FT->param_begin(), FT->param_end());
    NP.push_back(Ptr);
    FunctionType *NFT = FunctionType::get(Type::getVoidTy(C), NP, false);
    Function *NF = Function::Create(NFT, F.getLinkage(), F.getAddressSpace(), F.getName() + ".sbfret", &M);
    NF->copyAttributesFrom(&F);
    AttributeList PAL = F.getAttributes();
    SmallVector<AttributeSet, 8> ArgAttrs;
    for (unsigned i = 0; i < F.arg_size(); ++i) ArgAttrs.push_back(PAL.getParamAttrs(i));
    ArgAttrs.push_back(AttributeSet());
    NF->setAttributes(AttributeList::get(C, PAL.getFnAttrs(), AttributeSet(), ArgAttrs));
    NF->setCallingConv(F.getCallingConv());
    NF->splice(NF->begin(), &F);
    NF->setSubprogram(F.getSubprogram());
    F.setSubprogram(nullptr);
    for (unsigned i = 0; i < F.arg_size(); ++i) {
      NF->getArg(i)->takeName(F.getArg(i));
      F.getArg(i)->replaceAllUsesWith(NF->getArg(i));
    }
    Argument *Out = NF->getArg(F.arg_size());
    Out->setName("sbf.ret");
    SmallVector<ReturnInst *, 4> Rets;
    for (auto &BB : *NF)
      if (auto *RI = dyn_cast<ReturnInst>(BB.getTerminator())) Rets.push_back(RI);
    for (ReturnInst *RI : Rets) {
      IRBuilder<> B(RI);
      B.CreateAlignedStore(RI->getReturnValue(), Out, DL.getABITypeAlign(RT));
      B.CreateRetVoid();
      RI->eraseFromParent();
    }
    SmallVector<CallInst *, 8> Calls;
    for (User *U : F.users()) Calls.push_back(cast<CallInst>(U));
    for (CallInst *CI : Calls) {
      Function *Caller = CI->getFunction();
      IRBuilder<> AB(&*Caller->getEntryBlock().getFirstInsertionPt());
      AllocaInst *Slot = AB.CreateAlloca(RT, nullptr, "sbf.retslot");
      IRBuilder<> B(CI);
      SmallVector<Value *, 8> Args(CI->args());
      Args.push_back(Slot);
      CallInst *NC = B.CreateCall(NF, Args);
      AttributeList CAL = CI->getAttributes();
      SmallVector<AttributeSet, 8> CA;
      for (unsigned i = 0; i < CI->arg_size(); ++i) CA.push_back(CAL.getParamAttrs(i));
      CA.push_back(AttributeSet());
      NC->setAttributes(AttributeList::get(C, CAL.getFnAttrs(), AttributeSet(), CA));
      NC->setCallingConv(CI->getCallingConv());
      NC->setTailCallKind(CallInst::TCK_None);
      NC->setDebugLoc(CI->getDebugLoc());
      Value *L = B.CreateAlignedLoad(RT, Slot, DL.getABITypeAlign(RT));
      L->takeName(CI);
      CI->replaceAllUsesWith(L);
      CI->eraseFromParent();
    }
    std::string Name = F.getName().str();
    F.eraseFromParent();
    NF->setName(Name);
  }
  static bool isRequired() { return true; }
};

static const unsigned MaxRegArgs = 5;

// Argument registers a parameter occupies: integers wider than 64 bits take one register per 64-bit
// limb (an i128 takes r1+r2), everything else one. The backend's limit is on registers, not params.
static unsigned regSlots(Type *T) {
  if (T->isIntegerTy() && T->getIntegerBitWidth() > 64) return (T->getIntegerBitWidth() + 63) / 64;
  return 1;
}
static unsigned regSlots(FunctionType *FT) {
  unsigned n = 0;
  for (Type *T : FT->params()) n += regSlots(T);
  return n;
}
// How many leading params stay in registers when the rest are packed: they must fit in
// MaxRegArgs - 1 registers, the last register carrying the pointer to the packed struct.
static unsigned keepCount(FunctionType *FT) {
  unsigned used = 0, n = 0;
  for (Type *T : FT->params()) {
    if (used + regSlots(T) > MaxRegArgs - 1) break;
    used += regSlots(T);
    ++n;
  }
  return n;
}

struct SbfArgPack : PassInfoMixin<SbfArgPack> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    SmallVector<Function *, 16> Cands;
    unsigned skipped = 0;
    for (Function &F : M) {
      if (F.isDeclaration() || F.isVarArg() || regSlots(F.getFunctionType()) <= MaxRegArgs) continue;
      bool ok = F.hasLocalLinkage();
      for (User *U : F.users()) {
        auto *CI = dyn_cast<CallInst>(U);
        if (!CI || CI->getCalledOperand() != &F || CI->getFunctionType() != F.getFunctionType()) { ok = false; break; }
      }
      for (unsigned i = keepCount(F.getFunctionType()); i < F.arg_size(); ++i)
        if (F.hasParamAttribute(i, Attribute::ByVal) || F.hasParamAttribute(i, Attribute::InAlloca) ||
            F.hasParamAttribute(i, Attribute::Preallocated))
          ok = false;
      if (ok) Cands.push_back(&F);
      else { ++skipped; errs() << "sbf-argpack: cannot pack " << F.getName() << " (" << F.arg_size() << " args)\n"; }
    }
    for (Function *F : Cands) pack(M, *F);
    // report remaining indirect calls with too many args
    for (Function &F : M)
      for (auto &BB : F)
        for (auto &I : BB)
          if (auto *CB = dyn_cast<CallBase>(&I))
            if (regSlots(CB->getFunctionType()) > MaxRegArgs && !isa<IntrinsicInst>(CB))
              errs() << "sbf-argpack: WARNING call needing " << regSlots(CB->getFunctionType())
                     << " argument registers remains in " << F.getName() << "\n";
    return Cands.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
  }

  void pack(Module &M, Function &F) {
    LLVMContext &C = M.getContext();
    const DataLayout &DL = M.getDataLayout();
    FunctionType *FT = F.getFunctionType();
    unsigned NKeep = keepCount(FT);
    SmallVector<Type *, 8> Keep, Rest;
    for (unsigned i = 0; i < FT->getNumParams(); ++i) (i < NKeep ? Keep : Rest).push_back(FT->getParamType(i));
    StructType *ST = StructType::get(C, Rest);
    Type *Ptr = PointerType::get(C, 0);
    SmallVector<Type *, 8> NP(Keep.begin(), Keep.end());
    NP.push_back(Ptr);
    FunctionType *NFT = FunctionType::get(FT->getReturnType(), NP, false);
    Function *NF = Function::Create(NFT, F.getLinkage(), F.getAddressSpace(), F.getName() + ".sbfpk", &M);
    NF->copyAttributesFrom(&F);
    AttributeList PAL = F.getAttributes();
    SmallVector<AttributeSet, 8> ArgAttrs;
    for (unsigned i = 0; i < NKeep; ++i) ArgAttrs.push_back(PAL.getParamAttrs(i));
    ArgAttrs.push_back(AttributeSet());
    NF->setAttributes(AttributeList::get(C, PAL.getFnAttrs(), PAL.getRetAttrs(), ArgAttrs));
    NF->setCallingConv(F.getCallingConv());
    NF->splice(NF->begin(), &F);
    NF->setSubprogram(F.getSubprogram());
    F.setSubprogram(nullptr);
    IRBuilder<> EB(&*NF->getEntryBlock().getFirstInsertionPt());
    Argument *PA = NF->getArg(NKeep);
    PA->setName("sbf.packed");
    for (unsigned i = 0; i < F.arg_size(); ++i) {
      Argument *A = F.getArg(i);
      if (i < NKeep) { NF->getArg(i)->takeName(A); A->replaceAllUsesWith(NF->getArg(i)); continue; }
      Value *G = EB.CreateStructGEP(ST, PA, i - NKeep);
      Value *L = EB.CreateAlignedLoad(A->getType(), G, DL.getABITypeAlign(A->getType()), A->getName());
      A->replaceAllUsesWith(L);
    }
    SmallVector<CallInst *, 8> Calls;
    for (User *U : F.users()) Calls.push_back(cast<CallInst>(U));
    for (CallInst *CI : Calls) {
      Function *Caller = CI->getFunction();
      IRBuilder<> AB(&*Caller->getEntryBlock().getFirstInsertionPt());
      AllocaInst *Slot = AB.CreateAlloca(ST, nullptr, "sbf.args");
      IRBuilder<> B(CI);
      SmallVector<Value *, 8> Args;
      for (unsigned i = 0; i < CI->arg_size(); ++i) {
        if (i < NKeep) { Args.push_back(CI->getArgOperand(i)); continue; }
        Value *G = B.CreateStructGEP(ST, Slot, i - NKeep);
        B.CreateAlignedStore(CI->getArgOperand(i), G, DL.getABITypeAlign(CI->getArgOperand(i)->getType()));
      }
      Args.push_back(Slot);
      CallInst *NC = B.CreateCall(NF, Args);
      AttributeList CAL = CI->getAttributes();
      SmallVector<AttributeSet, 8> CA;
      for (unsigned i = 0; i < NKeep; ++i) CA.push_back(CAL.getParamAttrs(i));
      CA.push_back(AttributeSet());
      NC->setAttributes(AttributeList::get(C, CAL.getFnAttrs(), CAL.getRetAttrs(), CA));
      NC->setCallingConv(CI->getCallingConv());
      NC->setTailCallKind(CallInst::TCK_None);
      NC->setDebugLoc(CI->getDebugLoc());
      if (!CI->getType()->isVoidTy()) NC->takeName(CI);
      CI->replaceAllUsesWith(NC);
      CI->eraseFromParent();
    }
    std::string Name = F.getName().str();
    F.eraseFromParent();
    NF->setName(Name);
  }
  static bool isRequired() { return true; }
};

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "SbfPrep", "0.1", [](PassBuilder &PB) {
            PB.registerPipelineParsingCallback(
                [](StringRef Name, FunctionPassManager &FPM, ArrayRef<PassBuilder::PipelineElement>) {
                  if (Name == "sbf-wide") { FPM.addPass(SbfWide()); return true; }
                  if (Name == "sbf-sdiv") { FPM.addPass(SbfSdiv()); return true; }
                  return false;
                });
            PB.registerPipelineParsingCallback(
                [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
                  if (Name == "sbf-argpack") { MPM.addPass(SbfArgPack()); return true; }
                  if (Name == "sbf-nosret") { MPM.addPass(SbfNoSret()); return true; }
                  if (Name == "sbf-wideret") { MPM.addPass(SbfWideRet()); return true; }
                  return false;
                });
          }};
}
