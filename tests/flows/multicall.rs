//! certkit under cfssl's names (`certkit aliases`): the seed recipe's
//! commands, word for word, against the links.

use std::process::Command;

use crate::common::{Dir, certkit, ok, openssl};

/// The seed article's recipe, its cfssl and cfssljson lines verbatim;
/// `cat server.csr` stands in for `kubectl get csr … | base64 --decode`.
const RECIPE: &str = r#"set -euo pipefail
cat <<EOF | cfssl genkey - | cfssljson -bare server
{
  "hosts": [
    "my-svc.my-namespace.svc.cluster.local",
    "my-pod.my-namespace.pod.cluster.local",
    "192.0.2.24",
    "10.0.34.2"
  ],
  "CN": "my-pod.my-namespace.pod.cluster.local",
  "key": {
    "algo": "ecdsa",
    "size": 256
  }
}
EOF
cat <<EOF | cfssl gencert -initca - | cfssljson -bare ca
{
  "CN": "My Example Signer",
  "key": {
    "algo": "rsa",
    "size": 2048
  }
}
EOF
cat <<EOF > server-signing-config.json
{
    "signing": {
        "default": {
            "usages": [
                "digital signature",
                "key encipherment",
                "server auth"
            ],
            "expiry": "876000h",
            "ca_constraint": {
                "is_ca": false
            }
        }
    }
}
EOF
cat server.csr | \
  cfssl sign -ca ca.pem -ca-key ca-key.pem -config server-signing-config.json - | \
  cfssljson -bare ca-signed-server
cfssl-certinfo -cert ca-signed-server.pem > info.json
"#;

fn bash(d: &Dir, script: &str) -> std::process::Output {
    let path = format!("{}:{}", d.path("bin").display(), std::env::var("PATH").unwrap_or_default());
    Command::new("bash").args(["-c", script]).current_dir(&d.0).env("PATH", path).output().unwrap()
}

#[test]
fn the_seed_recipe_runs_word_for_word_under_cfssls_names() {
    let d = Dir::new("multicall");
    let out = certkit(&d, &["aliases", "bin"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for name in ["cfssl", "cfssljson", "cfssl-certinfo"] {
        assert!(std::fs::symlink_metadata(d.path(&format!("bin/{name}"))).unwrap().file_type().is_symlink());
    }
    let out = bash(&d, RECIPE);
    assert!(out.status.success(), "the recipe failed: {}", String::from_utf8_lossy(&out.stderr));
    let v =
        openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "ca-signed-server.pem"]);
    assert!(v.contains("ca-signed-server.pem: OK"), "{v}");
    let info: serde_json::Value = serde_json::from_str(&d.read("info.json")).unwrap();
    assert_eq!(info["subject"]["common_name"], "my-pod.my-namespace.pod.cluster.local");

    // The sign-and-split step runs again (cfssljson replaces the certificate);
    // a second CA into the same files is refused and the first key stays.
    let ca_key = d.read("ca-key.pem");
    let step = "cat server.csr | \\\n  cfssl sign -ca ca.pem -ca-key ca-key.pem -config server-signing-config.json - | \\\n  cfssljson -bare ca-signed-server";
    assert!(RECIPE.contains(step), "the step is the recipe's");
    let out = bash(&d, &format!("set -euo pipefail\n{step}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replaced ca-signed-server.pem"));
    let out = bash(&d, "set -o pipefail; echo '{\"CN\":\"Other\"}' | cfssl gencert -initca - | cfssljson -bare ca");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(d.read("ca-key.pem"), ca_key);

    // Again: the links are already there; a file in the way needs --force.
    let out = certkit(&d, &["aliases", "bin"], b"");
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("already links to"));
    std::fs::remove_file(d.path("bin/cfssl")).unwrap();
    d.write("bin/cfssl", "#!/bin/sh\n");
    let out = certkit(&d, &["aliases", "bin"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("bin/cfssl exists and is not a link to this certkit; remove it or pass --force")
    );
    assert_eq!(d.read("bin/cfssl"), "#!/bin/sh\n", "nothing replaced");
    ok(&d, &["aliases", "bin", "--force"], b"");

    // cfssl's commands certkit does not have: one line, exit 2.
    let out = bash(&d, "cfssl serve -port 8888");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "certkit: `cfssl serve` has no counterpart in certkit: certkit is an offline CA: it runs no API server\n"
    );
    let out = bash(&d, "cfssl version");
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).starts_with("certkit "));
}
