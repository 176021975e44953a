//! Registry credentials against a real registry that requires basic authentication:
//! explicit user and password, docker's config.json, anonymous and wrong passwords.

mod oci_support;

use base64::Engine as _;
use oci_support::{TestRegistry, push_image, runtime};
use tollgate_engine::cosign::keys::PrivateKey;
use tollgate_engine::cosign::sign::sign_image;
use tollgate_engine::cosign::verify::{Signer, verify_image};
use tollgate_engine::oci::{
    Credentials, Registry, RegistryError, RegistryOptions, parse_reference,
};

const USER: &str = "tollgate";
const PASSWORD: &str = "registry-secret";
/// bcrypt of PASSWORD (cost 4), as `htpasswd -B` writes it.
const PASSWORD_BCRYPT: &str = "$2b$04$x/sMOxbQSvkNMtfMJb9GHuo40WQBoW7YSswt.aMrJS49E0svrzcBa";

fn client(registry: &TestRegistry, credentials: Credentials) -> Registry {
    Registry::new(RegistryOptions {
        credentials,
        ..registry.options()
    })
    .unwrap()
}

#[test]
fn basic_and_docker_config_credentials_work_and_others_are_denied() {
    let registry = TestRegistry::start_with_basic_auth(USER, PASSWORD_BCRYPT);
    let rt = runtime();
    let key = PrivateKey::generate().unwrap();
    let signer = Signer::Key(key.public_key());
    let name = registry.image("private/app:1");
    let image = parse_reference(&name).unwrap();

    let basic = client(
        &registry,
        Credentials::Basic {
            username: USER.into(),
            password: PASSWORD.into(),
        },
    );
    let digest = rt.block_on(push_image(&basic, &name, "private"));
    rt.block_on(sign_image(&basic, &image, &key, None)).unwrap();
    let verified = rt
        .block_on(verify_image(&basic, &image, &signer, None))
        .unwrap();
    assert_eq!(verified.digest, digest);

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    std::fs::write(
        &config,
        format!(
            r#"{{"auths": {{"{}": {{"auth": "{auth}"}}}}}}"#,
            registry.address
        ),
    )
    .unwrap();
    let from_config = client(&registry, Credentials::DockerConfigFile(config));
    assert!(
        rt.block_on(verify_image(&from_config, &image, &signer, None))
            .is_ok()
    );

    for credentials in [
        Credentials::Anonymous,
        Credentials::Basic {
            username: USER.into(),
            password: "wrong".into(),
        },
    ] {
        let denied = client(&registry, credentials);
        let error = rt
            .block_on(verify_image(&denied, &image, &signer, None))
            .unwrap_err();
        assert_eq!(error.code(), "registry-denied", "{error}");
        assert!(
            matches!(&error, tollgate_engine::cosign::CosignError::Registry(RegistryError::Denied { host, .. }) if host == &registry.address),
            "{error:?}"
        );
    }
}
