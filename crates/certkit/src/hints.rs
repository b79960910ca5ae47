//! The CLI's own error layer: what a core error means at this command line.
//!
//! The core's messages say what is wrong and what to give, and name no flag
//! or command of any front end (ARCHITECTURE.md). Where the fix is a flag
//! or another certkit command, the hint is added here, after the core's
//! message, as rage's binary adds its own to the age library's errors.

use certkit_core::Error;

/// The hint for a core error, if the command line has one.
pub fn for_core(e: &Error) -> Option<&'static str> {
    match e.kind() {
        Error::PassphraseNeeded => Some(
            " (--ca-key-passphrase-file FILE, the CERTKIT_CA_KEY_PASSPHRASE variable, or the prompt on a terminal)",
        ),
        Error::LedgerCorrupt { .. } => Some(" (see `certkit ca check` and `certkit ca repair`)"),
        Error::NotKubeObject { csr: true, .. } => Some(" with `certkit k8s request --name NAME --signer SIGNER FILE`"),
        Error::CaKeyInSecret { .. } => Some(
            ", or pass --allow-ca-key if the CA key is meant to live in the cluster (as for cert-manager's CA issuer)",
        ),
        _ => None,
    }
}

/// The hint for a refusal to sign a Kubernetes object.
pub fn for_refusal(r: &certkit_core::kube::Refusal) -> &'static str {
    match r {
        certkit_core::kube::Refusal::NotApproved { .. } => ", or pass --allow-unapproved if it was approved elsewhere",
        _ => "",
    }
}

/// An error as the CLI prints it after `certkit: `: its chain of contexts,
/// outermost first, and the hint of the core error at its root.
pub fn message(e: &anyhow::Error) -> String {
    let mut text = format!("{e:#}");
    if let Some(hint) = e.chain().find_map(|c| c.downcast_ref::<Error>()).and_then(for_core) {
        text.push_str(hint);
    }
    text
}

/// An error about one of several inputs, as its line names it: the
/// input's name once — in front, unless the error already names it (as a
/// context, or as the core error's input).
pub fn about(e: &anyhow::Error, input: &str) -> String {
    let named = e
        .chain()
        .any(|c| c.downcast_ref::<Error>().map_or_else(|| c.to_string() == input, |core| core.input() == Some(input)));
    if named { message(e) } else { format!("{input}: {}", message(e)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_follows_the_core_message_through_contexts() {
        let e = anyhow::Error::from(Error::PassphraseNeeded.in_input("ca-key.pem")).context("the CA");
        assert_eq!(
            message(&e),
            "the CA: ca-key.pem is encrypted; give its passphrase (--ca-key-passphrase-file FILE, the CERTKIT_CA_KEY_PASSPHRASE variable, or the prompt on a terminal)"
        );
        let plain = anyhow::Error::from(Error::EmptySubject);
        assert_eq!(message(&plain), Error::EmptySubject.to_string());
    }

    #[test]
    fn one_of_several_inputs_is_named_once() {
        let by_core = anyhow::Error::from(Error::CsrSignature.in_input("a.csr"));
        assert!(about(&by_core, "a.csr").starts_with("a.csr: the CSR's signature"), "{}", about(&by_core, "a.csr"));
        assert_eq!(about(&by_core, "a.csr").matches("a.csr").count(), 1);
        let by_context = anyhow::Error::from(Error::EmptySubject).context("b.csr");
        assert_eq!(about(&by_context, "b.csr").matches("b.csr").count(), 1);
        let unnamed = anyhow::anyhow!("serial 1 is already in the ledger");
        assert_eq!(about(&unnamed, "c.csr"), "c.csr: serial 1 is already in the ledger");
    }
}
