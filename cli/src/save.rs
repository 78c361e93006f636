//! Keeps the tokens `auth exchange`, `refresh` and `postpone` obtain: a code is single-use and
//! postponing revokes the old refresh token, so tokens only printed (or masked) would be lost.

use crate::exit::{CliError, CliResult, FAILURE};
use open1688_core::TokenResponse;
use std::io::Write;
use std::path::Path;

/// The keys written, and the spellings of them that a config file may already use.
const KEYS: [(&str, &str); 2] = [
    ("access_token", "accessToken"),
    ("refresh_token", "refreshToken"),
];

/// Writes the new tokens into the config file at `path` (TOML, or JSON like the reader decides),
/// keeping every other key (and, for TOML, comments). The file is replaced atomically (a temp
/// file in the same directory, then rename) and created with mode 0600.
pub fn tokens(path: &Path, tokens: &TokenResponse) -> CliResult {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        CliError::new(
            FAILURE,
            format!(
                "could not save the tokens to {}: {what}: {e}",
                path.display()
            ),
        )
        .hint("the tokens were NOT saved; run again with --no-save to print them instead")
    };
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(fail("read", &e)),
    };
    let values = [
        Some(tokens.access_token.expose()),
        tokens.refresh_token.as_ref().map(|t| t.expose()),
    ];
    let json = path.extension().is_some_and(|e| e == "json") || old.trim_start().starts_with('{');
    let new = if json {
        let mut map: serde_json::Map<String, serde_json::Value> = if old.trim().is_empty() {
            serde_json::Map::new()
        } else {
            serde_json::from_str(&old).map_err(|e| fail("parse", &e))?
        };
        for ((key, alias), value) in KEYS.iter().zip(values) {
            if let Some(value) = value {
                map.remove(*alias);
                map.insert((*key).into(), value.into());
            }
        }
        serde_json::to_string_pretty(&map).map_err(|e| fail("encode", &e))? + "\n"
    } else {
        let mut doc: toml_edit::DocumentMut = old
            .parse()
            .map_err(|e: toml_edit::TomlError| fail("parse", &e.message()))?;
        for ((key, alias), value) in KEYS.iter().zip(values) {
            if let Some(value) = value {
                doc.remove(alias);
                doc[*key] = toml_edit::value(value);
            }
        }
        doc.to_string()
    };
    write_private(path, new.as_bytes()).map_err(|e| fail("write", &e))
}

/// Replaces `path` with `content` atomically, readable by the owner only.
fn write_private(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&temp).and_then(|mut file| {
        file.write_all(content)?;
        file.sync_all()
    });
    let result = result.and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(access: &str, refresh: Option<&str>) -> TokenResponse {
        let mut v = serde_json::json!({ "access_token": access });
        if let Some(r) = refresh {
            v["refresh_token"] = r.into();
        }
        serde_json::from_value(v).unwrap()
    }

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("open1688-save-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("sub").join(name)
    }

    #[test]
    fn toml_keeps_other_keys_and_comments_and_replaces_aliases() {
        let path = temp("config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "# mine\napp_key = \"1\"\naccessToken = \"old\"\n").unwrap();
        tokens(&path, &response("AT-2", Some("RT-2"))).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# mine") && text.contains("app_key = \"1\""),
            "{text}"
        );
        assert!(
            !text.contains("old") && !text.contains("accessToken"),
            "{text}"
        );
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(table["access_token"].as_str(), Some("AT-2"));
        assert_eq!(table["refresh_token"].as_str(), Some("RT-2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temp file left behind.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn json_is_created_and_a_missing_refresh_token_keeps_the_old_one() {
        let path = temp("config.json");
        tokens(&path, &response("AT-1", Some("RT-1"))).unwrap();
        tokens(&path, &response("AT-3", None)).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["access_token"], "AT-3");
        assert_eq!(v["refresh_token"], "RT-1");
    }

    #[test]
    fn an_unparsable_file_is_left_alone_and_the_error_says_so() {
        let path = temp("broken.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "app_key = \n").unwrap();
        let e = tokens(&path, &response("AT-SECRET-9", None)).unwrap_err();
        assert!(e.to_string().contains("NOT saved"), "{e}");
        assert!(!e.to_string().contains("AT-SECRET-9"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "app_key = \n");
    }
}
