//! `certkit k8s`: Kubernetes CertificateSigningRequest objects without jq,
//! base64 or hand-written YAML.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use certkit_core::kube::{self, ManifestParams, Outcome, SignParams};
use serde_json::Value;

use super::{CaArgs, LoadedCa};
use crate::batch::{self, Destinations, Tally};
use crate::io::{self, Output};

/// Kubernetes CertificateSigningRequest objects: write them, check them, sign them.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit k8s request --name my-svc --signer example.com/serving server.csr | kubectl apply -f -\n  kubectl get csr my-svc -o json | certkit k8s sign --ca-dir ca/ - > signed.json"
)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    Request(RequestArgs),
    Check(CheckArgs),
    Sign(SignArgs),
    Secret(SecretArgs),
    Kubeconfig(KubeconfigArgs),
    Bundle(BundleArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Format {
    #[default]
    Yaml,
    Json,
}

/// Write the CertificateSigningRequest manifest for a CSR, ready for `kubectl apply -f -`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit k8s request --name my-svc.my-namespace --signer example.com/serving server.csr | kubectl apply -f -"
)]
struct RequestArgs {
    /// metadata.name of the object.
    #[arg(long)]
    name: String,
    /// spec.signerName, like kubernetes.io/kubelet-serving or example.com/serving.
    #[arg(long = "signer", alias = "signer-name")]
    signer: String,
    /// spec.usages, comma-separated (default: what the signer expects for the key).
    #[arg(long, value_delimiter = ',')]
    usages: Vec<String>,
    /// spec.expirationSeconds (at least 600).
    #[arg(long)]
    expiration_seconds: Option<u32>,
    /// yaml or json.
    #[arg(long, value_enum, default_value_t)]
    output: Format,
    /// The CSR (PEM or DER), or - for standard input.
    #[arg(value_name = "CSR")]
    csr: String,
}

/// Check objects (or a CSR for --signer) against their signer's rules, without signing.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  kubectl get csr my-svc -o json | certkit k8s check -\n  certkit k8s check --signer kubernetes.io/kubelet-serving --usages 'digital signature,server auth' node.csr"
)]
struct CheckArgs {
    /// Check a bare CSR for this signer instead of objects.
    #[arg(long = "signer")]
    signer: Option<String>,
    /// With --signer: the usages to check (default: the signer's).
    #[arg(long, value_delimiter = ',')]
    usages: Vec<String>,
    /// Objects (`kubectl get csr -o json` or -o yaml, one or a List) or, with --signer, a CSR; - for standard input.
    #[arg(value_name = "FILE")]
    input: String,
}

/// Sign approved CertificateSigningRequest objects and print them with status.certificate set,
/// ready for `kubectl replace --raw /apis/certificates.k8s.io/v1/certificatesigningrequests/NAME/status -f -`,
/// which takes one object: one object, or a List of one, prints the object itself; a longer List
/// prints a List of what was signed, so use --out-dir and replace each NAME.json.
/// Exit status 1: nothing signed, nothing printed or written; 3: some objects signed (printed or
/// written) and some not (each reason on stderr).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  kubectl get csr my-svc -o json | certkit k8s sign -ca ca.pem -ca-key ca-key.pem -config config.json - \\\n    | kubectl replace --raw /apis/certificates.k8s.io/v1/certificatesigningrequests/my-svc/status -f -\n  kubectl get csr -o json | certkit k8s sign -ca ca.pem -ca-key ca-key.pem -config config.json --out-dir signed -\n  for f in signed/*.json; do n=$(basename \"$f\" .json)\n    kubectl replace --raw /apis/certificates.k8s.io/v1/certificatesigningrequests/$n/status -f \"$f\"; done"
)]
struct SignArgs {
    #[command(flatten)]
    ca: CaArgs,
    /// Sign objects that carry no Approved condition (approved CSRs are
    /// garbage-collected after an hour; for the air-gapped flow).
    #[arg(long)]
    allow_unapproved: bool,
    /// Write each signed object to DIR/NAME.json instead of printing.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Replace files that already exist (with --out-dir).
    #[arg(long)]
    force: bool,
    /// `kubectl get csr NAME -o json` (or -o yaml) output, one object or a List; - for standard input.
    #[arg(value_name = "OBJECT")]
    input: String,
}

/// Write a kubernetes.io/tls Secret manifest from a certificate and its key.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit k8s secret --name my-svc-tls --cert server.pem --key server-key.pem --ca ca.pem | kubectl apply -f -"
)]
struct SecretArgs {
    /// metadata.name of the Secret.
    #[arg(long)]
    name: String,
    /// The certificate (and any chain after it), PEM.
    #[arg(long, value_name = "FILE")]
    cert: String,
    /// Its private key (unencrypted PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// Add the CA certificate(s) as ca.crt (each must be a CA certificate).
    #[arg(long = "ca", value_name = "FILE")]
    ca: Option<String>,
    /// Allow --cert to be a CA certificate, which puts the CA's own signing
    /// key into the Secret (as cert-manager's CA issuer wants); refused otherwise.
    #[arg(long)]
    allow_ca_key: bool,
    /// Add Java's stores as cert-manager does: keystore.p12 (certificate,
    /// chain, key), truststore.p12 (the --ca certificates) and their password
    /// under keystore-password.
    #[arg(long, value_enum, value_name = "pkcs12")]
    keystore: Option<Keystore>,
    /// The stores' password, from this file (first line); otherwise a random one.
    #[arg(long, value_name = "FILE", requires = "keystore")]
    keystore_passphrase_file: Option<String>,
    /// yaml or json.
    #[arg(long, value_enum, default_value_t)]
    output: Format,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Keystore {
    Pkcs12,
}

/// Write a kubeconfig with the API server's CA, a client certificate and its key embedded.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit k8s kubeconfig --server https://10.0.0.1:6443 --ca ca.pem --cert jane.pem --key jane-key.pem --name prod > jane.kubeconfig\n  kubectl --kubeconfig jane.kubeconfig get pods"
)]
struct KubeconfigArgs {
    /// The API server's URL.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The CA certificate(s) that signed the API server's and the client's certificates.
    #[arg(long, value_name = "FILE")]
    ca: String,
    /// The client certificate (its usages must include client auth).
    #[arg(long, value_name = "FILE")]
    cert: String,
    /// Its private key (unencrypted).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The name of the cluster and the context.
    #[arg(long, default_value = "kubernetes")]
    name: String,
}

/// Write a ConfigMap whose ca.crt holds every currently valid CA certificate: after
/// `certkit ca rotate`, the new root, the cross certificate and the old root.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  certkit k8s bundle --ca-dir ca/ --name certkit-ca --namespace my-app | kubectl apply -f -\n  certkit k8s bundle --ca new-ca.pem --ca old-ca.pem --name certkit-ca"
)]
struct BundleArgs {
    /// A CA directory: its ca.pem, cross.pem and previous CAs (newest first).
    #[arg(long, value_name = "DIR", required_unless_present = "ca", conflicts_with = "ca")]
    ca_dir: Option<PathBuf>,
    /// CA certificate files, in the order wanted (repeatable).
    #[arg(long, value_name = "FILE")]
    ca: Vec<String>,
    /// metadata.name of the ConfigMap.
    #[arg(long)]
    name: String,
    /// metadata.namespace of the ConfigMap.
    #[arg(long)]
    namespace: Option<String>,
    /// Also an Opaque Secret of the same name with the same ca.crt, for
    /// workloads that mount Secrets only (a second YAML document; with
    /// --output json, the two in a v1 List).
    #[arg(long)]
    secret: bool,
    /// yaml or json.
    #[arg(long, value_enum, default_value_t)]
    output: Format,
}

pub fn run(a: Args) -> Result<ExitCode> {
    match a.command {
        Command::Request(r) => request(r)?,
        Command::Check(c) => check(c)?,
        // Everything sign() held (the CA key, the ledger's lock) is
        // released by now; stdout was flushed when it was written.
        Command::Sign(s) => return Ok(sign(s)?.exit_code()),
        Command::Secret(s) => secret(s)?,
        Command::Kubeconfig(k) => kubeconfig(k)?,
        Command::Bundle(b) => bundle(b)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print<T: serde::Serialize>(value: &T, format: Format) -> Result<()> {
    let text = match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(value)?),
        Format::Yaml => serde_saphyr::to_string(value).context("writing YAML")?,
    };
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn request(a: RequestArgs) -> Result<()> {
    let what = io::display_name(&a.csr);
    let params = ManifestParams {
        name: a.name,
        signer_name: a.signer,
        usages: a.usages,
        expiration_seconds: a.expiration_seconds,
    };
    let (manifest, warnings) = kube::manifest_with_warnings(&io::read_input(&a.csr)?, &params, &what)?;
    for w in &warnings {
        eprintln!("certkit: warning: {w}");
    }
    // The core's writer for this one shape, the npm package's too.
    if a.output == Format::Yaml {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(manifest.to_yaml().as_bytes())?;
        return Ok(out.flush()?);
    }
    print(&manifest, a.output)
}

/// Most JSON or YAML values (objects, strings, numbers…) `kubectl get csr`
/// output may hold: a CertificateSigningRequest is about 30, so this is
/// some 15,000 objects, while a parse stays under ~40 MB however small the
/// values are written.
const MAX_OBJECT_VALUES: usize = 500_000;

/// Reads `kubectl get csr` output in JSON or YAML: the objects, and whether
/// they came as a List.
fn read_objects(path: &str) -> Result<(Vec<Value>, bool)> {
    // A busy cluster's `kubectl get csr -o json` is larger than one PKI file;
    // each request in it is still held to the core's limit.
    let bytes = io::read_input_limited(path, 64 * 1024 * 1024)?;
    let what = io::display_name(path);
    kube::check_object_input(&bytes, &what)?;
    let value: Value = if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        certkit_core::json::value(&bytes, &what, MAX_OBJECT_VALUES)?
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|_| anyhow::anyhow!("{what} is neither JSON nor YAML text"))?;
        let mut budget = serde_saphyr::Budget::default();
        budget.max_nodes = MAX_OBJECT_VALUES;
        budget.max_aliases = 1_000;
        budget.max_anchors = 1_000;
        budget.max_recorded_anchor_events = 100_000;
        budget.max_recorded_anchor_bytes = 4 * 1024 * 1024;
        let options = serde_saphyr::options! {
            budget: Some(budget),
            duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        };
        serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            // The YAML reader's message may quote the input over several
            // lines; its first line says what is wrong.
            let e = e.to_string();
            anyhow::anyhow!("{what} is neither JSON nor valid YAML: {}", e.lines().next().unwrap_or("unreadable"))
        })?
    };
    Ok(kube::objects(value, &what)?)
}

fn check(a: CheckArgs) -> Result<()> {
    if let Some(signer) = a.signer {
        let what = io::display_name(&a.input);
        let bytes = io::read_input(&a.input)?;
        let csr = certkit_core::Csr::parse(&bytes, &what)?;
        let usages =
            if a.usages.is_empty() { kube::default_usages(&signer, csr.public_key().algorithm()) } else { a.usages };
        kube::validate_signer_name(&signer, "--signer")?;
        kube::check_signer_rules(&signer, &csr, &usages).map_err(|r| anyhow::anyhow!("{what}: {r}"))?;
        for w in kube::usage_warnings(&usages, csr.public_key().algorithm()) {
            eprintln!("certkit: warning: {w}");
        }
        io::outln(format_args!("{what}: meets the rules of {signer} with usages {usages:?}"))?;
        return Ok(());
    }
    let (objects, _) = read_objects(&a.input)?;
    let total = objects.len();
    let mut bad = 0;
    for o in &objects {
        let name = kube::shown_name(o);
        let signer = o.pointer("/spec/signerName").and_then(Value::as_str).unwrap_or_default();
        let usages: Result<Vec<String>> = o
            .pointer("/spec/usages")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|u| {
                        u.as_str().map(String::from).ok_or_else(|| anyhow::anyhow!("spec.usages holds a non-string"))
                    })
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()));
        let result = o
            .pointer("/spec/request")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow::anyhow!("spec.request is missing"))
            .and_then(|r| {
                use base64ct::Encoding;
                base64ct::Base64::decode_vec(r.trim()).map_err(|_| anyhow::anyhow!("spec.request is not base64"))
            })
            .and_then(|pem| Ok(certkit_core::Csr::parse(&pem, &format!("{name}: spec.request"))?))
            .and_then(|csr| Ok(kube::check_object(signer, &csr, &usages?)?));
        match result {
            Ok(()) => io::outln(format_args!("{name}: meets the rules of {signer}"))?,
            // One object, one line.
            Err(e) if total == 1 => bail!("{name}: {}", crate::hints::message(&e)),
            Err(e) => {
                bad += 1;
                eprintln!("certkit: {name}: {}", crate::hints::message(&e));
            }
        }
    }
    if bad == total && bad > 0 {
        bail!("all {total} objects break their signer's rules (see above)");
    }
    if bad > 0 {
        bail!("{bad} of {total} objects break their signer's rules (see above); the others meet them");
    }
    Ok(())
}

/// Signs what it can. An error means nothing was signed, printed or
/// written; [`batch::Outcome::Partly`] that some objects were and others were not.
fn sign(a: SignArgs) -> Result<batch::Outcome> {
    if a.ca.hostname.is_some() {
        bail!("k8s sign takes the SANs from each object's CSR, as a Kubernetes signer must; drop --hostname");
    }
    let (objects, was_list) = read_objects(&a.input)?;
    let total = objects.len();
    if let Some(dir) = &a.out_dir {
        claim_files(dir, &objects, a.force)?;
    }
    let ca = a.ca.load()?;
    let (signed, tally, recorded) = sign_objects(&ca, &a, objects)?;
    // Nothing printed, nothing written.
    tally.some_done("objects", "signed")?;
    let count = signed.len();
    let place = super::deliver(recorded, || match &a.out_dir {
        Some(dir) => write_objects(dir, &signed, a.force),
        None => print_objects(signed, was_list && total > 1, tally.failed() > 0),
    })?;
    if tally.failed() > 0 {
        return Ok(batch::Outcome::Partly(format!(
            "{} of {total} objects were not signed (see above); the other {count} {} signed and {place}",
            tally.failed(),
            if count == 1 { "was" } else { "were" }
        )));
    }
    Ok(batch::Outcome::Done)
}

/// With --out-dir, names become file names: refuses any that could leave
/// the folder, duplicates, and (without --force) files already there,
/// before anything is signed; then makes the folder.
fn claim_files(dir: &Path, objects: &[Value], force: bool) -> Result<()> {
    let mut dests = Destinations::in_folder(dir, force);
    for o in objects {
        let name = kube::object_name(o);
        kube::validate_path_name(&name, "metadata.name")
            .map_err(|e| anyhow::anyhow!("{e}; sign it without --out-dir"))?;
        dests.claim(&dir.join(format!("{name}.json")), |_| {
            format!("two objects are both named `{}`; sign them separately", kube::shown_name(o))
        })?;
    }
    // Made now, not after signing: a folder that cannot be made must not
    // leave signed certificates in the ledger that were never written.
    io::make_folder(dir)
}

/// Signs each object in turn (the ledger records them in input order): the
/// signed ones by name, and the tally. Each refusal is said on stderr; one
/// object alone is refused as the error.
#[allow(clippy::type_complexity)]
fn sign_objects(
    ca: &LoadedCa,
    a: &SignArgs,
    objects: Vec<Value>,
) -> Result<(Vec<(String, Value)>, Tally, Option<super::Undelivered>)> {
    let total = objects.len();
    let params = SignParams { profile: a.ca.profile.as_deref(), allow_unapproved: a.allow_unapproved };
    let mut signed = Vec::new();
    let mut tally = Tally::new(total);
    // What the ledger holds of them, until they are delivered.
    let mut recorded: Option<super::Undelivered> = None;
    for o in objects {
        let name = kube::object_name(&o);
        let shown = kube::shown_name(&o);
        let reason = match ca.ca.sign_kube_object(o, &params, io::now(), &mut io::rng()?) {
            Ok(Outcome::Signed { object, issued, csr_der }) => match ca.record(&issued, Some(&csr_der)) {
                Ok(r) => {
                    if let Some(r) = r {
                        match &mut recorded {
                            Some(all) => all.serial = format!("{}, {}", all.serial, r.serial),
                            None => recorded = Some(r),
                        }
                    }
                    io::warn(&issued.warnings);
                    eprintln!("certkit: signed {shown}");
                    signed.push((name, object));
                    continue;
                }
                Err(e) => crate::hints::message(&e),
            },
            Ok(Outcome::Refused(r)) => format!("{r}{}", crate::hints::for_refusal(&r)),
            Err(e) => format!("{e}{}", crate::hints::for_core(&e).unwrap_or_default()),
        };
        // One object: its reason is the one line of the error.
        if total == 1 {
            bail!("{shown}: not signed: {reason}");
        }
        tally.fail();
        eprintln!("certkit: {shown}: not signed: {reason}");
    }
    Ok((signed, tally, recorded))
}

/// Writes each signed object to DIR/NAME.json; says where they went.
fn write_objects(dir: &Path, signed: &[(String, Value)], force: bool) -> Result<String> {
    let outs: Vec<Output> = signed
        .iter()
        .map(|(name, obj)| -> Result<Output> {
            Ok(Output::public(dir.join(format!("{name}.json")), format!("{}\n", serde_json::to_string_pretty(obj)?)))
        })
        .collect::<Result<_>>()?;
    io::write_all(&outs, force)?;
    for o in &outs {
        eprintln!("certkit: wrote {}", o.path.display());
    }
    Ok(format!("written to {}", dir.display()))
}

/// Prints the signed objects: a List when `as_list`, else the one object.
/// `kubectl replace --raw …/NAME/status` takes one object, so one object
/// in (alone or as a List of one) is one object out; only a longer List
/// comes back as a List. When `refused` some, a closed pipe is no error:
/// what was not signed must still be said, with exit 3.
fn print_objects(mut signed: Vec<(String, Value)>, as_list: bool, refused: bool) -> Result<String> {
    let out = if as_list {
        serde_json::json!({
            "apiVersion": "v1",
            "kind": "List",
            "metadata": { "resourceVersion": "" },
            "items": signed.into_iter().map(|(_, o)| o).collect::<Vec<_>>(),
        })
    } else {
        signed.remove(0).1
    };
    match print(&out, Format::Json) {
        // The reader went away (`| head`).
        Err(e) if refused && io::is_broken_pipe(&e) => {}
        other => other?,
    }
    Ok("printed".to_string())
}

fn secret(a: SecretArgs) -> Result<()> {
    let cert = io::read_input(&a.cert)?;
    let key = zeroize::Zeroizing::new(io::read_input(&a.key)?);
    let ca = a.ca.as_deref().map(io::read_input).transpose()?;
    let (cert_what, key_what) = (io::display_name(&a.cert), io::display_name(&a.key));
    let ca_what = a.ca.as_deref().map(io::display_name).unwrap_or_default();
    let params = kube::SecretParams {
        name: &a.name,
        cert: &cert,
        cert_what: &cert_what,
        key: &key,
        key_what: &key_what,
        ca: ca.as_deref(),
        ca_what: &ca_what,
        allow_ca_key: a.allow_ca_key,
    };
    let secret = match a.keystore {
        None => kube::tls_secret(&params)?,
        Some(Keystore::Pkcs12) => {
            let password = match &a.keystore_passphrase_file {
                Some(f) => super::pkcs12::first_line(f)?,
                None => random_password()?,
            };
            if password.is_empty() {
                bail!(
                    "the keystore passphrase is empty; give a non-empty one, or leave out --keystore-passphrase-file for a random one"
                );
            }
            if a.ca.is_none() {
                eprintln!("certkit: warning: without --ca there is no truststore.p12 (only keystore.p12)");
            }
            kube::tls_secret_with_keystores(&params, &password, Default::default(), &mut io::rng()?)?
        }
    };
    print(&secret, a.output)
}

/// 24 random bytes as base64url: 192 bits, printable, no padding.
fn random_password() -> Result<zeroize::Zeroizing<String>> {
    use base64ct::Encoding;
    use rand_core::Rng;
    let mut bytes = zeroize::Zeroizing::new([0u8; 24]);
    io::rng()?.fill_bytes(&mut *bytes);
    Ok(zeroize::Zeroizing::new(base64ct::Base64UrlUnpadded::encode_string(&*bytes)))
}

fn kubeconfig(a: KubeconfigArgs) -> Result<()> {
    let (ca, cert) = (io::read_input(&a.ca)?, io::read_input(&a.cert)?);
    let key = zeroize::Zeroizing::new(io::read_input(&a.key)?);
    let config = kube::kubeconfig(&kube::KubeconfigParams {
        server: &a.server,
        name: &a.name,
        ca: &ca,
        ca_what: &io::display_name(&a.ca),
        cert: &cert,
        cert_what: &io::display_name(&a.cert),
        key: &key,
        key_what: &io::display_name(&a.key),
    })?;
    // The text holds the key: built in a buffer wiped afterwards.
    let text = zeroize::Zeroizing::new(serde_saphyr::to_string(&config).context("writing YAML")?);
    io::out(format_args!("{}", *text))
}

fn bundle(a: BundleArgs) -> Result<()> {
    let files: Vec<String> = match &a.ca_dir {
        Some(dir) => crate::cadir::CaDir::new(dir).trust_files()?,
        None => a.ca.clone(),
    };
    let contents = files.iter().map(|f| io::read_input(f)).collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = files.iter().map(|f| io::display_name(f)).collect();
    let inputs: Vec<(&[u8], &str)> = contents.iter().map(Vec::as_slice).zip(names.iter().map(String::as_str)).collect();
    let (map, left_out) = kube::trust_bundle(&a.name, a.namespace.as_deref(), &inputs, io::now())?;
    for l in &left_out {
        let state = if l.expired { "has expired" } else { "is not valid yet" };
        eprintln!("certkit: warning: left out {} (`{}`): it {state}", l.what, l.cn);
    }
    if a.secret {
        let secret = map.as_secret();
        return match a.output {
            // Two YAML documents; JSON has no such thing, so a v1 List.
            Format::Yaml => {
                print(&map, a.output)?;
                io::out(format_args!("---\n"))?;
                print(&secret, a.output)
            }
            Format::Json => print(
                &serde_json::json!({
                    "apiVersion": "v1",
                    "kind": "List",
                    "metadata": { "resourceVersion": "" },
                    "items": [serde_json::to_value(&map)?, serde_json::to_value(&secret)?],
                }),
                a.output,
            ),
        };
    }
    print(&map, a.output)
}
