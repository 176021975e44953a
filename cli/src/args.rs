//! Command-line arguments: conftest's flags for `test`, `verify` and `parse`, plus the
//! limits that bound hostile input, and `sbom`.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use clap::{Args, Parser, Subcommand};
use tollgate_engine::limits::{DEPTH_CEILING, Limits};

#[derive(Debug, Parser)]
#[command(name = "tollgate", version, about = "Policy checks for Kubernetes, Terraform, Dockerfiles and more", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check input files against Rego policies (conftest test)
    Test(Box<TestArgs>),
    /// Run the policies' own unit tests (test_ rules), with coverage
    Verify(VerifyArgs),
    /// Print input files as the JSON that policies see
    Parse(ParseArgs),
    /// List and describe the bundled policies
    Policies(PoliciesArgs),
    /// Kubernetes admission webhook: serve it, or print its deploy manifests
    Webhook(WebhookArgs),
    /// Verify container image signatures and attestations (cosign-compatible)
    Image(ImageArgs),
    /// Sign a container image or a blob with a cosign key
    Sign(SignArgs),
    /// Attest a predicate about a container image with a cosign key (in-toto in DSSE)
    Attest(AttestArgs),
    /// Create a cosign key pair: PREFIX.key (encrypted with the password) and PREFIX.pub
    GenerateKeyPair(GenerateKeyPairArgs),
    /// Check SBOMs (SPDX, CycloneDX): validate, bind to an artifact, run SBOM policies
    Sbom(SbomArgs),
    /// Verify Sigstore signatures over files (cosign verify-blob), fully offline
    Blob(BlobArgs),
    /// Gatekeeper's gator: run ConstraintTemplate test suites
    Gator(GatorArgs),
}

#[derive(Debug, Args, Clone)]
pub struct GatorArgs {
    #[command(subcommand)]
    pub command: GatorCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum GatorCommand {
    /// Run gator test suites (Suite, test.gatekeeper.sh/v1alpha1): exit 0 when all pass
    Verify(GatorVerifyArgs),
}

#[derive(Debug, Args, Clone)]
pub struct GatorVerifyArgs {
    /// Suite files, or directories searched (recursively) for suites; a trailing `/...`
    /// is accepted as gator writes it
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// List every test and case with its result, not only failures
    #[arg(short, long)]
    pub verbose: bool,
    /// Run only tests and cases whose names match: REGEX, or TEST_REGEX//CASE_REGEX
    #[arg(long, value_name = "FILTER", default_value = "")]
    pub run: String,
    /// Longest evaluation of one case, e.g. 5s or 500ms
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub eval_timeout: Duration,
}

#[derive(Debug, Args, Clone)]
pub struct BlobArgs {
    #[command(subcommand)]
    pub command: BlobCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum BlobCommand {
    /// Verify a Sigstore bundle over a file or a sha256 digest (exit 0 verified, 1 not)
    Verify(BlobVerifyArgs),
}

#[derive(Debug, Args, Clone)]
pub struct BlobVerifyArgs {
    /// The signed file, or its digest as sha256:HEX (for DSSE bundles: an in-toto subject)
    #[arg(value_name = "FILE|sha256:DIGEST")]
    pub artifact: String,
    /// The Sigstore bundle (.sigstore.json) to verify
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
    /// PEM public key the bundle must be signed with (instead of a certificate identity)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["certificate_identity", "certificate_identity_regexp", "certificate_oidc_issuer", "certificate_oidc_issuer_regexp"])]
    pub key: Option<PathBuf>,
    /// Expected identity (SAN: email, URI) of the signing certificate
    #[arg(
        long,
        value_name = "IDENTITY",
        conflicts_with = "certificate_identity_regexp"
    )]
    pub certificate_identity: Option<String>,
    /// Regular expression the signing certificate's identity must match (searched, as cosign)
    #[arg(long, value_name = "REGEX")]
    pub certificate_identity_regexp: Option<String>,
    /// Expected OIDC issuer of the signing certificate
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub certificate_oidc_issuer: Option<String>,
    /// Regular expression the signing certificate's OIDC issuer must match
    #[arg(long, value_name = "REGEX")]
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// trusted_root.json for private or offline Sigstore (default: the embedded public-good root)
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,
    /// Output format: text or json
    #[arg(short, long, default_value = "text", value_parser = ["text", "json"])]
    pub output: String,
    /// Largest bundle or trusted root file in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_bundle_size: u64,
}

#[derive(Debug, Args, Clone)]
pub struct WebhookArgs {
    #[command(subcommand)]
    pub command: WebhookCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum WebhookCommand {
    /// Serve AdmissionReview requests over HTTPS until SIGTERM
    Serve {
        /// The webhook configuration file (YAML)
        #[arg(short = 'c', long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Print the manifests that deploy the webhook (Namespace to ValidatingWebhookConfiguration)
    Manifests(WebhookManifestsArgs),
}

#[derive(Debug, Args, Clone)]
pub struct WebhookManifestsArgs {
    /// The serving certificate (PEM); its CA goes into the caBundle
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// CA certificate (PEM) that signed --cert, when it is not self-signed
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Namespace the webhook runs in
    #[arg(long, default_value = "tollgate-system")]
    pub namespace: String,
    /// Container image of tollgate (pin it by digest in production)
    #[arg(long, default_value = "ghcr.io/tollgate-dev/tollgate:0.1.0")]
    pub image: String,
    /// Replicas of the webhook (at least 2, so one can be disrupted)
    #[arg(long, default_value_t = 2)]
    pub replicas: i32,
    /// What the API server does when the webhook cannot answer: Fail or Ignore
    #[arg(long, default_value = "Fail", value_parser = ["Fail", "Ignore"])]
    pub failure_policy: String,
    /// Seconds the API server waits for an answer (1 to 30)
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..=30))]
    pub timeout_seconds: i32,
    /// Call the webhook at this https URL instead of through its Service (a webhook
    /// outside the cluster, e.g. https://127.0.0.1:8443/validate)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The webhook configuration the pods run (with the public keys beside it) in place
    /// of the generated one; with images.pinDigests the bundle registers /mutate too
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ImageArgs {
    #[command(subcommand)]
    pub command: ImageCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum ImageCommand {
    /// Verify an image's cosign signatures: with a key, or keyless by identity and issuer
    Verify(ImageVerifyArgs),
    /// Verify an image's attestations of a predicate type, and check them with Rego
    VerifyAttestation(VerifyAttestationArgs),
}

/// How to reach registries.
#[derive(Debug, Args, Clone)]
pub struct RegistryArgs {
    /// Talk plain HTTP to the image's registry (for local test registries only)
    #[arg(long)]
    pub allow_insecure_registry: bool,
    /// PEM file of extra root certificates for registries with a private CA
    #[arg(long, value_name = "FILE")]
    pub registry_cacert: Option<PathBuf>,
    /// User name for the registry (default: docker's config.json, else anonymous)
    #[arg(long, value_name = "NAME", requires = "registry_password")]
    pub registry_username: Option<String>,
    /// Password for --registry-username
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "TOLLGATE_REGISTRY_PASSWORD",
        hide_env_values = true
    )]
    pub registry_password: Option<String>,
    /// Longest wait for one registry request, e.g. 10s
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub registry_timeout: Duration,
    /// Retries of a registry request after a transient failure (with backoff)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub registry_retries: u32,
}

/// Who must have signed: a key, or a keyless identity.
#[derive(Debug, Args, Clone)]
pub struct SignerArgs {
    /// The cosign public key (PEM) the signature must verify with
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Keyless: the identity (e-mail, URI) in the signing certificate
    #[arg(long, value_name = "IDENTITY", conflicts_with = "key")]
    pub certificate_identity: Option<String>,
    /// Keyless: a regular expression searched in the certificate identity (as cosign's;
    /// anchor it with ^...$)
    #[arg(long, value_name = "REGEX", conflicts_with_all = ["key", "certificate_identity"])]
    pub certificate_identity_regexp: Option<String>,
    /// Keyless: the OIDC issuer in the signing certificate
    #[arg(long, value_name = "URL", conflicts_with = "key")]
    pub certificate_oidc_issuer: Option<String>,
    /// Keyless: a regular expression searched in the OIDC issuer (anchor it with ^...$)
    #[arg(long, value_name = "REGEX", conflicts_with_all = ["key", "certificate_oidc_issuer"])]
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// Keyless: Sigstore trusted_root.json (default: the public-good instance's)
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    pub trusted_root: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ImageVerifyArgs {
    /// The image: registry/name:tag or registry/name@sha256:...
    #[arg(value_name = "IMAGE")]
    pub image: String,
    #[command(flatten)]
    pub signer: SignerArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format: stdout or json
    #[arg(short, long = "output", value_name = "FORMAT", default_value = "stdout", value_parser = ["stdout", "json"])]
    pub output: String,
}

#[derive(Debug, Args, Clone)]
pub struct VerifyAttestationArgs {
    /// The image: registry/name:tag or registry/name@sha256:...
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// Predicate type: slsaprovenance, slsaprovenance1, spdxjson, cyclonedx, vuln,
    /// openvex, custom, or a URI
    #[arg(long = "type", value_name = "TYPE")]
    pub predicate_type: String,
    #[command(flatten)]
    pub signer: SignerArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Rego policies to evaluate over each verified predicate (repeatable)
    #[arg(short, long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// YAML or JSON data files or directories for the policies, under `data`
    #[arg(short, long = "data", value_name = "PATH", requires = "policy")]
    pub data: Vec<PathBuf>,
    /// Namespaces (Rego packages) to evaluate; globs allowed (repeatable)
    #[arg(short, long = "namespace", value_name = "NAME", default_value = "main")]
    pub namespace: Vec<String>,
    /// Evaluate every namespace of the policies
    #[arg(long)]
    pub all_namespaces: bool,
    /// Exit 1 on policy warnings and 2 on failures
    #[arg(long)]
    pub fail_on_warn: bool,
    /// Output format, optionally to a file: stdout or json without --policy; with it,
    /// every format of `test` (e.g. -o json=out.json)
    #[arg(
        short,
        long = "output",
        value_name = "FORMAT[=FILE]",
        default_value = "stdout"
    )]
    pub output: Vec<String>,
}

/// The private key and its password.
#[derive(Debug, Args, Clone)]
pub struct PrivateKeyArgs {
    /// The cosign private key (encrypted PEM, as from generate-key-pair)
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// File holding the key's password (default: the COSIGN_PASSWORD variable)
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct SignArgs {
    /// The image to sign: registry/name:tag or registry/name@sha256:...
    #[arg(
        value_name = "IMAGE",
        required_unless_present = "blob",
        conflicts_with = "blob"
    )]
    pub image: Option<String>,
    /// Sign this file instead of an image (cosign sign-blob)
    #[arg(long, value_name = "FILE")]
    pub blob: Option<PathBuf>,
    /// Where to write the blob's base64 signature (default: standard output)
    #[arg(long, value_name = "FILE", requires = "blob")]
    pub output_signature: Option<PathBuf>,
    /// Extra claims in the signed payload's `optional` section (KEY=VALUE, repeatable)
    #[arg(
        short = 'a',
        long = "annotation",
        value_name = "KEY=VALUE",
        conflicts_with = "blob"
    )]
    pub annotations: Vec<String>,
    #[command(flatten)]
    pub key: PrivateKeyArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args, Clone)]
pub struct AttestArgs {
    /// The image the predicate is about
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// The predicate: a JSON file
    #[arg(long, value_name = "FILE")]
    pub predicate: PathBuf,
    /// Predicate type: slsaprovenance, spdxjson, cyclonedx, ... or a URI
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    pub predicate_type: String,
    #[command(flatten)]
    pub key: PrivateKeyArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args, Clone)]
pub struct GenerateKeyPairArgs {
    /// Write PREFIX.key and PREFIX.pub
    #[arg(long, value_name = "PREFIX", default_value = "cosign")]
    pub output_key_prefix: PathBuf,
    /// File holding the password (default: the COSIGN_PASSWORD variable)
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct PoliciesArgs {
    #[command(subcommand)]
    pub command: PoliciesCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum PoliciesCommand {
    /// List every bundled policy: id, severity, input, title
    List {
        /// Output format: text or json
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Describe one bundled policy, with a passing and a failing example
    Show {
        /// The policy id, e.g. k8s.pss.baseline.privileged
        id: String,
    },
}

#[derive(Debug, Args, Clone)]
pub struct SbomArgs {
    #[command(subcommand)]
    pub command: SbomCommand,
}

#[derive(Debug, Subcommand, Clone)]
pub enum SbomCommand {
    /// Validate SBOMs, check that they describe the subject, and run the bundled SBOM
    /// policies and your own over their normalised shape
    Check(Box<SbomCheckArgs>),
    /// Print SBOMs in the normalised shape that SBOM policies see
    Normalize(SbomNormalizeArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SbomCheckArgs {
    /// SBOM files (SPDX JSON, YAML or tag-value; CycloneDX JSON) or directories of them;
    /// `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Namespaces (Rego packages) of your own policies to evaluate; globs allowed
    #[arg(short, long = "namespace", value_name = "NAME", default_value = "main")]
    pub namespace: Vec<String>,
    /// Evaluate every namespace of your own policies
    #[arg(long)]
    pub all_namespaces: bool,
    /// The artifact the SBOM must describe (its sha256 is computed)
    #[arg(long, value_name = "FILE", conflicts_with = "subject_digest")]
    pub subject: Option<PathBuf>,
    /// The sha256 of the artifact the SBOM must describe
    #[arg(long, value_name = "sha256:HEX")]
    pub subject_digest: Option<String>,
    /// Report findings of these policy ids or validation codes (SBOM001...) as exceptions
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Run only these bundled policy ids (validation always runs)
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Exit 1 on warnings and 2 on failures
    #[arg(long)]
    pub fail_on_warn: bool,
    /// Exit 0 even when policies fail (unreadable SBOMs and subject mismatches still fail)
    #[arg(long)]
    pub no_fail: bool,
    /// Hide exceptions in the stdout format
    #[arg(long)]
    pub suppress_exceptions: bool,
    #[command(flatten)]
    pub limits: SbomLimitArgs,
}

#[derive(Debug, Args, Clone)]
pub struct SbomNormalizeArgs {
    /// SBOM files; `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub limits: SbomLimitArgs,
}

/// Bounds on SBOM input.
#[derive(Debug, Args, Clone)]
pub struct SbomLimitArgs {
    /// Largest SBOM file in bytes
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// Deepest nesting of objects and arrays (at most 512)
    #[arg(
        long,
        value_name = "N",
        default_value_t = Limits::default().max_depth,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=DEPTH_CEILING as u64)
    )]
    pub max_depth: usize,
    /// Most values in one file
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_nodes)]
    pub max_nodes: usize,
}

impl SbomLimitArgs {
    pub fn limits(&self, eval_timeout: Duration) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth,
            max_nodes: self.max_nodes,
            eval_timeout,
            ..Limits::default()
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// Directory or file of Rego policies (repeatable; default: policy/ if it exists,
    /// else the bundled policies)
    #[arg(short, long = "policy", value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Run the bundled policies too, beside those of --policy
    #[arg(long)]
    pub bundled: bool,
    /// YAML or JSON data files or directories, merged under `data` (repeatable)
    #[arg(short, long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Rego syntax: v0, v1, or auto (try v1, then v0)
    #[arg(long, value_name = "VERSION", default_value = "auto")]
    pub rego_version: String,
    /// Fail on errors of builtin functions instead of treating them as undefined
    #[arg(long)]
    pub show_builtin_errors: bool,
    /// Strict mode: refuse deprecated built-ins and duplicate or unused imports
    #[arg(long)]
    pub strict: bool,
    /// An OPA capabilities JSON file: policies may call only the built-ins it lists
    #[arg(long, value_name = "FILE")]
    pub capabilities: Option<PathBuf>,
    /// Longest evaluation of one input document, e.g. 5s or 500ms
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub eval_timeout: Duration,
}

#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Parser for every input: yaml, json, hcl2, dockerfile, toml, ini
    #[arg(long, value_name = "NAME")]
    pub parser: Option<String>,
    /// Skip paths matching this regular expression while walking directories
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
    /// Largest input file in bytes
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// Deepest nesting of objects and arrays in a document (at most 512)
    #[arg(
        long,
        value_name = "N",
        default_value_t = Limits::default().max_depth,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=DEPTH_CEILING as u64)
    )]
    pub max_depth: usize,
    /// Most values in one file, counting YAML alias expansion
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_nodes)]
    pub max_nodes: usize,
    /// Most documents in one YAML file
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_documents)]
    pub max_documents: usize,
}

/// How a report is written: shared by every command that reports check results.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Output format, optionally to a file: stdout, json, tap, table, junit, github, sarif
    /// (repeatable, e.g. -o json=out.json -o sarif=out.sarif)
    #[arg(
        short,
        long = "output",
        value_name = "FORMAT[=FILE]",
        default_value = "stdout"
    )]
    pub output: Vec<String>,
    /// Disable colour in the stdout format
    #[arg(long)]
    pub no_color: bool,
    /// Print nothing unless the exit code is non-zero
    #[arg(short, long)]
    pub quiet: bool,
    /// Show only the test file and name in JUnit test case names
    #[arg(long)]
    pub junit_hide_message: bool,
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// Print each rule's query and result to standard error
    #[arg(long)]
    pub trace: bool,
}

#[derive(Debug, Args, Clone)]
pub struct TestArgs {
    /// Files or directories to check; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Namespaces (Rego packages) to evaluate; globs allowed (repeatable)
    #[arg(short, long = "namespace", value_name = "NAME", default_value = "main")]
    pub namespace: Vec<String>,
    /// Evaluate every namespace of the policies
    #[arg(long)]
    pub all_namespaces: bool,
    /// Evaluate all inputs as one: an array of {path, contents}
    #[arg(long)]
    pub combine: bool,
    /// Exit 1 on warnings and 2 on failures
    #[arg(long)]
    pub fail_on_warn: bool,
    /// Exit 0 even when policies fail (files that cannot be checked still fail)
    #[arg(long)]
    pub no_fail: bool,
    /// Hide exceptions in the stdout format
    #[arg(long)]
    pub suppress_exceptions: bool,
    /// Copy policies from these local paths into the first policy directory first
    #[arg(short, long, value_name = "PATH")]
    pub update: Vec<PathBuf>,
    /// Configuration file (default: conftest.toml in the working directory)
    #[arg(
        short = 'c',
        long = "config",
        alias = "config-file",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub selection: BundledArgs,
}

/// Which bundled policies run, and how.
#[derive(Debug, Args, Clone)]
pub struct BundledArgs {
    /// Pod Security Standards level of the bundled policies: baseline or restricted
    #[arg(long, value_name = "LEVEL", default_value = "restricted", value_parser = ["baseline", "restricted"])]
    pub pss: String,
    /// Kubernetes version whose Pod Security rules apply, e.g. 1.30 (default: the latest)
    #[arg(long, value_name = "1.NN")]
    pub k8s_version: Option<String>,
    /// Report findings of these policy ids as exceptions (comma-separated, repeatable)
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Run only these bundled policy ids (comma-separated, repeatable)
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub only: Vec<String>,
}

#[derive(Debug, Args, Clone)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Report line coverage per policy file
    #[arg(long)]
    pub coverage: bool,
    /// Fail when total line coverage is below this percentage
    #[arg(long, value_name = "PERCENT", requires = "coverage")]
    pub threshold: Option<f64>,
    /// Detailed report: full, fails or notes (stdout format only)
    #[arg(long, value_name = "KIND")]
    pub report: Option<String>,
    /// Configuration file (default: conftest.toml in the working directory)
    #[arg(
        short = 'c',
        long = "config",
        alias = "config-file",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ParseArgs {
    /// Files or directories to parse; `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Print all inputs as one array of {path, contents}
    #[arg(long)]
    pub combine: bool,
}

impl InputArgs {
    pub fn limits(&self, eval_timeout: Duration) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            max_depth: self.max_depth,
            max_nodes: self.max_nodes,
            max_documents: self.max_documents,
            eval_timeout,
        }
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((text, "s"), |i| text.split_at(i));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {text:?} (e.g. 5s, 500ms, 1m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {text:?} (use ms, s or m)"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}
