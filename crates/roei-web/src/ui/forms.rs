//! Form errors kept beside their fields.

use roei_domain::DomainError;

/// The errors of one form post, each naming its field (the `name` of the control).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// The first error of `field` (what the template shows beside it).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether `field` has an error (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A use case's validation error, placed beside the field it names (`map` turns the
    /// domain's field path into the form's control name).
    pub fn from_domain(e: &DomainError, map: impl Fn(&str) -> String) -> Option<Self> {
        match e {
            DomainError::Invalid { field, problem } => {
                let mut errs = Self::default();
                errs.add(map(field), problem.clone());
                Some(errs)
            }
            DomainError::Incomplete(missing) => {
                let mut errs = Self::default();
                for m in missing {
                    errs.add(map(&m.field), m.label_ja.clone());
                }
                Some(errs)
            }
            _ => None,
        }
    }
}
