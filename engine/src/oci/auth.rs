//! Registry credentials: anonymous, a user name and password given explicitly, or the
//! entry for the registry in docker's `config.json` (credential helpers included).

use std::path::{Path, PathBuf};

use docker_credential::{CredentialRetrievalError, DockerCredential};
use oci_client::secrets::RegistryAuth;

use super::RegistryError;

/// Where the credentials for a registry come from.
#[derive(Clone, Default)]
pub enum Credentials {
    /// No credentials: public images only.
    Anonymous,
    /// The same user name and password for every registry.
    Basic { username: String, password: String },
    /// The entry for each registry in a docker `config.json`: this file, or by default
    /// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; anonymous when the
    /// file or the entry is missing.
    #[default]
    DockerConfig,
    /// As [`Credentials::DockerConfig`], from this file, which must exist.
    DockerConfigFile(PathBuf),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Anonymous => f.write_str("Anonymous"),
            Self::Basic { username, .. } => write!(f, "Basic({username}, redacted)"),
            Self::DockerConfig => f.write_str("DockerConfig"),
            Self::DockerConfigFile(path) => write!(f, "DockerConfigFile({})", path.display()),
        }
    }
}

impl Credentials {
    /// The authentication to use for `registry` (a host, with port when it has one).
    pub fn for_registry(&self, registry: &str) -> Result<RegistryAuth, RegistryError> {
        match self {
            Self::Anonymous => Ok(RegistryAuth::Anonymous),
            Self::Basic { username, password } => {
                Ok(RegistryAuth::Basic(username.clone(), password.clone()))
            }
            Self::DockerConfig => match default_config_path() {
                Some(path) if path.is_file() => from_config_file(&path, registry),
                _ => Ok(RegistryAuth::Anonymous),
            },
            Self::DockerConfigFile(path) => from_config_file(path, registry),
        }
    }
}

fn default_config_path() -> Option<PathBuf> {
    std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".docker")))
        .map(|dir| dir.join("config.json"))
}

fn from_config_file(path: &Path, registry: &str) -> Result<RegistryAuth, RegistryError> {
    let fail = |message: String| RegistryError::Credentials {
        file: path.display().to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    // Docker Hub's credentials are stored under its legacy index address.
    let server = if registry == "docker.io" || registry == "index.docker.io" {
        "https://index.docker.io/v1/"
    } else {
        registry
    };
    match docker_credential::get_credential_from_reader(std::io::BufReader::new(file), server) {
        Ok(DockerCredential::UsernamePassword(username, password)) => {
            Ok(RegistryAuth::Basic(username, password))
        }
        Ok(DockerCredential::IdentityToken(_)) => Err(fail(format!(
            "the entry for {registry} holds an identity token, which tollgate does not support; log in with a user name and password"
        ))),
        Err(CredentialRetrievalError::NoCredentialConfigured) => Ok(RegistryAuth::Anonymous),
        Err(error) => Err(fail(format!("entry for {registry}: {error}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_entries_give_basic_auth_and_missing_entries_anonymous() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        // "user:secret" in base64.
        std::fs::write(
            &path,
            r#"{"auths": {"127.0.0.1:5000": {"auth": "dXNlcjpzZWNyZXQ="}}}"#,
        )
        .unwrap();
        let credentials = Credentials::DockerConfigFile(path.clone());
        assert!(matches!(
            credentials.for_registry("127.0.0.1:5000").unwrap(),
            RegistryAuth::Basic(u, p) if u == "user" && p == "secret"
        ));
        assert!(matches!(
            credentials.for_registry("other.example").unwrap(),
            RegistryAuth::Anonymous
        ));
        std::fs::write(&path, "{not json").unwrap();
        let error = credentials.for_registry("127.0.0.1:5000").unwrap_err();
        assert!(error.to_string().contains("config.json"), "{error}");
    }
}
