//! Built-in and imported checklist templates: listing, validating and importing.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::audit;
use crate::checklist::builtin;
use crate::checklist::input_file::WorkspaceFiles;
use crate::checklist::located::{self, ReadFailure};
use crate::checklist::template::{self, Template, TemplateOrigin, TemplateSummary};
use crate::domain::Environment;
use crate::error::{Error, InvalidInput, Result, TemplateError};

use super::Workspace;

impl Workspace {
    /// Built-in templates, then imported ones (newest version of each).
    pub fn templates(&self) -> Result<Vec<Template>> {
        let mut all: Vec<Template> = builtin::templates()?.to_vec();
        let mut stmt = self.store.conn().prepare(
            "SELECT t.template_id, t.body FROM imported_templates t
             WHERE t.version = (SELECT MAX(version) FROM imported_templates WHERE template_id = t.template_id)
             ORDER BY t.template_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, body) = row?;
            all.push(template::parse_stored(
                &format!("imported template {id}"),
                &body,
            )?);
        }
        Ok(all)
    }

    pub fn template_summaries(&self) -> Result<Vec<TemplateSummary>> {
        Ok(self.templates()?.iter().map(Template::summary).collect())
    }

    pub fn template(&self, id: &str) -> Result<Template> {
        self.templates()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::not_found("template", id))
    }

    /// Validates a template file without importing it.
    pub fn validate_template_file(path: &Path) -> Result<Template> {
        let text = read_template_file(path, None)?;
        Ok(template::parse(
            &path.display().to_string(),
            &text,
            TemplateOrigin::Imported,
        )?)
    }

    /// Imports a user's template. Importing identical content again changes nothing; new content needs a new version.
    pub fn import_template(&mut self, path: &Path) -> Result<TemplateSummary> {
        let body = read_template_file(path, Some(&self.workspace_files()))?;
        let parsed = template::parse(&path.display().to_string(), &body, TemplateOrigin::Imported)?;
        if builtin::templates()?.iter().any(|t| t.id == parsed.id) {
            return Err(InvalidInput::coded(
                "template_id_taken",
                "id",
                format!(
                    "'{}' is a built-in template id; give your template its own id",
                    parsed.id
                ),
            )
            .into());
        }
        let (at, actor) = (self.now(), self.actor.clone());
        self.audited_at(&at, &actor, |tx| {
            let existing: Option<String> = tx
                .query_row(
                    "SELECT sha256 FROM imported_templates WHERE template_id = ?1 AND version = ?2",
                    params![parsed.id, parsed.version],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(sha) if sha == parsed.sha256 => return Ok(()),
                Some(_) => {
                    return Err(InvalidInput::coded(
                        "template_version_exists",
                        "version",
                        format!(
                            "{} version {} was already imported with different content; bump version to import a change",
                            parsed.id, parsed.version
                        ),
                    )
                    .into())
                }
                None => {}
            }
            tx.execute(
                "INSERT INTO imported_templates (template_id, version, name, body, sha256, environment, imported_at, imported_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'sandbox', ?6, ?7)",
                params![parsed.id, parsed.version, parsed.name, body, parsed.sha256, at, actor],
            )?;
            tx.record(Environment::Sandbox, None, audit::Action::TemplateImported, &format!("template:{}@{}", parsed.id, parsed.version), json!({ "sha256": parsed.sha256, "items": parsed.summary().items }))?;
            Ok(())
        })?;
        Ok(parsed.summary())
    }
}

/// Reads a template file; never one of `own` (the open workspace's files).
pub(super) fn read_template_file(path: &Path, own: Option<&WorkspaceFiles>) -> Result<String> {
    let file = path.display().to_string();
    located::read_text_file(path, template::MAX_TEMPLATE_BYTES, "templates", own).map_err(
        |failure| match failure {
            ReadFailure::Unreadable(source) => TemplateError::Unreadable { file, source }.into(),
            ReadFailure::Invalid(problem) => TemplateError::Invalid {
                file,
                problems: vec![problem],
            }
            .into(),
            ReadFailure::Refused(refused) => refused.into(),
        },
    )
}
