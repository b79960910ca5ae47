//! The core's layers, checked from its source: every `crate::` path of a
//! core module's code (its tests aside) names a module of the same layer or
//! one below, and the modules import each other without a cycle.
//!
//! The layers, lowest first (ARCHITECTURE.md): the base (`error`, `text`),
//! `pki`, `cfssl`, `issue`, `validate`, `ca`, `kube`. A module is a file under
//! `crates/certkit-core/src` (`pki/key.rs` is `pki::key`); a folder's
//! `mod.rs` holds only its `mod` lines and docs, and `lib.rs` only the
//! public interface, so neither is a node. A path through the crate root's
//! re-exports is refused, because it would hide an edge: core code names
//! `crate::pki::key::PrivateKey`, not `crate::PrivateKey` (only
//! `crate::{Error, Result, MAX_INPUT_LEN, VERSION}` are allowed).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LAYERS: [&str; 7] = ["base", "pki", "cfssl", "issue", "validate", "ca", "kube"];

fn layer(module: &str) -> usize {
    let top = module.split("::").next().unwrap_or(module);
    let name = match top {
        "error" | "text" => "base",
        other => other,
    };
    LAYERS.iter().position(|l| *l == name).unwrap_or_else(|| panic!("module {module} is in no layer"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module a source file is: `pki/key.rs` → `pki::key`, `ca/mod.rs` → `ca`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    match parts.last().map(String::as_str) {
        Some("mod") => parts[..parts.len() - 1].join("::"),
        _ => parts.join("::"),
    }
}

/// The code of a file without its tests and comments.
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every `crate::a::b::{c, d::e}` path of the code, brace groups expanded.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `certkit_core::…` and the like
        }
        expand("", rest, &mut out);
    }
    out
}

fn expand(prefix: &str, text: &str, out: &mut Vec<String>) {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(text.len());
    let path = format!("{prefix}{}", &text[..end]);
    if text[end..].starts_with('{') && (path.is_empty() || path.ends_with("::")) {
        // A group: split its top-level items.
        let body = &text[end + 1..];
        let (mut depth, mut start) = (0usize, 0usize);
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&path, body[start..i].trim_start(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&path, body[start..i].trim_start(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
    } else {
        out.push(path.trim_end_matches("::").to_string());
    }
}

#[test]
fn core_modules_import_only_their_own_layer_or_lower_and_never_in_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../certkit-core/src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.retain(|f| !f.ends_with("lib.rs"));
    all.sort();
    let modules: BTreeSet<String> = all.iter().map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut faults = Vec::new();
    for file in &all {
        let module = module_of(&src, file);
        let text = code(&std::fs::read_to_string(file).unwrap());
        // `ca` and `kube` are a folder and a module of code at once.
        let is_folder = file.file_name().is_some_and(|n| n == "mod.rs") && module != "ca" && module != "kube";
        for path in crate_paths(&text) {
            // The longest module the path names.
            let segments: Vec<&str> = path.split("::").collect();
            let target = (1..=segments.len()).rev().map(|n| segments[..n].join("::")).find(|m| modules.contains(m));
            let Some(target) = target else {
                if !["Error", "Result", "MAX_INPUT_LEN", "VERSION", "self"].contains(&segments[0]) {
                    faults.push(format!("{module}: `crate::{path}` goes through the crate root's re-exports"));
                }
                continue;
            };
            if target == module || module.starts_with(&format!("{target}::")) {
                continue;
            }
            if is_folder {
                faults
                    .push(format!("{module} (a folder's mod.rs) uses `crate::{path}`; only `mod` lines belong there"));
            }
            if layer(&target) > layer(&module) {
                faults.push(format!(
                    "{module} ({}) uses `crate::{path}` of the higher layer {}",
                    LAYERS[layer(&module)],
                    LAYERS[layer(&target)]
                ));
            }
            edges.entry(module.clone()).or_default().insert(target);
        }
    }
    // A cycle: depth-first search for a back edge.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        faults: &mut Vec<String>,
    ) {
        state.insert(m.to_string(), 1);
        stack.push(m.to_string());
        for n in edges.get(m).into_iter().flatten() {
            match state.get(n.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|s| s == n).unwrap_or(0);
                    faults.push(format!("import cycle: {} -> {n}", stack[from..].join(" -> ")));
                }
                Some(_) => {}
                None => visit(n, edges, state, stack, faults),
            }
        }
        stack.pop();
        state.insert(m.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        if !state.contains_key(m.as_str()) {
            visit(m, &edges, &mut state, &mut Vec::new(), &mut faults);
        }
    }
    assert!(faults.is_empty(), "the core's layers are broken:\n{}", faults.join("\n"));
    // The check sees the graph: a module of each layer has edges downward.
    assert!(edges.iter().any(|(m, e)| m.starts_with("kube") && e.contains("ca")), "{edges:?}");
    assert!(edges.get("issue::certificate").is_some_and(|e| e.iter().any(|t| t.starts_with("pki::"))), "{edges:?}");
}

#[test]
fn the_path_reader_expands_groups_and_skips_other_crates() {
    let code = "use crate::pki::{oid, pem::{self, encode}};\nuse certkit_core::crate_like::x;\nlet a = crate::issue::Role::Leaf;";
    assert_eq!(crate_paths(code), ["pki::oid", "pki::pem::self", "pki::pem::encode", "issue::Role::Leaf"]);
}

/// The core's messages name no flag or command of a front end: where the
/// fix is a flag, the CLI adds it (crates/certkit/src/hints.rs) and the npm
/// package its own call. Checked in the core's code, tests aside.
#[test]
fn core_messages_name_no_flag_or_command() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../certkit-core/src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut faults = Vec::new();
    for file in &all {
        let text = code(&std::fs::read_to_string(file).unwrap());
        for (n, line) in text.lines().enumerate() {
            let flag = line
                .match_indices("--")
                .any(|(i, _)| line[i + 2..].starts_with(|c: char| c.is_ascii_lowercase()) && !line[..i].ends_with('-'));
            if flag || line.contains("`certkit ") {
                faults.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(faults.is_empty(), "core messages that name a front end's flag or command:\n{}", faults.join("\n"));
}
