//! `lumora-idl <program-dir> <out.json>`: builds a program's Anchor IDL the way `anchor idl build`
//! does (it runs the program's `idl-build` test on the host) and writes it as pretty JSON with a
//! trailing newline. Driven by `tools/idl/generate.sh`, which also writes the TypeScript types.
use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().context("usage: lumora-idl <program-dir> <out.json>")?);
    let out = args.next().context("usage: lumora-idl <program-dir> <out.json>")?;
    let program_path =
        std::fs::canonicalize(&dir).with_context(|| format!("program dir {}", dir.display()))?;
    let idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(program_path)
        .resolution(true)
        .skip_lint(true)
        .build()
        .with_context(|| format!("IDL build of {}", dir.display()))?;
    let mut json = serde_json::to_string_pretty(&idl)?;
    json.push('\n');
    std::fs::write(&out, json).with_context(|| format!("writing {out}"))?;
    Ok(())
}
