//! The policies that ship inside tollgate (see `policies/README.md` for their conventions).
//! They are plain Rego files with `# METADATA` annotations, embedded at build time, so a
//! team gets a useful gate with no set-up and can copy any policy to adapt it.

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The path prefix under which bundled files are reported (`bundled/kubernetes/...`).
pub const SOURCE_PREFIX: &str = "bundled/";

#[cfg(test)]
mod tests {
    use super::POLICIES;

    const KUBERNETES_LIBRARY: &str = "import data.tollgate.lib.kubernetes as ";

    /// The names read through `alias.` in `source` that are not called, outside comments
    /// and string literals.
    fn values_read_through(alias: &str, source: &str) -> Vec<String> {
        let prefix = format!("{alias}.");
        let mut found = Vec::new();
        for line in source.lines() {
            let code = without_strings_and_comment(line);
            let mut rest = code.as_str();
            while let Some(at) = rest.find(&prefix) {
                let preceded_by_name = rest[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
                let after = &rest[at + prefix.len()..];
                let name_len = after
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                let called = after[name_len..].trim_start().starts_with('(');
                if !preceded_by_name && name_len > 0 && !called {
                    found.push(after[..name_len].to_string());
                }
                rest = &after[name_len..];
            }
        }
        found
    }

    fn without_strings_and_comment(line: &str) -> String {
        let mut code = String::new();
        let mut quote = None;
        let mut escaped = false;
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                        code.push(c);
                    }
                }
                None if c == '#' => break,
                None => {
                    if c == '"' || c == '`' {
                        quote = Some(c);
                    }
                    code.push(c);
                }
            }
        }
        code
    }

    /// regorus's VM, which runs the Kubernetes policies, evaluates the whole library
    /// package for every value read through an import alias (`k8s.containers`); by full
    /// path (`data.tollgate.lib.kubernetes.containers`) it reads only that rule, twice as
    /// fast over the benchmark corpus. Function calls through the alias are unaffected.
    #[test]
    fn kubernetes_policies_read_library_values_by_full_path() {
        let mut importing = 0;
        let mut offending = Vec::new();
        for (path, source) in POLICIES {
            let Some(alias) = source
                .lines()
                .find_map(|line| line.trim().strip_prefix(KUBERNETES_LIBRARY))
            else {
                continue;
            };
            importing += 1;
            for name in values_read_through(alias.trim(), source) {
                offending.push(format!("{path}: {alias}.{name}"));
            }
        }
        assert!(
            importing >= 30,
            "only {importing} policies import the library"
        );
        assert!(
            offending.is_empty(),
            "values read through the alias: {offending:?}"
        );
    }

    #[test]
    fn values_read_through_an_alias_are_told_from_calls_strings_and_comments() {
        let source = "x := k8s.containers[_] # k8s.comment\n\
                      y := k8s.container_desc(c)\n\
                      z := \"k8s.io/name\"\n\
                      w := data.k8s.other\n";
        assert_eq!(values_read_through("k8s", source), vec!["containers"]);
    }
}
