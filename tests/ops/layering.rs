//! The layering rule of ARCHITECTURE.md: the web handlers and the command
//! line reach the database and the blob store only through the use cases in
//! `src/app`. `App`'s `store` and `blobs` fields are private to `app`, so the
//! compiler refuses any other use in a normal build; the `store()` and
//! `blobs()` accessors exist only for tests (the `test-support` feature),
//! and this test keeps them out of the binary's own code.

use std::path::{Path, PathBuf};

#[expect(clippy::expect_used, reason = "test set-up fails loudly")]
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("read src entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn only_use_cases_reach_the_store_and_blobs() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut outside_app = 0;
    let mut offending = Vec::new();
    for file in &files {
        if file.starts_with(src.join("app")) {
            continue;
        }
        outside_app += 1;
        let text = std::fs::read_to_string(file).expect("read source file");
        for (n, line) in text.lines().enumerate() {
            if line.contains(".store()") || line.contains(".blobs()") {
                offending.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        outside_app > 50,
        "found only {outside_app} files outside src/app"
    );
    assert!(
        offending.is_empty(),
        "code outside src/app reaches the store or the blob store; add a use case in src/app instead:\n{}",
        offending.join("\n")
    );
}

/// The module a `.rs` file under `src/` defines, as path segments
/// (`src/web/admin/mod.rs` → `["web", "admin"]`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut segments: Vec<String> = relative
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    segments
}

/// The modules `text` (the source of `module`) names through `crate::`,
/// `super::` or `self::` paths, outside comments and its unit tests, resolved
/// to the longest known module. Brace groups in `use` are expanded one level.
fn references(
    module: &[String],
    text: &str,
    known: &std::collections::BTreeSet<Vec<String>>,
) -> Vec<Vec<String>> {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let resolve = |path: &str| -> Option<Vec<String>> {
        let mut parts = path.split("::").map(str::trim).peekable();
        let mut base: Vec<String> = match parts.peek().copied() {
            Some("crate") => {
                parts.next();
                Vec::new()
            }
            Some("super") => {
                let mut base = module.to_vec();
                while parts.peek() == Some(&"super") {
                    parts.next();
                    base.pop();
                }
                base
            }
            Some("self") => {
                parts.next();
                module.to_vec()
            }
            _ => return None,
        };
        let mut best = known.contains(&base).then(|| base.clone());
        for part in parts {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() {
                break;
            }
            base.push(name);
            if known.contains(&base) {
                best = Some(base.clone());
            }
        }
        best
    };
    let mut found = Vec::new();
    // `use a::b::{c, d::e}` names a::b::c and a::b::d::e.
    for statement in code.split("use ").skip(1) {
        let statement = statement.split(';').next().unwrap_or("");
        if let Some((prefix, group)) = statement.split_once("::{") {
            for item in group.trim_end_matches('}').split(',') {
                let item = item.split(" as ").next().unwrap_or("").trim();
                let item = item.split("::{").next().unwrap_or("");
                found.extend(resolve(&format!("{prefix}::{item}")));
            }
        }
    }
    // Every other path, in `use` or inline.
    for (start, _) in code.match_indices(['c', 's']) {
        let rest = &code[start..];
        let boundary = code[..start]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if boundary
            && ["crate::", "super::", "self::"]
                .iter()
                .any(|p| rest.starts_with(p))
        {
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            found.extend(resolve(&path));
        }
    }
    found.retain(|m| !m.starts_with(module));
    found
}

/// The module graph of `src/` has no cycle: each layer (web, cmd, app,
/// site) imports only downwards and within a layer no two modules import
/// each other, so errors, access types and progress reporters are leaves
/// (issue 11, item 5).
#[test]
fn no_import_circle_in_src() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("read source file");
            (module_of(&src, f), text)
        })
        .collect();
    let known: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    let edges: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> = modules
        .iter()
        .map(|(m, text)| (m, references(m, text, &known).into_iter().collect()))
        .collect();
    assert!(
        edges
            .get(&vec!["web".to_owned(), "page".to_owned()])
            .is_some_and(|e| e.contains(&vec!["web".to_owned(), "error".to_owned()])),
        "the reference reader missed web::page → web::error"
    );
    // Depth-first search for a back edge; report the cycle it closes.
    let mut state: BTreeMap<&Vec<String>, u8> = BTreeMap::new();
    let mut cycles = Vec::new();
    fn visit<'a>(
        node: &'a Vec<String>,
        edges: &'a BTreeMap<&'a Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<&'a Vec<String>, u8>,
        stack: &mut Vec<&'a Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(node, 1);
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            let Some((next, _)) = edges.get_key_value(next) else {
                continue;
            };
            match state.get(next) {
                Some(1) => {
                    let from = stack.iter().position(|m| m == next).unwrap_or(0);
                    let names: Vec<String> = stack[from..]
                        .iter()
                        .chain(std::iter::once(next))
                        .map(|m| m.join("::"))
                        .collect();
                    cycles.push(names.join(" → "));
                }
                Some(_) => {}
                None => visit(next, edges, state, stack, cycles),
            }
        }
        stack.pop();
        state.insert(node, 2);
    }
    for node in edges.keys() {
        if !state.contains_key(node) {
            visit(node, &edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(
        cycles.is_empty(),
        "modules of src/ import each other in a circle; move what both need into a leaf module:\n{}",
        cycles.join("\n")
    );
}
