//! HTTPS to a real registry on 127.0.0.1 whose certificate comes from a private CA (made
//! here with rcgen): trusted only when the CA is given, never silently.

mod oci_support;

use oci_support::{TestRegistry, push_image, runtime};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::sign_image;
use tollgate_engine::cosign::verify::{Signer, verify_image};
use tollgate_engine::oci::{Registry, RegistryOptions, certificates_from_pem, parse_reference};

/// A CA certificate (PEM) and a server certificate for 127.0.0.1 with its key (PEM).
fn private_ca() -> (String, String, String) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    (ca.pem(), server.pem(), server_key.serialize_pem())
}

#[test]
fn https_registry_with_a_private_ca_is_trusted_only_with_that_ca() {
    let (ca, certificate, key) = private_ca();
    let registry = TestRegistry::start_with_tls(&certificate, &key);
    let https = |ca_certificates: Vec<Vec<u8>>| {
        Registry::new(RegistryOptions {
            insecure_registries: Vec::new(),
            ca_certificates,
            retries: 0,
            ..registry.options()
        })
        .unwrap()
    };
    let rt = runtime();
    let signing_key = PrivateKey::generate().unwrap();
    let name = registry.image("secure/app:1");
    let image = parse_reference(&name).unwrap();

    let trusted = https(certificates_from_pem(&ca).unwrap());
    let digest = rt.block_on(push_image(&trusted, &name, "secure"));
    rt.block_on(sign_image(&trusted, &image, &signing_key, None))
        .unwrap();
    let verified = rt
        .block_on(verify_image(
            &trusted,
            &image,
            &Signer::Key(signing_key.public_key()),
            None,
        ))
        .unwrap();
    assert_eq!(verified.digest, digest);

    let untrusted = https(Vec::new());
    let error = rt
        .block_on(verify_image(
            &untrusted,
            &image,
            &Signer::Key(signing_key.public_key()),
            None,
        ))
        .unwrap_err();
    assert_eq!(error.code(), "registry-unreachable", "{error}");
    assert!(error.to_string().contains("certificate"), "{error}");
}

#[test]
fn certificate_files_are_read_or_refused_clearly() {
    let (ca, certificate, key) = private_ca();
    assert_eq!(
        certificates_from_pem(&format!("{ca}{certificate}"))
            .unwrap()
            .len(),
        2
    );
    assert!(
        certificates_from_pem(&key)
            .unwrap_err()
            .contains("no PEM CERTIFICATE")
    );
    assert!(
        certificates_from_pem("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n")
            .is_err()
    );
}
