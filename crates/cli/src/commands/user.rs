//! `bamho user add`: an account with a role and a scope; the password comes from standard input.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use bamho_domain::Role;
use bamho_store::{NewUser, StoreError};

use super::redact;

pub async fn add(
    db: &str,
    username: &str,
    role: &str,
    scope: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role).map_err(|e| anyhow::anyhow!("--role {role}: {e}"))?;
    bamho_web::access::check_scope(role, scope, bamho_web::clock::today())
        .map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    if username.trim().is_empty() || username.chars().any(char::is_whitespace) {
        bail!("--username: a username has no spaces");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    if password.chars().count() < 8 {
        bail!("the password must have at least 8 characters");
    }
    let store = bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {}", redact(db)))?;
    let user = NewUser {
        username: username.to_owned(),
        password_hash: bamho_web::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?,
        role: role.as_str().to_owned(),
        scope_code: scope.map(str::to_owned),
        created_at: bamho_web::clock::stamp(),
    };
    match store.add_user(&user).await {
        Ok(_) => {
            writeln!(std::io::stdout(), "added {username} ({})", role.as_str())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Conflict(message)) => bail!("{message}"),
        Err(e) => Err(e.into()),
    }
}
